"""Export a cluster's stakeholder network (stakeholders.network.measures.cluster_graph) as GraphML,
as JSON for a browser, or as rows of the relationship CSV format that import back unchanged.

`graph_to_graphml`, `graph_to_json` and `graph_relationship_rows` write any such graph; the
pages' downloads stream the same files straight from the database (`stream_graphml`,
`stream_graph_json`, `cluster_relationship_rows`), whatever the size of the network.
"""

import datetime
import io
import json
from xml.sax.saxutils import escape as xml_escape

import networkx as nx

from common.partial_dates import PartialDate

from .measures import member_rows, relationship_rows

NODE_FIELDS = ("id", "name", "slug", "kind", "role")
ORDER = ("source_name", "source_kind", "relationship", "target_name", "target_kind")


def _plain(value):
    """Return `value` as GraphML and JSON can hold it: dates as ISO strings, as precise as
    they were typed (2018, 2018-03 or 2018-03-05)."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _attributes(data):
    return {name: _plain(value) for name, value in data.items() if value is not None}


def graph_to_graphml(graph):
    """Return `graph` as GraphML bytes (UTF-8): None attributes left out, dates ISO strings.

    Each edge's GraphML id is its relationship type. `networkx.read_graphml(data,
    force_multigraph=True)` reads it back as a MultiDiGraph keyed by relationship type, with
    the stakeholder ids as (string) node ids; without force_multigraph networkx returns a
    DiGraph unless two stakeholders are linked twice in the same direction.
    """
    export = graph.__class__()
    export.graph.update(_attributes(graph.graph))
    export.add_nodes_from((node, _attributes(data)) for node, data in graph.nodes(data=True))
    if graph.is_multigraph():
        export.add_edges_from(
            (source, target, key, _attributes(data))
            for source, target, key, data in graph.edges(keys=True, data=True)
        )
    else:
        export.add_edges_from(
            (source, target, _attributes(data)) for source, target, data in graph.edges(data=True)
        )
    stream = io.BytesIO()
    nx.write_graphml(export, stream, encoding="utf-8")
    return stream.getvalue()


def graph_to_json(graph):
    """Return `graph` as a JSON-ready dict: {"nodes": [...], "links": [...]}.

    Each node has id, name, slug, kind and role; each link source, target (node ids), kind,
    since and until (ISO dates or None). The dict also says "directed", "multigraph" and
    "graph" (its attributes), so `networkx.node_link_graph(data, edges="links")` reads it back.
    """
    nodes = [
        {name: _plain(data.get(name, node if name == "id" else None)) for name in NODE_FIELDS}
        for node, data in graph.nodes(data=True)
    ]
    links = [
        {
            "source": graph.nodes[source].get("id", source),
            "target": graph.nodes[target].get("id", target),
            "kind": data.get("kind"),
            "since": _plain(data.get("since")),
            "until": _plain(data.get("until")),
        }
        for source, target, data in graph.edges(data=True)
    ]
    return {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": _attributes(graph.graph),
        "nodes": nodes,
        "links": links,
    }


def _date_text(value):
    return "" if value is None else _plain(value)


def graph_relationship_rows(cluster, graph):
    """Yield the relationships of `graph` as rows of the relationship CSV format.

    Each row is a dict keyed by stakeholders.imports.RELATIONSHIP_COLUMNS (for common.tabular.write_csv), ordered
    by source name, relationship and target name. `graph` may come from `cluster_graph` or
    be read back from its GraphML or JSON export; stakeholders are named by the node
    attributes name and kind, as the importer finds them. The relationship format has no
    cluster country column, so the importer looks the cluster up in India (IN).
    """
    state = cluster.region.name if cluster.region_id else ""
    nodes = graph.nodes
    rows = []
    for source, target, data in graph.edges(data=True):
        rows.append(
            {
                "source_name": nodes[source]["name"],
                "source_kind": nodes[source]["kind"],
                "target_name": nodes[target]["name"],
                "target_kind": nodes[target]["kind"],
                "relationship": data["kind"],
                "cluster_product": cluster.product,
                "cluster_place": cluster.place,
                "cluster_state": state,
                "cluster_country": cluster.country,
                "since": _date_text(data.get("since")),
                "until": _date_text(data.get("until")),
                "source": data.get("provenance") or "",
            }
        )
    rows.sort(key=lambda row: tuple(row[name] for name in ORDER))
    yield from rows


# Streamed files of a cluster, read from the database in chunks without building the graph:
# a network of 57,000 relationships is 14 MB of GraphML, which networkx would hold in memory
# (as a graph, an XML tree and the bytes) and take seconds to write. They hold what
# cluster_graph would (relationships join members only: the services see to it).

CHUNK = 2000

GRAPH_KEYS = (("cluster_id", "long"), ("cluster_slug", "string"), ("name", "string"))
NODE_KEYS = (("id", "long"), ("name", "string"), ("slug", "string"), ("kind", "string"))
NODE_KEYS += (("role", "string"),)
EDGE_KEYS = (("kind", "string"), ("since", "string"), ("until", "string"))
EDGE_KEYS += (("provenance", "string"),)


def _member_rows(cluster):
    return member_rows(cluster).iterator(chunk_size=CHUNK)


def _relationship_rows(cluster):
    return relationship_rows(cluster, chunk_size=CHUNK)


def _data(key, value):
    if value is None:
        return ""
    return f'<data key="{key}">{xml_escape(str(_plain(value)))}</data>'


def stream_graphml(cluster):
    """Yield the GraphML of `cluster`'s network in pieces: what graph_to_graphml writes of
    cluster_graph(cluster) (networkx.read_graphml(data, force_multigraph=True) reads it
    back), without building the graph."""
    yield (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for scope, keys in (("graph", GRAPH_KEYS), ("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            yield (
                f'  <key id="{scope[0]}_{name}" for="{scope}" attr.name="{name}" '
                f'attr.type="{kind}" />\n'
            )
    yield '  <graph edgedefault="directed">\n'
    yield (
        _data("g_cluster_id", cluster.pk)
        + _data("g_cluster_slug", cluster.slug)
        + _data("g_name", str(cluster))
        + "\n"
    )
    lines = []
    for pk, name, slug, kind, role in _member_rows(cluster):
        lines.append(
            f'<node id="{pk}">{_data("n_id", pk)}{_data("n_name", name)}'
            f"{_data('n_slug', slug)}{_data('n_kind', kind)}{_data('n_role', role)}</node>\n"
        )
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    for source, target, kind, since, until, provenance in _relationship_rows(cluster):
        lines.append(
            f'<edge source="{source}" target="{target}" id="{xml_escape(kind)}">'
            f"{_data('e_kind', kind)}{_data('e_since', since)}{_data('e_until', until)}"
            f"{_data('e_provenance', provenance)}</edge>\n"
        )
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    lines.append("  </graph>\n</graphml>\n")
    yield "".join(lines)


def stream_graph_json(cluster):
    """Yield the JSON of graph_to_json(cluster_graph(cluster)) in pieces, without building
    the graph (the same keys and values)."""
    head = {
        "directed": True,
        "multigraph": True,
        "graph": {"cluster_id": cluster.pk, "cluster_slug": cluster.slug, "name": str(cluster)},
    }
    yield json.dumps(head)[:-1] + ', "nodes": ['
    separator, lines = "", []
    for pk, name, slug, kind, role in _member_rows(cluster):
        node = {"id": pk, "name": name, "slug": slug, "kind": kind, "role": role}
        lines.append(separator + json.dumps(node))
        separator = ", "
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    lines.append('], "links": [')
    separator = ""
    for source, target, kind, since, until, _provenance in _relationship_rows(cluster):
        link = {
            "source": source,
            "target": target,
            "kind": kind,
            "since": _plain(since),
            "until": _plain(until),
        }
        lines.append(separator + json.dumps(link))
        separator = ", "
        if len(lines) >= CHUNK:
            yield "".join(lines)
            lines = []
    lines.append("]}")
    yield "".join(lines)


def cluster_relationship_rows(cluster):
    """Yield the relationships of `cluster` as graph_relationship_rows yields those of
    cluster_graph(cluster), in the same order, without building the graph.

    The members' names come from one query (a sort by name in the database would join every
    relationship to the million stakeholders twice: 2 s for 57,000 relationships); the rows
    are sorted here, as plain tuples.
    """
    state = cluster.region.name if cluster.region_id else ""
    members = {pk: (name, kind) for pk, name, _slug, kind, _role in _member_rows(cluster)}
    links = [
        (members[source], kind, members[target], since, until, provenance)
        for source, target, kind, since, until, provenance in _relationship_rows(cluster)
        if source in members and target in members
    ]
    # ORDER: source name, source kind, relationship, target name, target kind.
    links.sort(key=lambda link: (*link[0], link[1], *link[2]))
    for (source_name, source_kind), kind, (target_name, target_kind), since, until, source in links:
        yield {
            "source_name": source_name,
            "source_kind": source_kind,
            "target_name": target_name,
            "target_kind": target_kind,
            "relationship": kind,
            "cluster_product": cluster.product,
            "cluster_place": cluster.place,
            "cluster_state": state,
            "cluster_country": cluster.country,
            "since": _date_text(since),
            "until": _date_text(until),
            "source": source or "",
        }
