"""The network summary of the cluster exports equals the measures of the stakeholder map."""

import csv
import io

import pytest
from django.core.management import call_command

from clusters.choices import PublicationStatus
from clusters.exports import export_columns
from clusters.models import Cluster
from clusters.services import cluster_delete
from stakeholders import services
from stakeholders.choices import Kind, RelationshipType
from stakeholders.imports import StakeholderImporter
from stakeholders.merging import cluster_merge, stakeholder_merge
from stakeholders.models import ClusterMembership, NetworkSummary, Relationship
from stakeholders.network.measures import cluster_graph, network_measures
from stakeholders.network.summary import (
    _compute_in_python,
    network_summaries,
    network_summaries_compute,
    network_summaries_rebuild,
    network_summaries_refresh,
)
from tests.conftest import STAKEHOLDERS_CSV
from tests.factories import ClusterFactory, CuratorFactory, StakeholderFactory, region
from tests.stakeholders.test_network import (
    knitwear,  # noqa: F401  (fixture)
    random_cluster,  # noqa: F401  (fixture)
)


def assert_summary_matches(cluster):
    measures = network_measures(cluster_graph(cluster))
    summary = network_summaries([cluster.pk])[cluster.pk]
    assert summary["network_actors"] == measures.actors
    assert summary["network_links"] == measures.links
    assert summary["network_density"] == pytest.approx(measures.density, abs=1e-6)
    assert summary["network_isolated"] == len(measures.isolated)
    assert summary["network_absent_kinds"].split() == list(measures.absent_kinds)
    assert summary["network_unlinked_enterprises"] == len(measures.unlinked_enterprises)


def test_summary_equals_the_measures_of_the_hand_built_network(knitwear):  # noqa: F811
    """Actors, links, density, isolated, absent kinds and unlinked enterprises agree."""
    assert_summary_matches(knitwear[0])


def test_summary_equals_the_measures_of_a_random_network(random_cluster):  # noqa: F811
    """The same on 40 actors and 90 random relationships."""
    assert_summary_matches(random_cluster)


def test_a_cluster_without_stakeholders_lacks_every_kind(db):
    """No stakeholders: zero actors and all five kinds absent."""
    cluster = ClusterFactory()
    summary = network_summaries([cluster.pk])[cluster.pk]
    assert summary["network_actors"] == 0
    assert len(summary["network_absent_kinds"].split()) == 5


def test_the_cluster_csv_carries_the_summary(client, knitwear):  # noqa: F811
    """/clusters/export.csv has the network columns for each cluster."""
    response = client.get("/clusters/export.csv", {"state": region("Punjab").slug})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == list(export_columns())
    knitwear_row = next(row for row in rows if row["product"] == "Knitwear")
    assert int(knitwear_row["network_actors"]) == len(knitwear[1])


# The kept summaries (NetworkSummary) follow every write path ------------------------------


def assert_kept_and_matching(cluster):
    """The cluster's summary row exists and equals the measures of its network."""
    assert NetworkSummary.objects.filter(cluster=cluster).exists()
    assert_summary_matches(cluster)


