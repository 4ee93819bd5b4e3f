"""Trigram GIN indexes for `icontains` searches, on PostgreSQL only (used by migrations).

Django writes `icontains` on PostgreSQL as `UPPER(column::text) LIKE UPPER('%word%')`; a GIN
index with `gin_trgm_ops` over that very expression answers it without reading every row.
SQLite (`make run`) has neither the pg_trgm extension nor GIN, so there the operation does
nothing and the search scans. The indexes stay out of the models' Meta on purpose: SQLite
rebuilds a table with every Meta index when a later migration alters it, and cannot build
these.
"""

from django.db import migrations


def trigram_index_name(prefix, column):
    """Return the name of the trigram index of `column` (`<prefix>_<column>_trgm_idx`)."""
    return f"{prefix}_{column}_trgm_idx"


def trigram_indexes(*, table, prefix, columns):
    """Return a migration operation creating (and, reversed, dropping) a trigram index on
    each of `columns` of `table`, on PostgreSQL; nothing elsewhere."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {trigram_index_name(prefix, column)} ON {table} "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {trigram_index_name(prefix, column)}")

    return migrations.RunPython(create, drop)
