"""Insert many rows at once, for imports of big files.

Django's bulk_create prepares every value through the generic field machinery, which costs
more than the insert itself on 100,000 rows. On PostgreSQL the rows are streamed with COPY
instead, their ids drawn from the table's sequence first (the registry's models hold plain
values: text, numbers, booleans, dates); elsewhere (SQLite for `make run`) bulk_create.
"""

import csv
import io
import itertools
import json

from django.db import connections, models, router
from django.utils import timezone


def draw_ids(cursor, table, column, count):
    """Return `count` new ids of `table`'s `column` from its sequence (PostgreSQL).

    One statement draws them all; they come back as a range when they are consecutive (as
    they are unless another session drew ids of the table meanwhile), else as a list:
    not `count` rows to send and read.
    """
    cursor.execute(
        "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
        "ELSE array_agg(id) END "
        # The sequence looked up once (an InitPlan), not once per id: ten times faster.
        "FROM (SELECT nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass)) AS id "
        "FROM generate_series(1, %s)) AS drawn",
        [table, column, count],
    )
    first, last, scattered = cursor.fetchone()
    if scattered is not None:
        return scattered
    return list(range(first, last + 1))


COPY_BLOCK_ROWS = 1000  # rows rendered as CSV text each time COPY asks for more


class CopySource:
    """A file for psycopg2's copy_expert that renders `rows` (sequences of cell values)
    as CSV text a block at a time, as COPY reads it.

    So PostgreSQL inserts one block while Python renders the next (the server works in its
    own process, and the text of 20,000 rows is never held at once): written in full before
    the COPY, the two took turns. Quoted text is text (an empty string stays one); an
    unquoted empty field is NULL (COPY's CSV format).
    """

    def __init__(self, rows, *, block_rows=COPY_BLOCK_ROWS):
        self._rows = iter(rows)
        self._block_rows = block_rows
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, quoting=csv.QUOTE_NOTNULL)

    def read(self, size=-1):
        """Return the CSV text of the next block of rows ('' once all are read); psycopg2
        sends whatever length comes back, so `size` is not kept to."""
        block = list(itertools.islice(self._rows, self._block_rows))
        if not block:
            return ""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(block)
        return self._buffer.getvalue()


def copy_rows(cursor, table, columns, rows):
    """COPY `rows` into `table` (quoted) `columns` (quoted, joined) through `cursor` (a
    Django cursor on PostgreSQL)."""
    cursor.cursor.copy_expert(
        f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", CopySource(rows)
    )


def insert_objects(model, objects, *, batch_size=2000):
    """Insert the unsaved `objects` of `model` and set their primary keys."""
    objects = list(objects)
    if not objects:
        return objects
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=batch_size)
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objects:
        for field in stamped:
            setattr(obj, field.attname, now)
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk
    with connection.cursor() as cursor:
        ids = draw_ids(cursor, table, pk.column, len(objects))
        for obj, pk_value in zip(objects, ids, strict=True):
            obj.pk = pk_value
        attnames = [pk.attname, *(field.attname for field in fields)]
        columns = ", ".join(quote(name) for name in [pk.column, *(f.column for f in fields)])
        copy_rows(
            cursor,
            quote(table),
            columns,
            ([_cell(getattr(obj, name)) for name in attnames] for obj in objects),
        )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using
    return objects


def _cell(value):
    """Return `value` as COPY reads it: a JSON field's dict or list as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def new_ids(model, count):
    """Return `count` primary keys for new rows of `model`, drawn ahead of their insert
    (so rows that point at one another can be written with their keys), or None where
    the database draws none ahead (not PostgreSQL): insert_rows then gives them."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or not count:
        return None
    with connection.cursor() as cursor:
        return draw_ids(cursor, model._meta.db_table, model._meta.pk.column, count)


def insert_rows(model, names, rows, *, ids=None):
    """Insert `rows` of `model` (tuples of the values of the fields `names`, by attname)
    without building a model instance per row; return their new primary keys, in order
    (`ids` when given: keys drawn by new_ids).

    The other fields take their (constant) defaults, created/updated stamps now.
    """
    rows = list(rows)
    if not rows:
        return []
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    given = {name: index for index, name in enumerate(names)}
    now = timezone.now()
    fixed = {}
    for field in fields:
        if field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif field.has_default() and callable(field.default):
            # A fresh empty container (a JSONField's `default=dict`) is one value for every
            # row; any other callable default (a uuid, a time) would differ row to row.
            value = field.get_default()
            if not (isinstance(field, models.JSONField) and value in ({}, [])):
                raise ValueError(f"{model.__name__}.{field.name} has a callable default")
            fixed[field.attname] = value
        else:
            fixed[field.attname] = field.get_default()
    if connection.vendor != "postgresql":
        objects = [model(**fixed, **dict(zip(names, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects)
        return [obj.pk for obj in objects]
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk
    order = [*names, *fixed]
    column_of = {field.attname: field.column for field in fields}
    columns = ", ".join(quote(name) for name in [pk.column, *(column_of[n] for n in order)])
    tail = tuple(_cell(value) for value in fixed.values())
    with connection.cursor() as cursor:
        if ids is None:
            ids = draw_ids(cursor, table, pk.column, len(rows))
        copy_rows(
            cursor,
            quote(table),
            columns,
            ((pk_value, *row, *tail) for pk_value, row in zip(ids, rows, strict=True)),
        )
    return ids


def select_where_in(model, names, name, values, *, batch_size=10000):
    """Yield the tuples of the fields `names` (attnames) of the rows of `model` whose field
    `name` is one of `values`: on PostgreSQL one `= ANY(array)` statement per batch, its
    values sent as one array (Django's `__in` prepares every value, which costs more than
    the query on thousands of keys); elsewhere through the ORM."""
    values = list(values)
    using = router.db_for_read(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        for start in range(0, len(values), batch_size):
            chosen = values[start : start + batch_size]
            yield from model.objects.filter(**{f"{name}__in": chosen}).values_list(*names)
        return
    quote = connection.ops.quote_name
    column_of = {field.attname: field.column for field in model._meta.concrete_fields}
    column_of["pk"] = model._meta.pk.column
    selected = ", ".join(quote(column_of[n]) for n in names)
    sql = (
        f"SELECT {selected} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(column_of[name])} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch_size):
            cursor.execute(sql, [values[start : start + batch_size]])
            yield from cursor.fetchall()
