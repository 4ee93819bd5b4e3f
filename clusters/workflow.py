"""The publication workflow: draft -> submitted -> published, back to draft when rejected,
archived to hide. Each step is recorded as a ClusterReview with who, when and why."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.history import change_set

from .choices import PublicationStatus as Status
from .models import Cluster, ClusterReview

Action = ClusterReview.Action

# action: (statuses it starts from, status it leads to)
TRANSITIONS = {
    Action.SUBMITTED: ({Status.DRAFT}, Status.SUBMITTED),
    Action.APPROVED: ({Status.SUBMITTED, Status.DRAFT}, Status.PUBLISHED),
    Action.REJECTED: ({Status.SUBMITTED, Status.PUBLISHED}, Status.DRAFT),
    Action.ARCHIVED: ({Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED}, Status.ARCHIVED),
    Action.RESTORED: ({Status.ARCHIVED}, Status.DRAFT),
}
CURATOR_ACTIONS = {Action.APPROVED, Action.REJECTED, Action.ARCHIVED, Action.RESTORED}
# An action refused from the status the cluster is in: one sentence for each action, the
# status (its label) the only word put in (%(status)s).
REFUSALS = {
    Action.SUBMITTED: gettext_lazy("A %(status)s cluster cannot be submitted for review."),
    Action.APPROVED: gettext_lazy("A %(status)s cluster cannot be approved and published."),
    Action.REJECTED: gettext_lazy("A %(status)s cluster cannot be returned to draft."),
    Action.ARCHIVED: gettext_lazy("A %(status)s cluster cannot be archived."),
    Action.RESTORED: gettext_lazy("A %(status)s cluster cannot be restored to draft."),
}


def available_actions(cluster):
    """Return the workflow actions possible from the cluster's current status."""
    return [
        action for action, (sources, _target) in TRANSITIONS.items() if cluster.status in sources
    ]


@transaction.atomic
def cluster_transition(*, cluster, action, user, comment=""):
    """Move `cluster` through the workflow by `action`, recording who did it and why.

    Permission to act is the caller's to check (clusters.permissions: submit for editors of
    the owning agency, publish for curators). A rejection needs a comment.
    """
    sources, target = TRANSITIONS[Action(action)]
    locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if locked.status not in sources:
        raise ValidationError(
            str(REFUSALS[Action(action)]) % {"status": locked.get_status_display().lower()}
        )
    comment = (comment or "").strip()
    if action == Action.REJECTED and not comment:
        raise ValidationError({"comment": _("Say why the cluster is returned to draft.")})
    with change_set(user=user, reason=f"workflow: {Action(action).label}"):
        locked.status = target
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated"])
    ClusterReview.objects.create(cluster=locked, action=action, comment=comment, user=user)
    cluster.status, cluster.version = locked.status, locked.version
    return locked


def deletable_clusters(queryset):
    """Return the clusters of `queryset` that may be deleted: drafts never published (a
    record entered by mistake). One that has been public is archived instead, so addresses
    and citations of it keep working."""
    approved = ClusterReview.objects.filter(cluster=OuterRef("pk"), action=Action.APPROVED)
    return queryset.filter(status=Status.DRAFT).exclude(Exists(approved))


def review_queue():
    """Return the clusters waiting for a curator, oldest submission first."""
    return (
        Cluster.objects.filter(status=Status.SUBMITTED)
        .select_related("region", "agency", "sector")
        .order_by("updated")
    )
