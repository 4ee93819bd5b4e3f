"""Editor and curator pages of development initiatives under /manage/ (namespace
`initiatives`)."""

from django.urls import path

from workspace.views import programmes as views

app_name = "initiatives"

initiative = "initiatives/<slug:slug>/"

urlpatterns = [
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative_list"),
    path("initiatives/new/", views.InitiativeCreateView.as_view(), name="initiative_create"),
    path(initiative, views.InitiativeDetailView.as_view(), name="initiative_detail"),
    path(f"{initiative}edit/", views.InitiativeEditView.as_view(), name="initiative_edit"),
    path(f"{initiative}submit/", views.InitiativeSubmitView.as_view(), name="initiative_submit"),
    path(f"{initiative}review/", views.InitiativeReviewView.as_view(), name="initiative_review"),
    path(f"{initiative}study/", views.StudyEditView.as_view(), name="study_edit"),
    path(
        f"{initiative}study/documents/new/",
        views.DocumentUploadView.as_view(),
        name="document_upload",
    ),
    path(
        f"{initiative}study/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path(f"{initiative}plan/new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path(
        f"{initiative}plan/<int:pk>/edit/", views.ActivityEditView.as_view(), name="activity_edit"
    ),
    path(f"{initiative}targets/new/", views.TargetCreateView.as_view(), name="target_create"),
    path(f"{initiative}targets/<int:pk>/edit/", views.TargetEditView.as_view(), name="target_edit"),
    path(
        f"{initiative}measurements/new/",
        views.MeasurementCreateView.as_view(),
        name="measurement_create",
    ),
    path(
        "initiatives/changes/<int:pk>/approve/",
        views.RevisionDecideView.as_view(decision="approve"),
        name="revision_approve",
    ),
    path(
        "initiatives/changes/<int:pk>/return/",
        views.RevisionDecideView.as_view(decision="return"),
        name="revision_return",
    ),
    path(
        "initiatives/changes/<int:pk>/withdraw/",
        views.RevisionWithdrawView.as_view(),
        name="revision_withdraw",
    ),
]
