"""The stakeholder network of a cluster: the graph read in a fixed number of queries, its
social-capital measures (FAQ Q24-26, Q35), and their cache, which every network write resets."""

import datetime
import io
import json
import random
from dataclasses import fields

import networkx as nx
import pytest
from django.core.cache import cache

from common.partial_dates import PartialDate
from stakeholders import services
from stakeholders.choices import Kind, RelationshipType, Role
from stakeholders.models import ClusterMembership, Relationship
from stakeholders.network import measures as network
from stakeholders.network.graph_export import graph_to_graphml
from tests.factories import ClusterFactory, StakeholderFactory, region, stakeholder_network

ENT, SUP, INST, ASSOC, BDS = Kind.values
R = RelationshipType

# A small knitwear cluster: the association joins the enterprises; the polytechnic is alone.
#
#   Delta Yarns ==supplies / buys from== Alpha Knits --member of--> Association
#   State Bank --finances--> Beta Exports --member of--> Association
#   Gamma Household Unit --member of--> Association          Women's Polytechnic (isolated)
KNITWEAR_ACTORS = {
    "alpha": ("Alpha Knits", ENT, Role.MANUFACTURER),
    "beta": ("Beta Exports", ENT, Role.EXPORTER),
    "gamma": ("Gamma Household Unit", ENT, Role.HOUSEHOLD_UNIT),
    "delta": ("Delta Yarns", SUP, Role.RAW_MATERIAL),
    "assoc": ("Knitwear Manufacturers Association", ASSOC, Role.INDUSTRY_ASSOCIATION),
    "bank": ("State Bank", INST, Role.FINANCIAL),
    "poly": ("Women's Polytechnic", INST, Role.TRAINING),
}
KNITWEAR_LINKS = [
    ("delta", R.SUPPLIES, "alpha", datetime.date(2015, 1, 1), None),
    ("alpha", R.BUYS_FROM, "delta"),
    ("alpha", R.MEMBER_OF, "assoc"),
    ("beta", R.MEMBER_OF, "assoc"),
    ("gamma", R.MEMBER_OF, "assoc"),
    ("bank", R.FINANCES, "beta", datetime.date(2012, 4, 1), datetime.date(2019, 3, 31)),
]
ASSOCIATION = "Knitwear Manufacturers Association"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def knitwear(db):
    """Return (cluster, members) of the small knitwear network, plus noise in another cluster."""
    cluster = ClusterFactory(product="Knitwear", place="Ludhiana", region=region("Punjab"))
    members = stakeholder_network(cluster, KNITWEAR_ACTORS, KNITWEAR_LINKS)
    other = ClusterFactory(product="Hosiery", place="Kolkata")
    outsider = StakeholderFactory(name="Kolkata Hosiery Works", kind=ENT)
    for stakeholder in (members["bank"], outsider):
        services.stakeholder_link_to_cluster(stakeholder=stakeholder, cluster=other)
    services.relationship_create(
        cluster=other, source=members["bank"], target=outsider, kind=R.FINANCES
    )
    return cluster, members


def names(actors):
    return [actor.name for actor in actors]


# The graph ---------------------------------------------------------------------------------


def test_graph_has_every_member_with_its_attributes_isolated_ones_included(knitwear):
    """Every member is a node keyed by id, with id, name, slug, kind and role."""
    cluster, members = knitwear

    graph = network.cluster_graph(cluster)

    assert isinstance(graph, nx.DiGraph)
    assert set(graph.nodes) == {stakeholder.pk for stakeholder in members.values()}
    poly = members["poly"]
    assert graph.nodes[poly.pk] == {
        "id": poly.pk,
        "name": "Women's Polytechnic",
        "slug": poly.slug,
        "kind": "institution",
        "role": "training",
    }
    assert graph.degree(poly.pk) == 0


def test_graph_has_this_clusters_relationships_only_each_with_type_and_dates(knitwear):
    """Edges are the cluster's relationships, keyed by type; another cluster's stay out."""
    cluster, members = knitwear

    graph = network.cluster_graph(cluster)

    assert graph.number_of_edges() == len(KNITWEAR_LINKS)
    bank, beta = members["bank"].pk, members["beta"].pk
    assert graph.edges[bank, beta, "finances"] == {
        "kind": "finances",
        "since": PartialDate(datetime.date(2012, 4, 1)),
        "until": PartialDate(datetime.date(2019, 3, 31)),
        "provenance": "",
    }
    alpha, delta = members["alpha"].pk, members["delta"].pk
    # Two relationships between one pair are two edges, not one.
    assert set(graph[delta][alpha]) == {"supplies"}
    assert set(graph[alpha][delta]) == {"buys_from"}
    assert graph.out_degree(bank) == 1


