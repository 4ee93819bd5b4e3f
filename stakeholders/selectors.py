"""Reads of stakeholders for the public pages.

A stakeholder is public only through a membership of at least one published cluster; only
those clusters, and only relationships within them, are ever shown.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch

from clusters.choices import PublicationStatus
from clusters.models import Cluster, Region
from common.counts import count_or_estimate

from .choices import Kind, Role
from .models import ClusterMembership, Relationship, Stakeholder

CLUSTER_OPTIONS_LIMIT = 300


def published_memberships():
    """Return memberships of published clusters."""
    return ClusterMembership.objects.filter(cluster__status=PublicationStatus.PUBLISHED)


def is_public():
    """Return the condition "the stakeholder belongs to at least one published cluster"."""
    return Exists(published_memberships().filter(stakeholder=OuterRef("pk")))


def stakeholder_public():
    """Return the stakeholders that belong to at least one published cluster (no joins)."""
    return Stakeholder.objects.filter(is_public())


def stakeholder_public_count():
    """Return the Count of public stakeholders: exact up to 10,000, estimated above (the
    home page never counts a million rows)."""
    return count_or_estimate(stakeholder_public())


def _membership_prefetch():
    return Prefetch(
        "memberships",
        queryset=published_memberships()
        .select_related("cluster__region", "cluster__sector")
        .order_by("cluster__product", "cluster__place", "pk"),
        to_attr="public_memberships",
    )


def stakeholder_rows():
    """Return every stakeholder, for a list that keeps the public ones itself (as
    PublicStakeholderFilterSet does), with their region and their published clusters
    prefetched (`public_memberships`): two queries for a page of any length."""
    return (
        Stakeholder.objects.select_related("region")
        .prefetch_related(_membership_prefetch())
        .order_by("name", "pk")
    )


def stakeholder_list():
    """Return public stakeholders as `stakeholder_rows()` does."""
    return stakeholder_rows().filter(is_public())


# The relationship list's order: by cluster, then within a cluster by the source's name.
RELATIONSHIP_CLUSTER_ORDER = ("cluster__product", "cluster__place")
RELATIONSHIP_IN_CLUSTER_ORDER = ("source__name", "kind", "pk")


def relationship_list():
    """Return the relationships of published clusters for the public list, grouped by
    cluster (product, place), then by the source's name and the kind.

    PostgreSQL reads the published clusters in that order (`cluster_published_order_idx`)
    and sorts each cluster's relationships on its own (an incremental sort), so a page
    costs a few clusters' rows, not a sort of every relationship.
    """
    return (
        Relationship.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
        .select_related("source", "target", "cluster__region")
        .order_by(*RELATIONSHIP_CLUSTER_ORDER, *RELATIONSHIP_IN_CLUSTER_ORDER)
    )


def in_one_cluster_order(queryset):
    """Return `queryset` (relationships of one cluster) without the list's order by cluster,
    which is the same for all its rows: the same order, that PostgreSQL can then read from
    the stakeholders' name index and `relationship_source_order_idx`, stopping after a page,
    instead of joining every relationship of a big cluster to its source and sorting them.
    Any other order is kept as it is."""
    if tuple(queryset.query.order_by) != RELATIONSHIP_CLUSTER_ORDER + RELATIONSHIP_IN_CLUSTER_ORDER:
        return queryset
    return queryset.order_by(*RELATIONSHIP_IN_CLUSTER_ORDER)


def _public_relationships(other_end):
    """Return relationships in published clusters whose `other_end` belongs to that cluster."""
    return (
        Relationship.objects.filter(cluster__status=PublicationStatus.PUBLISHED)
        .filter(
            Exists(
                ClusterMembership.objects.filter(
                    cluster=OuterRef("cluster"), stakeholder=OuterRef(other_end)
                )
            )
        )
        .select_related(other_end, "cluster")
        .order_by("cluster__product", "kind", f"{other_end}__name", "pk")
    )


def stakeholder_profile(*, slug):
    """Return the public stakeholder `slug` with its published clusters and its relationships
    in both directions (`public_outgoing`, `public_incoming`), or None."""
    return (
        stakeholder_list()
        .prefetch_related(
            Prefetch(
                "outgoing_relationships",
                queryset=_public_relationships("target"),
                to_attr="public_outgoing",
            ),
            Prefetch(
                "incoming_relationships",
                queryset=_public_relationships("source"),
                to_attr="public_incoming",
            ),
        )
        .filter(slug=slug)
        .first()
    )


@dataclass(frozen=True)
class StakeholderFilterOptions:
    """The states and clusters the stakeholder filter form offers."""

    states: list
    clusters: list
    too_many_clusters: bool


def stakeholder_filter_options():
    """Return the states of published clusters and the published clusters with members (as
    many as a select list can reasonably hold)."""
    published = Cluster.objects.filter(status=PublicationStatus.PUBLISHED)
    states = Region.objects.filter(Exists(published.filter(region=OuterRef("pk")))).only(
        "pk", "name", "slug", "country"
    )
    clusters = list(
        published.filter(Exists(ClusterMembership.objects.filter(cluster=OuterRef("pk"))))
        .select_related("region")
        .only("pk", "product", "place", "slug", "region__name", "region__country")
        .order_by("product", "place")[: CLUSTER_OPTIONS_LIMIT + 1]
    )
    return StakeholderFilterOptions(
        states=list(states),
        clusters=clusters[:CLUSTER_OPTIONS_LIMIT],
        too_many_clusters=len(clusters) > CLUSTER_OPTIONS_LIMIT,
    )


# The stakeholders of a cluster's profile -----------------------------------------------


@dataclass
class RoleGroup:
    """The members of one kind that share a role."""

    role: str
    label: str
    stakeholders: list


@dataclass
class KindGroup:
    """A cluster's stakeholders of one kind, by role."""

    kind: str
    label: str
    count: int
    roles: list


