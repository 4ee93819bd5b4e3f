"""The public relationship list and its downloads (namespace `relationships`)."""

from django.urls import path

from public.views import stakeholder_exports as export_views

app_name = "relationships"

urlpatterns = [
    path("", export_views.RelationshipListView.as_view(), name="relationship_list"),
    path(
        "export.<str:file_format>",
        export_views.RelationshipExportView.as_view(),
        name="relationship_export",
    ),
]
