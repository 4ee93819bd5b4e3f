"""Drop the pattern index PostgreSQL's schema editor adds beside a unique text column
(varchar_pattern_ops, for `LIKE 'prefix%'`), where the column is only ever looked up whole
(by its unique index): each row written paid for it with no reader. Used by migrations;
SQLite has no such index, so there the operation does nothing."""

from django.db import migrations


def pattern_index_dropped(*, table, column):
    """Return a migration operation dropping (and, reversed, recreating) the pattern index of
    `table`.`column` that Django named, on PostgreSQL only."""

    def name(schema_editor):
        index = schema_editor._create_index_name(table, [column], suffix="_like")
        return schema_editor.quote_name(index)

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name(schema_editor)}")

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name(schema_editor)} "
                f"ON {table} ({column} varchar_pattern_ops)"
            )

    return migrations.RunPython(drop, create)
