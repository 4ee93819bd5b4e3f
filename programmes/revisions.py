"""Proposed revisions of published initiatives (as clusters.revisions for clusters).

An agency editor's change to a PUBLISHED initiative, its study, plan or targets waits for
a curator: every write path asks `review_needed` and, where it is true, turns the change
into plain data and calls `revision_propose` instead of the services. The public keeps the
reviewed values; `revision_approve` applies the change through the same services, in one
change set that names the proposer and the approver. Curators' own edits apply at once.

`changes` (InitiativeRevision.changes) holds:
  "fields": {name: value}                  initiative fields (foreign keys as ids)
  "study": {section: text, "consulted": [stakeholder ids]}
  "activities": [{"id": id or None, "remove": bool, field: value..., "responsible": [ids]}]
  "targets": [{"indicator": slug, "remove": bool, field: value...}]
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.choices import PublicationStatus
from clusters.models import Agency, Cluster
from common.history import change_set
from common.permissions import is_curator
from stakeholders.models import Stakeholder

from . import services
from .models import (
    DiagnosticStudy,
    Indicator,
    IndicatorTarget,
    Initiative,
    InitiativeRevision,
    PlanActivity,
    Scheme,
)

State = InitiativeRevision.State
FOREIGN_KEYS = {
    "cluster": Cluster,
    "scheme": Scheme,
    "agency": Agency,
    "development_agent": Stakeholder,
}
DATE_FIELDS = {"started_on", "ended_on", "completed_on", "due_on"}
DECIMAL_FIELDS = {"baseline_value", "target_value"}
# What an editor may not propose: where the initiative belongs and who carries it out.
FIXED_FIELDS = {"agency"}


def review_needed(*, user, initiative):
    """Return whether `user`'s change to `initiative` must wait for a curator: an agency
    editor's change to a published initiative. Operators and curators write at once."""
    if user is None or not getattr(user, "is_authenticated", False) or is_curator(user):
        return False
    return initiative.pk is not None and initiative.status == PublicationStatus.PUBLISHED


# Plain data ----------------------------------------------------------------------------------


def encode(name, value):
    """Return a value as JSON data (foreign keys as ids, dates as ISO text, decimals as text)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def decode(name, value):
    """Return a field's value from its data (the inverse of encode)."""
    if value in (None, ""):
        return None if name in FOREIGN_KEYS or name in DATE_FIELDS else value
    if name in FOREIGN_KEYS:
        return FOREIGN_KEYS[name].objects.get(pk=value)
    if name in DATE_FIELDS and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if name in DECIMAL_FIELDS:
        return Decimal(value)
    return value


def field_changes(*, initiative, data):
    """Return {name: value as data} for the initiative fields of `data` that differ."""
    changes = {}
    for name, value in data.items():
        if name in FIXED_FIELDS:
            continue
        current = (
            getattr(initiative, f"{name}_id") if name in FOREIGN_KEYS else getattr(initiative, name)
        )
        if encode(name, current) != encode(name, value):
            changes[name] = encode(name, value)
    return changes


def study_changes(*, initiative, data, consulted=None):
    """Return the study sections of `data` (and the consulted stakeholders) that differ."""
    study = DiagnosticStudy.objects.filter(initiative=initiative).first()
    changes = {}
    for name, value in data.items():
        current = getattr(study, name) if study else None
        if encode(name, current) != encode(name, value) and not (current is None and value == ""):
            changes[name] = encode(name, value)
    if consulted is not None:
        wanted = sorted(s.pk for s in consulted)
        current = sorted(study.consulted.values_list("pk", flat=True)) if study else []
        if wanted != current:
            changes["consulted"] = wanted
    return changes


def activity_change(*, activity=None, data, responsible=None, remove=False):
    """Return one entry of "activities": a new activity (activity None), a change or a removal."""
    entry = {"id": activity.pk if activity else None, "remove": bool(remove)}
    if not remove:
        entry.update({name: encode(name, value) for name, value in data.items()})
        if responsible is not None:
            entry["responsible"] = sorted(s.pk for s in responsible)
    return entry


def target_change(*, indicator, data=None, remove=False):
    """Return one entry of "targets": the indicator's baseline and target, or its removal."""
    entry = {"indicator": indicator.slug, "remove": bool(remove)}
    if not remove:
        entry.update({name: encode(name, value) for name, value in (data or {}).items()})
    return entry


def _merge_list(old, new, key):
    merged = {key(entry): entry for entry in old}
    for entry in new:
        if entry.get("id", True) is None:  # a new activity: always its own entry
            merged[("new", len(merged))] = entry
        else:
            merged[key(entry)] = {**merged.get(key(entry), {}), **entry}
    return list(merged.values())


