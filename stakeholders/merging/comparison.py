"""Two records side by side before a merge: each field of both, whether they differ, which
value the merge takes unless the curator chooses otherwise, and warnings where the records
may not be duplicates at all (another type, state, product or sector; another kind).

Reads only, in a fixed number of queries whatever the records hold.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters.choices import AMOUNT_MEASURES, Measure
from clusters.services import current_figure_records
from common.numbers import format_amount, format_count
from common.text import normalise, normalise_name

from ..models import ClusterMembership, Network, Relationship
from .services import CLUSTER_CHOOSABLE, STAKEHOLDER_CHOOSABLE, is_blank

FIRST, SECOND = "first", "second"


@dataclass(frozen=True)
class ComparedRow:
    """One line of the comparison: a field of both records."""

    name: str
    label: str
    first: str
    second: str
    differs: bool
    # Whether the curator picks which value the survivor keeps (a differing value field);
    # figures and counts are not chosen: every figure is kept, links are moved.
    choosable: bool = False
    default: str = FIRST
    # The pre-selected value when the second record survives instead.
    default_if_second: str = SECOND
    note: str = ""


@dataclass
class Comparison:
    """Both records, their rows, and the warnings to read before merging."""

    first: object
    second: object
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def choosable_rows(self):
        return [row for row in self.rows if row.choosable]

    @property
    def differing_count(self):
        return sum(row.differs for row in self.rows)


def _display(record, name):
    """Return the value of model field `name` of `record` as a reader sees it."""
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    model_field = record._meta.get_field(name)
    if model_field.choices:
        return str(getattr(record, f"get_{name}_display")())
    return str(value)


def _choice_display(record, fields):
    if fields == ("latitude", "longitude"):
        if record.latitude is None and record.longitude is None:
            return "—"
        return f"{record.latitude}, {record.longitude}"
    if fields == ("region", "country"):
        return _display(record, "region")
    return _display(record, fields[0])


def _same(first, second, fields):
    return all(getattr(first, name) == getattr(second, name) for name in fields)


def _value_rows(first, second, choosable, labels):
    rows = []
    for choice, fields in choosable.items():
        differs = not _same(first, second, fields)
        default = SECOND if is_blank(first, fields) and not is_blank(second, fields) else FIRST
        default_if_second = (
            FIRST if is_blank(second, fields) and not is_blank(first, fields) else SECOND
        )
        rows.append(
            ComparedRow(
                name=choice,
                label=labels[choice],
                first=_choice_display(first, fields),
                second=_choice_display(second, fields),
                differs=differs,
                choosable=differs,
                default=default,
                default_if_second=default_if_second,
            )
        )
    return rows


def _warning(template, first, second):
    return template % {"first": first, "second": second}


def default_choices(comparison):
    """Return {choice: FIRST or SECOND} as the comparison pre-selects them (the first being
    the survivor): the survivor's value, or the other's where the survivor has none."""
    return {row.name: row.default for row in comparison.choosable_rows}


# Clusters -----------------------------------------------------------------------------------


def _cluster_labels():
    return {
        "product": _("Product"),
        "place": _("Place"),
        "district": _("District"),
        "region": _("State / region and country"),
        "cluster_type": _("Cluster type"),
        "sector": _("Sector"),
        "agency": _("Implementing agency"),
        "status": _("Publication status"),
        "origin": _("Origin"),
        "structure": _("Structure"),
        "stage": _("Life-cycle stage"),
        "exporting": _("Exporting"),
        "description": _("Description"),
        "coordinates": _("Coordinates"),
    }


def _figure_text(figure):
    if figure is None:
        return "—"
    if figure.measure in AMOUNT_MEASURES:
        value = format_amount(figure.value, figure.currency or "INR")
    else:
        value = format_count(figure.value)
    return "%s%s (%s, %s)" % (  # noqa: UP031 (a figure as the profile writes it)
        "≈" if figure.estimated else "",
        value,
        figure.year or _("year unknown"),
        figure.source or _("source not given"),
    )


def _counts(model, field_name, pks):
    rows = (
        model.objects.filter(**{f"{field_name}__in": pks})
        .values(field_name)
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {row[field_name]: row["n"] for row in rows}
    return [found.get(pk, 0) for pk in pks]


def cluster_merge_comparison(*, first, second):
    """Return the Comparison of two clusters (regions, sectors and agencies joined by the
    caller): six queries."""
    pks = [first.pk, second.pk]
    rows = _value_rows(first, second, CLUSTER_CHOOSABLE, _cluster_labels())
    figures = list(
        first.figures.model.objects.filter(cluster_id__in=pks).order_by("cluster_id", "pk")
    )
    by_cluster = {pk: [f for f in figures if f.cluster_id == pk] for pk in pks}
    current = {pk: current_figure_records(by_cluster[pk]) for pk in pks}
    for measure in Measure:
        a, b = current[first.pk].get(measure.value), current[second.pk].get(measure.value)
        if a is None and b is None:
            continue
        first_text, second_text = _figure_text(a), _figure_text(b)
        rows.append(
            ComparedRow(
                name=f"figure_{measure.value}",
                label=_("Current %(measure)s") % {"measure": measure.label},
                first=first_text,
                second=second_text,
                differs=first_text != second_text,
            )
        )
    keys = {pk: {(f.measure, f.year, f.source): f for f in by_cluster[pk]} for pk in pks}
    conflicts = [
        key
        for key, figure in keys[first.pk].items()
        if key in keys[second.pk]
        and (figure.value, figure.estimated, figure.currency)
        != (
            keys[second.pk][key].value,
            keys[second.pk][key].estimated,
            keys[second.pk][key].currency,
        )
    ]
    counts = {
        "figures": [len(by_cluster[pk]) for pk in pks],
        "stakeholders": _counts(ClusterMembership, "cluster_id", pks),
        "relationships": _counts(Relationship, "cluster_id", pks),
        "networks": _counts(Network, "cluster_id", pks),
    }
    count_labels = {
        "figures": _("Figures recorded (all are kept)"),
        "stakeholders": _("Stakeholders"),
        "relationships": _("Relationships"),
        "networks": _("Networks"),
    }
    for name, (a, b) in counts.items():
        rows.append(
            ComparedRow(
                name=name,
                label=count_labels[name],
                first=format_count(a),
                second=format_count(b),
                differs=a != b,
            )
        )
    rows.append(
        ComparedRow(
            name="classification",
            label=_("Classification"),
            first=first.classification_reason or "—",
            second=second.classification_reason or "—",
            differs=first.classification_reason != second.classification_reason,
            note=_("Recomputed after the merge from the kept figures and the chosen type."),
        )
    )
    comparison = Comparison(first=first, second=second, rows=rows)
    comparison.warnings = cluster_merge_warnings(first=first, second=second)
    if conflicts:
        comparison.warnings.append(
            ngettext(
                "%(count)d figure has the same measure, year and source in both records "
                "but different values: both are kept, the merged record's source saying "
                "where it came from.",
                "%(count)d figures have the same measure, year and source in both records "
                "but different values: both are kept, the merged record's source saying "
                "where it came from.",
                len(conflicts),
            )
            % {"count": len(conflicts)}
        )
    return comparison


def cluster_merge_warnings(*, first, second):
    """Return the warnings about merging two clusters that may not be one: another type,
    state, product or sector (or country, or a published record into an unpublished)."""
    warnings = []
    if first.cluster_type != second.cluster_type:
        warnings.append(
            _warning(
                _(
                    "These records have different cluster types (%(first)s vs %(second)s): "
                    "merging will give the survivor one type."
                ),
                first.get_cluster_type_display().lower(),
                second.get_cluster_type_display().lower(),
            )
        )
    if first.region_id != second.region_id or first.country != second.country:
        warnings.append(
            _warning(
                _(
                    "These records are in different states (%(first)s vs %(second)s): a "
                    "cluster is one place, so they may be two clusters, not one."
                ),
                first.region or _("no state"),
                second.region or _("no state"),
            )
        )
    if normalise(first.product) != normalise(second.product):
        warnings.append(
            _warning(
                _(
                    "These records make different products (%(first)s vs %(second)s): a "
                    "cluster makes one product, so check they are the same cluster."
                ),
                first.product,
                second.product,
            )
        )
    if first.sector_id != second.sector_id:
        warnings.append(
            _warning(
                _(
                    "These records are in different sectors (%(first)s vs %(second)s): "
                    "merging will give the survivor one sector."
                ),
                first.sector or _("no sector"),
                second.sector or _("no sector"),
            )
        )
    return warnings


# Stakeholders -------------------------------------------------------------------------------


def _stakeholder_labels():
    return {
        "name": _("Name"),
        "kind": _("Kind"),
        "role": _("Role"),
        "place": _("Place"),
        "region": _("State / region and country"),
        "website": _("Website"),
        "email": _("E-mail"),
        "phone": _("Phone"),
        "size_class": _("Size class"),
        "services_offered": _("Services offered"),
        "description": _("Description"),
        "source": _("Source"),
    }


def stakeholder_merge_comparison(*, first, second):
    """Return the Comparison of two stakeholders (regions joined by the caller): three
    queries."""
    pks = [first.pk, second.pk]
    rows = _value_rows(first, second, STAKEHOLDER_CHOOSABLE, _stakeholder_labels())
    memberships = list(
        ClusterMembership.objects.filter(stakeholder_id__in=pks)
        .select_related("cluster")
        .only("stakeholder_id", "cluster__product", "cluster__place")
        .order_by("cluster__product", "cluster__place")
    )
    names = {
        pk: "; ".join(str(m.cluster) for m in memberships if m.stakeholder_id == pk) or "—"
        for pk in pks
    }
    rows.append(
        ComparedRow(
            name="memberships",
            label=_("Clusters (all are kept)"),
            first=names[first.pk],
            second=names[second.pk],
            differs=names[first.pk] != names[second.pk],
        )
    )
    links = list(
        Relationship.objects.filter(Q(source_id__in=pks) | Q(target_id__in=pks))
        .values_list("source_id", "target_id")
        .order_by()
    )
    link_counts = [sum(pk in pair for pair in links) for pk in pks]
    networks = _counts(Network.members.through, "stakeholder_id", pks)
    for name, label, (a, b) in (
        ("relationships", _("Relationships"), link_counts),
        ("networks", _("Networks"), networks),
    ):
        rows.append(
            ComparedRow(
                name=name,
                label=label,
                first=format_count(a),
                second=format_count(b),
                differs=a != b,
            )
        )
    comparison = Comparison(first=first, second=second, rows=rows)
    comparison.warnings = stakeholder_merge_warnings(first=first, second=second)
    return comparison


def stakeholder_merge_warnings(*, first, second):
    """Return the warnings about merging two stakeholders that may not be one: another
    kind or another state (or a name that is not the same once normalised)."""
    warnings = []
    if first.kind != second.kind:
        warnings.append(
            _warning(
                _(
                    "These records are of different kinds (%(first)s vs %(second)s): merging "
                    "will give the survivor one kind, and its role must be one of that kind."
                ),
                first.get_kind_display().lower(),
                second.get_kind_display().lower(),
            )
        )
    if first.region_id != second.region_id:
        warnings.append(
            _warning(
                _(
                    "These records are in different states (%(first)s vs %(second)s): they "
                    "may be two organisations of the same name."
                ),
                first.region or _("no state"),
                second.region or _("no state"),
            )
        )
    if normalise_name(first.name) != normalise_name(second.name):
        warnings.append(
            _warning(
                _("These records have different names (%(first)s vs %(second)s)."),
                first.name,
                second.name,
            )
        )
    return warnings
