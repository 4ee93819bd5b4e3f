"""manage.py generate_scale_data: synthetic data at national scale, tried at a tiny scale."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F

from clusters.choices import ClassificationStatus, PublicationStatus
from clusters.classification import classify
from clusters.models import Agency, Cluster, ClusterFigure
from clusters.services import benchmark_rules, cluster_identity_key
from stakeholders import scale_data
from stakeholders.choices import ROLES_BY_KIND, Kind
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from stakeholders.services import stakeholder_identity_key

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the generator writes with PostgreSQL COPY"
)

SIZES = {"clusters": 20, "stakeholders": 300, "relationships": 600}


def generate(seed=7, **sizes):
    call_command("generate_scale_data", seed=seed, verbosity=0, **{**SIZES, **sizes})


def fingerprint():
    """What a run wrote, without database ids."""
    return (
        sorted(
            Cluster.objects.values_list(
                "slug", "cluster_type", "status", "enterprise_count", "loom_count"
            )
        ),
        sorted(Stakeholder.objects.values_list("slug", "kind", "role", "identity_key")),
        sorted(ClusterMembership.objects.values_list("cluster__slug", "stakeholder__slug")),
        sorted(
            Relationship.objects.values_list(
                "cluster__slug", "source__slug", "target__slug", "kind"
            )
        ),
    )


@pytest.mark.django_db
def test_counts_marks_and_skew():
    generate()

    agency = Agency.objects.get(name=scale_data.AGENCY_NAME)
    source = scale_data.source_label(7)
    assert Cluster.objects.filter(agency=agency).count() == 20
    assert Stakeholder.objects.filter(source=source).count() == 300
    assert Relationship.objects.filter(provenance=source).count() == 600
    assert not ClusterFigure.objects.exclude(source=source).exists()
    assert set(Stakeholder.objects.values_list("kind", flat=True)) == set(Kind.values)
    # Every stakeholder a member of one cluster at least; a few of two.
    assert not Stakeholder.objects.filter(memberships__isnull=True).exists()
    assert ClusterMembership.objects.count() >= 300
    sizes = sorted(
        Cluster.objects.annotate(n=Count("memberships")).values_list("n", flat=True), reverse=True
    )
    assert sizes[0] >= 4 * sizes[len(sizes) // 2]  # a Zipf law: the biggest far above the median
    published = Cluster.objects.filter(status=PublicationStatus.PUBLISHED).count()
    assert published > 20 / 2


@pytest.mark.django_db
def test_rows_are_what_the_services_would_write():
    generate()

    rules = benchmark_rules()
    statuses = set()
    for cluster in Cluster.objects.select_related("region"):
        result = classify(
            cluster.cluster_type,
            cluster.current_figures(),
            rules,
            country=cluster.country,
            currency=cluster.currency,
        )
        assert (cluster.classification_status, cluster.classification_reason) == (
            result.status,
            result.reason,
        )
        statuses.add(result.status)
        assert cluster.identity_key == cluster_identity_key(
            product=cluster.product, place=cluster.place, region=cluster.region, country="IN"
        )
        for figure in cluster.figures.all():
            assert getattr(cluster, figure.measure) == figure.value
    assert ClassificationStatus.QUALIFIES in statuses
    assert len(statuses) >= 2
    for stakeholder in Stakeholder.objects.select_related("region"):
        assert stakeholder.role in ROLES_BY_KIND[Kind(stakeholder.kind)]
        assert stakeholder.identity_key == stakeholder_identity_key(
            name=stakeholder.name, kind=stakeholder.kind, region=stakeholder.region
        )
    # Relationships join members of their own cluster, never one to itself.
    assert not Relationship.objects.filter(source=F("target")).exists()
    members = set(ClusterMembership.objects.values_list("cluster_id", "stakeholder_id"))
    for cluster_id, source_id, target_id in Relationship.objects.values_list(
        "cluster_id", "source_id", "target_id"
    ):
        assert (cluster_id, source_id) in members
        assert (cluster_id, target_id) in members


@pytest.mark.django_db
def test_a_seed_gives_the_same_data_and_a_second_run_is_refused():
    generate()
    first = fingerprint()
    with pytest.raises(CommandError, match="generated into this database before"):
        generate()

    Cluster.objects.all().delete()
    Stakeholder.objects.all().delete()
    generate()
    assert fingerprint() == first

    Cluster.objects.all().delete()
    Stakeholder.objects.all().delete()
    generate(seed=8)
    assert fingerprint() != first


@pytest.mark.django_db
def test_the_public_pages_render_on_generated_data(client):
    generate()
    biggest = (
        Cluster.objects.filter(status=PublicationStatus.PUBLISHED)
        .annotate(n=Count("memberships"))
        .order_by("-n")
        .first()
    )
    stakeholder = biggest.stakeholders.first()

    for url in [
        "/",
        "/clusters/",
        "/stakeholders/",
        "/stakeholders/?kind=bds_provider",
        "/relationships/",
        "/stats/",
        biggest.get_absolute_url(),
        f"{biggest.get_absolute_url()}map/",
        stakeholder.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert biggest.product in client.get(biggest.get_absolute_url()).content.decode()


def test_zipf_sizes_add_up_and_fall():
    sizes = scale_data.zipf_sizes(1_000, 30)
    assert sum(sizes) == 1_000
    assert min(sizes) >= 1
    assert sizes == sorted(sizes, reverse=True)
