"""Drop the pattern index beside the unique slug: slugs are only looked up whole, and every
imported stakeholder paid a write into it for no reader (common.pattern_index)."""

from django.db import migrations

from common.pattern_index import pattern_index_dropped


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0010_network_summary_csv_text")]

    operations = [pattern_index_dropped(table="stakeholders_stakeholder", column="slug")]
