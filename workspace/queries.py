"""Reads of the editor pages: each starts from a permission policy's queryset."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from clusters.models import ClusterReview, ClusterRevision
from clusters.permissions import cluster_policy
from common.permissions import CHANGE
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from stakeholders.permissions import stakeholder_policy

SEARCH_LIMIT = 20


def managed_clusters(user):
    """Return the clusters `user` may edit, with their owners and their latest review
    (`last_action`, `last_comment`) annotated for the list."""
    latest = ClusterReview.objects.filter(cluster=OuterRef("pk")).order_by("-created", "-id")
    return (
        cluster_policy.instances_user_has_permission_for(user, CHANGE)
        .select_related("region", "agency", "sector")
        .annotate(
            last_action=Subquery(latest.values("action")[:1]),
            last_comment=Subquery(latest.values("comment")[:1]),
            # A change to it waits for a curator (clusters.revisions).
            change_pending=Exists(
                ClusterRevision.objects.filter(
                    cluster=OuterRef("pk"), state=ClusterRevision.State.PENDING
                )
            ),
        )
    )


def with_submission_time(queryset):
    """Annotate each cluster with when it was last submitted for review (`submitted_at`)."""
    submissions = ClusterReview.objects.filter(
        cluster=OuterRef("pk"), action=ClusterReview.Action.SUBMITTED
    ).order_by("-created", "-id")
    return queryset.annotate(submitted_at=Subquery(submissions.values("created")[:1]))


def status_counts(queryset):
    """Return {status: number of clusters} over `queryset`."""
    rows = queryset.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def cluster_members(cluster):
    """Return the cluster's memberships with their stakeholders and how many relationships
    each member has in the cluster (removing a member removes those too)."""
    in_cluster = Relationship.objects.filter(cluster=cluster)
    return (
        ClusterMembership.objects.filter(cluster=cluster)
        .select_related("stakeholder__region")
        .annotate(
            relationship_count=Subquery(
                in_cluster.filter(
                    Q(source=OuterRef("stakeholder")) | Q(target=OuterRef("stakeholder"))
                )
                .order_by()
                .values("cluster")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .order_by("stakeholder__kind", "stakeholder__name", "pk")
    )


def member_stakeholders(cluster):
    """Return the stakeholders that belong to `cluster`, by name."""
    return Stakeholder.objects.filter(
        Exists(ClusterMembership.objects.filter(cluster=cluster, stakeholder=OuterRef("pk")))
    ).order_by("name", "pk")


def linkable_stakeholders(user):
    """Return the stakeholders `user` may link to a cluster: those they may see, and those
    that belong to no cluster at all (left over when their last link was removed)."""
    return stakeholder_policy.linkable_instances(user)


def stakeholder_search(queryset, text, *, exclude_cluster=None, limit=SEARCH_LIMIT):
    """Return up to `limit` stakeholders of `queryset` whose name has every word of `text`,
    leaving out the members of `exclude_cluster`."""
    words = text.split()
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(name__icontains=word)
    if exclude_cluster is not None:
        queryset = queryset.exclude(
            Exists(
                ClusterMembership.objects.filter(
                    cluster=exclude_cluster, stakeholder=OuterRef("pk")
                )
            )
        )
    return list(queryset.select_related("region").order_by("name", "pk")[:limit])


def cluster_relationships(cluster):
    """Return the relationships recorded in `cluster` with both ends."""
    return (
        Relationship.objects.filter(cluster=cluster)
        .select_related("source", "target")
        .order_by("source__name", "kind", "target__name", "pk")
    )
