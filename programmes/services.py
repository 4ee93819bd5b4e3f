"""Writes to initiatives, their studies, plans, targets and indicator measurements: every
path (admin, workspace, upload, API, commands) goes through these functions, each inside a
change set (common.history) so the history says who changed what, and when.

Permission to reach a record is the caller's to check (programmes.permissions); the rules
that hold whoever writes are here: an agency editor's initiative is their agency's, in a
cluster of their agency or a published one; a measurement's unit is the catalogue's; a
document is of an allowed type and within the size cap.
"""

import contextlib
import os
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.accounts import editor_agency_id
from clusters.choices import PublicationStatus as Status
from clusters.services import StaleEdit, check_version, unique_slug
from common.history import change_set, current_change_set
from common.permissions import is_curator
from common.text import collapse_spaces

from .models import (
    DiagnosticStudy,
    Indicator,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    InitiativeReview,
    PlanActivity,
    StudyDocument,
)
from .years import format_year, parse_year

__all__ = ["StaleEdit"]

Action = InitiativeReview.Action
# An action refused from the status the initiative is in: one sentence for each action, the
# status (its label) the only word put in (%(status)s).
REFUSALS = {
    Action.SUBMITTED: gettext_lazy("A %(status)s initiative cannot be submitted for review."),
    Action.APPROVED: gettext_lazy("A %(status)s initiative cannot be approved and published."),
    Action.REJECTED: gettext_lazy("A %(status)s initiative cannot be returned to draft."),
    Action.ARCHIVED: gettext_lazy("A %(status)s initiative cannot be archived."),
    Action.RESTORED: gettext_lazy("A %(status)s initiative cannot be restored to draft."),
}

# The fields of an initiative a form, an import or a revision may set.
INITIATIVE_FIELDS = (
    "cluster",
    "scheme",
    "title",
    "agency",
    "development_agent_name",
    "development_agent",
    "started_on",
    "ended_on",
    "stage",
    "budget",
    "sanctioned_amount",
    "released_amount",
    "currency",
    "description",
    "source",
)
ACTIVITY_FIELDS = (
    "title",
    "horizon",
    "intervention",
    "activity_type",
    "status",
    "cost",
    "currency",
    "due_on",
    "notes",
    "position",
)
TARGET_FIELDS = (
    "baseline_year",
    "baseline_fiscal",
    "baseline_value",
    "target_year",
    "target_fiscal",
    "target_value",
    "source",
    "estimated",
)
STUDY_FIELDS = (*DiagnosticStudy.SECTIONS, "completed_on", "prepared_by")


def changes_by(user, reason):
    """Return the change set a write runs in: `user`'s with `reason`, or the one in force
    when the caller opened one already and names no other user."""
    current = current_change_set()
    if current is not None and (user is None or current.user == user):
        return contextlib.nullcontext(current)
    return change_set(user=user, reason=reason)


def _is_editor(user):
    """Return whether `user` acts as an agency editor (not a curator, not an operator)."""
    return user is not None and getattr(user, "is_authenticated", False) and not is_curator(user)


def _money(value, label):
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(label)s must be a whole amount.") % {"label": label}) from None
    if value < 0:
        raise ValidationError(_("%(label)s cannot be negative.") % {"label": label})
    return value


def _check_amounts(initiative):
    """Refuse released > sanctioned, which no scheme allows."""
    for name in ("budget", "sanctioned_amount", "released_amount"):
        setattr(initiative, name, _money(getattr(initiative, name), name))
    sanctioned, released = initiative.sanctioned_amount, initiative.released_amount
    if sanctioned is not None and released is not None and released > sanctioned:
        raise ValidationError(
            {"released_amount": _("More cannot be released than was sanctioned.")}
        )
    initiative.currency = (initiative.currency or "INR").upper()


