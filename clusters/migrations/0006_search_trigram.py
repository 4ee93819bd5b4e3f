"""Trigram indexes for the cluster search (issue 11), on PostgreSQL only.

As for the stakeholders (stakeholders 0005): `icontains` is written on PostgreSQL as
`UPPER(column::text) LIKE UPPER('%word%')`, which a GIN index with `gin_trgm_ops` over that
expression answers. The state and sector names are matched in their own small tables first
(clusters.filtersets), so the search reads only the clusters matching. SQLite (`make run`)
has neither the extension nor GIN: there the migration does nothing. Not in the model's Meta
on purpose (SQLite rebuilds a table with every Meta index when a later migration alters it).
The index of a cluster's newest figure is an ordinary one (both databases), in the Meta.
"""

import django.db.models.functions.text
from django.db import migrations, models

from common.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0005_list_indexes"),
        # It creates the pg_trgm extension (PostgreSQL), which this migration never drops.
        ("stakeholders", "0005_search_trigram"),
    ]

    operations = [
        trigram_indexes(
            table="clusters_cluster",
            prefix="cluster",
            columns=("product", "place", "district", "description"),
        ),
        # A cluster's newest figure read from the first entry (the list's year column).
        migrations.AddIndex(
            model_name="clusterfigure",
            index=models.Index(
                models.F("cluster"),
                models.OrderBy(
                    django.db.models.functions.text.Substr("year", 1, 4), descending=True
                ),
                models.OrderBy(models.F("id"), descending=True),
                name="cluster_figure_newest_idx",
            ),
        ),
    ]
