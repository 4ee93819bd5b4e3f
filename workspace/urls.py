"""Editor and curator pages under /manage/ (namespace `editing`)."""

from django.urls import path

from workspace import views
from workspace.views.assessments import ClusterAssessmentsView

app_name = "editing"

cluster = "clusters/<slug:slug>/"

urlpatterns = [
    path("", views.ManageHomeView.as_view(), name="home"),
    path("clusters/", views.ClusterListView.as_view(), name="cluster_list"),
    path("clusters/new/", views.ClusterCreateView.as_view(), name="cluster_create"),
    path(cluster, views.ClusterDetailView.as_view(), name="cluster_detail"),
    path(f"{cluster}edit/", views.ClusterEditView.as_view(), name="cluster_edit"),
    path(f"{cluster}delete/", views.ClusterDeleteView.as_view(), name="cluster_delete"),
    path(f"{cluster}submit/", views.ClusterSubmitView.as_view(), name="cluster_submit"),
    path(f"{cluster}review/", views.ClusterReviewView.as_view(), name="cluster_review"),
    path(f"{cluster}history/", views.ClusterHistoryView.as_view(), name="cluster_history"),
    path(f"{cluster}assessments/", ClusterAssessmentsView.as_view(), name="cluster_assessments"),
    path(
        f"{cluster}stakeholders/",
        views.ClusterStakeholdersView.as_view(),
        name="cluster_stakeholders",
    ),
    path(
        f"{cluster}stakeholders/link/", views.StakeholderLinkView.as_view(), name="stakeholder_link"
    ),
    path(
        f"{cluster}stakeholders/new/",
        views.StakeholderCreateView.as_view(),
        name="stakeholder_create",
    ),
    path(
        f"{cluster}stakeholders/<int:pk>/remove/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path(
        f"{cluster}relationships/",
        views.ClusterRelationshipsView.as_view(),
        name="cluster_relationships",
    ),
    path(
        f"{cluster}relationships/<int:pk>/remove/",
        views.RelationshipRemoveView.as_view(),
        name="relationship_remove",
    ),
    path(
        "stakeholders/<slug:slug>/edit/",
        views.StakeholderEditView.as_view(),
        name="stakeholder_edit",
    ),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("review/changes/", views.RevisionQueueView.as_view(), name="revision_queue"),
    path("revisions/<int:pk>/", views.RevisionDetailView.as_view(), name="revision_detail"),
    path(
        "revisions/<int:pk>/approve/",
        views.RevisionDecideView.as_view(decision="approve"),
        name="revision_approve",
    ),
    path(
        "revisions/<int:pk>/return/",
        views.RevisionDecideView.as_view(decision="return"),
        name="revision_return",
    ),
    path(
        "revisions/<int:pk>/withdraw/",
        views.RevisionWithdrawView.as_view(),
        name="revision_withdraw",
    ),
    path("quality/", views.QualityDeskView.as_view(), name="quality"),
    path("merge/clusters/", views.ClusterMergeView.as_view(), name="cluster_merge"),
    path("merge/stakeholders/", views.StakeholderMergeView.as_view(), name="stakeholder_merge"),
    path(
        "merge/clusters/search/",
        views.ClusterMergeSearchView.as_view(),
        name="cluster_merge_search",
    ),
    path(
        "merge/stakeholders/search/",
        views.StakeholderMergeSearchView.as_view(),
        name="stakeholder_merge_search",
    ),
]