def _check_agency_rule(user, initiative, *, creating):
    """An agency editor's initiative is their agency's, in a cluster of their agency or a
    published cluster."""
    if not _is_editor(user):
        return
    agency_id = editor_agency_id(user)
    if agency_id is None:
        raise PermissionDenied(_("Only an agency editor or a curator can record initiatives."))
    if creating:
        initiative.agency_id = agency_id
    elif initiative.agency_id != agency_id:
        raise PermissionDenied(_("This initiative belongs to another agency."))
    cluster = initiative.cluster
    if cluster.agency_id != agency_id and cluster.status != Status.PUBLISHED:
        raise ValidationError(
            {"cluster": _("Choose a published cluster or one of your agency's clusters.")}
        )


def _clean_initiative(initiative):
    initiative.title = collapse_spaces(initiative.title)
    initiative.development_agent_name = collapse_spaces(initiative.development_agent_name)
    if initiative.development_agent_id and not initiative.development_agent_name:
        initiative.development_agent_name = initiative.development_agent.name
    _check_amounts(initiative)
    initiative.full_clean(exclude=["slug"] if not initiative.slug else None)


# Initiatives -------------------------------------------------------------------------------


@transaction.atomic
def initiative_create(*, user=None, cluster, scheme, title, agency=None, **fields):
    """Create an initiative as a draft; return it.

    An agency editor's is their agency's whatever `agency` says, and must be in a cluster of
    their agency or a published one; a curator or an operator names the agency (the
    cluster's by default).
    """
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown initiative fields: {sorted(unknown)}")
    initiative = Initiative(
        cluster=cluster,
        scheme=scheme,
        title=title,
        agency=agency or cluster.agency,
        status=Status.DRAFT,
        **fields,
    )
    _check_agency_rule(user, initiative, creating=True)
    if initiative.agency_id is None:
        raise ValidationError({"agency": _("Name the implementing agency.")})
    _clean_initiative(initiative)
    initiative.slug = unique_slug(Initiative, f"{initiative.title} {cluster.place}")
    with changes_by(user, "initiative created"):
        initiative.save()
    return initiative


