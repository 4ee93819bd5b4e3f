"""Keeping the fingerprints of a written chunk finds each row's record by index probes, as
the plan PostgreSQL chooses shows: joined instead, the records of a chunk were found by
hashing the whole record table (150-210 ms a chunk at 280,000 stakeholders or 480,000
relationships), and a relationship's ends were checked by scanning its cluster's members."""

import json

import pytest
from django.db import connection

from common import fingerprints
from stakeholders.imports import (
    RELATIONSHIP_FINGERPRINTS,
    STAKEHOLDER_FINGERPRINTS,
    RelationshipImporter,
    StakeholderImporter,
)
from stakeholders.models import Relationship, Stakeholder
from tests.factories import ClusterFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="fingerprints are kept on PostgreSQL only"
)
MEMBERS = 400


@pytest.fixture
def network(db):
    """A cluster of MEMBERS stakeholders linked in a chain, imported, with fresh statistics."""
    cluster = ClusterFactory(product="Knitwear", place="Ludhiana")
    state = cluster.region.name
    head = "name,kind,role,cluster_product,cluster_place,cluster_state\n"
    lines = [f"Maker {n},enterprise,manufacturer,Knitwear,Ludhiana,{state}" for n in range(MEMBERS)]
    assert StakeholderImporter().run((head + "\n".join(lines)).encode()).ok
    head = (
        "source_name,source_kind,target_name,target_kind,relationship,"
        "cluster_product,cluster_place,cluster_state\n"
    )
    lines = [
        f"Maker {n},enterprise,Maker {n + 1},enterprise,supplies,Knitwear,Ludhiana,{state}"
        for n in range(MEMBERS - 1)
    ]
    assert RelationshipImporter().run((head + "\n".join(lines)).encode()).ok
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cluster


def plan_nodes(spec, rows):
    """Return every node of the plan PostgreSQL chooses for keeping `rows`."""
    sql, params = fingerprints.keep_statement(spec, rows)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def digests(number):
    return [fingerprints.digest(f"{kind}{number}".encode()) for kind in "cir"]


def assert_probed(nodes, tables):
    """No table hashed, and `tables` (big in a registry; the one cluster here is not) read
    by index only."""
    assert not [node for node in nodes if node["Node Type"] in ("Hash Join", "Hash")]
    for node in nodes:
        if node.get("Relation Name") in tables:
            assert node["Node Type"] in ("Index Scan", "Index Only Scan"), (
                node["Relation Name"],
                node["Node Type"],
            )


def test_a_stakeholder_chunk_finds_its_records_by_index(network):
    rows = [
        (*digests(number), key, network.pk)
        for number, key in enumerate(Stakeholder.objects.values_list("identity_key", flat=True))
    ]
    nodes = plan_nodes(STAKEHOLDER_FINGERPRINTS, rows)
    assert_probed(nodes, {"stakeholders_stakeholder", "stakeholders_clustermembership"})


def test_a_relationship_chunk_finds_its_records_and_ends_by_index(network):
    rows = [
        (*digests(number), *keys)
        for number, keys in enumerate(
            Relationship.objects.values_list("cluster_id", "source_id", "target_id", "kind")
        )
    ]
    nodes = plan_nodes(RELATIONSHIP_FINGERPRINTS, rows)
    assert_probed(nodes, {"stakeholders_relationship", "stakeholders_stakeholder"})
    # Each end's membership is one probe on both keys, never a walk of the cluster's members.
    memberships = [n for n in nodes if n.get("Relation Name") == "stakeholders_clustermembership"]
    assert len(memberships) == 2
    for node in memberships:
        condition = node["Index Cond"]
        assert "cluster_id" in condition and "stakeholder_id" in condition, condition
