"""The curators' data-quality desk (issue 13): the checks of clusters.quality and
stakeholders.quality as the lists the desk shows and exports.

Each list is a QualityCheck: its name (in `?list=` and `?export=`), what it finds, the rows
(a queryset from a domain check, narrowed by the desk's filters), and its CSV columns and
record. Everything a row shows is read by the list's one query: presenting a row asks the
database nothing.
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters import quality as cluster_checks
from clusters.choices import Measure
from clusters.services import benchmark_rules
from stakeholders import quality as stakeholder_checks

PAGE_SIZE = 25


@dataclasses.dataclass
class Filters:
    """What the curator narrowed the desk to: an agency, a state, and the two thresholds."""

    agency: object = None
    region: object = None
    years: int = dataclasses.field(default_factory=lambda: settings.REGISTRY_QUALITY_STALE_YEARS)
    percent: int = dataclasses.field(
        default_factory=lambda: settings.REGISTRY_QUALITY_DISAGREE_PERCENT
    )

    @functools.cached_property
    def rules(self):
        """Return the benchmark rules (read once per request)."""
        return benchmark_rules()

    @functools.cached_property
    def bounded(self):
        """Return the rows of the bounded lists read so far ({name: (rows, capped)})."""
        return {}


@dataclasses.dataclass(frozen=True)
class QualityCheck:
    """One list of the desk."""

    name: str
    title: str
    description: str
    rows: Callable  # (filters) -> queryset, or None when the list needs a state first
    columns: tuple
    record: Callable  # (row, filters) -> the CSV values, in `columns` order
    present: Callable = None  # (row, filters) -> None: sets what the template shows
    needs_state: bool = False
    # A bounded list: at most `cap` rows are read (the first found, then sorted by
    # `sort_key` here), and the count says "more than" when there are others.
    cap: int | None = None
    sort_key: Callable = None

    @property
    def template(self):
        return f"workspace/quality/{self.name.replace('-', '_')}.html"

    def queryset(self, filters):
        """Return the rows under `filters`, or None if the list needs a state and has none."""
        if self.needs_state and filters.region is None:
            return None
        return self.rows(filters)

    def bounded_rows(self, filters):
        """Return (rows, capped) of a bounded list: one query reading at most `cap` + 1
        rows, in no order (so the database stops when it has them), sorted here; read once
        per request."""
        kept = filters.bounded
        if self.name not in kept:
            rows = list(self.queryset(filters).order_by()[: self.cap + 1])
            rows.sort(key=self.sort_key)
            kept[self.name] = (rows[: self.cap], len(rows) > self.cap)
        return kept[self.name]

    def count(self, filters):
        """Return (count, capped), or None if the list cannot be computed without a state."""
        rows = self.queryset(filters)
        if rows is None:
            return None
        if self.cap is not None:
            bounded, capped = self.bounded_rows(filters)
            return len(bounded), capped
        return rows.count(), False

    def listed(self, filters):
        """Return what the desk pages through: a queryset, or a bounded list's rows."""
        if self.cap is not None:
            return self.bounded_rows(filters)[0]
        return self.queryset(filters)

    def present_rows(self, rows, filters):
        """Return `rows` (a page) ready for the template."""
        rows = list(rows)
        if self.present is not None:
            for row in rows:
                self.present(row, filters)
        return rows

    def export_rows(self, filters):
        """Return the CSV records of the list under `filters`, read in chunks."""
        if self.cap is not None:
            rows = iter(self.bounded_rows(filters)[0])
        else:
            rows = self.queryset(filters).iterator(chunk_size=2000)
        return (self.record(row, filters) for row in rows)


# Presenting and recording rows -----------------------------------------------------------


def _state(cluster):
    return cluster.region.name if cluster.region_id else ""


def _agency(cluster):
    return cluster.agency.name if cluster.agency_id else ""


def _cluster_columns(cluster):
    return (cluster.slug, cluster.product, cluster.place, _state(cluster), _agency(cluster))


