"""Turn clusters into rows of the contract's cluster format (the importer reads them back).

Apps above this one add columns of their own after the contract's (the stakeholders app
adds each cluster's network summary) by registering an ExportColumnGroup when Django
starts; every export (the command, the site's downloads) then carries them.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce

from common import csv_sql
from common.tabular import csv_cells

from .choices import MEASURES
from .imports import CLUSTER_COLUMNS

BASE_EXPORT_COLUMNS = (
    *CLUSTER_COLUMNS,
    "slug",
    "classification_status",
    "classification_reason",
)


@dataclass(frozen=True)
class ExportColumnGroup:
    """Columns added to every cluster export.

    `values` ({name: expression on Cluster}) are read in the export's own query, and
    `from_values(*values)` turns them into the group's columns (a tuple in `columns` order),
    or returns None when they are not known for a cluster (no kept row): then
    `rows_for(cluster_ids)` ({cluster id: {column: value}}, a few queries for a whole chunk)
    gives those clusters' columns. A group without `values` is read by `rows_for` only.

    `csv_text`, when given, is an expression (PostgreSQL) of the group's columns as CSV
    text, exactly as the Python writer writes them (cells joined by commas), or NULL where
    it cannot tell them: the database then renders them with the rest of the line.
    """

    columns: tuple
    rows_for: Callable
    values: tuple = ()
    from_values: Callable | None = None
    csv_text: Callable | None = None


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


# What a cluster export reads of each cluster's newest figure, kept on the cluster
# (clusters.newest_figures) and joined by its id (None: it has none).
_FIGURE_VALUES = {
    "figures_year": F("newest_figure__year"),
    "estimated": F("newest_figure__estimated"),
    "source": F("newest_figure__source"),
}
# The base columns in BASE_EXPORT_COLUMNS order, as read: its own values and its figure's.
_BASE_VALUES = {**_CLUSTER_VALUES, **_FIGURE_VALUES}
_BASE_SELECT = tuple(_BASE_VALUES[name] for name in BASE_EXPORT_COLUMNS)
_AT = {name: index for index, name in enumerate(BASE_EXPORT_COLUMNS)}
_TURNOVER, _EXPORTS, _CURRENCY = _AT["annual_turnover"], _AT["annual_exports"], _AT["currency"]
_YEAR, _ESTIMATED, _SOURCE = _AT["figures_year"], _AT["estimated"], _AT["source"]
_EXPORTING = _AT["exporting"]


def _base_record(values):
    """Return the BASE_EXPORT_COLUMNS cells of one cluster from its `values` as read."""
    cells = list(values)
    if cells[_TURNOVER] is None and cells[_EXPORTS] is None:
        cells[_CURRENCY] = ""
    if cells[_ESTIMATED] is None:  # no figure (estimated is never NULL on one)
        cells[_YEAR] = cells[_SOURCE] = cells[_ESTIMATED] = ""
    else:
        cells[_ESTIMATED] = _yes_no(cells[_ESTIMATED])
    cells[_EXPORTING] = _yes_no(cells[_EXPORTING])
    return cells


def _group_values(groups):
    return [value for group in groups for value in group.values]


def _group_cells(groups, values):
    """Return (cells, lacks) of one cluster: the groups' columns from their `values` as read
    (blanks for a group that lacks them), and the indexes of the groups that lack them."""
    cells, lacks = [], []
    position = 0
    for index, group in enumerate(groups):
        end = position + len(group.values)
        known = group.from_values(*values[position:end]) if group.from_values else None
        if known is None:
            lacks.append(index)
            known = (None,) * len(group.columns)
        cells.extend(known)
        position = end
    return cells, lacks


def _completed(batch, groups):
    """Return the groups' cells of `batch` ([(pk, cells, lacks)]), the columns they lack
    filled in by each group's rows_for (one call per group for the whole batch)."""
    start = 0
    for index, group in enumerate(groups):
        end = start + len(group.columns)
        lacking = [pk for pk, _cells, lacks in batch if index in lacks]
        if lacking:
            known = group.rows_for(lacking)
            for pk, cells, lacks in batch:
                if index in lacks:
                    cells[start:end] = [known[pk][column] for column in group.columns]
        start = end
    return [cells for _pk, cells, _lacks in batch]


def cluster_export_records(queryset, chunk_size=2000):
    """Yield one list of cells in export_columns() order per cluster of `queryset` (its
    order), from one streamed query that joins each cluster's newest figure and the groups'
    values; a group's `rows_for` runs only for the clusters whose values it lacks (one call
    per chunk that has any)."""
    groups = list(_column_groups)
    values = queryset.prefetch_related(None).values_list(
        *_BASE_SELECT, *_group_values(groups), F("pk")
    )
    base = len(BASE_EXPORT_COLUMNS)
    records = values.iterator(chunk_size=chunk_size)
    while chunk := list(itertools.islice(records, chunk_size)):
        bases = [_base_record(record[:base]) for record in chunk]
        extras = _completed(
            [(record[-1], *_group_cells(groups, record[base:-1])) for record in chunk], groups
        )
        for cells, extra in zip(bases, extras, strict=True):
            cells.extend(extra)
            yield cells


