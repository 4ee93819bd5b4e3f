"""An index giving each cluster's figures newest first (PostgreSQL only).

Its expressions are those of clusters.exports.with_newest_figure's ordering (the year key
of '2016' or '2015-16', then the id), and it carries the year, so that the DISTINCT ON that
picks every cluster's newest figure reads the index alone, already in order, instead of
sorting every figure after matching its year against a pattern. A test
(tests/clusters/test_exports.py) checks that the export's plan uses it. SQLite (`make run`)
has no such plans to gain: nothing is built there.
"""

from django.db import migrations

INDEX = "clusterfigure_newest_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON clusters_clusterfigure (cluster_id, "
        "(CASE WHEN year::text ~ '^[0-9]{4}(-[0-9]{2})?$' "
        "THEN (SUBSTRING(year, 1, 4))::integer ELSE 0 END) DESC, id DESC) INCLUDE (year)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clusters", "0008_lean_indexes")]

    operations = [migrations.RunPython(create, drop)]