@dataclass
class ClusterStakeholders:
    """A cluster's members (with their regions) and relationships, and the members by kind
    and role with the kinds not yet recorded, as the cluster's profile shows them."""

    cluster: Cluster
    memberships: list
    groups: list
    missing_kinds: list
    relationships: list

    @property
    def count(self):
        return len(self.memberships)


def _stakeholder_groups(memberships):
    role_labels = dict(Role.choices)
    groups, missing = [], []
    for kind in Kind:
        members = [m.stakeholder for m in memberships if m.stakeholder.kind == kind]
        if not members:
            missing.append(kind.label)
            groups.append(KindGroup(kind=kind.value, label=kind.label, count=0, roles=[]))
            continue
        by_role = {}
        for stakeholder in members:
            by_role.setdefault(stakeholder.role, []).append(stakeholder)
        roles = [
            RoleGroup(role=role, label=role_labels.get(role, "Role not recorded"), stakeholders=s)
            for role, s in sorted(by_role.items(), key=lambda item: (not item[0], item[0]))
        ]
        groups.append(KindGroup(kind=kind.value, label=kind.label, count=len(members), roles=roles))
    # The kinds present first; the missing ones follow as empty, flagged panels.
    groups.sort(key=lambda group: group.count == 0)
    return groups, missing


def cluster_stakeholders(*, cluster):
    """Return the ClusterStakeholders of `cluster`: two queries whatever its size."""
    memberships = list(
        ClusterMembership.objects.filter(cluster=cluster)
        .select_related("stakeholder__region")
        .order_by("stakeholder__name", "stakeholder__pk")
    )
    relationships = list(
        Relationship.objects.filter(cluster=cluster)
        .select_related("source", "target")
        .order_by("source__name", "kind", "target__name", "pk")
    )
    groups, missing = _stakeholder_groups(memberships)
    return ClusterStakeholders(
        cluster=cluster,
        memberships=memberships,
        groups=groups,
        missing_kinds=missing,
        relationships=relationships,
    )
