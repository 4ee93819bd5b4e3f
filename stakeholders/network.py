"""The stakeholder network of a cluster and its social-capital measures (FAQ Q24-26, Q35).

`cluster_graph` reads a cluster's members and relationships in two queries into a networkx
multi-digraph; `network_measures` turns any such graph (also one read back from an export)
into plain figures, each explained in plain words by `MEASURE_EXPLANATIONS`;
`cluster_network_measures` caches them per version of the cluster's network, which every
service that changes memberships or relationships bumps through `network_cache_invalidate`.

The graph is a `networkx.MultiDiGraph` (a subclass of `DiGraph`) keyed by relationship type,
because two stakeholders may be linked in more than one way (a supplier *supplies* an
enterprise that also *buys from* it, and both are recorded); a plain DiGraph would keep only
one of them. Measures about the *structure* (density, degree, betweenness, components) are
computed on the undirected simple graph of who is linked to whom, so a pair of actors counts
once however many relationships join it; counts of relationships (links, links by type, the
kind-to-kind matrix) count every relationship.
"""

import time
from collections import Counter
from dataclasses import asdict, dataclass, field

import networkx as nx
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .choices import Kind, RelationshipType
from .models import ClusterMembership, Relationship

# Relationship types that make a trade (value-chain) link between an enterprise and others.
TRADE_TYPES = frozenset(
    {RelationshipType.SUPPLIES, RelationshipType.BUYS_FROM, RelationshipType.SUBCONTRACTS_TO}
)
TOP = 10

# Betweenness (Brandes' algorithm) costs one breadth-first search per source actor, each
# about (actors + pairs linked) steps. It is exact while that fits the work budget and the
# cluster has at most BETWEENNESS_EXACT_MAX_ACTORS actors; beyond that networkx's k-sample
# approximation estimates it from k source actors drawn with a fixed seed (so a page shows
# the same brokers on every computation), k chosen so the work stays within the budget.
# The budget is about 1 s of networkx on a modest machine, which keeps the whole cold
# computation for 10,000 actors and 50,000 relationships under 2 s (bench/network_bench.py).
BETWEENNESS_EXACT_MAX_ACTORS = 1000
BETWEENNESS_WORK_BUDGET = 2_000_000
BETWEENNESS_MIN_SAMPLES = 20
BETWEENNESS_SEED = 42

CACHE_PREFIX = "stakeholders:network"
# A safety net for writes that bypass the services (a cascade from the admin, raw SQL).
CACHE_TIMEOUT = 60 * 60

MEASURE_EXPLANATIONS = {
    "actors": _("The number of stakeholders who belong to the cluster."),
    "links": _(
        "The number of recorded relationships among them; two stakeholders linked in two "
        "ways (one supplies, the other buys) count twice."
    ),
    "actors_by_kind": _(
        "How many enterprises, suppliers, institutions, associations and BDS providers "
        "the cluster has."
    ),
    "links_by_type": _(
        "How many relationships there are of each type, such as supplies, finances or trains."
    ),
    "density": _(
        "The share of all possible pairs of stakeholders that are directly linked, from 0 "
        "(nobody is linked) to 1 (everybody is linked to everybody)."
    ),
    "isolated": _(
        "Stakeholders with no recorded relationship at all: breaking their isolation is "
        "where cluster development starts."
    ),
    "most_connected": _(
        "The stakeholders linked directly to the most others, each partner counted once "
        "whatever the type or direction of the links."
    ),
    "brokers": _(
        "The stakeholders that most often lie on the shortest chain between two others: "
        "they join parts of the cluster that would otherwise be apart."
    ),
    "betweenness_sample": _(
        "In a large cluster the brokers are estimated from a fixed sample of this many "
        "stakeholders instead of all of them, so that the page stays quick."
    ),
    "components": _(
        "The number of separate groups that no chain of relationships joins; a stakeholder "
        "with no link is a group of its own."
    ),
    "largest_component": _(
        "The number of stakeholders in the biggest group joined by chains of relationships."
    ),
    "kind_matrix": _(
        "How many relationships run from stakeholders of one kind (row) to stakeholders of "
        "another kind (column)."
    ),
    "absent_kinds": _(
        "Kinds of stakeholder the cluster has none of, such as no BDS provider: a gap in "
        "the services around its enterprises."
    ),
    "unlinked_enterprises": _(
        "Enterprises with no recorded supply, purchase or subcontracting link with anyone "
        "in the cluster."
    ),
}


