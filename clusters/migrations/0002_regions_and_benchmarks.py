"""Load India's 36 states and union territories and the three UNIDO India benchmarks."""

from django.db import migrations
from django.utils.text import slugify

UNIDO_SOURCE = (
    "UNIDO Cluster Development Programme in India, as cited in 'Getting to Know Clusters', "
    "Foundation for MSME Clusters, Q7"
)
UNIDO_DEFAULTS = [
    ("industrial", "enterprise_count", 100),
    ("handicraft", "enterprise_count", 50),
    ("handloom", "loom_count", 500),
]


def load(apps, schema_editor):
    from clusters.regions import INDIAN_REGIONS

    Region = apps.get_model("clusters", "Region")
    Benchmark = apps.get_model("clusters", "Benchmark")
    for name, code, kind in INDIAN_REGIONS:
        Region.objects.update_or_create(
            country="IN", name=name, defaults={"slug": slugify(name), "code": code, "kind": kind}
        )
    for cluster_type, measure, threshold in UNIDO_DEFAULTS:
        Benchmark.objects.update_or_create(
            cluster_type=cluster_type,
            measure=measure,
            country="",
            defaults={"threshold": threshold, "authority": "UNIDO", "source": UNIDO_SOURCE},
        )


def unload(apps, schema_editor):
    Benchmark = apps.get_model("clusters", "Benchmark")
    Benchmark.objects.filter(country="", authority="UNIDO").delete()


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
