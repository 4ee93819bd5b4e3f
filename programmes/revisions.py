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
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from clusters.choices import PublicationStatus
from clusters.models import Agency, Cluster
from common import revisions as lifecycle
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


# Propose, withdraw, return, approve ------------------------------------------------------------


def pending_revision(*, user, initiative):
    """Return `user`'s pending revision of `initiative`, or None."""
    return LIFECYCLE.pending_revision(user=user, record=initiative)


def revision_propose(*, user, initiative, changes, replace=()):
    """Keep `changes` to `initiative` by `user` as a pending revision, amending the one the
    user has pending; return it (None when nothing changes). Sections named in `replace`
    take the place of the pending ones. A revision left with nothing is withdrawn."""
    if changes.get("fields", {}).keys() & FIXED_FIELDS:
        raise PermissionDenied(_("An initiative stays with its agency."))
    return LIFECYCLE.propose(user=user, record=initiative, changes=changes, replace=replace)


# The steps that need nothing of the initiative's own, under the names the callers know.
revision_withdraw = lifecycle.revision_withdraw
revision_return = lifecycle.revision_return
revisions_of = lifecycle.revisions_of
is_stale = lifecycle.is_stale


def revision_approve(*, curator, revision, comment=""):
    """Apply a pending revision through the services in one change set naming who proposed
    and who approved it; return the revision. Values already the initiative's change nothing."""
    return LIFECYCLE.approve(curator=curator, revision=revision, comment=comment)


def _decoded(entry, names):
    return {name: decode(name, entry[name]) for name in names if name in entry}


def _stakeholders(ids):
    return list(Stakeholder.objects.filter(pk__in=ids or []))


def apply_changes(*, record, changes, curator):
    """Write `changes` to the initiative `record` (its fields, study, plan and targets)
    through the services, as `curator`."""
    initiative = record
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
        _apply_activity(initiative=initiative, entry=entry, curator=curator)
    for entry in changes.get("targets", []):
        _apply_target(initiative=initiative, entry=entry, curator=curator)


def _apply_activity(*, initiative, entry, curator):
    activity = (
        PlanActivity.objects.filter(pk=entry["id"], initiative=initiative).first()
        if entry.get("id")
        else None
    )
    if entry.get("id") and activity is None:
        return  # removed since: nothing left to change
    if entry.get("remove"):
        services.activity_delete(user=curator, activity=activity)
        return
    services.activity_save(
        user=curator,
        initiative=initiative,
        activity=activity,
        data=_decoded(entry, services.ACTIVITY_FIELDS),
        responsible=_stakeholders(entry["responsible"]) if "responsible" in entry else None,
    )


def _apply_target(*, initiative, entry, curator):
    indicator = Indicator.objects.get(slug=entry["indicator"])
    if entry.get("remove"):
        target = IndicatorTarget.objects.filter(initiative=initiative, indicator=indicator).first()
        if target is not None:
            services.target_delete(user=curator, target=target)
        return
    services.target_save(
        user=curator,
        initiative=initiative,
        indicator=indicator,
        data=_decoded(entry, services.TARGET_FIELDS),
    )


LIFECYCLE = lifecycle.RevisionLifecycle(
    model=InitiativeRevision,
    merge=merge_changes,
    apply=apply_changes,
    related=("initiative__cluster", "initiative__agency"),
)


# Reads ---------------------------------------------------------------------------------------


def pending_revisions():
    """Return the pending revisions, oldest first, with their initiative and author."""
    return LIFECYCLE.pending_revisions()


@dataclass
class _Known:
    """What the diffs of some revisions show beside the initiatives, read in one query a
    kind: {model: {id: object}}, the studies by initiative id (with those consulted), the
    activities by id and the indicators by slug."""

    objects: dict
    studies: dict
    activities: dict
    indicators: dict


