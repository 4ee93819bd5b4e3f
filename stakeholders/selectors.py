"""Reads of stakeholders for the public pages.

A stakeholder is public only through a membership of at least one published cluster; only
those clusters, and only relationships within them, are ever shown.
"""

import dataclasses
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber

from clusters.choices import PublicationStatus
from clusters.models import Cluster, Region
from common.counts import capped_count, count_or_estimate
from common.retired import successor_slug

from .choices import Kind, Role
from .models import (
    ClusterMembership,
    NetworkSummary,
    Relationship,
    RetiredStakeholderSlug,
    Stakeholder,
)

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


def _membership_prefetch(*, listed=False):
    """Prefetch each stakeholder's published memberships as `public_memberships`, with their
    clusters' regions and sectors; `listed`: with the cluster's link and name only (what a
    list row shows: a page builds some 150 fewer model instances of many fields)."""
    memberships = published_memberships().order_by("cluster__product", "cluster__place", "pk")
    if listed:
        memberships = memberships.select_related("cluster").only(
            "cluster_id",
            "stakeholder_id",
            "cluster__slug",
            "cluster__product",
            "cluster__place",
            "cluster__local_names",
        )
    else:
        memberships = memberships.select_related("cluster__region", "cluster__sector")
    return Prefetch("memberships", queryset=memberships, to_attr="public_memberships")


def stakeholder_rows():
    """Return every stakeholder, for a list that keeps the public ones itself (as
    PublicStakeholderFilterSet does), with their region and their published clusters
    prefetched (`public_memberships`, each cluster's slug, product and place only): two
    queries for a page of any length."""
    return (
        Stakeholder.objects.select_related("region")
        .prefetch_related(_membership_prefetch(listed=True))
        .order_by("name", "pk")
    )


def stakeholder_list():
    """Return public stakeholders with their region and their published clusters (with the
    clusters' regions and sectors) prefetched (`public_memberships`)."""
    return (
        Stakeholder.objects.select_related("region")
        .prefetch_related(_membership_prefetch())
        .order_by("name", "pk")
        .filter(is_public())
    )


def cluster_member_count(cluster, *, cap):
    """Return how many members `cluster` has: its kept network summary's actors (one row by
    primary key), or else a count of at most `cap` + 1 memberships. For choosing how to read
    the cluster's members (a summary a moment old is close enough for that)."""
    actors = (
        NetworkSummary.objects.filter(cluster=cluster).order_by().values_list("actors", flat=True)
    )
    for count in actors:
        return count
    counted, capped = capped_count(ClusterMembership.objects.filter(cluster=cluster), cap)
    return counted + 1 if capped else counted


def cluster_member_keys_walked(cluster):
    """Return the primary keys of `cluster`'s members in the list's order (name, pk), found by
    reading every stakeholder in that order from the name index and asking of each whether it
    is a member (one probe of `membership_stakeholder_idx`), so a slice stops after its rows.

    A scalar subquery, not EXISTS: PostgreSQL never turns it into a join, so it cannot choose
    to join every member and sort them instead; cheap while the slice ends early in the list
    (it reads about `high` x all / members stakeholders)."""
    membership = (
        ClusterMembership.objects.filter(cluster=cluster, stakeholder=OuterRef("pk"))
        .order_by()
        .values("stakeholder_id")[:1]
    )
    return (
        Stakeholder.objects.alias(membership=Subquery(membership))
        .filter(membership__isnull=False)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )


def cluster_member_keys_sorted(cluster):
    """Return the primary keys of `cluster`'s members in the list's order (name, pk), found by
    reading its memberships (`membership_unique`), each member's name by its primary key, and
    sorting them: the same cost for every page, about that of reading every member once.

    The name is a scalar subquery so that PostgreSQL looks each member up by its key rather
    than (as it may choose for a join) reading all the stakeholders to hash them."""
    name = Stakeholder.objects.filter(pk=OuterRef("stakeholder_id")).order_by().values("name")[:1]
    return (
        ClusterMembership.objects.filter(cluster=cluster)
        .alias(member_name=Subquery(name))
        .order_by("member_name", "stakeholder_id")
        .values_list("stakeholder_id", flat=True)
    )


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

# A profile names at most this many members per role and shows this many relationships; a
# bigger cluster's profile gives the counts and links to the lists for the rest.
PROFILE_NAMES_PER_ROLE = 12
PROFILE_RELATIONSHIPS = 100
# Up to this many members the relationships are few enough to sort them all by name; the
# first relationships of a bigger cluster are looked for among the members named first.
PROFILE_SORT_ALL_RELATIONSHIPS_UP_TO = 1000


@dataclass
class RoleGroup:
    """The members of one kind that share a role: how many, and the first few by name."""

    role: str
    label: str
    count: int
    stakeholders: list

    @property
    def more(self):
        """Return how many members of the role the profile does not name."""
        return self.count - len(self.stakeholders)


@dataclass
class KindGroup:
    """A cluster's stakeholders of one kind, by role."""

    kind: str
    label: str
    count: int
    roles: list


@dataclass
class ClusterStakeholders:
    """A cluster's members by kind and role (counts, and the first names of each role), the
    kinds not yet recorded, and its first relationships with their count, as the cluster's
    profile shows them."""

    cluster: Cluster
    count: int
    groups: list
    missing_kinds: list
    first_relationships: list
    relationship_count: int

    @property
    def more_relationships(self):
        """Return how many relationships the profile does not show."""
        return self.relationship_count - len(self.first_relationships)


