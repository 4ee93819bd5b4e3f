"""Reads for the stakeholder map pages: which cluster a user may see, its map, its
social-capital measures and its networks of enterprises.

A map of more than map_max_stakeholders() stakeholders draws the best-linked of them and the
links among them, and says so; the full network is in the downloads (GraphML, JSON,
relationships CSV). The map (its layout and SVG) and the measures are cached per version of the cluster's
network (stakeholders.network.measures.network_cache_version), which every service that writes
members, relationships or networks bumps: a map is laid out again only after a write.
"""

import heapq
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.html import format_html_join
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from clusters.permissions import cluster_policy
from common.partial_dates import PartialDate, partial_date
from common.permissions import VIEW

from ..choices import Kind, RelationshipType
from ..models import Network, Stakeholder
from . import layout as map_layout
from . import svg as map_svg
from .display import listed_names, name_urls, stakeholder_url_maker
from .measures import (
    CACHE_PREFIX,
    CACHE_TIMEOUT,
    cluster_graph,
    network_cache_version,
    network_measures,
)

# A map draws at most this many stakeholders one by one (the setting
# REGISTRY_MAP_MAX_STAKEHOLDERS overrides it): a bigger view draws its best-linked ones and
# says so. The layout of 300 takes about 0.2 s; of 5,000, 11 s, and its SVG weighs 8 MB.
MAP_MAX_STAKEHOLDERS = 300
# The table after the map lists at most this many links (REGISTRY_MAP_TABLE_MAX_ROWS);
# the relationships CSV has every one.
MAP_TABLE_MAX_ROWS = 500


def map_cluster(*, user, slug):
    """Return the cluster `slug` if `user` may view it (a published one for anyone; an
    editor's own agency's in any status; everything for a curator), or raise Http404."""
    clusters = cluster_policy.instances_user_has_permission_for(user, VIEW)
    return get_object_or_404(clusters.select_related("region", "sector", "agency"), slug=slug)


def cluster_networks(cluster):
    """Return the networks of `cluster` with their members (by name): two queries at most."""
    members = Stakeholder.objects.only("pk", "name", "slug", "kind").order_by("name", "pk")
    return list(
        Network.objects.filter(cluster_id=cluster.pk)
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("name", "pk")
    )


def shown_date(value):
    """Return a relationship date as a reader sees it, at the precision it was typed with
    (2015, June 2015, 30 June 2015, in the active language); "" when unknown."""
    if value is None or value == "":
        return ""
    if not isinstance(value, PartialDate):
        value = partial_date(value)
    return value.display()


@dataclass(frozen=True)
class LinkRow:
    """A relationship as the map's table lists it."""

    source_name: str
    source_url: str
    source_kind: str
    kind: str
    target_name: str
    target_url: str
    target_kind: str
    since: str
    until: str


@dataclass
class StakeholderMap:
    """A drawn map and what it shows, for the page (cached, so plain data only).

    `links` are the table's rows: the first map_table_max_rows() of the `links_drawn`
    relationships drawn. `sampled` says the view (`nodes_in_view` stakeholders and
    `links_in_view` relationships) was too big to draw whole: the map has its
    best-linked stakeholders only.
    """

    svg: str
    width: int
    height: int
    links: list = field(default_factory=list)
    links_drawn: int = 0
    nodes_shown: int = 0
    nodes_total: int = 0
    links_total: int = 0
    nodes_in_view: int = 0
    links_in_view: int = 0
    sampled: bool = False
    kind_counts: dict = field(default_factory=dict)
    type_counts: dict = field(default_factory=dict)
    left_out: int = 0
    unlinked: int = 0
    labelled: int = 0
    filtered: bool = False
    # {name: stakeholder URL} of the members the measures list, to link their names.
    name_urls: dict = field(default_factory=dict)
    table_rows: str = ""

    @property
    def links_shown(self):
        return self.links_drawn

    @property
    def table_cut(self):
        """Whether the table lists only the first of the links drawn."""
        return len(self.links) < self.links_drawn


def link_rows_html(links):
    """Return the <tr> rows of the map's table of links: source, type, target, since, until.

    Built with format_html rather than a template loop: 1,500 rows render in 20 ms
    instead of 200.
    """
    # Plain strings: format_html would translate each lazy label again on every row.
    kind_labels = {kind: str(label) for kind, label in Kind.choices}
    type_labels = {kind: str(label) for kind, label in RelationshipType.choices}
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a> <small>{}</small></td><td>{}</td>'
        '<td><a href="{}">{}</a> <small>{}</small></td>'
        "<td>{}</td><td>{}</td></tr>",
        (
            (
                link.source_url,
                link.source_name,
                kind_labels.get(link.source_kind, link.source_kind),
                type_labels.get(link.kind, link.kind),
                link.target_url,
                link.target_name,
                kind_labels.get(link.target_kind, link.target_kind),
                link.since or "—",
                link.until or "—",
            )
            for link in links
        ),
    )


