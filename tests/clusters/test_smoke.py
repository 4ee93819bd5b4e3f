"""A first check that the database and migrations are in place."""

from clusters.models import Benchmark, Region
from tests.factories import ClusterFactory


def test_migrations_load_indian_regions_and_unido_benchmarks(db):
    """The 36 states and union territories and the three UNIDO benchmarks are loaded."""
    assert Region.objects.filter(country="IN").count() == 36
    assert set(Benchmark.objects.values_list("cluster_type", "measure", "threshold")) == {
        ("industrial", "enterprise_count", 100),
        ("handicraft", "enterprise_count", 50),
        ("handloom", "loom_count", 500),
    }


def test_factory_builds_a_classified_cluster(db):
    """A cluster made by the factory goes through the services and is classified."""
    cluster = ClusterFactory(figures={"enterprise_count": 99})
    assert cluster.classification_status == "potential"
