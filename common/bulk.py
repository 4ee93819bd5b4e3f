"""Insert many rows at once, for imports of big files.

Django's bulk_create prepares every value through the generic field machinery, which costs
more than the insert itself on 100,000 rows. On PostgreSQL the rows go through psycopg2's
execute_values instead (the registry's models hold plain values psycopg2 adapts itself);
elsewhere (SQLite for `make run`) through bulk_create.
"""

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
    from psycopg2.extras import execute_values

    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objects:
        for field in stamped:
            setattr(obj, field.attname, now)
    attnames = [field.attname for field in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES %s "
        f"RETURNING {quote(model._meta.pk.column)}"
    )
    rows = [tuple(getattr(obj, name) for name in attnames) for obj in objects]
    with connection.cursor() as cursor:
        ids = execute_values(cursor.cursor, sql, rows, page_size=batch_size, fetch=True)
    for obj, (pk,) in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    return objects
