"""Trigram indexes for the cluster search (issue 11), on PostgreSQL only.

As for the stakeholders (stakeholders 0005): `icontains` is written on PostgreSQL as
`UPPER(column::text) LIKE UPPER('%word%')`, which a GIN index with `gin_trgm_ops` over that
expression answers. The state and sector names are matched in their own small tables first
(clusters.filtersets), so the search reads only the clusters matching. SQLite (`make run`)
has neither the extension nor GIN: there the migration does nothing. Not in the model's Meta
on purpose (SQLite rebuilds a table with every Meta index when a later migration alters it).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCHED_COLUMNS = ("product", "place", "district", "description")


def _index_name(column):
    return f"cluster_{column}_trgm_idx"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index_name(column)} ON clusters_cluster "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index_name(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0005_list_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
