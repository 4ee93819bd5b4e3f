"""Reads of clusters: the querysets every page, export and API list starts from.

Each function returns what one page needs in a fixed number of queries, whatever the
number of rows: joins and prefetches live here, never in views or templates.
"""

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.utils.translation import get_language

from common.page_cache import kept_until_public_change
from common.retired import successor_slug

from .choices import ClassificationStatus, ClusterType, Measure, PublicationStatus
from .classification import STORED_LANGUAGE, classify
from .models import Agency, Benchmark, Cluster, ClusterFigure, Region, RetiredClusterSlug, Sector
from .selection import Candidate, similar_counts
from .services import benchmark_rules, current_figure_records

TOP_STATES = 10
SIMILAR_LIMIT = 6
# Words too common in product names to make two clusters similar.
_PRODUCT_STOPWORDS = {
    "and",
    "the",
    "of",
    "for",
    "with",
    "other",
    "products",
    "product",
    "items",
    "goods",
    "works",
    "ware",
    "based",
    "allied",
    "industry",
    "industries",
    "units",
    "cluster",
}
_WORD = re.compile(r"[^\W\d_]{3,}")


def _published(queryset):
    return queryset.filter(status=PublicationStatus.PUBLISHED)


def cluster_list(*, published_only=True):
    """Return clusters with what a list row shows (region, sector, agency) joined in."""
    queryset = Cluster.objects.select_related("region", "sector", "agency")
    if published_only:
        queryset = queryset.filter(status=PublicationStatus.PUBLISHED)
    return queryset


def cluster_export_list(*, published_only=True):
    """Return clusters with their figures prefetched, for exports."""
    return cluster_list(published_only=published_only).prefetch_related(
        Prefetch("figures", queryset=ClusterFigure.objects.order_by("pk"))
    )


def with_figures_year(queryset):
    """Annotate `figures_year` and `figures_estimated`: the year of the newest figure and
    whether it is an estimate (newest as `current_figure_records` sees it)."""
    if "figures_year" in queryset.query.annotations:
        return queryset
    newest = ClusterFigure.objects.filter(cluster=OuterRef("pk")).order_by(
        Substr("year", 1, 4).desc(), "-pk"
    )
    return queryset.annotate(
        figures_year=Subquery(newest.values("year")[:1]),
        figures_estimated=Subquery(newest.values("estimated")[:1]),
    )


def cluster_table(*, published_only=True):
    """Return clusters for the public list: a row's joins plus the year of its figures."""
    return with_figures_year(cluster_list(published_only=published_only))


# Filter options ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """The choices the cluster filter form offers: only those with a published cluster."""

    sectors: list
    states: list
    agencies: list


def _with_published_clusters(model, field_name):
    clusters = _published(Cluster.objects.filter(**{field_name: OuterRef("pk")}))
    return model.objects.filter(Exists(clusters))


def cluster_filter_options():
    """Return the sectors, states and agencies that have at least one published cluster."""
    return FilterOptions(
        sectors=list(_with_published_clusters(Sector, "sector").only("pk", "name", "slug")),
        states=list(
            _with_published_clusters(Region, "region").only("pk", "name", "slug", "country")
        ),
        agencies=list(_with_published_clusters(Agency, "agency").only("pk", "name", "slug")),
    )


def cluster_facet_counts(queryset, field_name):
    """Return {value: number of clusters} of `field_name` over `queryset`."""
    rows = queryset.order_by().values_list(field_name).annotate(n=Count("pk"))
    return dict(rows)


def cluster_facets_counts(queryset, field_names):
    """Return {field name: {value: number of clusters}} of each of `field_names` over
    `queryset`, in one query (grouped by all of them: a few rows for a few choices each)."""
    facets = {name: {} for name in field_names}
    rows = queryset.order_by().values_list(*field_names).annotate(n=Count("pk"))
    for *values, count in rows:
        for name, value in zip(field_names, values, strict=True):
            facets[name][value] = facets[name].get(value, 0) + count
    return facets


# Profile ----------------------------------------------------------------------------------


@dataclass
class FigureLine:
    """A measure on a profile: its current record and every record (the history)."""

    measure: str
    label: str
    value: int | None
    current: ClusterFigure | None
    records: list = field(default_factory=list)

    @property
    def is_amount(self):
        """Return whether the measure is a money amount."""
        return self.measure in (Measure.TURNOVER, Measure.EXPORTS)

    @property
    def sources_disagree(self):
        """Return whether the records of this measure give different values."""
        return len({record.value for record in self.records}) > 1


@dataclass
class ClusterProfile:
    """Everything the public profile of a cluster shows."""

    cluster: Cluster
    figures: list
    unknown_measures: list
    similar: list


