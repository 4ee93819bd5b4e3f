"""The weight of the published clusters in the economy: employment, turnover and exports.

Totals by state, by sector and by cluster type from the clusters' current figures, and
totals by year from the figure history. Each is one GROUP BY query, whatever the number of
clusters. Missing is never zero: every group says how many of its clusters have the figure,
and a group where none has it has no total (None), not 0. Amounts are added within one
currency only (rupees); clusters whose amounts are in another currency are counted as left
out, never converted.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum

from .choices import ClusterType, Measure, PublicationStatus
from .models import Cluster, ClusterFigure
from .services import year_sort_key

# The measures of the economy, and the currency amounts are added in.
ECONOMY_MEASURES = (Measure.EMPLOYMENT, Measure.TURNOVER, Measure.EXPORTS)
AMOUNT_ECONOMY_MEASURES = (Measure.TURNOVER, Measure.EXPORTS)
SUM_CURRENCY = "INR"
# How a cluster is grouped: the fields naming the group, and its key (a slug, for links).
DIMENSIONS = {
    "state": ("region__name", "region__slug"),
    "sector": ("sector__name", "sector__slug"),
    "type": ("cluster_type", "cluster_type"),
}


@dataclass(frozen=True)
class EconomyGroup:
    """One group's total of one measure and how many of its clusters it adds.

    `total` is None when no cluster of the group has the figure (in the summed currency);
    `other_currency` counts the clusters left out because their amount is in another one.
    """

    key: str
    name: str
    clusters: int
    known: int
    total: int | None
    other_currency: int = 0


def _is_amount(measure):
    return measure in AMOUNT_ECONOMY_MEASURES


def _aggregates(measure):
    in_currency = Q(currency=SUM_CURRENCY)
    if _is_amount(measure):
        return {
            f"{measure}__total": Sum(measure, filter=in_currency),
            f"{measure}__known": Count(measure, filter=in_currency),
            f"{measure}__other": Count(measure, filter=~in_currency),
        }
    return {f"{measure}__total": Sum(measure), f"{measure}__known": Count(measure)}


def _group_key(row, dimension):
    name_field, key_field = DIMENSIONS[dimension]
    return row[key_field] or "", row[name_field] or ""


def _rank(groups):
    return sorted(groups, key=lambda group: (group.total is None, -(group.total or 0), group.name))


def economy_summary():
    """Return {dimension: {measure: [EconomyGroup]}} of the published clusters for every
    dimension ('state', 'sector', 'type'): the largest total first, types in their usual
    order (a type's `name` is its value, for the reader's language to label).

    One query: the clusters grouped by state, sector and type together (a few thousand
    rows at most), rolled up here into each dimension.
    """
    aggregates = {}
    for measure in ECONOMY_MEASURES:
        aggregates.update(_aggregates(measure))
    summed = {"economy_clusters", *aggregates}
    fields = dict.fromkeys(field for pair in DIMENSIONS.values() for field in pair)
    rows = list(
        Cluster.objects.filter(status=PublicationStatus.PUBLISHED)
        .order_by()
        .values(*fields)
        .annotate(economy_clusters=Count("pk"), **aggregates)
    )
    summary = {}
    for dimension in DIMENSIONS:
        tallies = {}
        if dimension == "type":
            tallies = {(value, value): {} for value in ClusterType.values}
        for row in rows:
            tally = tallies.setdefault(_group_key(row, dimension), {})
            for name, value in row.items():
                if name in summed:
                    tally[name] = tally.get(name, 0) + (value or 0)
        by_measure = {}
        for measure in ECONOMY_MEASURES:
            groups = [
                EconomyGroup(
                    key=key,
                    name=name,
                    clusters=tally.get("economy_clusters", 0),
                    known=tally.get(f"{measure}__known", 0),
                    total=tally.get(f"{measure}__total")
                    if tally.get(f"{measure}__known")
                    else None,
                    other_currency=tally.get(f"{measure}__other", 0),
                )
                for (key, name), tally in tallies.items()
            ]
            by_measure[measure] = groups if dimension == "type" else _rank(groups)
        summary[dimension] = by_measure
    return summary


def economy_by(dimension):
    """Return {measure: [EconomyGroup]} of the published clusters by `dimension` (one query)."""
    return economy_summary()[dimension]


@dataclass(frozen=True)
class YearTotal:
    """The total of one measure in one year over the clusters that reported it that year."""

    year: str
    total: int | None
    clusters: int
    other_currency: int = 0


def economy_over_time():
    """Return {measure: [YearTotal]} from the figure history of published clusters, oldest
    year first (one query).

    A cluster counts once a year: where several sources give a figure for the same year,
    the one recorded last is taken. Figures without a year cannot be placed and are left out.
    """
    later_record = ClusterFigure.objects.filter(
        cluster=OuterRef("cluster"),
        measure=OuterRef("measure"),
        year=OuterRef("year"),
        pk__gt=OuterRef("pk"),
    )
    in_currency = Q(currency=SUM_CURRENCY) | Q(currency="", cluster__currency=SUM_CURRENCY)
    summed = ~Q(measure__in=AMOUNT_ECONOMY_MEASURES) | in_currency
    rows = (
        ClusterFigure.objects.filter(
            cluster__status=PublicationStatus.PUBLISHED, measure__in=ECONOMY_MEASURES
        )
        .exclude(year="")
        .filter(~Exists(later_record))
        .order_by()
        .values("measure", "year")
        .annotate(
            economy_total=Sum("value", filter=summed),
            economy_clusters=Count("cluster", filter=summed),
            economy_other=Count("cluster", filter=~summed),
        )
    )
    result = {measure: [] for measure in ECONOMY_MEASURES}
    for row in rows:
        result[row["measure"]].append(
            YearTotal(
                year=row["year"],
                total=row["economy_total"] if row["economy_clusters"] else None,
                clusters=row["economy_clusters"],
                other_currency=row["economy_other"],
            )
        )
    for years in result.values():
        years.sort(key=lambda item: (year_sort_key(item.year), item.year))
    return result