@pytest.mark.parametrize("relationships", [5, 50])
def test_graph_takes_two_queries_however_many_relationships(
    db, django_assert_num_queries, relationships
):
    """cluster_graph reads members and relationships in two queries, for 5 or 50 links."""
    cluster = ClusterFactory()
    actors = {i: (f"Actor {i}", ENT, "") for i in range(12)}
    pairs = [(i, j) for i in range(12) for j in range(12) if i != j][:relationships]
    stakeholder_network(cluster, actors, [(i, R.COLLABORATES, j) for i, j in pairs])

    with django_assert_num_queries(2):
        graph = network.cluster_graph(cluster)

    assert graph.number_of_edges() == relationships


# The measures ------------------------------------------------------------------------------


def test_counts_of_actors_and_links_by_kind_and_type(knitwear):
    """Actors by kind cover the five kinds; links by type count every relationship."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert measures.actors == 7
    assert measures.links == 6
    assert measures.actors_by_kind == {
        "enterprise": 3,
        "supplier": 1,
        "institution": 2,
        "association": 1,
        "bds_provider": 0,
    }
    assert {kind: n for kind, n in measures.links_by_type.items() if n} == {
        "supplies": 1,
        "buys_from": 1,
        "member_of": 3,
        "finances": 1,
    }
    assert set(measures.links_by_type) == set(RelationshipType.values)


def test_the_isolated_actor_is_named(knitwear):
    """The polytechnic, with no relationship, is named as isolated (FAQ Q26, Q35)."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert measures.isolated == ["Women's Polytechnic"]


def test_density_counts_linked_pairs_once(knitwear):
    """5 linked pairs of 21 possible: supplies and buys-from between one pair count once."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert measures.density == pytest.approx(5 / 21)


def test_most_connected_counts_partners_and_leaves_out_the_isolated(knitwear):
    """The association has 3 partners; ties are ordered by name; nobody with 0 is listed."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert [(actor.name, actor.value) for actor in measures.most_connected] == [
        (ASSOCIATION, 3),
        ("Alpha Knits", 2),
        ("Beta Exports", 2),
        ("Delta Yarns", 1),
        ("Gamma Household Unit", 1),
        ("State Bank", 1),
    ]
    leader = measures.most_connected[0]
    assert (leader.id, leader.slug, leader.kind) == (
        knitwear[1]["assoc"].pk,
        knitwear[1]["assoc"].slug,
        "association",
    )


def test_the_association_is_the_broker(knitwear):
    """The association lies between 8 of the 15 pairs of the other connected actors."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert [(actor.name, actor.value) for actor in measures.brokers] == [
        (ASSOCIATION, pytest.approx(8 / 15)),
        ("Alpha Knits", pytest.approx(4 / 15)),
        ("Beta Exports", pytest.approx(4 / 15)),
    ]
    assert measures.betweenness_sample is None


def test_components_count_the_isolated_actor_as_a_group(knitwear):
    """Six actors are joined by chains of links; the polytechnic is a second group."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert (measures.components, measures.largest_component) == (2, 6)


def test_kind_matrix_counts_links_from_kind_to_kind(knitwear):
    """Rows are the source's kind, columns the target's, over the five kinds."""
    matrix = network.network_measures(network.cluster_graph(knitwear[0])).kind_matrix

    assert list(matrix) == list(Kind.values)
    assert all(list(row) == list(Kind.values) for row in matrix.values())
    non_zero = {
        (source, target): n for source, row in matrix.items() for target, n in row.items() if n
    }
    assert non_zero == {
        ("supplier", "enterprise"): 1,
        ("enterprise", "supplier"): 1,
        ("enterprise", "association"): 3,
        ("institution", "enterprise"): 1,
    }


def test_absent_kinds_and_enterprises_without_a_trade_link(knitwear):
    """No BDS provider; Beta and Gamma neither supply, buy nor subcontract with anyone."""
    measures = network.network_measures(network.cluster_graph(knitwear[0]))

    assert measures.absent_kinds == ["bds_provider"]
    assert measures.unlinked_enterprises == ["Beta Exports", "Gamma Household Unit"]


def test_subcontracting_in_either_direction_is_a_trade_link(db):
    """An enterprise that is subcontracted to has a trade link, as its contractor has."""
    cluster = ClusterFactory()
    stakeholder_network(
        cluster,
        {"a": ("Main Unit", ENT, ""), "b": ("Job Worker", ENT, ""), "c": ("Idle Unit", ENT, "")},
        [("a", R.SUBCONTRACTS_TO, "b"), ("c", R.COLLABORATES, "a")],
    )

    measures = network.network_measures(network.cluster_graph(cluster))

    assert measures.unlinked_enterprises == ["Idle Unit"]


