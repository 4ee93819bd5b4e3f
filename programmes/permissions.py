"""Who may do what with development initiatives and their indicators (the agency policy of
clusters.permissions, applied to programmes).

- anyone: view published initiatives of published clusters, with their study (but not the
  study's documents: only their titles), plan and targets, and the indicator measurements
  of published clusters;
- an agency editor: create initiatives, as their own agency's, for the clusters of their
  agency or published clusters; view, change, delete (drafts never published), submit and
  see the history of their agency's initiatives, whatever their status, and download their
  study documents; never another agency's (simply not found: 404); record measurements for
  the clusters of their agency and the clusters where their agency has an initiative;
- a curator: everything, including publish / return / archive and the scheme list and the
  indicator catalogue. An operator's import from the command line writes directly.
"""

from django.db.models import Exists, OuterRef, Q

from clusters.accounts import editor_agency_id
from clusters.choices import PublicationStatus
from clusters.models import Cluster
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

from .models import (
    DiagnosticStudy,
    Indicator,
    IndicatorMeasurement,
    IndicatorTarget,
    Initiative,
    InitiativeRevision,
    PlanActivity,
    Scheme,
    StudyDocument,
)

SUBMIT, PUBLISH, HISTORY, DOWNLOAD = "submit", "publish", "history", "download"
EDITOR_ACTIONS = {ADD, CHANGE, DELETE, IMPORT, SUBMIT, HISTORY, DOWNLOAD}
PUBLISHED = PublicationStatus.PUBLISHED


def _nothing():
    return Q(pk__in=[])


def public_initiatives_q(prefix=""):
    """Return the condition for an initiative (reached through `prefix`) to be public:
    published, in a published cluster."""
    return Q(**{f"{prefix}status": PUBLISHED, f"{prefix}cluster__status": PUBLISHED})


class InitiativePermissionPolicy(PermissionPolicy):
    model = Initiative

    def user_has_permission(self, user, action):
        if action == VIEW or is_curator(user):
            return True
        return action in EDITOR_ACTIONS and editor_agency_id(user) is not None

    def _rows(self, user, action, *, prefix=""):
        """Return the condition on rows reached through `prefix` (an initiative's path)."""
        if is_curator(user):
            return Q()
        agency_id = editor_agency_id(user)
        own = Q(**{f"{prefix}agency_id": agency_id}) if agency_id is not None else _nothing()
        if action == VIEW:
            return public_initiatives_q(prefix) | own
        if action in EDITOR_ACTIONS:
            return own
        return _nothing()

    def instances_user_has_permission_for(self, user, action):
        return Initiative.objects.filter(self._rows(user, action))

    def creatable_clusters(self, user):
        """Return the clusters `user` may start an initiative in: their agency's clusters
        and published clusters (a curator: every cluster)."""
        if is_curator(user):
            return Cluster.objects.all()
        agency_id = editor_agency_id(user)
        if agency_id is None:
            return Cluster.objects.none()
        return Cluster.objects.filter(Q(agency_id=agency_id) | Q(status=PUBLISHED))

    def user_may_create_in(self, user, cluster):
        """Return whether `user` may start an initiative in `cluster`."""
        return self.creatable_clusters(user).filter(pk=cluster.pk).exists()


initiative_policy = register_policy(InitiativePermissionPolicy())


class InitiativeChildPolicy(PermissionPolicy):
    """Rows that belong to one initiative (its study, activities, targets, revisions):
    visible with a visible initiative, editable with an initiative the user may edit."""

    model = None
    path = "initiative__"

    def user_has_permission(self, user, action):
        return initiative_policy.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        condition = initiative_policy._rows(user, action, prefix=self.path)
        return self.model.objects.filter(condition)


class DiagnosticStudyPermissionPolicy(InitiativeChildPolicy):
    model = DiagnosticStudy


class StudyDocumentPermissionPolicy(InitiativeChildPolicy):
    """A document's title is public with its study; its file (DOWNLOAD) is only for the
    editors of the initiative's agency and curators."""

    model = StudyDocument
    path = "study__initiative__"

    def instances_user_has_permission_for(self, user, action):
        if action == DOWNLOAD:
            return super().instances_user_has_permission_for(user, CHANGE)
        return super().instances_user_has_permission_for(user, action)


class PlanActivityPermissionPolicy(InitiativeChildPolicy):
    model = PlanActivity


class IndicatorTargetPermissionPolicy(InitiativeChildPolicy):
    model = IndicatorTarget


class InitiativeRevisionPermissionPolicy(InitiativeChildPolicy):
    """Proposed changes are never public: their author's agency and curators see them."""

    model = InitiativeRevision

    def instances_user_has_permission_for(self, user, action):
        if action == VIEW:
            action = CHANGE
        return super().instances_user_has_permission_for(user, action)


study_policy = register_policy(DiagnosticStudyPermissionPolicy())
document_policy = register_policy(StudyDocumentPermissionPolicy())
activity_policy = register_policy(PlanActivityPermissionPolicy())
target_policy = register_policy(IndicatorTargetPermissionPolicy())
initiative_revision_policy = register_policy(InitiativeRevisionPermissionPolicy())


class MeasurementPermissionPolicy(PermissionPolicy):
    """Measurements belong to a cluster: public with a published cluster; an editor records
    them for their agency's clusters and the clusters where their agency has an initiative."""

    model = IndicatorMeasurement

    def user_has_permission(self, user, action):
        if action == VIEW or is_curator(user):
            return True
        return action in EDITOR_ACTIONS and editor_agency_id(user) is not None

    def measurable_clusters(self, user):
        """Return the clusters `user` may record measurements for."""
        if is_curator(user):
            return Cluster.objects.all()
        agency_id = editor_agency_id(user)
        if agency_id is None:
            return Cluster.objects.none()
        initiative = Initiative.objects.filter(cluster=OuterRef("pk"), agency_id=agency_id)
        return Cluster.objects.filter(Q(agency_id=agency_id) | Exists(initiative))

    def user_may_measure(self, user, cluster):
        """Return whether `user` may record measurements for `cluster`."""
        return self.measurable_clusters(user).filter(pk=cluster.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        rows = IndicatorMeasurement.objects.all()
        if is_curator(user):
            return rows
        clusters = self.measurable_clusters(user).values("pk")
        if action == VIEW:
            return rows.filter(Q(cluster__status=PUBLISHED) | Q(cluster__in=clusters))
        if action in EDITOR_ACTIONS:
            return rows.filter(cluster__in=clusters)
        return rows.none()


measurement_policy = register_policy(MeasurementPermissionPolicy())


class CuratedListPolicy(PermissionPolicy):
    """The scheme list and the indicator catalogue: anyone reads, curators keep them."""

    model = None

    def user_has_permission(self, user, action):
        return action == VIEW or is_curator(user)

    def instances_user_has_permission_for(self, user, action):
        if self.user_has_permission(user, action):
            return self.model.objects.all()
        return self.model.objects.none()

    def linkable_instances(self, user):
        """Anyone who may edit an initiative picks any scheme or indicator."""
        return self.model.objects.all()


class SchemePermissionPolicy(CuratedListPolicy):
    model = Scheme


class IndicatorPermissionPolicy(CuratedListPolicy):
    model = Indicator


scheme_policy = register_policy(SchemePermissionPolicy())
indicator_policy = register_policy(IndicatorPermissionPolicy())