@dataclass(frozen=True)
class RankedActor:
    """A stakeholder in a ranking, with the value it is ranked by."""

    id: int
    name: str
    slug: str
    kind: str
    value: float


@dataclass
class NetworkMeasures:
    """The social-capital measures of one stakeholder network; see MEASURE_EXPLANATIONS."""

    actors: int = 0
    links: int = 0
    actors_by_kind: dict[str, int] = field(default_factory=dict)
    links_by_type: dict[str, int] = field(default_factory=dict)
    density: float = 0.0
    isolated: list[str] = field(default_factory=list)
    most_connected: list[RankedActor] = field(default_factory=list)
    brokers: list[RankedActor] = field(default_factory=list)
    betweenness_sample: int | None = None
    components: int = 0
    largest_component: int = 0
    kind_matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    absent_kinds: list[str] = field(default_factory=list)
    unlinked_enterprises: list[str] = field(default_factory=list)

    def as_dict(self):
        """Return the measures as plain dicts and lists (for JSON or a template)."""
        return asdict(self)


def cluster_graph(cluster):
    """Return the stakeholder network of `cluster` as a networkx MultiDiGraph, in 2 queries.

    Every member is a node keyed by its id, isolated ones included, with the attributes id,
    name, slug, kind and role; every relationship of the cluster is an edge keyed by its
    type, with the attributes kind, since, until (dates or None) and provenance.
    """
    graph = nx.MultiDiGraph(cluster_id=cluster.pk, cluster_slug=cluster.slug, name=str(cluster))
    members = (
        ClusterMembership.objects.filter(cluster_id=cluster.pk)
        .order_by("stakeholder__name", "stakeholder_id")
        .values_list(
            "stakeholder_id",
            "stakeholder__name",
            "stakeholder__slug",
            "stakeholder__kind",
            "stakeholder__role",
        )
    )
    graph.add_nodes_from(
        (pk, {"id": pk, "name": name, "slug": slug, "kind": kind, "role": role})
        for pk, name, slug, kind, role in members
    )
    relationships = (
        Relationship.objects.filter(cluster_id=cluster.pk)
        .order_by("pk")
        .values_list("source_id", "target_id", "kind", "since", "until", "provenance")
    )
    nodes = graph.nodes
    graph.add_edges_from(
        (
            source,
            target,
            kind,
            {"kind": kind, "since": since, "until": until, "provenance": provenance},
        )
        for source, target, kind, since, until, provenance in relationships
        # Relationships require both ends to be members; never invent attribute-less nodes.
        if source in nodes and target in nodes
    )
    return graph


def undirected_simple(graph):
    """Return who is linked to whom in `graph`: an undirected graph without parallel edges."""
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    simple.add_edges_from(graph.edges())
    return simple


