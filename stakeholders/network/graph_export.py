"""Export a cluster's stakeholder network (stakeholders.network.measures.cluster_graph) as GraphML,
as JSON for a browser, or as rows of the relationship CSV format that import back unchanged.
"""

import datetime
import io

import networkx as nx

NODE_FIELDS = ("id", "name", "slug", "kind", "role")
ORDER = ("source_name", "source_kind", "relationship", "target_name", "target_kind")


def _plain(value):
    """Return `value` as GraphML and JSON can hold it: dates as ISO strings."""
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
