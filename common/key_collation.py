"""Machine keys compared byte by byte on PostgreSQL: the `C` collation.

An identity key ("IN|punjab|ludhiana|knitwear"), a slug or an importer's name is only ever
compared for equality, never shown in an order; under the database's linguistic collation
(C.UTF-8, en_US.UTF-8...) every comparison in its index still goes through the locale's
strcoll, which costs an import of 100,000 stakeholders about 5% of PostgreSQL's work (the
unique indexes are probed and extended for every row). Under `C` the same equalities hold
(a deterministic collation treats two strings as equal only when their bytes are) and each
comparison is a memcmp.

Only on PostgreSQL, from the migrations (a model field's `db_collation` would be sent to
SQLite too, which knows no `C`): `key_collation` sets it, and a test checks that the
columns keep it, since an AlterField of one of them would give it back the default.
"""

from django.db import migrations

KEY_COLLATION = "C"


def key_collation(model, *fields):
    """Return a migration operation giving the varchar columns of `fields` of `model`
    ("app_label.Model", as the migration's state has it) the `C` collation (reversed: the
    database's default) on PostgreSQL; nothing elsewhere. Their indexes are rebuilt; the
    table is not rewritten."""

    def alter(collation):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            opts = apps.get_model(model)._meta
            quote = schema_editor.quote_name
            changes = ", ".join(
                f"ALTER COLUMN {quote(field.column)} TYPE varchar({field.max_length}) "
                f'COLLATE "{collation}"'
                for field in map(opts.get_field, fields)
            )
            schema_editor.execute(f"ALTER TABLE {quote(opts.db_table)} {changes}")

        return run

    return migrations.RunPython(alter(KEY_COLLATION), alter("default"))
