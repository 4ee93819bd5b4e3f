"""Public URLs of stakeholders (namespace `stakeholders`)."""

from django.urls import path

from public.views import stakeholder_exports as export_views
from public.views import stakeholders as views

app_name = "stakeholders"

urlpatterns = [
    path("", views.StakeholderListView.as_view(), name="stakeholder_list"),
    path(
        "export.<str:file_format>",
        export_views.StakeholderExportView.as_view(),
        name="stakeholder_export",
    ),
    path("<slug:slug>/", views.StakeholderDetailView.as_view(), name="stakeholder_detail"),
]