def test_an_empty_cluster_has_zero_measures_and_lacks_every_kind(db):
    """A cluster without members: nothing to count, every kind absent."""
    measures = network.network_measures(network.cluster_graph(ClusterFactory()))

    assert (measures.actors, measures.links, measures.density) == (0, 0, 0)
    assert (measures.components, measures.largest_component) == (0, 0)
    assert measures.most_connected == measures.brokers == measures.isolated == []
    assert measures.absent_kinds == list(Kind.values)


def test_every_measure_has_a_plain_words_explanation():
    """A page can show one sentence for each measure, and there is none without a measure."""
    assert set(network.MEASURE_EXPLANATIONS) == {f.name for f in fields(network.NetworkMeasures)}
    assert all(str(text).endswith(".") for text in network.MEASURE_EXPLANATIONS.values())


def test_measures_are_plain_data(knitwear):
    """as_dict gives dicts and lists that JSON can hold."""
    data = network.network_measures(network.cluster_graph(knitwear[0])).as_dict()

    assert json.loads(json.dumps(data))["brokers"][0]["name"] == ASSOCIATION


# The measures are what networkx computes on the exported graph ------------------------------


@pytest.fixture
def random_cluster(db):
    """Return a cluster of 40 actors of every kind and 90 random relationships."""
    rng = random.Random(7)
    cluster = ClusterFactory()
    kinds = list(Kind.values)
    actors = {i: (f"Actor {i:02d}", kinds[i % 5], "") for i in range(40)}
    links = set()
    while len(links) < 90:
        source, target = rng.randrange(36), rng.randrange(36)  # 36-39 stay isolated
        if source != target:
            links.add((source, rng.choice(list(RelationshipType.values)), target))
    stakeholder_network(cluster, actors, sorted(links))
    return cluster


@pytest.mark.parametrize("which", ["knitwear", "random_cluster"])
def test_measures_equal_networkx_on_the_graph_read_back_from_graphml(db, request, which):
    """Density, degree, betweenness, components and isolates match networkx run directly."""
    cluster = request.getfixturevalue(which)
    if which == "knitwear":
        cluster = cluster[0]
    graph = network.cluster_graph(cluster)
    measures = network.network_measures(graph)

    read_back = nx.read_graphml(io.BytesIO(graph_to_graphml(graph)))
    undirected = nx.Graph(read_back)
    name = nx.get_node_attributes(read_back, "name")

    again = network.network_measures(read_back)
    assert {**again.as_dict(), "brokers": None} == {**measures.as_dict(), "brokers": None}
    assert [(a.name, a.value) for a in again.brokers] == [
        (a.name, pytest.approx(a.value)) for a in measures.brokers
    ]
    assert measures.actors == read_back.number_of_nodes()
    assert measures.links == read_back.number_of_edges()
    assert measures.density == pytest.approx(nx.density(undirected))
    assert measures.isolated == sorted(name[node] for node in nx.isolates(read_back))
    assert measures.components == nx.number_weakly_connected_components(read_back)
    assert measures.largest_component == max(
        len(group) for group in nx.weakly_connected_components(read_back)
    )
    degree = sorted((-d, name[n]) for n, d in undirected.degree() if d)[:10]
    assert [(a.name, a.value) for a in measures.most_connected] == [(n, -d) for d, n in degree]
    betweenness = {name[n]: b for n, b in nx.betweenness_centrality(undirected).items()}
    top = sorted((b for b in betweenness.values() if b > 0), reverse=True)[:10]
    assert [a.value for a in measures.brokers] == pytest.approx(top)
    assert all(a.value == pytest.approx(betweenness[a.name]) for a in measures.brokers)
    kinds = nx.get_node_attributes(read_back, "kind")
    pairs = [(kinds[s], kinds[t]) for s, t in read_back.edges()]
    assert sum(map(sum, (row.values() for row in measures.kind_matrix.values()))) == len(pairs)
    for source_kind, row in measures.kind_matrix.items():
        for target_kind, count in row.items():
            assert count == pairs.count((source_kind, target_kind))


def test_betweenness_equals_networkx_exact_and_sampled(monkeypatch):
    """The list-based Brandes gives networkx's exact values, and its k-sample estimate with
    the same fixed seed once the graph is past the budget."""
    graph = nx.gnm_random_graph(120, 300, seed=3)
    graph.add_nodes_from(range(120, 125))  # isolated ones

    values, sample = network.betweenness(graph)
    assert sample is None
    assert values == pytest.approx(nx.betweenness_centrality(graph))

    monkeypatch.setattr(network, "BETWEENNESS_WORK_BUDGET", 20 * 425)
    values, sample = network.betweenness(graph)
    assert sample == 20
    assert values == pytest.approx(
        nx.betweenness_centrality(graph, k=20, seed=network.BETWEENNESS_SEED)
    )
    assert network.betweenness(graph) == (values, sample)  # the same on every run