def _figure_lines(cluster):
    records = list(cluster.figures.all())
    current = current_figure_records(records)
    lines, unknown = [], []
    for measure in Measure:
        of_measure = [record for record in records if record.measure == measure]
        value = getattr(cluster, measure.value)
        if value is None and not of_measure:
            unknown.append(measure.label)
            continue
        lines.append(
            FigureLine(
                measure=measure.value,
                label=measure.label,
                value=value if value is not None else current[measure.value].value,
                current=current.get(measure.value),
                records=of_measure,
            )
        )
    return lines, unknown


def cluster_profile(*, slug):
    """Return the ClusterProfile of the published cluster `slug`, or None if there is none.

    Three queries whatever the cluster's size: the cluster, its figures and the similar
    clusters (its stakeholders come from stakeholders.selectors.cluster_stakeholders).
    """
    cluster = (
        cluster_list()
        .prefetch_related(
            Prefetch("figures", queryset=ClusterFigure.objects.order_by("measure", "-year", "-pk"))
        )
        .filter(slug=slug)
        .first()
    )
    if cluster is None:
        return None
    figures, unknown = _figure_lines(cluster)
    return ClusterProfile(
        cluster=cluster,
        figures=figures,
        unknown_measures=unknown,
        similar=similar_clusters(cluster=cluster),
    )


def product_words(product):
    """Return the distinctive word stems of a product name, for finding like products.

    A crude stem (the word less its last three letters, at least four kept) lets 'Knitted
    garments' meet 'Knitwear' and 'Castings' meet 'Casting': ['knit', 'garme'].
    """
    words = [word.casefold() for word in _WORD.findall(product or "")]
    stems = [
        word[: max(min(len(word), 4), len(word) - 3)]
        for word in words
        if word not in _PRODUCT_STOPWORDS
    ]
    return list(dict.fromkeys(stems))


