"""The network summary of the cluster exports equals the measures of the stakeholder map."""

import csv
import io

import pytest

from clusters.exports import export_columns
from stakeholders.network.measures import cluster_graph, network_measures
from stakeholders.network.summary import network_summaries
from tests.factories import ClusterFactory, region
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
