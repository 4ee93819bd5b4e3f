"""Drop the pattern index beside the unique slug: slugs are only looked up whole, and every
imported cluster paid a write into it for no reader (common.pattern_index)."""

from django.db import migrations

from common.pattern_index import pattern_index_dropped


class Migration(migrations.Migration):
    dependencies = [("clusters", "0009_newest_figure_index")]

    operations = [pattern_index_dropped(table="clusters_cluster", column="slug")]