CLUSTER_COLUMNS = ("cluster_slug", "product", "place", "state", "agency")
FIGURE_COLUMNS = ("measure", "value", "currency", "year", "source", "estimated")


def _measure_label(measure):
    return str(Measure(measure).label)


def _figure_columns(figure):
    return (
        figure.measure,
        figure.value,
        figure.currency,
        figure.year,
        figure.source,
        "yes" if figure.estimated else "no",
    )


def _present_missing_figure(cluster, filters):
    cluster.measures_needed = [
        _measure_label(measure)
        for measure in cluster_checks.benchmark_measures_needed(cluster, filters.rules)
    ]


def _record_missing_figure(cluster, filters):
    needed = cluster_checks.benchmark_measures_needed(cluster, filters.rules)
    return (
        *_cluster_columns(cluster),
        cluster.cluster_type,
        cluster.status,
        ";".join(needed),
    )


def _missing_provenance(figure):
    missing = []
    if not figure.year:
        missing.append("year")
    if not figure.source:
        missing.append("source")
    return missing


def _present_provenance(figure, filters):
    figure.missing = _missing_provenance(figure)


def _record_provenance(figure, filters):
    return (
        *_cluster_columns(figure.cluster),
        *_figure_columns(figure),
        ";".join(_missing_provenance(figure)),
    )


def _age(figure, filters):
    # Whole years since the figure's (first) year; "" for a year that is not a number.
    try:
        return datetime.date.today().year - int(figure.year[:4])
    except ValueError:
        return ""


def _present_stale(figure, filters):
    figure.age = _age(figure, filters)


def _record_stale(figure, filters):
    return (*_cluster_columns(figure.cluster), *_figure_columns(figure), _age(figure, filters))


def _present_disagreement(figure, filters):
    figure.difference = cluster_checks.disagreement_percent(figure.value, figure.other_value)


def _record_disagreement(figure, filters):
    return (
        *_cluster_columns(figure.cluster),
        figure.measure,
        figure.currency,
        figure.value,
        figure.year,
        figure.source,
        figure.other_value,
        figure.other_year,
        figure.other_source,
        cluster_checks.disagreement_percent(figure.value, figure.other_value),
    )


def _present_missing_kinds(cluster, filters):
    cluster.missing_kinds = stakeholder_checks.missing_kinds(cluster)


def _record_missing_kinds(cluster, filters):
    return (
        *_cluster_columns(cluster),
        cluster.status,
        ";".join(stakeholder_checks.missing_kinds(cluster)),
    )


def merge_url(url_name, first, second):
    """Return the merge page's address with the two records (slugs) filled in."""
    return f"{reverse(url_name)}?{urlencode({'first': first, 'second': second})}"


def _similarity(row):
    value = getattr(row, "similarity", None)
    return "" if value is None else f"{value:.2f}"


def _present_cluster_pair(cluster, filters):
    cluster.merge_url = merge_url("editing:cluster_merge", cluster.slug, cluster.other_slug)


def _record_cluster_pair(cluster, filters):
    return (
        cluster.slug,
        cluster.product,
        cluster.place,
        cluster.other_slug,
        cluster.other_product,
        cluster.other_place,
        _state(cluster),
        _similarity(cluster),
        merge_url("editing:cluster_merge", cluster.slug, cluster.other_slug),
    )


def _present_stakeholder_pair(stakeholder, filters):
    stakeholder.merge_url = merge_url(
        "editing:stakeholder_merge", stakeholder.slug, stakeholder.other_slug
    )


def _record_stakeholder_pair(stakeholder, filters):
    return (
        stakeholder.slug,
        stakeholder.name,
        stakeholder.kind,
        stakeholder.other_slug,
        stakeholder.other_name,
        stakeholder.other_kind,
        stakeholder.region.name,
        _similarity(stakeholder),
        merge_url("editing:stakeholder_merge", stakeholder.slug, stakeholder.other_slug),
    )


