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

import heapq
import math
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

import networkx as nx
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.partial_dates import partial_date

from ..choices import Kind, RelationshipType
from ..models import ClusterMembership, Relationship

# Relationship types that make a trade (value-chain) link between an enterprise and others.
TRADE_TYPES = frozenset(
    {RelationshipType.SUPPLIES, RelationshipType.BUYS_FROM, RelationshipType.SUBCONTRACTS_TO}
)
TOP = 10

# Betweenness (Brandes' algorithm) costs one breadth-first search per source actor, each
# about (actors + pairs linked) steps. It is exact while the cluster has at most
# BETWEENNESS_EXACT_MAX_ACTORS actors and the work fits BETWEENNESS_WORK_BUDGET; beyond that
# it is networkx's k-sample approximation: k source actors drawn with a fixed seed (so a
# page shows the same brokers on every computation), k chosen so the work stays within
# BETWEENNESS_SAMPLED_BUDGET (and never beyond the work budget), at least
# BETWEENNESS_MIN_SAMPLES. The sampled budget is the smaller one because only big clusters
# are sampled, and their cold map also reads, lays out and draws the network: with it the
# whole cold map page of 5,000 actors and 20,000 relationships takes about 1 s of CPU
# (24 sources), that of 12,000 actors and 57,000 relationships about 2 s (20 sources;
# bench/map_bench.py). `betweenness` returns exactly what
# nx.betweenness_centrality(graph, k=k, seed=BETWEENNESS_SEED) returns (same sample, same
# scaling; tests/stakeholders/test_network.py checks it), about three times faster.
BETWEENNESS_EXACT_MAX_ACTORS = 1000
BETWEENNESS_WORK_BUDGET = 3_000_000
BETWEENNESS_SAMPLED_BUDGET = 600_000
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