def test_betweenness_is_sampled_past_a_thousand_actors():
    """More than 1,000 actors: always a sample; up to 1,000 and within budget: exact."""
    assert network.betweenness_sample_size(1000, 1500) is None
    assert network.betweenness_sample_size(1001, 1500) is not None
    assert network.betweenness_sample_size(10_000, 50_000) < 10_000
    assert network.betweenness_sample_size(10_000, 50_000) >= network.BETWEENNESS_MIN_SAMPLES


# The cache ---------------------------------------------------------------------------------


def test_cached_measures_are_served_without_queries(knitwear, django_assert_num_queries):
    """The second call reads nothing from the database."""
    first = network.cluster_network_measures(knitwear[0])

    with django_assert_num_queries(0):
        assert network.cluster_network_measures(knitwear[0]) == first


def test_a_new_relationship_changes_the_cached_measures(knitwear):
    """relationship_create resets the cache: the polytechnic is no longer isolated."""
    cluster, members = knitwear
    before = network.cluster_network_measures(cluster)

    services.relationship_create(
        cluster=cluster, source=members["poly"], target=members["gamma"], kind=R.TRAINS
    )

    after = network.cluster_network_measures(cluster)
    assert (before.links, before.isolated) == (6, ["Women's Polytechnic"])
    assert (after.links, after.isolated, after.components) == (7, [], 1)
    assert after.links_by_type["trains"] == 1


def test_updating_or_deleting_a_relationship_changes_the_cached_measures(knitwear):
    """relationship_update and relationship_delete reset the cache too."""
    cluster, members = knitwear
    finances = Relationship.objects.get(cluster=cluster, kind=R.FINANCES)
    network.cluster_network_measures(cluster)

    services.relationship_update(relationship=finances, data={"kind": R.SERVES})
    assert network.cluster_network_measures(cluster).links_by_type["serves"] == 1

    services.relationship_delete(relationship=finances)
    measures = network.cluster_network_measures(cluster)
    assert measures.links == 5
    assert measures.isolated == ["State Bank", "Women's Polytechnic"]


def test_membership_changes_change_the_cached_measures(knitwear):
    """A new member appears as isolated; a removed one leaves with its relationships."""
    cluster, members = knitwear
    network.cluster_network_measures(cluster)

    consultant = StakeholderFactory(name="Quality Consultants", kind=BDS)
    services.stakeholder_link_to_cluster(stakeholder=consultant, cluster=cluster)
    measures = network.cluster_network_measures(cluster)
    assert "Quality Consultants" in measures.isolated
    assert measures.absent_kinds == []

    services.membership_delete(
        membership=ClusterMembership.objects.get(cluster=cluster, stakeholder=members["assoc"])
    )
    measures = network.cluster_network_measures(cluster)
    assert measures.actors == 7
    assert measures.links == 3
    assert measures.brokers == []  # no actor lies between two others any more


def test_renaming_a_member_changes_the_cached_measures(knitwear):
    """The names shown come from the stakeholders: stakeholder_update resets the cache."""
    cluster, members = knitwear
    network.cluster_network_measures(cluster)

    services.stakeholder_update(stakeholder=members["poly"], data={"name": "Govt Polytechnic"})

    assert network.cluster_network_measures(cluster).isolated == ["Govt Polytechnic"]


def test_measures_cached_before_a_commit_are_not_served_after_it(
    knitwear, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Another request may cache the old network before the write commits; the commit resets
    the cache again, so the old measures do not outlive it."""
    cluster, members = knitwear
    with django_capture_on_commit_callbacks() as callbacks:
        services.relationship_create(
            cluster=cluster, source=members["poly"], target=members["beta"], kind=R.TRAINS
        )
    network.cluster_network_measures(cluster)  # cached before the commit

    for callback in callbacks:  # the commit
        callback()

    with django_assert_num_queries(2):
        network.cluster_network_measures(cluster)


def test_invalidating_one_cluster_keeps_the_others_cached(knitwear, django_assert_num_queries):
    """Each cluster's network has its own version."""
    cluster = knitwear[0]
    other = ClusterFactory()
    network.cluster_network_measures(cluster)
    network.cluster_network_measures(other)

    network.network_cache_invalidate(other.pk)

    with django_assert_num_queries(0):
        network.cluster_network_measures(cluster)
    with django_assert_num_queries(2):
        network.cluster_network_measures(other)
