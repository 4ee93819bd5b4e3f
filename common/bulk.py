"""Insert many rows at once, for imports of big files.

Django's bulk_create prepares every value through the generic field machinery, which costs
more than the insert itself on 100,000 rows. On PostgreSQL the rows are streamed with COPY
instead, their ids drawn from the table's sequence first (the registry's models hold plain
values: text, numbers, booleans, dates); elsewhere (SQLite for `make run`) bulk_create.
"""

import csv
import io

from django.db import connections, router
from django.utils import timezone


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
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for obj, pk_value in zip(objects, ids, strict=True):
            obj.pk = pk_value
        attnames = [pk.attname, *(field.attname for field in fields)]
        columns = ", ".join(quote(name) for name in [pk.column, *(f.column for f in fields)])
        for start in range(0, len(objects), batch_size * 10):
            buffer = io.StringIO()
            # Quoted text is text (an empty string stays one); an unquoted empty field is NULL.
            writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL)
            for obj in objects[start : start + batch_size * 10]:
                writer.writerow([getattr(obj, name) for name in attnames])
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {quote(table)} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer
            )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using
    return objects