# The keys of cluster_export_rows' dicts, in the order they have always had.
_ROW_KEYS = (*(name for name in _CLUSTER_VALUES if name != "pk"), *_FIGURE_VALUES)


def cluster_export_rows(queryset, chunk_size=2000):
    """Yield export rows (dicts of export_columns()) for `queryset` (its order), memory
    flat on big lists (cluster_export_records)."""
    columns = export_columns()
    order = (*_ROW_KEYS, *columns[len(BASE_EXPORT_COLUMNS) :])
    for cells in cluster_export_records(queryset, chunk_size=chunk_size):
        row = dict(zip(columns, cells, strict=True))
        yield {key: row[key] for key in order}


def _yes_no_sql(name):
    # _yes_no in SQL: "yes", "no", or blank (NULL) when unknown.
    return Case(When(**{name: True}, then=Value("yes")), When(**{name: False}, then=Value("no")))


# The base columns as _base_record writes them, for the database to render (csv_sql): the
# currency blank when no amount is known, the booleans as yes/no; a cluster without a
# figure has NULL (blank) year, estimate and source.
_CSV_VALUES = {
    **_BASE_VALUES,
    "currency": Case(
        When(annual_turnover__isnull=True, annual_exports__isnull=True, then=Value("")),
        default=F("currency"),
    ),
    "estimated": _yes_no_sql("newest_figure__estimated"),
    "exporting": _yes_no_sql("exporting"),
}
_CSV_SELECT = tuple(_CSV_VALUES[name] for name in BASE_EXPORT_COLUMNS)
# The columns _base_record leaves as numbers (ints, Decimals): never neutralised.
_CSV_NUMBERS = tuple(_AT[name] for name in (*MEASURES, "latitude", "longitude"))


def _csv_texts(groups):
    # One column per group: its csv_text, or NULL for a group without one.
    return [
        group.csv_text() if group.csv_text else Value(None, output_field=CharField())
        for group in groups
    ]


def cluster_export_csv(queryset, batch=csv_sql.LINE_BATCH):
    """Return the CSV text of cluster_export_records for `queryset` (without header), in
    pieces of many lines, or None where the database cannot render it (not PostgreSQL).

    The database renders the contract's columns of each line (common.csv_sql) and each
    group's columns where it can (its csv_text); the others are written here from the
    group's values read in the same query, its rows_for called once per piece for the
    clusters whose values it lacks.
    """
    if not csv_sql.supported():
        return None
    groups = list(_column_groups)
    values = queryset.prefetch_related(None).values_list(
        *_CSV_SELECT, *_csv_texts(groups), *_group_values(groups), F("pk")
    )
    count = len(BASE_EXPORT_COLUMNS)
    pieces = csv_sql.iter_csv_line_rows(
        values,
        count,
        numbers=_CSV_NUMBERS,
        # A sentence with figures ("3,200 looms ≥ 500"): quoted on half the lines.
        alone=(_AT["classification_reason"],),
        # The groups' texts and values, and the pk.
        extra=len(groups) + len(_group_values(groups)) + 1,
        batch=batch,
    )
    return _with_group_cells(pieces, groups)


def _with_group_cells(pieces, groups):
    """Yield the text of `pieces` (lists of (line, *groups' texts, *groups' values, pk)):
    each line, then each group's cells: its text, else written from its values, else, for
    the clusters whose values it lacks, from its rows_for (one call a piece)."""
    spans, start = [], 1 + len(groups)
    for group in groups:
        spans.append((group, start, start + len(group.values)))
        start += len(group.values)
    texts = slice(1, 1 + len(groups))
    for rows in pieces:
        if all(None not in row[texts] for row in rows):  # the database wrote every cell
            yield "".join([",".join(row[: 1 + len(groups)]) + "\r\n" for row in rows])
            continue
        lines = [[row[0]] for row in rows]
        for number, (group, first, end) in enumerate(spans, start=1):
            from_values = group.from_values
            lacking = []
            for line, row in zip(lines, rows, strict=True):
                known = row[number]
                if known is None:
                    known = from_values(*row[first:end]) if from_values else None
                    known = None if known is None else csv_cells(known)
                if known is None:
                    lacking.append((line, row[-1]))
                    line.append("")
                else:
                    line.append(known)
            if lacking:
                found = group.rows_for([pk for _line, pk in lacking])
                for line, pk in lacking:
                    line[-1] = csv_cells([found[pk][column] for column in group.columns])
        yield "".join([",".join(line) + "\r\n" for line in lines])