def test_a_write_through_the_services_keeps_a_summary_after_the_commit(
    knitwear,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Linking and relating through the services refresh the row once the write commits."""
    cluster, members = knitwear
    newcomer = StakeholderFactory(name="Newcomer Knits", kind=Kind.ENTERPRISE)
    with django_capture_on_commit_callbacks(execute=True):
        services.stakeholder_link_to_cluster(stakeholder=newcomer, cluster=cluster)
    assert_kept_and_matching(cluster)
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_create(
            cluster=cluster,
            source=newcomer,
            target=members["poly"],
            kind=RelationshipType.BUYS_FROM,
        )
    assert_kept_and_matching(cluster)


def test_a_write_forgets_the_kept_summary_at_once(knitwear):  # noqa: F811
    """Within the writing transaction the row is gone, so the export computes it afresh."""
    cluster, members = knitwear
    network_summaries_refresh([cluster.pk])
    assert NetworkSummary.objects.filter(cluster=cluster).exists()
    relationship = Relationship.objects.filter(cluster=cluster).first()
    services.relationship_delete(relationship=relationship)
    assert not NetworkSummary.objects.filter(cluster=cluster).exists()
    assert_summary_matches(cluster)


def test_deleting_a_relationship_or_a_membership_refreshes_the_summary(
    knitwear,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Both deletions leave a kept row equal to the measures."""
    cluster, _members = knitwear
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_delete(relationship=Relationship.objects.filter(cluster=cluster)[0])
    assert_kept_and_matching(cluster)
    membership = ClusterMembership.objects.filter(cluster=cluster).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_delete(membership=membership)
    assert_kept_and_matching(cluster)


def test_a_bulk_import_refreshes_the_clusters_it_touched_in_one_go(
    india_clusters, django_capture_on_commit_callbacks
):
    """Importing stakeholders keeps a summary for every cluster they joined, all the
    clusters of the import refreshed by one callback after its commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = StakeholderImporter().run(STAKEHOLDERS_CSV)
    assert result.ok, result.errors
    refreshes = [c for c in callbacks if getattr(c, "__name__", "") == "run"]
    assert len(refreshes) == 1
    touched = Cluster.objects.filter(memberships__isnull=False).distinct()
    assert touched.count() > 1
    for cluster in touched:
        assert_kept_and_matching(cluster)


def test_merging_stakeholders_and_clusters_refreshes_the_summaries(
    knitwear,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Both merges leave kept rows equal to the measures of the surviving networks."""
    cluster, members = knitwear
    other = Cluster.objects.get(product="Hosiery")
    curator = CuratorFactory()
    duplicate = StakeholderFactory(name="Poly Yarns Again", kind=Kind.SUPPLIER)
    services.stakeholder_link_to_cluster(stakeholder=duplicate, cluster=other)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholder_merge(survivor=members["poly"], duplicate=duplicate, user=curator)
    assert_kept_and_matching(cluster)
    assert_kept_and_matching(other)
    with django_capture_on_commit_callbacks(execute=True):
        cluster_merge(survivor=cluster, duplicate=other, user=curator)
    assert_kept_and_matching(cluster)


def test_deleting_a_cluster_deletes_its_summary(db):
    """The row goes with its cluster (a draft, the only kind that may be deleted)."""
    cluster = ClusterFactory(status=PublicationStatus.DRAFT)
    services.stakeholder_link_to_cluster(stakeholder=StakeholderFactory(), cluster=cluster)
    network_summaries_refresh([cluster.pk])
    assert NetworkSummary.objects.filter(cluster_id=cluster.pk).exists()
    cluster_delete(cluster=cluster)
    assert not NetworkSummary.objects.filter(cluster_id=cluster.pk).exists()


def test_rebuild_keeps_every_cluster_equal_to_the_measures(
    knitwear,  # noqa: F811
    random_cluster,  # noqa: F811
):
    """rebuild_network_summaries writes one row per cluster, each equal to the measures."""
    empty = ClusterFactory()
    out = io.StringIO()
    call_command("rebuild_network_summaries", stdout=out)
    assert NetworkSummary.objects.count() == Cluster.objects.count()
    assert "rebuilt" in out.getvalue()
    for cluster in (knitwear[0], random_cluster, empty):
        assert_kept_and_matching(cluster)


def test_the_python_computation_equals_the_sql_one(knitwear, random_cluster):  # noqa: F811
    """The fallback for databases other than PostgreSQL gives the same figures."""
    ids = list(Cluster.objects.values_list("pk", flat=True))
    assert _compute_in_python(ids) == network_summaries_compute(ids)


def test_the_export_reads_kept_summaries_in_one_query_per_chunk(
    knitwear,  # noqa: F811
    random_cluster,  # noqa: F811
    django_assert_num_queries,
):
    """With every row kept, a chunk of clusters costs one query, whatever its size."""
    network_summaries_rebuild()
    ids = list(Cluster.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        summaries = network_summaries(ids)
    assert summaries == network_summaries_compute(ids)
