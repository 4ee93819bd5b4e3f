"""Who may do what with clusters (ARCHITECTURE.md, "Who may do what").

- anyone: view published clusters;
- an agency editor: view, add, change, delete, submit and import the clusters of their own
  agency, whatever their status (never another agency's: those are simply not found);
  deleting is further limited by the rule of clusters.workflow.deletable_clusters;
- a curator: everything, including publish / reject / archive and merge.
"""

from django.db.models import Q

from common.permissions import (
    ADD,
    CHANGE,
    DELETE,
    IMPORT,
    VIEW,
    PermissionPolicy,
    is_curator,
    register_policy,
)

from .accounts import editor_agency_id
from .choices import PublicationStatus
from .models import Cluster, ClusterAssessment, ClusterFigure

SUBMIT, PUBLISH, MERGE, HISTORY = "submit", "publish", "merge", "history"
EDITOR_ACTIONS = {ADD, CHANGE, DELETE, IMPORT, SUBMIT, HISTORY}


class ClusterPermissionPolicy(PermissionPolicy):
    model = Cluster

    def user_has_permission(self, user, action):
        if action == VIEW:
            return True
        if is_curator(user):
            return True
        return action in EDITOR_ACTIONS and editor_agency_id(user) is not None

    def instances_user_has_permission_for(self, user, action):
        clusters = Cluster.objects.all()
        if is_curator(user):
            return clusters
        agency_id = editor_agency_id(user)
        own = Q(agency_id=agency_id) if agency_id is not None else Q(pk__in=[])
        if action == VIEW:
            return clusters.filter(Q(status=PublicationStatus.PUBLISHED) | own)
        if action in EDITOR_ACTIONS:
            return clusters.filter(own)
        return clusters.none()


cluster_policy = register_policy(ClusterPermissionPolicy())


class ClusterChildPolicy(PermissionPolicy):
    """Rows that belong to one cluster (figures, memberships, relationships): visible with
    a visible cluster, editable with a cluster the user may edit."""

    model = None

    def user_has_permission(self, user, action):
        if action == VIEW or is_curator(user):
            return True
        return action in EDITOR_ACTIONS and editor_agency_id(user) is not None

    def instances_user_has_permission_for(self, user, action):
        rows = self.model.objects.all()
        if is_curator(user):
            return rows
        agency_id = editor_agency_id(user)
        own = Q(cluster__agency_id=agency_id) if agency_id is not None else Q(pk__in=[])
        if action == VIEW:
            return rows.filter(Q(cluster__status=PublicationStatus.PUBLISHED) | own)
        if action in EDITOR_ACTIONS:
            return rows.filter(own)
        return rows.none()

    def user_may_edit_cluster(self, user, cluster):
        """Return whether `user` may add rows of this kind to `cluster`."""
        return cluster_policy.user_has_permission_for_instance(user, CHANGE, cluster)


class ClusterFigurePermissionPolicy(ClusterChildPolicy):
    model = ClusterFigure


figure_policy = register_policy(ClusterFigurePermissionPolicy())


class ClusterAssessmentPermissionPolicy(ClusterChildPolicy):
    """Judgements of the selection parameters (FAQ Q43): recorded by curators for any
    cluster and by agency editors for their own agency's clusters."""

    model = ClusterAssessment


assessment_policy = register_policy(ClusterAssessmentPermissionPolicy())