@transaction.atomic
def initiative_update(*, user=None, initiative, data, expected_version=None):
    """Set the fields in `data` on `initiative` at once; return whether anything changed.

    With `expected_version` (the version the form showed) a save over someone else's is
    refused with StaleEdit. An agency editor's change to a published initiative must be
    proposed instead (programmes.revisions.review_needed); this function refuses it.
    """
    check_version(
        model=Initiative,
        pk=initiative.pk,
        expected_version=expected_version,
        label=_("initiative"),
    )
    unknown = set(data) - set(INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown initiative fields: {sorted(unknown)}")
    if _is_editor(user) and initiative.status == Status.PUBLISHED:
        raise PermissionDenied(_("A change to a published initiative waits for a curator."))
    if _is_editor(user) and "agency" in data and data["agency"].pk != editor_agency_id(user):
        raise PermissionDenied(_("An initiative stays with its agency."))
    changed = [name for name, value in data.items() if getattr(initiative, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(initiative, name, data[name])
    _check_agency_rule(user, initiative, creating=False)
    _clean_initiative(initiative)
    initiative.version += 1
    with changes_by(user, "initiative changed"):
        initiative.save()
    return True


# action: (statuses it starts from, status it leads to), as clusters.workflow
TRANSITIONS = {
    Action.SUBMITTED: ({Status.DRAFT}, Status.SUBMITTED),
    Action.APPROVED: ({Status.SUBMITTED, Status.DRAFT}, Status.PUBLISHED),
    Action.REJECTED: ({Status.SUBMITTED, Status.PUBLISHED}, Status.DRAFT),
    Action.ARCHIVED: ({Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED}, Status.ARCHIVED),
    Action.RESTORED: ({Status.ARCHIVED}, Status.DRAFT),
}
CURATOR_ACTIONS = {Action.APPROVED, Action.REJECTED, Action.ARCHIVED, Action.RESTORED}


def available_actions(initiative, user=None):
    """Return the workflow actions possible from the initiative's status (for `user`: an
    editor only submits)."""
    actions = [
        action for action, (sources, _target) in TRANSITIONS.items() if initiative.status in sources
    ]
    if user is not None and not is_curator(user):
        actions = [action for action in actions if action not in CURATOR_ACTIONS]
    return actions


@transaction.atomic
def initiative_transition(*, initiative, action, user, comment=""):
    """Move `initiative` through the workflow by `action` (submit, publish, return,
    archive, restore), recording who did it and why. Publishing, returning, archiving and
    restoring are a curator's; returning needs a comment."""
    action = Action(action)
    if action in CURATOR_ACTIONS and not is_curator(user):
        raise PermissionDenied(_("Only a curator can publish, return or archive an initiative."))
    sources, target = TRANSITIONS[action]
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.status not in sources:
        raise ValidationError(
            str(REFUSALS[Action(action)]) % {"status": locked.get_status_display().lower()}
        )
    comment = (comment or "").strip()
    if action == Action.REJECTED and not comment:
        raise ValidationError({"comment": _("Say why the initiative is returned to draft.")})
    with changes_by(user, f"workflow: {action.label}"):
        locked.status = target
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated"])
    InitiativeReview.objects.create(initiative=locked, action=action, comment=comment, user=user)
    initiative.status, initiative.version = locked.status, locked.version
    return locked


def initiative_submit(*, initiative, user, comment=""):
    return initiative_transition(
        initiative=initiative, action=Action.SUBMITTED, user=user, comment=comment
    )


def initiative_publish(*, initiative, user, comment=""):
    return initiative_transition(
        initiative=initiative, action=Action.APPROVED, user=user, comment=comment
    )


def initiative_return(*, initiative, user, comment):
    return initiative_transition(
        initiative=initiative, action=Action.REJECTED, user=user, comment=comment
    )


def initiative_archive(*, initiative, user, comment=""):
    return initiative_transition(
        initiative=initiative, action=Action.ARCHIVED, user=user, comment=comment
    )


def deletable_initiatives(queryset):
    """Return the initiatives of `queryset` that may be deleted: drafts never published."""
    approved = InitiativeReview.objects.filter(initiative=OuterRef("pk"), action=Action.APPROVED)
    return queryset.filter(status=Status.DRAFT).exclude(Exists(approved))


@transaction.atomic
def initiative_delete(*, user=None, initiative):
    """Delete a draft never published; one that has been public is archived instead."""
    if not deletable_initiatives(Initiative.objects.filter(pk=initiative.pk)).exists():
        raise ValidationError(
            _(
                "Only a draft that was never published can be deleted; ask a curator to "
                "archive this initiative instead."
            ),
            code="not_deletable",
        )
    with changes_by(user, "initiative deleted"):
        for document in StudyDocument.objects.filter(study__initiative=initiative):
            _document_remove(document)
        initiative.delete()


def _refuse_published_edit(user, initiative):
    if _is_editor(user) and initiative.status == Status.PUBLISHED:
        raise PermissionDenied(_("A change to a published initiative waits for a curator."))


# The diagnostic study ------------------------------------------------------------------------


@transaction.atomic
def study_save(*, user=None, initiative, data, consulted=None):
    """Create or update the initiative's diagnostic study with the sections in `data`, and
    set the stakeholders consulted when `consulted` is given; return the study.

    A consulted stakeholder must belong to the initiative's cluster (the study's sample).
    """
    _refuse_published_edit(user, initiative)
    unknown = set(data) - set(STUDY_FIELDS)
    if unknown:
        raise TypeError(f"unknown study fields: {sorted(unknown)}")
    study = DiagnosticStudy.objects.filter(initiative=initiative).first()
    study = study or DiagnosticStudy(initiative=initiative)
    for name, value in data.items():
        setattr(study, name, value.strip() if isinstance(value, str) else value)
    study.full_clean()
    with changes_by(user, "diagnostic study saved"):
        study.save()
        if consulted is not None:
            consulted = list(consulted)
            check_members(initiative.cluster, consulted, "consulted")
            study.consulted.set(consulted)
    return study


def check_members(cluster, stakeholders, field):
    """Raise ValidationError on `field` unless every stakeholder belongs to `cluster`."""
    outside = [s for s in stakeholders if not s.memberships.filter(cluster=cluster).exists()]
    if outside:
        raise ValidationError(
            {
                field: _("%(names)s not a stakeholder of this cluster.")
                % {"names": ", ".join(str(s) for s in outside)}
            }
        )


# extension: (content types a browser or client may declare, how the content starts)
DOCUMENT_TYPES = {
    "pdf": ({"application/pdf"}, b"%PDF"),
    "docx": (
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        b"PK\x03\x04",
    ),
    "xlsx": (
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        b"PK\x03\x04",
    ),
    "odt": ({"application/vnd.oasis.opendocument.text"}, b"PK\x03\x04"),
    "csv": ({"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}, None),
    "txt": ({"text/plain"}, None),
}
# Declared by clients that do not know the type; the extension and content decide then.
GENERIC_TYPES = {"", "application/octet-stream"}


def document_check(*, file, max_bytes=None):
    """Return (extension, content type) of an uploaded document, or raise ValidationError:
    larger than the cap, not one of pdf/docx/xlsx/odt/csv/txt by its extension, declared
    as another content type, or not that kind of file by its content."""
    max_bytes = max_bytes or settings.REGISTRY_STUDY_DOCUMENT_MAX_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)s MB, the most a document may be.")
                % {"mb": max_bytes // 1_000_000}
            }
        )
    if file.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = os.path.splitext(file.name)[1].lower().lstrip(".")
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            {"file": _("Attach a PDF, DOCX, XLSX, ODT, CSV or TXT file.")}, code="type"
        )
    types, magic = DOCUMENT_TYPES[extension]
    declared = (getattr(file, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in types | GENERIC_TYPES:
        raise ValidationError(
            {
                "file": _("The file says it is %(type)s, not a .%(ext)s file.")
                % {"type": declared, "ext": extension}
            },
            code="type",
        )
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ValidationError(
            {"file": _("The file's content is not a .%(ext)s file.") % {"ext": extension}},
            code="type",
        )
    if magic is None and (b"\x00" in head or not _is_text(head)):
        raise ValidationError({"file": _("The file's content is not text.")}, code="type")
    return extension, sorted(types)[0] if declared in GENERIC_TYPES else declared


def _is_text(head):
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


@transaction.atomic
def study_document_add(*, user=None, study, title, file):
    """Attach an uploaded document to `study` after document_check; return it."""
    _refuse_published_edit(user, study.initiative)
    _extension, content_type = document_check(file=file)
    title = collapse_spaces(title) or os.path.basename(file.name)
    document = StudyDocument(
        study=study,
        title=title,
        content_type=content_type,
        size=file.size,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    document.file.save(os.path.basename(file.name), file, save=False)
    try:
        document.full_clean()
        with changes_by(user, "study document added"):
            document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def _document_remove(document):
    name = document.file.name
    storage = document.file.storage
    transaction.on_commit(lambda: storage.delete(name) if name else None)


@transaction.atomic
def study_document_delete(*, user=None, document):
    """Delete a study document and, once committed, its file."""
    _refuse_published_edit(user, document.study.initiative)
    with changes_by(user, "study document deleted"):
        _document_remove(document)
        document.delete()


# The action plan -------------------------------------------------------------------------------


@transaction.atomic
def activity_save(*, user=None, initiative, activity=None, data, responsible=None):
    """Create (activity None) or update an activity of the initiative's action plan with
    the fields in `data`; set its responsible stakeholders when given (stakeholders of the
    cluster). Return the activity."""
    _refuse_published_edit(user, initiative)
    unknown = set(data) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity fields: {sorted(unknown)}")
    if activity is None:
        activity = PlanActivity(initiative=initiative)
        if "position" not in data:
            last = initiative.activities.order_by("-position").values_list("position", flat=True)
            activity.position = (last.first() or 0) + 1
    elif activity.initiative_id != initiative.pk:
        raise ValidationError(_("This activity belongs to another initiative."))
    for name, value in data.items():
        setattr(activity, name, value)
    activity.title = collapse_spaces(activity.title)
    activity.cost = _money(activity.cost, _("The cost"))
    activity.currency = (activity.currency or "INR").upper()
    activity.full_clean()
    with changes_by(user, "plan activity saved"):
        activity.save()
        if responsible is not None:
            responsible = list(responsible)
            check_members(initiative.cluster, responsible, "responsible")
            activity.responsible.set(responsible)
    return activity


@transaction.atomic
def activity_delete(*, user=None, activity):
    _refuse_published_edit(user, activity.initiative)
    with changes_by(user, "plan activity deleted"):
        activity.delete()


# Indicator targets ---------------------------------------------------------------------------


def _decimal(value, field):
    if value in (None, ""):
        return None
    try:
        value = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(
            {field: _("'%(value)s' is not a number.") % {"value": value}}
        ) from None
    if not value.is_finite():
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": value}})
    return value


def _year_fields(data, name):
    """Accept '2023-24' (or 2023) in data[name + '_year'], setting the fiscal flag from it."""
    key = f"{name}_year"
    if key in data and isinstance(data[key], str):
        try:
            data[key], fiscal = parse_year(data[key])
        except ValidationError as exc:
            raise ValidationError({key: exc.messages[0]}) from None
        data.setdefault(f"{name}_fiscal", fiscal)


@transaction.atomic
def target_save(*, user=None, initiative, indicator, data):
    """Set the initiative's baseline and target for `indicator` (one per indicator);
    return the target. Years may be given as text ('2023' or '2023-24')."""
    _refuse_published_edit(user, initiative)
    data = dict(data)
    unknown = set(data) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    _year_fields(data, "baseline")
    _year_fields(data, "target")
    for field in ("baseline_value", "target_value"):
        if field in data:
            data[field] = _decimal(data[field], field)
    target = IndicatorTarget.objects.filter(initiative=initiative, indicator=indicator).first()
    target = target or IndicatorTarget(initiative=initiative, indicator=indicator)
    for name, value in data.items():
        setattr(target, name, value)
    if target.baseline_value is None and target.target_value is None:
        raise ValidationError(_("Give a baseline, a target or both."))
    if (
        target.baseline_year is not None
        and target.target_year is not None
        and target.target_year < target.baseline_year
    ):
        raise ValidationError({"target_year": _("The target cannot come before the baseline.")})
    target.full_clean()
    with changes_by(user, "indicator target saved"):
        target.save()
    return target


@transaction.atomic
def target_delete(*, user=None, target):
    _refuse_published_edit(user, target.initiative)
    with changes_by(user, "indicator target deleted"):
        target.delete()


# Indicator measurements --------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def is_catalogue_unit(indicator, unit):
    """Return whether `unit` is `indicator`'s catalogue unit: blank, or the same words
    whatever their case and spacing."""
    unit = collapse_spaces(unit or "")
    return not unit or unit.casefold() == collapse_spaces(indicator.unit or "").casefold()


def measurement_unit(indicator, unit):
    """Return the unit to store for a measurement of `indicator` ('' is the catalogue's);
    raise ValidationError (on `unit`) for another unit than the catalogue's."""
    if is_catalogue_unit(indicator, unit):
        return ""
    unit = collapse_spaces(unit)
    raise ValidationError(
        {
            "unit": _("%(indicator)s is measured in %(unit)s, not %(given)s.")
            % {"indicator": indicator.slug, "unit": indicator.unit, "given": unit}
        }
    )


# Units whose values may be below zero: a change in per cent (a cost reduction of -2.5 per
# cent means costs rose). Counts, amounts and the rest are 0 or more.
SIGNED_UNITS = frozenset({"per cent", "percent", "%"})


def value_may_be_negative(indicator):
    """Return whether a measurement of `indicator` may be below zero (a change in per cent)."""
    return collapse_spaces(indicator.unit or "").lower() in SIGNED_UNITS


def measurement_values(*, indicator, year, value, unit="", source="", estimated=False):
    """Return the cleaned values of a measurement as a dict, or raise ValidationError (with
    the field that is wrong): year '2023' or '2023-24', value a number, the catalogue unit."""
    if isinstance(year, int):
        first, fiscal = year, False
    else:
        try:
            first, fiscal = parse_year(year)
        except ValidationError as exc:
            raise ValidationError({"year": exc.messages[0]}) from None
    if first is None:
        raise ValidationError({"year": _("the year is missing")})
    number = _decimal(value, "value")
    if number is None:
        raise ValidationError({"value": _("the value is missing")})
    if number < 0 and not value_may_be_negative(indicator):
        raise ValidationError({"value": _("an indicator's value cannot be negative")})
    return {
        "year": first,
        "fiscal": fiscal,
        "value": number,
        "unit": measurement_unit(indicator, unit),
        "source": collapse_spaces(source or ""),
        "estimated": bool(estimated),
    }


@transaction.atomic
def measurement_record(
    *,
    user=None,
    cluster,
    indicator,
    year,
    value,
    unit="",
    source="",
    estimated=False,
    initiative=None,
):
    """Record the value of `indicator` in `cluster` for `year` (one per cluster, indicator
    and year: a second record of the same year updates it). Return (measurement, outcome)
    where outcome is CREATED, UPDATED or UNCHANGED (what an import counts)."""
    if indicator.computed_from:
        raise ValidationError(
            {
                "indicator": _(
                    "%(indicator)s is computed from the registry's own data; record the "
                    "networks, institutions or BDS providers instead."
                )
                % {"indicator": indicator.slug}
            }
        )
    if initiative is not None and initiative.cluster_id != cluster.pk:
        raise ValidationError({"initiative": _("The initiative is in another cluster.")})
    values = measurement_values(
        indicator=indicator,
        year=year,
        value=value,
        unit=unit,
        source=source,
        estimated=estimated,
    )
    measurement = (
        IndicatorMeasurement.objects.select_for_update()
        .filter(cluster=cluster, indicator=indicator, year=values["year"])
        .first()
    )
    outcome = UPDATED
    if measurement is None:
        measurement = IndicatorMeasurement(cluster=cluster, indicator=indicator)
        outcome = CREATED
    else:
        stored = {name: getattr(measurement, name) for name in values}
        if stored == values and (initiative is None or measurement.initiative_id == initiative.pk):
            return measurement, UNCHANGED
    for name, field_value in values.items():
        setattr(measurement, name, field_value)
    if initiative is not None:
        measurement.initiative = initiative
    measurement.full_clean(validate_constraints=False)
    with changes_by(user, "indicator measurement recorded"):
        measurement.save()
    return measurement, outcome


@transaction.atomic
def measurement_delete(*, user=None, measurement):
    with changes_by(user, "indicator measurement deleted"):
        measurement.delete()


def indicator_by_slug(slug):
    """Return the catalogue entry `slug` names; raise ValidationError for an unknown one."""
    indicator = Indicator.objects.filter(slug=(slug or "").strip().lower()).first()
    if indicator is None:
        raise ValidationError(
            {"indicator": _("'%(slug)s' is not in the indicator catalogue.") % {"slug": slug}}
        )
    return indicator


def year_label(year, fiscal):
    """Return a stored year as read: 2023 or 2023-24."""
    return format_year(year, fiscal)


@transaction.atomic
def measurement_save(*, user=None, measurement):
    """Validate and save a measurement edited as a whole (the admin's form): the catalogue
    unit, not a computed indicator, one per cluster, indicator and year."""
    indicator = measurement.indicator
    if indicator.computed_from:
        raise ValidationError(
            {
                "indicator": _("%(indicator)s is computed from the registry's own data.")
                % {"indicator": indicator.slug}
            }
        )
    measurement.unit = measurement_unit(indicator, measurement.unit)
    measurement.source = collapse_spaces(measurement.source or "")
    if measurement.initiative_id and measurement.initiative.cluster_id != measurement.cluster_id:
        raise ValidationError({"initiative": _("The initiative is in another cluster.")})
    measurement.full_clean()
    with changes_by(user, "indicator measurement saved"):
        measurement.save()
    return measurement