def member_rows(cluster):
    """Return (id, name, slug, kind, role) of each member of `cluster`, by name: the nodes of
    its graph, in cluster_graph's order (and the streamed network files')."""
    return (
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


def relationship_rows(cluster, *, chunk_size=None):
    """Yield (source, target, kind, since, until, provenance) of each relationship of
    `cluster`, by id: the edges of its graph. The dates are PartialDates (at the precision
    typed) or None; `chunk_size` streams the rows from the database that many at a time."""
    rows = (
        Relationship.objects.filter(cluster_id=cluster.pk)
        .order_by("pk")
        .values_list("source_id", "target_id", "kind", *Relationship.DATE_COLUMNS, "provenance")
    )
    if chunk_size is not None:
        rows = rows.iterator(chunk_size=chunk_size)
    dates = {}  # dates repeat: one PartialDate each
    for source, target, kind, since, since_precision, until, until_precision, provenance in rows:
        since_key, until_key = (since, since_precision), (until, until_precision)
        if since_key not in dates:
            dates[since_key] = partial_date(since, since_precision)
        if until_key not in dates:
            dates[until_key] = partial_date(until, until_precision)
        yield source, target, kind, dates[since_key], dates[until_key], provenance


def cluster_graph(cluster):
    """Return the stakeholder network of `cluster` as a networkx MultiDiGraph, in 2 queries.

    Every member is a node keyed by its id, isolated ones included, with the attributes id,
    name, slug, kind and role; every relationship of the cluster is an edge keyed by its
    type, with the attributes kind, since, until (PartialDates or None) and provenance.
    """
    graph = nx.MultiDiGraph(cluster_id=cluster.pk, cluster_slug=cluster.slug, name=str(cluster))
    members = member_rows(cluster)
    graph.add_nodes_from(
        (pk, {"id": pk, "name": name, "slug": slug, "kind": kind, "role": role})
        for pk, name, slug, kind, role in members
    )
    relationships = relationship_rows(cluster)
    nodes = graph.nodes
    add_edge = graph.add_edge  # twice as fast as add_edges_from with data dicts
    for source, target, kind, since, until, provenance in relationships:
        # Relationships require both ends to be members; never invent attribute-less nodes.
        if source in nodes and target in nodes:
            add_edge(
                source, target, kind, kind=kind, since=since, until=until, provenance=provenance
            )
    return graph


def undirected_adjacency(graph, order):
    """Return, for each node of `order` (by position), the positions of its neighbours.

    This is the undirected simple graph of who is linked to whom: direction, relationship
    type and parallel relationships are ignored, and so are self-links.
    """
    index = {node: i for i, node in enumerate(order)}
    if graph.is_directed():
        succ, pred = graph.succ, graph.pred
        neighbours = (dict.fromkeys(succ[node]) | dict.fromkeys(pred[node]) for node in order)
    else:
        neighbours = (graph.adj[node] for node in order)
    return [
        [index[other] for other in around if other != node]
        for node, around in zip(order, neighbours, strict=True)
    ]


def betweenness_sample_size(actors, pairs):
    """Return how many source actors to sample for betweenness, or None for exact."""
    work = actors + pairs
    if actors <= BETWEENNESS_EXACT_MAX_ACTORS and actors * work <= BETWEENNESS_WORK_BUDGET:
        return None
    budget = min(BETWEENNESS_WORK_BUDGET, BETWEENNESS_SAMPLED_BUDGET)
    k = max(BETWEENNESS_MIN_SAMPLES, budget // max(work, 1))
    return min(k, actors)


def betweenness(simple):
    """Return (betweenness centrality of each node, sample size or None) for an undirected graph.

    The values are those of `nx.betweenness_centrality(simple, k=k, seed=BETWEENNESS_SEED)`
    (normalised, endpoints excluded), with k from `betweenness_sample_size` (None: exact).
    """
    order = list(simple)
    values, sample = _betweenness(undirected_adjacency(simple, order), simple.number_of_edges())
    return dict(zip(order, values, strict=True)), sample


def _betweenness(adjacency, pairs):
    """Return (betweenness of each node position, sample size or None).

    networkx's algorithm, sampling and scaling (see `betweenness`); networkx walks dicts of
    dicts, this walks lists of positions in the same order, about three times faster.
    """
    n = len(adjacency)
    k = betweenness_sample_size(n, pairs)
    if k is None or k == n:
        k, sources = None, range(n)
    else:  # networkx's sampling: random.Random(seed).sample(list(G.nodes()), k)
        sources = random.Random(BETWEENNESS_SEED).sample(range(n), k)
    totals = _brandes(adjacency, sources)
    # networkx's _rescale for an undirected graph, normalised, endpoints excluded.
    if n < 3:
        return [0.0] * n, k
    if k is None:
        scale = 1 / ((n - 1) * (n - 2))
        return [total * scale for total in totals], None
    scale_source = 1 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    scale_other = 1 / (k * (n - 2))
    scales = [scale_other] * n
    for source in sources:
        scales[source] = scale_source
    return [total * scale for total, scale in zip(totals, scales, strict=True)], k


def _brandes(adjacency, sources):
    """Return the unscaled betweenness of each node position over shortest paths from `sources`.

    Brandes (2001): a breadth-first search from each source counts shortest paths (sigma),
    then dependencies flow back in reverse order of distance. Predecessors are not stored:
    they are the neighbours one step nearer the source.
    """
    n = len(adjacency)
    totals = [0.0] * n
    for source in sources:
        sigma = [0.0] * n
        distance = [-1] * n
        sigma[source] = 1.0
        distance[source] = 0
        order = [source]
        append = order.append
        position = 0
        while position < len(order):
            v = order[position]
            position += 1
            next_distance = distance[v] + 1
            sigma_v = sigma[v]
            for w in adjacency[v]:
                distance_w = distance[w]
                if distance_w < 0:
                    distance[w] = next_distance
                    sigma[w] = sigma_v
                    append(w)
                elif distance_w == next_distance:
                    sigma[w] += sigma_v
        delta = [0.0] * n
        for w in reversed(order):
            nearer = distance[w] - 1
            coefficient = (1 + delta[w]) / sigma[w]
            for v in adjacency[w]:
                if distance[v] == nearer:
                    delta[v] += sigma[v] * coefficient
            if w != source:
                totals[w] += delta[w]
    return totals


def _component_sizes(adjacency):
    """Return the size of each connected component of an undirected adjacency list."""
    seen = bytearray(len(adjacency))
    sizes = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = 1
        stack, size = [start], 0
        while stack:
            v = stack.pop()
            size += 1
            for w in adjacency[v]:
                if not seen[w]:
                    seen[w] = 1
                    stack.append(w)
        sizes.append(size)
    return sizes


def network_measures(graph):
    """Return the NetworkMeasures of a stakeholder graph built by `cluster_graph`.

    Works as well on a graph read back from its GraphML or JSON export, whose node ids are
    strings and dates ISO strings: only the node attributes id, name, slug, kind and the
    edge attribute kind are read. Structural measures are those networkx computes on
    `networkx.Graph(graph)` (density, degree, betweenness_centrality, connected_components).
    """
    order = list(graph)
    attributes = [graph.nodes[node] for node in order]
    kinds = list(Kind.values)
    kind_of = dict(zip(order, (data.get("kind") for data in attributes), strict=True))

    actors_by_kind = dict.fromkeys(kinds, 0)
    actors_by_kind.update(Counter(kind for kind in kind_of.values() if kind in actors_by_kind))
    links_by_type = dict.fromkeys(RelationshipType.values, 0)
    kind_matrix = {source: dict.fromkeys(kinds, 0) for source in kinds}
    links = 0
    trading = set()
    for source, target, kind in graph.edges(data="kind"):
        links += 1
        links_by_type[kind] = links_by_type.get(kind, 0) + 1
        row = kind_matrix.get(kind_of[source])
        if row is not None and kind_of[target] in row:
            row[kind_of[target]] += 1
        if kind in TRADE_TYPES:
            trading.add(source)
            trading.add(target)

    adjacency = undirected_adjacency(graph, order)
    degree = [len(neighbours) for neighbours in adjacency]
    pairs = sum(degree) // 2
    n = len(order)
    centrality, sample = _betweenness(adjacency, pairs)
    component_sizes = _component_sizes(adjacency)

    def ranked(values):
        # The TOP positions by value (highest first, then by name), leaving out zeros.
        best = heapq.nsmallest(
            TOP,
            (i for i in range(n) if values[i] > 0),
            key=lambda i: (-values[i], attributes[i].get("name", ""), str(order[i])),
        )
        return [
            RankedActor(
                id=attributes[i].get("id", order[i]),
                name=attributes[i].get("name", ""),
                slug=attributes[i].get("slug", ""),
                kind=attributes[i].get("kind", ""),
                value=values[i],
            )
            for i in best
        ]

    def names(positions):
        return sorted(attributes[i].get("name", "") for i in positions)

    return NetworkMeasures(
        actors=n,
        links=links,
        actors_by_kind=actors_by_kind,
        links_by_type=links_by_type,
        # As nx.density of the undirected simple graph.
        density=pairs / (n * (n - 1)) * 2 if n > 1 else 0.0,
        isolated=names(i for i in range(n) if not degree[i]),
        most_connected=ranked(degree),
        brokers=ranked(centrality),
        betweenness_sample=sample,
        components=len(component_sizes),
        largest_component=max(component_sizes, default=0),
        kind_matrix=kind_matrix,
        absent_kinds=[kind for kind in kinds if not actors_by_kind[kind]],
        unlinked_enterprises=names(
            i
            for i, node in enumerate(order)
            if kind_of[node] == Kind.ENTERPRISE and node not in trading
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
    """Forget the cached network measures of a cluster, and its kept network summary; call
    it on every network write.

    The version is bumped at once (so the writing request sees its change) and again when the
    surrounding transaction commits (so measures computed by another request from the data
    before the commit are not served afterwards).
    """
    _bump(cluster_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(cluster_id))
    # The export's kept summary of the cluster follows the same writes (summary imports
    # this module for TRADE_TYPES, hence the import here).
    from .summary import network_summary_invalidate

    network_summary_invalidate(cluster_id)


def network_caches_invalidate(cluster_ids):
    """Forget the cached network measures and kept summaries of many clusters at once, as
    `network_cache_invalidate` does for one (the summaries in one statement)."""
    cluster_ids = list(cluster_ids)
    in_transaction = transaction.get_connection().in_atomic_block
    for cluster_id in cluster_ids:
        _bump(cluster_id)
    if in_transaction and cluster_ids:
        transaction.on_commit(lambda: [_bump(cluster_id) for cluster_id in cluster_ids])
    from .summary import network_summaries_invalidate

    network_summaries_invalidate(cluster_ids)


def cluster_network_measures(cluster):
    """Return the NetworkMeasures of `cluster`, cached until its network changes."""
    measures = cached_network_measures(cluster)
    if measures is None:
        measures = network_measures(cluster_graph(cluster))
        cache.set(_measures_key(cluster.pk), measures, timeout=CACHE_TIMEOUT)
    return measures


def _measures_key(cluster_id):
    return f"{CACHE_PREFIX}:{cluster_id}:v{network_cache_version(cluster_id)}:measures"


def cached_network_measures(cluster):
    """Return the NetworkMeasures of `cluster` if they are cached, else None (no query)."""
    return cache.get(_measures_key(cluster.pk))
