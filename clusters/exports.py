"""Turn clusters into rows of the contract's cluster format (the importer reads them back)."""

from stakeholders.network.summary import SUMMARY_COLUMNS, network_summaries

from .imports import CLUSTER_COLUMNS
from .services import current_figure_records, year_sort_key

EXPORT_COLUMNS = (
    *CLUSTER_COLUMNS,
    "slug",
    "classification_status",
    "classification_reason",
    *SUMMARY_COLUMNS,
)


def _yes_no(value):
    if value is None:
        return ""
    return "yes" if value else "no"


def cluster_export_row(cluster):
    """Return one cluster as a dict of export columns (figures prefetched on `cluster`)."""
    current = current_figure_records(cluster.figures.all())
    newest = max(current.values(), key=lambda f: (year_sort_key(f.year), f.pk), default=None)
    has_amount = cluster.annual_turnover is not None or cluster.annual_exports is not None
    return {
        "product": cluster.product,
        "place": cluster.place,
        "district": cluster.district,
        "state": cluster.region.name if cluster.region_id else "",
        "country": cluster.country,
        "cluster_type": cluster.cluster_type,
        "sector": cluster.sector.name if cluster.sector_id else "",
        "enterprise_count": cluster.enterprise_count,
        "loom_count": cluster.loom_count,
        "artisan_count": cluster.artisan_count,
        "employment": cluster.employment,
        "annual_turnover": cluster.annual_turnover,
        "annual_exports": cluster.annual_exports,
        "currency": cluster.currency if has_amount else "",
        "figures_year": newest.year if newest else "",
        "estimated": _yes_no(newest.estimated) if newest else "",
        "source": newest.source if newest else "",
        "origin": cluster.origin,
        "structure": cluster.structure,
        "stage": cluster.stage,
        "latitude": cluster.latitude,
        "longitude": cluster.longitude,
        "description": cluster.description,
        "exporting": _yes_no(cluster.exporting),
        "slug": cluster.slug,
        "classification_status": cluster.classification_status,
        "classification_reason": cluster.classification_reason,
    }


def cluster_export_rows(queryset, chunk_size=2000):
    """Yield export rows for `queryset` with each cluster's network summary, a chunk at a
    time so memory stays flat on big lists (the summaries take four queries a chunk)."""
    batch = []
    for cluster in queryset.iterator(chunk_size=chunk_size):
        batch.append(cluster)
        if len(batch) == chunk_size:
            yield from _rows_with_summaries(batch)
            batch = []
    yield from _rows_with_summaries(batch)


def _rows_with_summaries(clusters):
    if not clusters:
        return
    summaries = network_summaries([cluster.pk for cluster in clusters])
    for cluster in clusters:
        yield {**cluster_export_row(cluster), **summaries[cluster.pk]}