def betweenness_sample_size(actors, pairs):
    """Return how many source actors to sample for betweenness, or None for exact."""
    work = actors + pairs
    if actors <= BETWEENNESS_EXACT_MAX_ACTORS and actors * work <= BETWEENNESS_WORK_BUDGET:
        return None
    k = max(BETWEENNESS_MIN_SAMPLES, BETWEENNESS_WORK_BUDGET // max(work, 1))
    return min(k, actors)


def betweenness(simple):
    """Return (betweenness centrality of each node, sample size or None) for an undirected graph.

    Normalised as networkx does; estimated from a fixed-seed sample of sources for big graphs
    (see BETWEENNESS_WORK_BUDGET).
    """
    k = betweenness_sample_size(simple.number_of_nodes(), simple.number_of_edges())
    if k is None:
        return nx.betweenness_centrality(simple), None
    return nx.betweenness_centrality(simple, k=k, seed=BETWEENNESS_SEED), k


def _ranked(graph, values):
    """Return the TOP actors by value (highest first, then by name), leaving out zeros."""
    nodes = graph.nodes
    best = sorted(
        (item for item in values.items() if item[1] > 0),
        key=lambda item: (-item[1], nodes[item[0]].get("name", ""), str(item[0])),
    )[:TOP]
    return [
        RankedActor(
            id=nodes[node].get("id", node),
            name=nodes[node].get("name", ""),
            slug=nodes[node].get("slug", ""),
            kind=nodes[node].get("kind", ""),
            value=value,
        )
        for node, value in best
    ]


def network_measures(graph):
    """Return the NetworkMeasures of a stakeholder graph built by `cluster_graph`.

    Works as well on a graph read back from its GraphML or JSON export, whose node ids are
    strings and dates ISO strings: only the node attributes name, slug, kind and the edge
    attribute kind are read.
    """
    nodes = graph.nodes
    kinds = list(Kind.values)
    kind_of = {node: data.get("kind") for node, data in nodes(data=True)}

    actors_by_kind = dict.fromkeys(kinds, 0)
    actors_by_kind.update(Counter(kind for kind in kind_of.values() if kind in actors_by_kind))
    links_by_type = dict.fromkeys(RelationshipType.values, 0)
    kind_matrix = {source: dict.fromkeys(kinds, 0) for source in kinds}
    trading = set()
    for source, target, kind in graph.edges(data="kind"):
        links_by_type[kind] = links_by_type.get(kind, 0) + 1
        row = kind_matrix.get(kind_of[source])
        if row is not None and kind_of[target] in row:
            row[kind_of[target]] += 1
        if kind in TRADE_TYPES:
            trading.add(source)
            trading.add(target)

    simple = undirected_simple(graph)
    degree = dict(simple.degree())
    centrality, sample = betweenness(simple)
    component_sizes = [len(component) for component in nx.connected_components(simple)]

    def names(selected):
        return sorted(nodes[node].get("name", "") for node in selected)

    return NetworkMeasures(
        actors=graph.number_of_nodes(),
        links=graph.number_of_edges(),
        actors_by_kind=actors_by_kind,
        links_by_type=links_by_type,
        density=nx.density(simple),
        isolated=names(node for node, value in degree.items() if value == 0),
        most_connected=_ranked(graph, degree),
        brokers=_ranked(graph, centrality),
        betweenness_sample=sample,
        components=len(component_sizes),
        largest_component=max(component_sizes, default=0),
        kind_matrix=kind_matrix,
        absent_kinds=[kind for kind in kinds if not actors_by_kind[kind]],
        unlinked_enterprises=names(
            node
            for node, kind in kind_of.items()
            if kind == Kind.ENTERPRISE and node not in trading
        ),
    )


def _version_key(cluster_id):
    return f"{CACHE_PREFIX}:{cluster_id}:version"


def _new_version():
    # Not 1: if the version key is evicted while old measures survive, a fresh version must
    # not name them again.
    return time.time_ns()


def network_cache_version(cluster_id):
    """Return the current version of a cluster's network in the cache (created if missing)."""
    version = cache.get(_version_key(cluster_id))
    if version is None:
        version = _new_version()
        if not cache.add(_version_key(cluster_id), version, timeout=None):
            version = cache.get(_version_key(cluster_id), version)
    return version


def _bump(cluster_id):
    key = _version_key(cluster_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet (or evicted)
        cache.set(key, _new_version(), timeout=None)


def network_cache_invalidate(cluster_id):
    """Forget the cached network measures of a cluster; call it on every network write.

    The version is bumped at once (so the writing request sees its change) and again when the
    surrounding transaction commits (so measures computed by another request from the data
    before the commit are not served afterwards).
    """
    _bump(cluster_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(cluster_id))


def cluster_network_measures(cluster):
    """Return the NetworkMeasures of `cluster`, cached until its network changes."""
    key = f"{CACHE_PREFIX}:{cluster.pk}:v{network_cache_version(cluster.pk)}:measures"
    measures = cache.get(key)
    if measures is None:
        measures = network_measures(cluster_graph(cluster))
        cache.set(key, measures, timeout=CACHE_TIMEOUT)
    return measures
