"""Trigram indexes for the stakeholder search (issue 11), on PostgreSQL only.

The search matches each word with `icontains`, which Django writes on PostgreSQL as
`UPPER(column::text) LIKE UPPER('%word%')`: a GIN index with `gin_trgm_ops` over that very
expression answers it without reading a million rows. SQLite (`make run`) has neither the
extension nor GIN, so there the migration does nothing and the search scans, as before.
The indexes are not in the model's Meta on purpose: SQLite rebuilds a table with every
Meta index when a later migration alters it, and it cannot build these.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCHED_COLUMNS = ("name", "place", "services_offered", "description")


def _index_name(column):
    return f"stakeholder_{column}_trgm_idx"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index_name(column)} ON stakeholders_stakeholder "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index_name(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0004_list_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
