"""Public URLs of stakeholders (namespace `stakeholders`)."""

from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.StakeholderListView.as_view(), name="stakeholder_list"),
    path("<slug:slug>/", views.StakeholderDetailView.as_view(), name="stakeholder_detail"),
]