def _key(cluster_id, version, name):
    # The measures' key is the one stakeholders.network.measures.cluster_network_measures uses, so
    # the profile, the map and scripts share one cached computation.
    return f"{CACHE_PREFIX}:{cluster_id}:v{version}:{name}"


def _map_name(kinds, types):
    # The map holds translated words (kinds, relationship types): one per language.
    language = get_language() or "-"
    return f"map:{language}:" + ",".join(sorted(kinds)) + "|" + ",".join(sorted(types))


def cached_measures(cluster, *, build_graph=None):
    """Return the NetworkMeasures of `cluster` from the cache, or computed and cached; the
    graph comes from `build_graph()` when given, else from cluster_graph (two queries)."""
    key = _key(cluster.pk, network_cache_version(cluster.pk), "measures")
    measures = cache.get(key)
    if measures is None:
        graph = build_graph() if build_graph is not None else cluster_graph(cluster)
        measures = network_measures(graph)
        cache.set(key, measures, timeout=CACHE_TIMEOUT)
    return measures


def map_page(cluster, *, kinds=(), types=(), networks=()):
    """Return (StakeholderMap, NetworkMeasures) of `cluster` for the chosen kinds and
    relationship types (empty: all), reading the network only when either is not cached.

    `networks` are the cluster's networks (cluster_networks), outlined on the map.
    """
    version = network_cache_version(cluster.pk)
    map_key = _key(cluster.pk, version, _map_name(kinds, types))
    measures_key = _key(cluster.pk, version, "measures")
    found = cache.get_many([map_key, measures_key])
    drawn, measures = found.get(map_key), found.get(measures_key)
    if drawn is None or measures is None:
        graph = cluster_graph(cluster)
        if measures is None:
            measures = network_measures(graph)
            cache.set(measures_key, measures, timeout=CACHE_TIMEOUT)
        if drawn is None:
            drawn = draw_cluster_map(cluster, graph, kinds=kinds, types=types, networks=networks)
            listed = listed_names(measures)
            drawn.name_urls = name_urls(
                (data["name"], data["slug"])
                for _node, data in graph.nodes(data=True)
                if data["name"] in listed
            )
            cache.set(map_key, drawn, timeout=CACHE_TIMEOUT)
    return drawn, measures


def map_max_stakeholders():
    """Return how many stakeholders a map draws one by one (setting
    REGISTRY_MAP_MAX_STAKEHOLDERS); a bigger view draws only the best-linked ones."""
    return getattr(settings, "REGISTRY_MAP_MAX_STAKEHOLDERS", MAP_MAX_STAKEHOLDERS)


def map_table_max_rows():
    """Return how many links the map's table lists (setting REGISTRY_MAP_TABLE_MAX_ROWS);
    the relationships CSV has them all."""
    return getattr(settings, "REGISTRY_MAP_TABLE_MAX_ROWS", MAP_TABLE_MAX_ROWS)


def best_linked(nodes, links, limit, name):
    """Return the `limit` nodes of `nodes` with the most `links` ({node: count}), the most
    linked first, then by `name(node)` and node: the ones a crowded map draws."""
    return heapq.nsmallest(limit, nodes, key=lambda node: (-links[node], name(node), node))


