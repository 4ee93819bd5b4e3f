"""Public URLs of clusters and statistics (namespace `clusters`)."""

from django.urls import path

from public import views
from public.views import geo_map
from public.views import maps as map_views
from public.views import programmes as programme_views
from public.views.compare import ClusterCompareView
from public.views.selection import ClusterSelectionCsvView, ClusterSelectionView

app_name = "clusters"

urlpatterns = [
    path("clusters/", views.ClusterListView.as_view(), name="cluster_list"),
    path(
        "clusters/export.csv",
        views.ClusterExportView.as_view(file_format="csv"),
        name="cluster_export_csv",
    ),
    path(
        "clusters/export.xlsx",
        views.ClusterExportView.as_view(file_format="xlsx"),
        name="cluster_export_xlsx",
    ),
    path(
        "clusters/export.json",
        views.ClusterExportView.as_view(file_format="json"),
        name="cluster_export_json",
    ),
    # Selection (FAQ Q43) and comparison: before the profile, whose slug they would match
    # (clusters.services reserves these words as slugs).
    path("clusters/selection/", ClusterSelectionView.as_view(), name="cluster_selection"),
    path("clusters/selection.csv", ClusterSelectionCsvView.as_view(), name="cluster_selection_csv"),
    path("clusters/compare/", ClusterCompareView.as_view(), name="cluster_compare"),
    # Before the profile's pattern: "map" is no cluster's slug (clusters.services reserves it).
    path("clusters/map/", geo_map.ClusterGeoMapView.as_view(), name="cluster_geo_map"),
    path("clusters/<slug:slug>/", views.ClusterDetailView.as_view(), name="cluster_detail"),
    # The cluster's stakeholder network: its map and its files (same visibility as the map).
    path("clusters/<slug:slug>/map/", map_views.ClusterMapView.as_view(), name="cluster_map"),
    path(
        "clusters/<slug:slug>/graph.graphml",
        map_views.ClusterGraphMLView.as_view(),
        name="cluster_graphml",
    ),
    path(
        "clusters/<slug:slug>/graph.json",
        map_views.ClusterGraphJSONView.as_view(),
        name="cluster_graph_json",
    ),
    path(
        "clusters/<slug:slug>/relationships.csv",
        map_views.ClusterRelationshipsCsvView.as_view(),
        name="cluster_relationships_csv",
    ),
    path(
        "clusters/<slug:slug>/measures.json",
        map_views.ClusterMeasuresJSONView.as_view(),
        name="cluster_measures_json",
    ),
    path(
        "clusters/<slug:slug>/development/",
        programme_views.ClusterDevelopmentView.as_view(),
        name="cluster_development",
    ),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("about/data/", views.AboutDataView.as_view(), name="about_data"),
    path("stats/<slug:chart>.csv", views.StatsCsvView.as_view(), name="stats_csv"),
]