CHECKS = {
    check.name: check
    for check in (
        QualityCheck(
            name="missing-figure",
            title=_("Clusters missing the figure their benchmark needs"),
            description=_(
                "The benchmark of the cluster's type needs a figure (enterprises, or looms "
                "for handloom) that is not recorded, so the cluster cannot be classified."
            ),
            rows=lambda f: cluster_checks.clusters_missing_benchmark_figure(
                agency=f.agency, region=f.region, rules=f.rules
            ),
            columns=(*CLUSTER_COLUMNS, "cluster_type", "status", "measures_needed"),
            record=_record_missing_figure,
            present=_present_missing_figure,
        ),
        QualityCheck(
            name="no-provenance",
            title=_("Figures without a year or a source"),
            description=_("A figure a reader cannot date or trace."),
            rows=lambda f: cluster_checks.figures_without_provenance(
                agency=f.agency, region=f.region
            ),
            columns=(*CLUSTER_COLUMNS, *FIGURE_COLUMNS, "missing"),
            record=_record_provenance,
            present=_present_provenance,
        ),
        QualityCheck(
            name="stale",
            title=_("Figures older than the age limit"),
            description=_(
                "The cluster's newest figure of a measure is older than the number of years "
                "chosen (a fiscal year counts from the year it starts)."
            ),
            rows=lambda f: cluster_checks.figures_stale(
                years=f.years, agency=f.agency, region=f.region
            ),
            columns=(*CLUSTER_COLUMNS, *FIGURE_COLUMNS, "age_years"),
            record=_record_stale,
            present=_present_stale,
        ),
        QualityCheck(
            name="disagreements",
            title=_("Sources that disagree"),
            description=_(
                "Two sources give one cluster's measure, for the same year or as their newest "
                "figure, values further apart than the percentage chosen (of the larger)."
            ),
            rows=lambda f: cluster_checks.figure_disagreements(
                percent=f.percent, agency=f.agency, region=f.region
            ),
            columns=(
                *CLUSTER_COLUMNS,
                "measure",
                "currency",
                "value",
                "year",
                "source",
                "other_value",
                "other_year",
                "other_source",
                "difference_percent",
            ),
            record=_record_disagreement,
            present=_present_disagreement,
        ),
        QualityCheck(
            name="missing-kinds",
            title=_("Clusters missing a kind of stakeholder"),
            description=_(
                "No stakeholder of one or more of the five kinds (enterprise, supplier, "
                "institution, association, BDS provider) is recorded."
            ),
            rows=lambda f: stakeholder_checks.clusters_missing_kinds(
                agency=f.agency, region=f.region
            ),
            columns=(*CLUSTER_COLUMNS, "status", "missing_kinds"),
            record=_record_missing_kinds,
            present=_present_missing_kinds,
        ),
        QualityCheck(
            name="duplicate-clusters",
            title=_("Probable duplicate clusters"),
            description=_("Two clusters of one state with a similar product and place."),
            rows=lambda f: cluster_checks.cluster_duplicate_pairs(agency=f.agency, region=f.region),
            columns=(
                "first_slug",
                "first_product",
                "first_place",
                "second_slug",
                "second_product",
                "second_place",
                "state",
                "similarity",
                "merge_url",
            ),
            record=_record_cluster_pair,
            present=_present_cluster_pair,
        ),
        QualityCheck(
            name="duplicate-stakeholders",
            title=_("Probable duplicate stakeholders"),
            description=_(
                "Two stakeholders of one state with similar names. Searched one state at a "
                "time: choose a state."
            ),
            rows=lambda f: stakeholder_checks.stakeholder_duplicate_pairs(
                region=f.region, agency=f.agency
            ),
            columns=(
                "first_slug",
                "first_name",
                "first_kind",
                "second_slug",
                "second_name",
                "second_kind",
                "state",
                "similarity",
                "merge_url",
            ),
            record=_record_stakeholder_pair,
            present=_present_stakeholder_pair,
            needs_state=True,
            cap=stakeholder_checks.DUPLICATE_COUNT_CAP,
            sort_key=lambda row: (
                -(row.similarity or 0),
                row.name.casefold(),
                row.pk,
                row.other_id,
            ),
        ),
    )
}
