"""Public URLs of clusters and statistics (namespace `clusters`)."""

from django.urls import path

from . import views

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
    path("clusters/<slug:slug>/", views.ClusterDetailView.as_view(), name="cluster_detail"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("stats/<slug:chart>.csv", views.StatsCsvView.as_view(), name="stats_csv"),
]
