"""A cluster's stakeholder map and the files of its network (URLs in clusters/urls.py).

`/clusters/<slug>/map/`, `graph.graphml`, `graph.json`, `relationships.csv` and
`measures.json` show the same clusters: published ones to everyone, and to a signed-in
user what the cluster policy lets them view (an editor's own drafts, everything for a
curator). Any other cluster is not found (404).
"""

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views import View
from django.views.generic import TemplateView

from clusters.choices import PublicationStatus
from common.exports import attachment
from common.tabular import iter_csv
from public.forms import MapFilterForm
from stakeholders.choices import Kind, RelationshipType
from stakeholders.imports import RELATIONSHIP_COLUMNS
from stakeholders.network import map as maps
from stakeholders.network.display import measures_display
from stakeholders.network.graph_export import (
    cluster_relationship_rows,
    stream_graph_json,
    stream_graphml,
)
from stakeholders.network.measures import MEASURE_EXPLANATIONS
from stakeholders.network.svg import EDGE_STYLES, legend_line, legend_shape

GRAPHML_TYPE = "application/graphml+xml"


def _attachment(response, cluster, name, extension):
    """Download `response` as `<slug>-<name>-<today>.<extension>`."""
    response["Content-Disposition"] = attachment(f"{cluster.slug}-{name}", extension)
    return response


class ClusterMapView(TemplateView):
    """The stakeholder map of a cluster: an SVG drawn on the server, filters that redraw it,
    a legend, the table of its links, and the social-capital measures of the network."""

    template_name = "public/clusters/cluster_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = maps.map_cluster(user=self.request.user, slug=kwargs["slug"])
        form = MapFilterForm(self.request.GET or None)
        kinds, types = form.selection()
        # No choice draws every kind and type: the boxes then show them all ticked, as drawn.
        chosen_kinds = set(kinds) or set(Kind.values)
        chosen_types = set(types) or set(RelationshipType.values)
        networks = maps.cluster_networks(cluster)
        drawn, measures = maps.map_page(cluster, kinds=kinds, types=types, networks=networks)
        kind_labels = dict(Kind.choices)
        type_labels = dict(RelationshipType.choices)
        context.update(
            cluster=cluster,
            form=form,
            map=drawn,
            measures=measures_display(measures, drawn.name_urls),
            networks=networks,
            public=cluster.status == PublicationStatus.PUBLISHED,
            filter_kinds=[
                (kind, label, legend_shape(kind, size=6), kind in chosen_kinds)
                for kind, label in Kind.choices
            ],
            filter_types=[
                (kind, label, legend_line(kind, length=32), kind in chosen_types)
                for kind, label in RelationshipType.choices
            ],
            legend_kinds=[
                (kind, kind_labels[kind], legend_shape(kind), drawn.kind_counts.get(kind, 0))
                for kind in Kind.values
            ],
            legend_types=[
                (
                    kind,
                    type_labels[kind],
                    legend_line(kind),
                    str(EDGE_STYLES[kind]),
                    drawn.type_counts.get(kind, 0),
                )
                for kind in RelationshipType.values
            ],
        )
        return context


class ClusterNetworkFileView(View):
    """Base of the network files: finds the visible cluster; the files stream from the
    database (a network of 57,000 relationships is 14 MB of GraphML)."""

    def get(self, request, slug):
        cluster = maps.map_cluster(user=request.user, slug=slug)
        return self.render(cluster)

    def render(self, cluster):
        raise NotImplementedError


class ClusterGraphMLView(ClusterNetworkFileView):
    """The stakeholder network as GraphML (networkx.read_graphml reads it back)."""

    def render(self, cluster):
        response = StreamingHttpResponse(stream_graphml(cluster), content_type=GRAPHML_TYPE)
        return _attachment(response, cluster, "network", "graphml")


class ClusterGraphJSONView(ClusterNetworkFileView):
    """The stakeholder network as {"nodes": [...], "links": [...]} for scripts and browsers."""

    def render(self, cluster):
        # Read in chunks, sent whole (a browser's scripts read it at once): 7 MB at 57,000 links.
        return HttpResponse("".join(stream_graph_json(cluster)), content_type="application/json")


class ClusterRelationshipsCsvView(ClusterNetworkFileView):
    """The cluster's relationships in the relationship import format (they import back
    unchanged); UTF-8 with a byte-order mark, so that Excel reads it."""

    def render(self, cluster):
        rows = cluster_relationship_rows(cluster)
        lines = iter_csv(rows, RELATIONSHIP_COLUMNS)
        response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
        return _attachment(response, cluster, "relationships", "csv")


def _with_bom(lines):
    yield "\ufeff"
    yield from lines


class ClusterMeasuresJSONView(ClusterNetworkFileView):
    """The social-capital measures of the network (NetworkMeasures.as_dict()) with their
    explanations, for scripts."""

    def render(self, cluster):
        measures = maps.cached_measures(cluster)
        data = {
            "cluster": cluster.slug,
            "measures": measures.as_dict(),
            "explanations": {name: str(text) for name, text in MEASURE_EXPLANATIONS.items()},
        }
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
