"""Turn clusters into rows of the contract's cluster format (the importer reads them back).

Apps above this one add columns of their own after the contract's (the stakeholders app
adds each cluster's network summary) by registering an ExportColumnGroup when Django
starts; every export (the command, the site's downloads) then carries them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from .imports import CLUSTER_COLUMNS
from .models import ClusterFigure
from .services import year_sort_key

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


# What a cluster export reads of each cluster: its own columns, by name, as values (no
# model instances), its region's and sector's names ("" when it has none).
_CLUSTER_VALUES = {
    "pk": F("pk"),
    "product": F("product"),
    "place": F("place"),
    "district": F("district"),
    "state": Coalesce("region__name", Value("")),
    "country": F("country"),
    "cluster_type": F("cluster_type"),
    "sector": Coalesce("sector__name", Value("")),
    "enterprise_count": F("enterprise_count"),
    "loom_count": F("loom_count"),
    "artisan_count": F("artisan_count"),
    "employment": F("employment"),
    "annual_turnover": F("annual_turnover"),
    "annual_exports": F("annual_exports"),
    "currency": F("currency"),
    "origin": F("origin"),
    "structure": F("structure"),
    "stage": F("stage"),
    "latitude": F("latitude"),
    "longitude": F("longitude"),
    "description": F("description"),
    "exporting": F("exporting"),
    "slug": F("slug"),
    "classification_status": F("classification_status"),
    "classification_reason": F("classification_reason"),
}
_VALUE_NAMES = tuple(_CLUSTER_VALUES)


def newest_figures(cluster_ids):
    """Return {cluster id: (year, estimated, source)} of the newest figure of each cluster
    that has any: the newest of its current figures (`current_figure_records`), which is
    its figure of the latest year, the last recorded among equals."""
    newest, keys = {}, {}
    for cluster_id, pk, year, estimated, source in ClusterFigure.objects.filter(
        cluster_id__in=cluster_ids
    ).values_list("cluster_id", "pk", "year", "estimated", "source"):
        key = (year_sort_key(year), pk)
        if cluster_id not in keys or key > keys[cluster_id]:
            keys[cluster_id] = key
            newest[cluster_id] = (year, estimated, source)
    return newest


def cluster_export_row(values, newest=None):
    """Return one cluster as a dict of export columns, from its `values` (a dict keyed as
    _CLUSTER_VALUES) and the (year, estimated, source) of its newest figure, if any."""
    row = dict(values)
    del row["pk"]
    if row["annual_turnover"] is None and row["annual_exports"] is None:
        row["currency"] = ""
    year, estimated, source = newest or ("", None, "")
    row["figures_year"] = year
    row["estimated"] = _yes_no(estimated) if newest else ""
    row["source"] = source
    row["exporting"] = _yes_no(row["exporting"])
    return row


def cluster_export_rows(queryset, chunk_size=2000):
    """Yield export rows for `queryset` (its order) with the registered columns, a chunk
    at a time so memory stays flat on big lists: one streamed query of values, and for each
    chunk one of figures plus each group's few."""
    values = queryset.prefetch_related(None).values_list(*_CLUSTER_VALUES.values())
    batch = []
    for record in values.iterator(chunk_size=chunk_size):
        batch.append(dict(zip(_VALUE_NAMES, record, strict=True)))
        if len(batch) == chunk_size:
            yield from _rows_with_groups(batch)
            batch = []
    yield from _rows_with_groups(batch)


def _rows_with_groups(clusters):
    if not clusters:
        return
    ids = [cluster["pk"] for cluster in clusters]
    newest = newest_figures(ids)
    extras = [group.rows_for(ids) for group in _column_groups]
    for cluster in clusters:
        row = cluster_export_row(cluster, newest.get(cluster["pk"]))
        for extra in extras:
            row.update(extra[cluster["pk"]])
        yield row