def merge_changes(old, new):
    """Return the changes `old` amended by `new` (a later value wins)."""
    merged = {
        "fields": {**old.get("fields", {}), **new.get("fields", {})},
        "study": {**old.get("study", {}), **new.get("study", {})},
        "activities": _merge_list(
            old.get("activities", []), new.get("activities", []), lambda e: ("id", e.get("id"))
        ),
        "targets": _merge_list(
            old.get("targets", []), new.get("targets", []), lambda e: e["indicator"]
        ),
    }
    return {name: value for name, value in merged.items() if value}


def is_empty(changes):
    return not any(changes.get(name) for name in ("fields", "study", "activities", "targets"))


# Propose, withdraw, return, approve ------------------------------------------------------------


def pending_revision(*, user, initiative):
    """Return `user`'s pending revision of `initiative`, or None."""
    return InitiativeRevision.objects.filter(
        initiative=initiative, proposed_by=user, state=State.PENDING
    ).first()


@transaction.atomic
def revision_propose(*, user, initiative, changes, replace=()):
    """Keep `changes` to `initiative` by `user` as a pending revision, amending the one the
    user has pending; return it (None when nothing changes). Sections named in `replace`
    take the place of the pending ones. A revision left with nothing is withdrawn."""
    if changes.get("fields", {}).keys() & FIXED_FIELDS:
        raise PermissionDenied(_("An initiative stays with its agency."))
    changes = {name: value for name, value in changes.items() if value}
    revision = (
        InitiativeRevision.objects.select_for_update()
        .filter(initiative=initiative, proposed_by=user, state=State.PENDING)
        .first()
    )
    if revision is None:
        if is_empty(changes):
            return None
        revision = InitiativeRevision(
            initiative=initiative, proposed_by=user, changes={}, base_version=initiative.version
        )
    kept = {name: value for name, value in revision.changes.items() if name not in replace}
    revision.changes = merge_changes(kept, changes)
    if revision.pk is not None and is_empty(revision.changes):
        revision.state = State.WITHDRAWN
    revision.full_clean(exclude=["changes"], validate_constraints=False)
    revision.save()
    return revision


@transaction.atomic
def revision_withdraw(*, user, revision):
    """Withdraw `user`'s own pending revision."""
    if revision.proposed_by_id != user.pk:
        raise PermissionDenied(_("Only its author can withdraw a proposed change."))
    _require_pending(revision)
    revision.state = State.WITHDRAWN
    revision.save(update_fields=["state", "updated"])
    return revision


@transaction.atomic
def revision_return(*, curator, revision, comment):
    """Return a pending revision to its author with the curator's `comment` (required)."""
    _require_curator(curator)
    _require_pending(revision)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why the change is returned.")})
    revision.state, revision.comment = State.RETURNED, comment
    revision.reviewed_by, revision.reviewed = curator, timezone.now()
    revision.save(update_fields=["state", "comment", "reviewed_by", "reviewed", "updated"])
    return revision


def _decoded(entry, names):
    return {name: decode(name, entry[name]) for name in names if name in entry}


def _stakeholders(ids):
    return list(Stakeholder.objects.filter(pk__in=ids or []))


@transaction.atomic
def revision_approve(*, curator, revision, comment=""):
    """Apply a pending revision through the services in one change set naming who proposed
    and who approved it; return the revision. Values already the initiative's change nothing."""
    _require_curator(curator)
    revision = InitiativeRevision.objects.select_for_update().get(pk=revision.pk)
    _require_pending(revision)
    initiative = Initiative.objects.select_for_update().get(pk=revision.initiative_id)
    changes = revision.changes
    reason = _("revision #%(id)s proposed by %(author)s, approved by %(curator)s") % {
        "id": revision.pk,
        "author": revision.proposed_by.get_username(),
        "curator": curator.get_username(),
    }
    with change_set(user=curator, reason=reason):
        if changes.get("fields"):
            services.initiative_update(
                user=curator,
                initiative=initiative,
                data=_decoded(changes["fields"], services.INITIATIVE_FIELDS),
            )
        study = changes.get("study")
        if study:
            services.study_save(
                user=curator,
                initiative=initiative,
                data=_decoded(study, services.STUDY_FIELDS),
                consulted=_stakeholders(study["consulted"]) if "consulted" in study else None,
            )
        for entry in changes.get("activities", []):
            activity = (
                PlanActivity.objects.filter(pk=entry["id"], initiative=initiative).first()
                if entry.get("id")
                else None
            )
            if entry.get("id") and activity is None:
                continue  # removed since: nothing left to change
            if entry.get("remove"):
                services.activity_delete(user=curator, activity=activity)
                continue
            services.activity_save(
                user=curator,
                initiative=initiative,
                activity=activity,
                data=_decoded(entry, services.ACTIVITY_FIELDS),
                responsible=_stakeholders(entry["responsible"]) if "responsible" in entry else None,
            )
        for entry in changes.get("targets", []):
            indicator = Indicator.objects.get(slug=entry["indicator"])
            if entry.get("remove"):
                target = IndicatorTarget.objects.filter(
                    initiative=initiative, indicator=indicator
                ).first()
                if target is not None:
                    services.target_delete(user=curator, target=target)
                continue
            services.target_save(
                user=curator,
                initiative=initiative,
                indicator=indicator,
                data=_decoded(entry, services.TARGET_FIELDS),
            )
    revision.state, revision.comment = State.APPROVED, (comment or "").strip()
    revision.reviewed_by, revision.reviewed = curator, timezone.now()
    revision.save(update_fields=["state", "comment", "reviewed_by", "reviewed", "updated"])
    return revision