def _first_members_by_role(cluster, per_role):
    """Return the first `per_role` members of `cluster` by name in each (kind, role), each
    annotated with `in_group`, the number of members of its kind and role: one query."""
    group = [F("kind"), F("role")]
    return list(
        Stakeholder.objects.filter(memberships__cluster=cluster)
        .annotate(
            rank_in_group=Window(RowNumber(), partition_by=group, order_by=[F("name"), F("pk")]),
            in_group=Window(Count("pk"), partition_by=group),
        )
        .filter(rank_in_group__lte=per_role)
        .only("name", "local_names", "slug", "kind", "role")
        .order_by("kind", "role", "name", "pk")
    )


def _relationships_in_order(cluster):
    return (
        Relationship.objects.filter(cluster=cluster)
        .select_related("source", "target")
        .only(
            "kind",
            "since",
            "since_precision",
            "until",
            "until_precision",
            "source__name",
            "source__local_names",
            "source__slug",
            "target__name",
            "target__local_names",
            "target__slug",
        )
        .order_by("source__name", "kind", "target__name", "pk")
    )


def _first_relationships(cluster, named, limit):
    """Return the first `limit` relationships of `cluster`, in the order of the full list.

    In a big cluster (`named`: the members the profile names, some roles having more) the
    relationships of those members are read first: sorting all of a big cluster's
    relationships by their source's name would read every one. All are read when these
    are too few.
    """
    first = []
    if named:
        sources = [member.pk for member in named]
        first = list(_relationships_in_order(cluster).filter(source__in=sources)[:limit])
    if len(first) < limit:
        first = list(_relationships_in_order(cluster)[:limit])
    return first


def _stakeholder_groups(members):
    role_labels = dict(Role.choices)
    by_kind = {}
    for stakeholder in members:
        roles = by_kind.setdefault(stakeholder.kind, {})
        if stakeholder.role not in roles:
            roles[stakeholder.role] = RoleGroup(
                role=stakeholder.role,
                label=role_labels.get(stakeholder.role, "Role not recorded"),
                count=stakeholder.in_group,
                stakeholders=[],
            )
        roles[stakeholder.role].stakeholders.append(stakeholder)
    groups, missing = [], []
    for kind in Kind:
        roles = by_kind.get(kind.value)
        if not roles:
            missing.append(kind.label)
            groups.append(KindGroup(kind=kind.value, label=kind.label, count=0, roles=[]))
            continue
        ordered = sorted(roles.values(), key=lambda group: (not group.role, group.role))
        count = sum(group.count for group in ordered)
        groups.append(KindGroup(kind=kind.value, label=kind.label, count=count, roles=ordered))
    # The kinds present first; the missing ones follow as empty, flagged panels.
    groups.sort(key=lambda group: group.count == 0)
    return groups, missing


def cluster_stakeholders(*, cluster, names_per_role=None, relationships=None):
    """Return the ClusterStakeholders of `cluster`: counts by kind and role from the
    database, the first `names_per_role` names of each role, the first `relationships`
    relationships (PROFILE_NAMES_PER_ROLE, PROFILE_RELATIONSHIPS by default).

    Two queries whatever the cluster's size (members, relationships), one more for the
    count of relationships when there are more than shown, and in a big cluster one more
    when the members named have too few relationships among them (_first_relationships).
    """
    names_per_role = names_per_role or PROFILE_NAMES_PER_ROLE
    relationships = relationships or PROFILE_RELATIONSHIPS
    members = _first_members_by_role(cluster, names_per_role)
    groups, missing = _stakeholder_groups(members)
    count = sum(group.count for group in groups)
    big = count > max(len(members), PROFILE_SORT_ALL_RELATIONSHIPS_UP_TO)
    first = _first_relationships(cluster, members if big else None, relationships + 1)
    relationship_count = len(first)
    if relationship_count > relationships:
        first = first[:relationships]
        relationship_count = Relationship.objects.filter(cluster=cluster).count()
    return ClusterStakeholders(
        cluster=cluster,
        count=count,
        groups=groups,
        missing_kinds=missing,
        first_relationships=first,
        relationship_count=relationship_count,
    )


def cached_cluster_stakeholders(*, cluster):
    """Return cluster_stakeholders(cluster=cluster), kept in the cache until the cluster's
    network changes.

    Every write to a cluster's members, their names or its relationships bumps the network's
    version (stakeholders.network.measures.network_cache_invalidate), as the cached measures
    rely on; a big cluster's profile then reads its thousands of members once per change, not
    once per reader. The cluster itself is always the caller's, freshly read.
    """
    from .network.measures import CACHE_PREFIX, CACHE_TIMEOUT, network_cache_version

    version = network_cache_version(cluster.pk)
    key = f"{CACHE_PREFIX}:{cluster.pk}:v{version}:profile-stakeholders"
    found = cache.get(key)
    if found is None:
        found = cluster_stakeholders(cluster=cluster)
        cache.set(key, dataclasses.replace(found, cluster=None), timeout=CACHE_TIMEOUT)
    return dataclasses.replace(found, cluster=cluster)


def stakeholder_successor_slug(*, value, by_id=False):
    """Return the slug of the stakeholder that absorbed the one whose address was `value`
    (its old slug, or with `by_id` its old id), or None; asked only after a 404."""
    return successor_slug(
        retired_model=RetiredStakeholderSlug,
        live_model=Stakeholder,
        field="stakeholder",
        value=value,
        by_id=by_id,
    )
