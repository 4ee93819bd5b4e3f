"""Exports of a cluster's stakeholder network: GraphML and JSON that networkx reads back, and
relationship CSV rows that import back through RelationshipImporter without a change."""

import datetime
import io
import json

import networkx as nx
import pytest

from common.tabular import write_csv
from stakeholders import services
from stakeholders.choices import Kind, RelationshipType
from stakeholders.imports import RELATIONSHIP_COLUMNS, RelationshipImporter
from stakeholders.models import Relationship
from stakeholders.network.graph_export import (
    graph_relationship_rows,
    graph_to_graphml,
    graph_to_json,
)
from stakeholders.network.measures import cluster_graph
from tests.factories import ClusterFactory, StakeholderFactory, region, stakeholder_network
from tests.stakeholders.test_network import KNITWEAR_ACTORS, KNITWEAR_LINKS


@pytest.fixture
def knitwear(db):
    """Return (cluster, members) of the small knitwear network of test_network."""
    cluster = ClusterFactory(product="Knitwear", place="Ludhiana", region=region("Punjab"))
    return cluster, stakeholder_network(cluster, KNITWEAR_ACTORS, KNITWEAR_LINKS)


def graphml_read_back(graph):
    return nx.read_graphml(io.BytesIO(graph_to_graphml(graph)))


def json_read_back(graph):
    data = json.loads(json.dumps(graph_to_json(graph)))
    return nx.node_link_graph(data, edges="links")


def import_rows(cluster, graph):
    """Write the graph's relationship rows as CSV and import them; return the result."""
    stream = io.StringIO()
    write_csv(graph_relationship_rows(cluster, graph), RELATIONSHIP_COLUMNS, stream)
    return RelationshipImporter().run(stream.getvalue().encode("utf-8"))


def edge_set(graph):
    """Return the relationships of a graph as comparable tuples named by stakeholder name."""
    name = dict(graph.nodes(data="name"))
    return {
        (name[s], data["kind"], name[t], str(data.get("since") or ""), str(data.get("until") or ""))
        for s, t, data in graph.edges(data=True)
    }


# GraphML -----------------------------------------------------------------------------------


def test_graphml_keeps_nodes_and_relationships_with_iso_dates_and_no_blanks(knitwear):
    """Dates become ISO strings and a missing date is no attribute at all."""
    cluster, members = knitwear
    data = graph_to_graphml(cluster_graph(cluster))

    assert data.startswith(b"<?xml")
    read_back = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    bank, beta = str(members["bank"].pk), str(members["beta"].pk)
    assert read_back.edges[bank, beta, "finances"] == {
        "kind": "finances",
        "since": "2012-04-01",
        "until": "2019-03-31",
        "provenance": "",
    }
    delta, alpha = str(members["delta"].pk), str(members["alpha"].pk)
    assert read_back.edges[delta, alpha, "supplies"] == {
        "kind": "supplies",
        "since": "2015-01-01",
        "provenance": "",
    }
    poly = members["poly"]
    assert read_back.nodes[str(poly.pk)] == {
        "id": poly.pk,
        "name": "Women's Polytechnic",
        "slug": poly.slug,
        "kind": "institution",
        "role": "training",
    }
    assert read_back.graph["cluster_id"] == cluster.pk
    assert edge_set(read_back) == edge_set(cluster_graph(cluster))


def test_graphml_of_a_plain_digraph_is_written_too():
    """A graph without parallel edges (a DiGraph) exports as well."""
    graph = nx.DiGraph()
    graph.add_node(1, name="A", kind="enterprise", role=None)
    graph.add_edge(1, 2, kind="supplies", since=datetime.date(2020, 5, 1), until=None)

    read_back = nx.read_graphml(io.BytesIO(graph_to_graphml(graph)))

    assert read_back.nodes["1"] == {"name": "A", "kind": "enterprise"}
    assert read_back.edges["1", "2"] == {"kind": "supplies", "since": "2020-05-01"}


# JSON --------------------------------------------------------------------------------------