def similar_clusters(*, cluster, limit=SIMILAR_LIMIT):
    """Return up to `limit` published clusters elsewhere making a like product or in the same
    sector: those sharing a product word first, the largest first within each group."""
    words = product_words(cluster.product)
    same_product = Q()
    for word in words:
        same_product |= Q(product__icontains=word)
    conditions = [same_product] if words else []
    if cluster.sector_id:
        conditions.append(Q(sector_id=cluster.sector_id))
    if not conditions:
        return []
    candidates = reduce(operator.or_, conditions)
    return list(
        cluster_list()
        .filter(candidates)
        .exclude(pk=cluster.pk)
        .exclude(place__iexact=cluster.place, region_id=cluster.region_id)
        .annotate(
            shares_product=Case(
                When(same_product, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
            if words
            else Value(0)
        )
        .order_by("-shares_product", F("enterprise_count").desc(nulls_last=True), "product", "pk")[
            :limit
        ]
    )


# Statistics -------------------------------------------------------------------------------


@dataclass
class Totals:
    """The headline numbers of the published registry."""

    clusters: int
    enterprises: int
    looms: int
    employment: int
    qualifies: int
    potential: int
    insufficient_data: int
    no_benchmark: int
    with_enterprises: int
    with_employment: int


def registry_totals():
    """Return the headline totals of published clusters (one query)."""
    published = Q(status=PublicationStatus.PUBLISHED)
    status = ClassificationStatus
    # Aliases carry a prefix: an aggregate may not share a name with a model field.
    values = Cluster.objects.aggregate(
        total_clusters=Count("pk", filter=published),
        total_enterprises=Sum("enterprise_count", filter=published, default=0),
        total_looms=Sum("loom_count", filter=published, default=0),
        total_employment=Sum("employment", filter=published, default=0),
        total_with_enterprises=Count("enterprise_count", filter=published),
        total_with_employment=Count("employment", filter=published),
        **{
            f"total_{value}": Count("pk", filter=published & Q(classification_status=value))
            for value in status.values
        },
    )
    return Totals(**{name.removeprefix("total_"): value for name, value in values.items()})


@dataclass
class TypeStatusRow:
    """The number of published clusters of one type in each classification status."""

    cluster_type: str
    label: str
    counts: dict
    total: int

    def cells(self):
        """Return the counts in the order of the classification statuses."""
        return [self.counts.get(value, 0) for value in ClassificationStatus.values]


def clusters_by_type_and_status():
    """Return a TypeStatusRow for each cluster type (one query)."""
    rows = (
        _published(Cluster.objects)
        .order_by()
        .values_list("cluster_type", "classification_status")
        .annotate(n=Count("pk"))
    )
    table = {}
    for cluster_type, status, n in rows:
        table.setdefault(cluster_type, {})[status] = n
    return [
        TypeStatusRow(
            cluster_type=value,
            label=label,
            counts=table.get(value, {}),
            total=sum(table.get(value, {}).values()),
        )
        for value, label in ClusterType.choices
    ]


@dataclass(frozen=True)
class StateCount:
    """A state (or None where not recorded) and a number of clusters."""

    name: str
    slug: str
    count: int


def _by_state(queryset, limit):
    rows = (
        queryset.order_by()
        .values_list("region__name", "region__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "region__name")
    )
    if limit:
        rows = rows[:limit]
    return [StateCount(name=name or "", slug=slug or "", count=n) for name, slug, n in rows]


def clusters_by_state(*, limit=TOP_STATES):
    """Return the states with the most published clusters, largest first (one query)."""
    return _by_state(_published(Cluster.objects), limit)


def potential_clusters_by_state(*, limit=None):
    """Return the number of published potential clusters in each state (one query)."""
    return _by_state(
        _published(Cluster.objects).filter(classification_status=ClassificationStatus.POTENTIAL),
        limit,
    )


def benchmark_list():
    """Return the benchmarks in force, the defaults first."""
    return list(Benchmark.objects.order_by("country", "cluster_type", "measure"))


def recently_updated_clusters(*, limit=6):
    """Return the published clusters changed most recently."""
    return list(cluster_list().order_by("-updated", "-pk")[:limit])


def cluster_successor_slug(*, value, by_id=False):
    """Return the slug of the cluster that absorbed the one whose address was `value`
    (its old slug, or with `by_id` its old id), or None; asked only after a 404."""
    return successor_slug(
        retired_model=RetiredClusterSlug,
        live_model=Cluster,
        field="cluster",
        value=value,
        by_id=by_id,
    )


def classification_sentence(cluster, language=None):
    """Return why `cluster` is classified as it is, in `language` (default: the active one).

    The kept reason is in STORED_LANGUAGE; for a reader of another language the same
    classification is written anew in theirs, from the cluster's type and current figures
    and the benchmarks (kept per public version: benchmark changes bump it).
    """
    language = language or get_language()
    if language == STORED_LANGUAGE or not cluster.classification_status:
        return cluster.classification_reason
    rules = kept_until_public_change("benchmark-rules", benchmark_rules)
    return classify(
        cluster.cluster_type,
        cluster.current_figures(),
        rules,
        country=cluster.country,
        currency=cluster.currency,
        language=language,
    ).reason


# Selection of clusters (FAQ Q43) ----------------------------------------------------------

CANDIDATE_FIELDS = (
    "pk",
    "slug",
    "product",
    "place",
    "region__name",
    "cluster_type",
    "sector_id",
    "employment",
    "annual_turnover",
    "annual_exports",
    "currency",
)


def selection_candidates(queryset):
    """Return the clusters of `queryset` as clusters.selection.Candidates (one query)."""
    return [
        Candidate(
            id=pk,
            slug=slug,
            product=product,
            place=place,
            state=state or "",
            cluster_type=cluster_type,
            sector_id=sector_id,
            employment=employment,
            annual_turnover=turnover,
            annual_exports=exports,
            currency=currency,
        )
        for (
            pk,
            slug,
            product,
            place,
            state,
            cluster_type,
            sector_id,
            employment,
            turnover,
            exports,
            currency,
        ) in queryset.order_by("product", "place", "pk").values_list(*CANDIDATE_FIELDS)
    ]


def published_similar_counts():
    """Return {cluster id: other published clusters of the same product, or the same sector
    and type} over every published cluster (one query; see clusters.selection)."""
    rows = (
        _published(Cluster.objects)
        .order_by()
        .values_list("pk", "product", "sector_id", "cluster_type")
    )
    return similar_counts(rows.iterator(chunk_size=5000))


def clusters_for_comparison(*, slugs):
    """Return {slug: ClusterProfile} of the published clusters among `slugs` (their
    figures with every record; no similar clusters): two queries whatever their number."""
    clusters = (
        cluster_list()
        .prefetch_related(
            Prefetch("figures", queryset=ClusterFigure.objects.order_by("measure", "-year", "-pk"))
        )
        .filter(slug__in=list(slugs))
    )
    profiles = {}
    for cluster in clusters:
        figures, unknown = _figure_lines(cluster)
        profiles[cluster.slug] = ClusterProfile(
            cluster=cluster, figures=figures, unknown_measures=unknown, similar=[]
        )
    return profiles


def clusters_to_add(*, text, exclude=(), limit=10):
    """Return up to `limit` published clusters matching every word of `text` in their
    product, place, district, state or sector, leaving out the slugs in `exclude`."""
    from .filtersets import clusters_matching  # filtersets imports this module

    queryset = cluster_list().exclude(slug__in=list(exclude))
    words = text.split()
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(clusters_matching(word))
    return list(queryset.order_by("product", "place", "pk")[:limit])
