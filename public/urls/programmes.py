"""Public URLs of cluster development programmes (namespace `programmes`)."""

from django.urls import path

from public.views import programmes as views

app_name = "programmes"

urlpatterns = [
    path("", views.InitiativeListView.as_view(), name="initiative_list"),
    *[
        path(
            f"export.{file_format}",
            views.InitiativeExportView.as_view(file_format=file_format),
            name=f"initiative_export_{file_format}",
        )
        for file_format in ("csv", "xlsx", "json")
    ],
    *[
        path(
            f"indicators.{file_format}",
            views.MeasurementExportView.as_view(file_format=file_format),
            name=f"indicator_export_{file_format}",
        )
        for file_format in ("csv", "xlsx")
    ],
    path("<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
]