def test_json_has_nodes_and_links_with_iso_dates(knitwear):
    """Nodes carry id, name, slug, kind, role; links source, target, kind, since, until."""
    cluster, members = knitwear

    data = graph_to_json(cluster_graph(cluster))

    assert json.loads(json.dumps(data)) == data
    assert len(data["nodes"]) == 7
    poly = members["poly"]
    assert {
        "id": poly.pk,
        "name": "Women's Polytechnic",
        "slug": poly.slug,
        "kind": "institution",
        "role": "training",
    } in data["nodes"]
    assert len(data["links"]) == 6
    assert all(
        set(link) == {"source", "target", "kind", "since", "until"} for link in data["links"]
    )
    assert {
        "source": members["bank"].pk,
        "target": members["beta"].pk,
        "kind": "finances",
        "since": "2012-04-01",
        "until": "2019-03-31",
    } in data["links"]
    assert {
        "source": members["beta"].pk,
        "target": members["assoc"].pk,
        "kind": "member_of",
        "since": None,
        "until": None,
    } in data["links"]


def test_json_reads_back_into_networkx(knitwear):
    """networkx.node_link_graph(data, edges="links") rebuilds the same network."""
    graph = cluster_graph(knitwear[0])

    read_back = json_read_back(graph)

    assert set(read_back.nodes) == set(graph.nodes)
    assert edge_set(read_back) == edge_set(graph)


# Relationship CSV rows ---------------------------------------------------------------------


def test_rows_are_in_the_relationship_csv_format(knitwear):
    """One row per relationship with the contract's columns, in a stable order."""
    cluster, _members = knitwear

    rows = list(graph_relationship_rows(cluster, cluster_graph(cluster)))

    assert len(rows) == 6
    assert all(tuple(row) == RELATIONSHIP_COLUMNS for row in rows)
    assert rows[0] == {
        "source_name": "Alpha Knits",
        "source_kind": "enterprise",
        "target_name": "Delta Yarns",
        "target_kind": "supplier",
        "relationship": "buys_from",
        "cluster_product": "Knitwear",
        "cluster_place": "Ludhiana",
        "cluster_state": "Punjab",
        "cluster_country": "IN",
        "since": "",
        "until": "",
        "source": "",
    }
    finances = next(row for row in rows if row["relationship"] == "finances")
    assert (finances["since"], finances["until"]) == ("2012-04-01", "2019-03-31")


@pytest.mark.parametrize("read_back", [graphml_read_back, json_read_back, lambda graph: graph])
def test_an_exported_network_imports_back_without_a_change(knitwear, read_back):
    """GraphML, JSON (read back by networkx) or the graph itself: created 0, updated 0."""
    cluster, members = knitwear
    # A name a spreadsheet would run as a formula, and a relationship with a provenance.
    plus = StakeholderFactory(name="+Plus Dyeing", kind=Kind.SUPPLIER)
    services.stakeholder_link_to_cluster(stakeholder=plus, cluster=cluster)
    services.relationship_create(
        cluster=cluster,
        source=plus,
        target=members["beta"],
        kind=RelationshipType.SUPPLIES,
        since=datetime.date(2018, 1, 1),
        provenance="Diagnostic study 2019",
    )
    before = set(Relationship.objects.values_list("source", "target", "kind", "since", "until"))

    result = import_rows(cluster, read_back(cluster_graph(cluster)))

    assert result.ok, result.errors
    assert result.summary() == "created 0, updated 0, unchanged 7"
    after = set(Relationship.objects.values_list("source", "target", "kind", "since", "until"))
    assert after == before


def test_an_exported_network_recreates_its_relationships(knitwear):
    """Importing the export into the cluster stripped of its relationships restores them."""
    cluster, _members = knitwear
    graph = cluster_graph(cluster)
    exported = graphml_read_back(graph)
    for relationship in Relationship.objects.filter(cluster=cluster):
        services.relationship_delete(relationship=relationship)

    result = import_rows(cluster, exported)

    assert result.summary() == "created 6, updated 0, unchanged 0"
    assert edge_set(cluster_graph(cluster)) == edge_set(graph)