def _known(revisions):
    """Read what the diffs of `revisions` show, a query a kind whatever their number."""
    wanted = defaultdict(set)
    activity_ids, slugs = set(), set()
    for revision in revisions:
        initiative, changes = revision.initiative, revision.changes
        for name, value in changes.get("fields", {}).items():
            if name in FOREIGN_KEYS:
                wanted[FOREIGN_KEYS[name]].update({value, getattr(initiative, f"{name}_id")})
        wanted[Stakeholder].update(changes.get("study", {}).get("consulted", []))
        activity_ids.update(e["id"] for e in changes.get("activities", []) if e.get("id"))
        slugs.update(e["indicator"] for e in changes.get("targets", []))
    studies = {
        study.initiative_id: study
        for study in DiagnosticStudy.objects.filter(
            initiative__in={revision.initiative_id for revision in revisions}
        ).prefetch_related("consulted")
    }
    for study in studies.values():
        wanted[Stakeholder].update(s.pk for s in study.consulted.all())
    objects = {
        model: {obj.pk: obj for obj in model.objects.filter(pk__in=ids - {None, ""})}
        for model, ids in wanted.items()
    }
    return _Known(
        objects=objects,
        studies=studies,
        activities=PlanActivity.objects.in_bulk(activity_ids),
        indicators=Indicator.objects.in_bulk(slugs, field_name="slug"),
    )


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _show(model, name, value, known):
    if name in ("consulted", "responsible"):
        ids = set(value or [])
        # In the stakeholders' own order (their Meta.ordering), as a query would give them.
        shown = [s for s in known.objects.get(Stakeholder, {}).values() if s.pk in ids]
        return ", ".join(str(s) for s in shown) or "—"
    related = FOREIGN_KEYS.get(name)
    objects = known.objects.get(related, {}) if related else None
    return lifecycle.display_value(model._meta.get_field(name), value, objects)


def revision_diff(revision, initiative=None):
    """Return the revision's changes against the values now, for a curator to review:
    {"fields": [(label, old, new)], "study": [(label, old, new)], "activities": [(title,
    what)], "targets": [(indicator, what)], "stale": bool}."""
    if initiative is not None:
        revision.initiative = initiative
    return revision_diffs([revision])[0][1]


def revision_diffs(revisions):
    """Return [(revision, its revision_diff)] for `revisions` (with their initiatives),
    reading what the diffs show in a few queries, however many revisions there are."""
    revisions = list(revisions)
    known = _known(revisions)
    return [(revision, _diff(revision, known)) for revision in revisions]


def _diff(revision, known):
    initiative = revision.initiative
    changes = revision.changes
    fields = []
    for name, new in changes.get("fields", {}).items():
        current = encode(
            name,
            getattr(initiative, f"{name}_id")
            if name in FOREIGN_KEYS
            else getattr(initiative, name),
        )
        if current != new:
            fields.append(
                (
                    _label(Initiative, name),
                    _show(Initiative, name, current, known),
                    _show(Initiative, name, new, known),
                )
            )
    study_rows = []
    study = known.studies.get(initiative.pk)
    for name, new in changes.get("study", {}).items():
        if name == "consulted":
            current = sorted(s.pk for s in study.consulted.all()) if study else []
        else:
            current = encode(name, getattr(study, name)) if study else None
        if current != new:
            study_rows.append(
                (
                    _label(DiagnosticStudy, name),
                    _show(DiagnosticStudy, name, current, known),
                    _show(DiagnosticStudy, name, new, known),
                )
            )
    return {
        "fields": fields,
        "study": study_rows,
        "activities": [_activity_diff(entry, known) for entry in changes.get("activities", [])],
        "targets": [_target_diff(entry, known) for entry in changes.get("targets", [])],
        "stale": is_stale(revision, initiative),
    }


def _activity_diff(entry, known):
    existing = known.activities.get(entry.get("id")) if entry.get("id") else None
    title = entry.get("title") or (existing.title if existing else "—")
    if entry.get("remove"):
        return (title, _("removed"))
    if existing is None:
        return (title, _("added"))
    changed = [
        _label(PlanActivity, name)
        for name in services.ACTIVITY_FIELDS
        if name in entry and encode(name, getattr(existing, name)) != entry[name]
    ]
    if "responsible" in entry:
        changed.append(_label(PlanActivity, "responsible"))
    return (title, _("changed: %(what)s") % {"what": ", ".join(changed)})


def _target_diff(entry, known):
    indicator = known.indicators.get(entry["indicator"])
    name = str(indicator) if indicator else entry["indicator"]
    if entry.get("remove"):
        return (name, _("removed"))
    return (
        name,
        _("baseline %(baseline)s, target %(target)s")
        % {
            "baseline": entry.get("baseline_value", "—"),
            "target": entry.get("target_value", "—"),
        },
    )