def _require_curator(user):
    if not is_curator(user):
        raise PermissionDenied(_("Only a curator can review proposed changes."))


def _require_pending(revision):
    if revision.state != State.PENDING:
        raise ValidationError(
            _("This change is %(state)s already.") % {"state": revision.get_state_display()}
        )


# Reads ---------------------------------------------------------------------------------------


def pending_revisions():
    """Return the pending revisions, oldest first, with their initiative and author."""
    return (
        InitiativeRevision.objects.filter(state=State.PENDING)
        .select_related("initiative", "initiative__cluster", "initiative__agency", "proposed_by")
        .order_by("updated", "pk")
    )


def revisions_of(initiative):
    """Return the revisions of `initiative`, newest first."""
    return initiative.revisions.select_related("proposed_by", "reviewed_by").order_by(
        "-updated", "-pk"
    )


def is_stale(revision, initiative=None):
    """Return whether the initiative changed since the revision was made."""
    initiative = initiative or revision.initiative
    return revision.base_version != initiative.version


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _show(model, name, value):
    if value in (None, "", []):
        return "—"
    if name in FOREIGN_KEYS:
        obj = FOREIGN_KEYS[name].objects.filter(pk=value).first()
        return str(obj) if obj else "—"
    if name in ("consulted", "responsible"):
        return ", ".join(str(s) for s in _stakeholders(value)) or "—"
    field = model._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def revision_diff(revision, initiative=None):
    """Return the revision's changes against the values now, for a curator to review:
    {"fields": [(label, old, new)], "study": [(label, old, new)], "activities": [(title,
    what)], "targets": [(indicator, what)], "stale": bool}."""
    initiative = initiative or revision.initiative
    changes = revision.changes
    fields = []
    for name, new in changes.get("fields", {}).items():
        current = encode(name, getattr(initiative, name))
        if current != new:
            fields.append(
                (
                    _label(Initiative, name),
                    _show(Initiative, name, current),
                    _show(Initiative, name, new),
                )
            )
    study_rows = []
    study = DiagnosticStudy.objects.filter(initiative=initiative).first()
    for name, new in changes.get("study", {}).items():
        if name == "consulted":
            current = sorted(study.consulted.values_list("pk", flat=True)) if study else []
        else:
            current = encode(name, getattr(study, name)) if study else None
        if current != new:
            study_rows.append(
                (
                    _label(DiagnosticStudy, name),
                    _show(DiagnosticStudy, name, current),
                    _show(DiagnosticStudy, name, new),
                )
            )
    activities = []
    for entry in changes.get("activities", []):
        existing = (
            PlanActivity.objects.filter(pk=entry.get("id")).first() if entry.get("id") else None
        )
        title = entry.get("title") or (existing.title if existing else "—")
        if entry.get("remove"):
            activities.append((title, _("removed")))
        elif existing is None:
            activities.append((title, _("added")))
        else:
            changed = [
                _label(PlanActivity, name)
                for name in services.ACTIVITY_FIELDS
                if name in entry and encode(name, getattr(existing, name)) != entry[name]
            ]
            if "responsible" in entry:
                changed.append(_label(PlanActivity, "responsible"))
            activities.append((title, _("changed: %(what)s") % {"what": ", ".join(changed)}))
    targets = []
    for entry in changes.get("targets", []):
        indicator = Indicator.objects.filter(slug=entry["indicator"]).first()
        name = str(indicator) if indicator else entry["indicator"]
        if entry.get("remove"):
            targets.append((name, _("removed")))
        else:
            targets.append(
                (
                    name,
                    _("baseline %(baseline)s, target %(target)s")
                    % {
                        "baseline": entry.get("baseline_value", "—"),
                        "target": entry.get("target_value", "—"),
                    },
                )
            )
    return {
        "fields": fields,
        "study": study_rows,
        "activities": activities,
        "targets": targets,
        "stale": is_stale(revision, initiative),
    }
