"""Turn clusters into rows of the contract's cluster format (the importer reads them back).

Apps above this one add columns of their own after the contract's (the stakeholders app
adds each cluster's network summary) by registering an ExportColumnGroup when Django
starts; every export (the command, the site's downloads) then carries them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .imports import CLUSTER_COLUMNS
from .services import current_figure_records, year_sort_key

BASE_EXPORT_COLUMNS = (
    *CLUSTER_COLUMNS,
    "slug",
    "classification_status",
    "classification_reason",
)


@dataclass(frozen=True)
class ExportColumnGroup:
    """Columns added to every cluster export: `rows_for(cluster_ids)` returns
    {cluster id: {column: value}} for a whole chunk of clusters in a few queries."""

    columns: tuple
    rows_for: Callable


_column_groups = []


def register_export_columns(group):
    """Add `group`'s columns to every cluster export (once; call it from AppConfig.ready)."""
    if group not in _column_groups:
        _column_groups.append(group)


def export_columns():
    """Return the columns of a cluster export: the contract's, then the registered ones."""
    return (*BASE_EXPORT_COLUMNS, *(c for group in _column_groups for c in group.columns))


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
    """Yield export rows for `queryset` with the registered columns, a chunk at a time so
    memory stays flat on big lists (each group costs a few queries a chunk)."""
    batch = []
    for cluster in queryset.iterator(chunk_size=chunk_size):
        batch.append(cluster)
        if len(batch) == chunk_size:
            yield from _rows_with_groups(batch)
            batch = []
    yield from _rows_with_groups(batch)


def _rows_with_groups(clusters):
    if not clusters:
        return
    ids = [cluster.pk for cluster in clusters]
    extras = [group.rows_for(ids) for group in _column_groups]
    for cluster in clusters:
        row = cluster_export_row(cluster)
        for extra in extras:
            row.update(extra[cluster.pk])
        yield row
