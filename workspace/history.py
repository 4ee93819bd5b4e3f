"""A cluster's audit trail, readable: every historical record of the cluster, its figures,
its memberships and its relationships, with who, when, why, and what changed (field:
old → new, from django-simple-history's diff_against)."""

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clusters.models import Agency, Cluster, ClusterFigure, Region, Sector
from common.numbers import format_amount, format_count
from common.partial_dates import partial_date
from stakeholders.models import ClusterMembership, Relationship, Stakeholder

KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its label, the value before and the value after."""

    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One historical record: when, who, on what, why, and the fields that changed."""

    when: object
    user: object
    subject: str
    area: str
    kind: str
    reason: str
    changes: list = field(default_factory=list)
    order: tuple = ()

    @property
    def kind_label(self):
        return {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}[
            self.kind
        ]


class _Names:
    """Names of the rows that history rows point at by id, fetched once per table."""

    def __init__(self, records_by_model):
        wanted = {Region: set(), Sector: set(), Agency: set(), Stakeholder: set()}
        for model, records in records_by_model.items():
            for related_field in model._meta.concrete_fields:
                target = getattr(related_field, "related_model", None)
                if target in wanted:
                    wanted[target].update(
                        getattr(record, related_field.attname) for record in records
                    )
        self.names = {
            model: {
                obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids - {None}).order_by()
            }
            for model, ids in wanted.items()
        }

    def get(self, model, pk):
        if pk is None:
            return ""
        return self.names.get(model, {}).get(pk) or f"#{pk}"


def _display(model, field_name, value, names):
    """Return a stored value as a reader sees it (a name for an id, a label for a code)."""
    model_field = model._meta.get_field(field_name)
    if value is None or value == "":
        return _("(blank)")
    if model_field.is_relation:
        return names.get(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


# A relationship's date and its precision read as one value: "Since: 2018 → March 2018".
PARTIAL_DATES = {"since_precision": "since", "until_precision": "until"}


def _field_changes(model, record, before, names):
    """Return the FieldChanges from `before` to `record` (two historical records of a row)."""
    changed = [change.field for change in record.diff_against(before).changes]
    if model is Relationship:
        changed = list(dict.fromkeys(PARTIAL_DATES.get(name, name) for name in changed))
    return [
        FieldChange(
            label=capfirst(str(model._meta.get_field(name).verbose_name)),
            old=_value(model, name, before, names),
            new=_value(model, name, record, names),
        )
        for name in changed
    ]


def _value(model, name, record, names):
    if model is Relationship and name in PARTIAL_DATES.values():
        value = partial_date(getattr(record, name), getattr(record, f"{name}_precision"))
        return value.display() if value else _("(blank)")
    return _display(model, name, getattr(record, model._meta.get_field(name).attname), names)


def _figure_value(record):
    if record.measure in ("annual_turnover", "annual_exports"):
        return format_amount(record.value, record.currency or "INR")
    return format_count(record.value)


def _subject(model, record, names):
    if model is Cluster:
        return _("Cluster “%(cluster)s, %(place)s”") % {
            "cluster": record.product,
            "place": record.place,
        }, _("cluster")
    if model is ClusterFigure:
        label = dict(ClusterFigure._meta.get_field("measure").flatchoices).get(
            record.measure, record.measure
        )
        return _("Figure: %(measure)s %(value)s (%(year)s, %(source)s)") % {
            "measure": label,
            "value": ("≈" if record.estimated else "") + _figure_value(record),
            "year": record.year or _("year unknown"),
            "source": record.source or _("source not given"),
        }, _("figures")
    if model is ClusterMembership:
        return _("Member: %(name)s") % {"name": names.get(Stakeholder, record.stakeholder_id)}, _(
            "stakeholders"
        )
    kind = dict(Relationship._meta.get_field("kind").flatchoices).get(record.kind, record.kind)
    return _("Relationship: %(source)s %(kind)s %(target)s") % {
        "source": names.get(Stakeholder, record.source_id),
        "kind": kind,
        "target": names.get(Stakeholder, record.target_id),
    }, _("relationships")


def cluster_history_records(cluster):
    """Return {model: [historical records]} of the cluster and of the rows hanging off it,
    and those of the clusters merged into it (their past is part of its own)."""
    ids = [cluster.pk, *cluster.retired_slugs.values_list("old_id", flat=True)]
    querysets = {
        Cluster: Cluster.history.filter(id__in=ids),
        ClusterFigure: ClusterFigure.history.filter(cluster_id__in=ids),
        ClusterMembership: ClusterMembership.history.filter(cluster_id__in=ids),
        Relationship: Relationship.history.filter(cluster_id__in=ids),
    }
    return {
        model: list(queryset.select_related("history_user").order_by("history_date", "history_id"))
        for model, queryset in querysets.items()
    }


def cluster_history(cluster):
    """Return the cluster's HistoryEntry list, newest first.

    Each changed record is compared with the previous record of the same row; the
    comparison skips what the user never edits (identity key, version, timestamps).
    """
    records_by_model = cluster_history_records(cluster)
    names = _Names(records_by_model)
    entries = []
    for model, records in records_by_model.items():
        previous = {}
        for record in records:
            subject, area = _subject(model, record, names)
            entry = HistoryEntry(
                when=record.history_date,
                user=record.history_user,
                subject=subject,
                area=area,
                kind=KINDS.get(record.history_type, "changed"),
                reason=record.history_change_reason or "",
                order=(record.history_date, record.history_id),
            )
            before = previous.get(record.id)
            if before is None and record.history_type == "~":
                # The row came here from elsewhere (a merge moved it): compare with its past.
                before = record.prev_record
            if before is not None and record.history_type == "~":
                entry.changes = _field_changes(model, record, before, names)
            previous[record.id] = record
            entries.append(entry)
    return sorted(entries, key=lambda entry: entry.order, reverse=True)
