"""Drop the pattern index PostgreSQL's schema editor adds beside a unique slug
(varchar_pattern_ops, for `LIKE 'prefix%'`): slugs are only ever looked up whole, by the
unique index, and every imported stakeholder paid a write into this one for no reader."""

from django.db import migrations


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name = schema_editor._create_index_name("stakeholders_stakeholder", ["slug"], suffix="_like")
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name = schema_editor._create_index_name("stakeholders_stakeholder", ["slug"], suffix="_like")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
        "ON stakeholders_stakeholder (slug varchar_pattern_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0010_network_summary_csv_text")]

    operations = [migrations.RunPython(drop, create)]
