"""Manage the networks of enterprises of a cluster, under /manage/ (namespace `networks`)."""

from django.urls import path

from workspace.views import networks as network_views

app_name = "networks"

networks = "clusters/<slug:slug>/networks/"

urlpatterns = [
    path(networks, network_views.NetworkListView.as_view(), name="network_list"),
    path(f"{networks}new/", network_views.NetworkCreateView.as_view(), name="network_create"),
    path(f"{networks}<int:pk>/edit/", network_views.NetworkEditView.as_view(), name="network_edit"),
    path(
        f"{networks}<int:pk>/delete/",
        network_views.NetworkDeleteView.as_view(),
        name="network_delete",
    ),
]
