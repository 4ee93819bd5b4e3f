"""Keep each cluster's newest figure on the cluster (Cluster.newest_figure), filled here
for the clusters there are; clusters.newest_figures keeps it from then on."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Substr


def fill(apps, schema_editor):
    # The expressions of clusters.newest_figures (a migration does not import app code).
    Cluster = apps.get_model("clusters", "Cluster")
    ClusterFigure = apps.get_model("clusters", "ClusterFigure")
    year_key = Case(
        When(
            year__regex=r"^[0-9]{4}(-[0-9]{2})?$", then=Cast(Substr("year", 1, 4), IntegerField())
        ),
        default=Value(0),
    )
    newest = (
        ClusterFigure.objects.filter(cluster=OuterRef("pk"))
        .order_by(year_key.desc(), "-pk")
        .values("pk")[:1]
    )
    Cluster.objects.update(newest_figure=Subquery(newest))


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0013_cluster_assessment"),
    ]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="newest_figure",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="clusters.clusterfigure",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
