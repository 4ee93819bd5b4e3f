"""Trigram matching on PostgreSQL (pg_trgm): the indexes the migrations create, and the
`similarity()` the curators' duplicate checks use (with their plain fallback elsewhere).

Django writes `icontains` on PostgreSQL as `UPPER(column::text) LIKE UPPER('%word%')`; a GIN
index with `gin_trgm_ops` over that very expression answers it without reading every row.
SQLite (`make run`) has neither the pg_trgm extension nor GIN, so there the operation does
nothing and the search scans. The indexes stay out of the models' Meta on purpose: SQLite
rebuilds a table with every Meta index when a later migration alters it, and cannot build
these.
"""

from django.db import migrations
from django.db.models import FloatField, Func, Value
from django.db.models.functions import Lower, Replace, Upper


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


class TrigramSimilarity(Func):
    """`similarity(UPPER(a), UPPER(b))`: pg_trgm's similarity, 0 to 1 (PostgreSQL only)."""

    function = "SIMILARITY"
    output_field = FloatField()

    def __init__(self, left, right, **extra):
        super().__init__(Upper(left), Upper(right), **extra)


# The plain fallback where pg_trgm is not available (SQLite, `make run`): names compared
# letters and digits only, without case ("Brass-ware" = "Brass ware" = "brassware").
_DROPPED = (" ", ".", ",", "-", "&", "/", "'", "(", ")", "_")


def compact_name(expression):
    """Return `expression` lowercased with spaces and common punctuation removed (a
    database expression: the duplicate checks' exact-match fallback)."""
    result = Lower(expression)
    for character in _DROPPED:
        result = Replace(result, Value(character), Value(""))
    return result