def draw_cluster_map(cluster, graph, *, kinds=(), types=(), networks=()):
    """Return the StakeholderMap of a cluster's `graph` (from cluster_graph), keeping the
    stakeholders of `kinds` and the relationships of `types` (empty: all).

    A view of more than map_max_stakeholders() stakeholders draws only that many, the ones
    with the most links in the view, and the links among them (the page says so); the
    table lists the first map_table_max_rows() links drawn.
    """
    kinds, types = set(kinds), set(types)
    node_data = graph.nodes
    shown = [node for node in graph if not kinds or node_data[node]["kind"] in kinds]
    keep = set(shown)
    view_edges, links_total = [], 0
    for edge in graph.edges(data=True):
        # Counted here: networkx counts a multigraph's edges by summing every degree.
        links_total += 1
        source, target, data = edge
        if source in keep and target in keep and (not types or data["kind"] in types):
            view_edges.append(edge)
    left_out = 0
    if types:
        # Showing one type of link: stakeholders without such a link are left out.
        touched = {source for source, _t, _d in view_edges} | {t for _s, t, _d in view_edges}
        left_out = len(shown) - len(touched & keep)
        shown = [node for node in shown if node in touched]
    nodes_in_view, links_in_view = len(shown), len(view_edges)
    limit = map_max_stakeholders()
    if len(shown) > limit:
        links_of = Counter()
        for source, target, _data in view_edges:
            links_of[source] += 1
            links_of[target] += 1
        drawn_set = set(best_linked(shown, links_of, limit, lambda node: node_data[node]["name"]))
        shown = [node for node in shown if node in drawn_set]  # still in the order of names
        view_edges = [edge for edge in view_edges if edge[0] in drawn_set and edge[1] in drawn_set]
    edges = [
        map_svg.MapEdge(
            source=source,
            target=target,
            kind=data["kind"],
            since=data.get("since"),
            until=data.get("until"),
        )
        for source, target, data in view_edges
    ]
    url_of = stakeholder_url_maker()
    urls = {node: url_of(node_data[node]["slug"]) for node in shown}
    degree = graph.degree
    nodes = [
        map_svg.MapNode(
            id=node,
            name=node_data[node]["name"],
            kind=node_data[node]["kind"],
            role=node_data[node]["role"] or "",
            url=urls[node],
            links=degree(node),
            isolated=degree(node) == 0,
        )
        for node in shown
    ]
    shown_set = set(shown)
    groups = [
        map_svg.MapGroup(
            name=network.name,
            status=network.status,
            members=tuple(member.pk for member in network.members.all() if member.pk in shown_set),
        )
        for network in networks
    ]
    groups = [group for group in groups if group.members]
    layout = map_layout.force_layout(
        shown,
        [(edge.source, edge.target) for edge in edges],
        groups=[group.members for group in groups],
    )
    filtered = bool(kinds or types)
    sampled = len(shown) < nodes_in_view
    edges.sort(
        key=lambda edge: (node_data[edge.source]["name"], edge.kind, node_data[edge.target]["name"])
    )
    table_max = map_table_max_rows()
    counts = {
        "stakeholders": ngettext("%(n)d stakeholder", "%(n)d stakeholders", len(nodes))
        % {"n": len(nodes)},
        "links": ngettext("%(n)d relationship", "%(n)d relationships", len(edges))
        % {"n": len(edges)},
    }
    if sampled:
        counts["total"] = nodes_in_view
        description = (
            _("%(stakeholders)s with the most links, of %(total)d, and %(links)s among them. ")
            % counts
        )
    else:
        description = _("%(stakeholders)s and %(links)s. ") % counts
    description += _(
        "Each stakeholder's shape and colour show its kind; each line runs from one "
        "stakeholder to another, its pattern showing the type of relationship, with an "
        "arrowhead at the end it points to."
    )
    if len(edges) > table_max:
        description += " " + _("The table after the map lists the first %(n)d links.") % {
            "n": table_max
        }
    else:
        description += " " + _("The table after the map lists every link.")
    drawing = map_svg.draw_map(
        nodes=nodes,
        edges=edges,
        groups=groups,
        layout=layout,
        title=_("Stakeholder map of the %(cluster)s cluster") % {"cluster": cluster},
        description=description,
        unlinked_heading=_("No link in this view") if filtered else _("No recorded relationship"),
    )
    kind_counts = dict.fromkeys(Kind.values, 0)
    for node in nodes:
        kind_counts[node.kind] = kind_counts.get(node.kind, 0) + 1
    type_counts = dict.fromkeys(RelationshipType.values, 0)
    for edge in edges:
        type_counts[edge.kind] = type_counts.get(edge.kind, 0) + 1
    links = [
        LinkRow(
            source_name=node_data[edge.source]["name"],
            source_url=urls[edge.source],
            source_kind=node_data[edge.source]["kind"],
            kind=edge.kind,
            target_name=node_data[edge.target]["name"],
            target_url=urls[edge.target],
            target_kind=node_data[edge.target]["kind"],
            since=shown_date(edge.since),
            until=shown_date(edge.until),
        )
        for edge in edges[:table_max]
    ]
    return StakeholderMap(
        svg=drawing.svg,
        width=drawing.width,
        height=drawing.height,
        links=links,
        table_rows=link_rows_html(links),
        links_drawn=len(edges),
        nodes_shown=len(nodes),
        nodes_total=graph.number_of_nodes(),
        links_total=links_total,
        nodes_in_view=nodes_in_view,
        links_in_view=links_in_view,
        sampled=sampled,
        kind_counts=kind_counts,
        type_counts=type_counts,
        left_out=left_out,
        unlinked=len(drawing.unlinked),
        labelled=drawing.labelled,
        filtered=filtered,
    )
