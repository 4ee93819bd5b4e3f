"""The FilterSet for stakeholders: the public list (and later the API) uses it."""

from dataclasses import dataclass

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from clusters.choices import PublicationStatus
from clusters.filtersets import IdFilter
from clusters.models import Cluster, Region
from common.counts import capped_count, planner_estimate
from common.local_names import local_names_matching
from common.page_cache import kept_until_public_change

from .choices import Kind, RelationshipType, Role
from .models import ClusterMembership, Relationship, Stakeholder
from .selectors import (
    cluster_member_count,
    cluster_member_keys_sorted,
    cluster_member_keys_walked,
    in_one_cluster_order,
    is_public,
)


@dataclass(frozen=True)
class CountHint:
    """How a list filtered one way is counted best: at most `cap` rows, and (`in_list_order`)
    read in the list's order, as its page is."""

    cap: int
    in_list_order: bool = False


class StableOrderingFilter(filters.OrderingFilter):
    """Order by the chosen fields, then the primary key, so pages never repeat a row."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


def _published_clusters():
    return Cluster.objects.filter(status=PublicationStatus.PUBLISHED)


# A word in more names than this, and in the other searched columns of fewer stakeholders
# than this, is searched by reading the names in order (see `stakeholders_matching`).
COMMON_IN_NAMES = 5_000
RARE_ELSEWHERE = 5_000


def stakeholders_matching(word):
    """Return the condition "the name, place, services offered, description or a name in
    another language contains `word`", in the shape PostgreSQL runs fastest for that word.

    A word in few rows is found through the columns' trigram indexes (a union of their
    matches). A word in many names but few other columns (`textile`) is tested on the names
    as they are read from the name index in the list's order (no table row is read for
    that), together with the stakeholders found through the other columns' indexes: the
    union of tens of thousands of matches sorted by name, or the four columns tested on each
    row read, would cost far more.
    """
    in_name = Q(name__icontains=word)
    elsewhere = (
        Q(place__icontains=word)
        | Q(services_offered__icontains=word)
        | Q(description__icontains=word)
        | local_names_matching(word)
    )
    named = planner_estimate(Stakeholder.objects.filter(in_name))
    if named is None or named <= COMMON_IN_NAMES:
        return in_name | elsewhere
    found_elsewhere = Stakeholder.objects.filter(elsewhere)
    if planner_estimate(found_elsewhere) > RARE_ELSEWHERE:
        return in_name | elsewhere
    return in_name | Q(pk__in=found_elsewhere.order_by().values("pk"))


class StakeholderFilterSet(filters.FilterSet):
    """Filter stakeholders by the contract's names (`q`, `kind`, `role`, `cluster`, `state`);
    a foreign key by slug or, as `<name>_id`, by id. Only published clusters can be named."""

    q = filters.CharFilter(method="search", label=_("Search"))
    kind = filters.MultipleChoiceFilter(distinct=False, choices=Kind.choices, label=_("Kind"))
    role = filters.MultipleChoiceFilter(distinct=False, choices=Role.choices, label=_("Role"))
    cluster = filters.ModelChoiceFilter(
        queryset=_published_clusters(),
        to_field_name="slug",
        method="filter_cluster",
        label=_("Cluster"),
    )
    cluster_id = IdFilter(
        queryset=_published_clusters(), method="filter_cluster", label=_("Cluster (id)")
    )
    state = filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="filter_state",
        label=_("State"),
    )
    state_id = IdFilter(queryset=Region.objects.all(), method="filter_state", label=_("State (id)"))
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("role", "role")), label=_("Sort by")
    )

    class Meta:
        model = Stakeholder
        fields = []

    def search(self, queryset, name, value):
        """Match every word of `value` in the name, place, services offered or description."""
        for word in value.split():
            queryset = queryset.filter(stakeholders_matching(word))
        return queryset

    def filter_cluster(self, queryset, name, value):
        """Keep the members of the (published) cluster `value`."""
        members = ClusterMembership.objects.filter(stakeholder=OuterRef("pk"), cluster=value)
        return queryset.filter(Exists(members))

    # How `filter_state` writes its condition (see `in_state`); the public list counts and
    # reads a state's stakeholders through the other forms as well.
    state_form = "either"

    def filter_state(self, queryset, name, value):
        """Keep stakeholders located in `value` or serving a published cluster there."""
        return queryset.filter(in_state(value, self.state_form))


def in_state(region, form="either"):
    """Return the condition "located in `region` or serving a published cluster there".

    `form` "either" tests both for each stakeholder read (in name order, a page is found
    soonest); "ids" looks up the ids of both sets first (reading few rows when they are few);
    "own" and "serving" are each half of the condition, for counts that stop early.
    """
    serving = ClusterMembership.objects.filter(
        cluster__region=region, cluster__status=PublicationStatus.PUBLISHED
    )
    own = Q(region=region)
    if form == "own":
        return own
    serves = Exists(serving.filter(stakeholder=OuterRef("pk")))
    if form == "serving":
        return serves
    if form == "ids":
        located = Stakeholder.objects.filter(own).order_by().values("pk")
        return Q(pk__in=located.union(serving.order_by().values("stakeholder_id"), all=True))
    return own | serves


# Above this many members of one cluster, its list's pages are read through
# `cluster_member_keys_walked` or `cluster_member_keys_sorted`: a slice ending at `high` walks
# about high x all / members stakeholders in name order, the sort reads every member once, so
# the walk is taken while high x all < WALK_MEMBERS_FACTOR x members² (its first page or few).
BIG_CLUSTER_MEMBERS = 2_000
WALK_MEMBERS_FACTOR = 1


def stakeholder_estimate():
    """Return PostgreSQL's estimate of the number of stakeholders (None elsewhere)."""
    return planner_estimate(Stakeholder.objects.values("pk"))


class PublicStakeholderFilterSet(StakeholderFilterSet):
    """StakeholderFilterSet over any stakeholders, keeping the public ones only (the public
    list): the members of the published cluster named by `cluster` are public already, so
    that list does not ask it again of every member (a membership of a published cluster)."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("cluster") or data.get("cluster_id"):
            return queryset
        return queryset.filter(is_public())

    def _in_state_form(self, form):
        filterset = type(self)(self.data, queryset=self.queryset, request=self.request)
        filterset.state_form = form
        return filterset.qs

    def count_plan(self):
        """Return (parts, few): querysets of some of the list's rows (when one has more rows
        than the count's cap, so has the list), and the list in a form cheap to count and
        read when its rows are few, or None (the list itself is then counted).

        A state's stakeholders (located there, or serving a cluster there) are counted in
        each half through its own index before both are looked up together: testing both
        conditions on each stakeholder read walks most of a million rows to count a few
        thousand."""
        data = self.form.cleaned_data
        if not (data.get("state") or data.get("state_id")):
            return [], None
        parts = [self._in_state_form("own"), self._in_state_form("serving")]
        return parts, self._in_state_form("ids")

    def page_keys(self):
        """Return a function (low, high) -> the primary keys of the list's rows low to high
        (in its order), or None: it returns None itself when the list's own query is best.

        Only for the members of one big cluster in the default order (name), with no other
        filter: the planner may choose to join all of them and sort them by name (or walk
        the name index far too long for a deep page); see BIG_CLUSTER_MEMBERS."""
        data = self.form.cleaned_data
        clusters = [data.get(name) for name in ("cluster", "cluster_id") if data.get(name)]
        others = ("q", "kind", "role", "state", "state_id", "ordering")
        if len(clusters) != 1 or any(data.get(name) for name in others):
            return None
        cluster = clusters[0]

        def keys(low, high):
            members = cluster_member_count(cluster, cap=BIG_CLUSTER_MEMBERS)
            if members <= BIG_CLUSTER_MEMBERS:
                return None
            everyone = kept_until_public_change("stakeholder-estimate", stakeholder_estimate)
            if everyone is not None and high * everyone < WALK_MEMBERS_FACTOR * members**2:
                return cluster_member_keys_walked(cluster)[low:high]
            return cluster_member_keys_sorted(cluster)[low:high]

        return keys


# Above this many stakeholders named with a word, their relationships are so many that
# reading the list in its order and keeping the matches finds a page soonest.
NAMED_STAKEHOLDERS_TO_WALK = 5_000


# A search for such a word reads the list in its order, testing each relationship: its count
# stops at this many rows (each costs two names read), and the list says "more than".
WALKED_SEARCH_COUNT_CAP = 250


def is_common_in_names(word):
    """Return whether more than NAMED_STAKEHOLDERS_TO_WALK stakeholders have `word` in their
    name, by PostgreSQL's estimate from the name's trigram index (nothing read); elsewhere
    by a count of at most that many names."""
    named = Stakeholder.objects.filter(name__icontains=word)
    estimate = planner_estimate(named)
    if estimate is None:
        return capped_count(named, cap=NAMED_STAKEHOLDERS_TO_WALK)[1]
    return estimate > NAMED_STAKEHOLDERS_TO_WALK


def relationships_named(word):
    """Return the condition "either end's name contains `word`" in the shape PostgreSQL runs
    fastest for that word: for a rare word, the stakeholders so named (the name's trigram
    index) and then their relationships from either end (a union over the source and target
    indexes); for a common one, a test of each relationship's ends as the list is read."""
    if is_common_in_names(word):
        return Q(source__name__icontains=word) | Q(target__name__icontains=word)
    ids = Stakeholder.objects.filter(name__icontains=word).values("pk")
    from_either_end = (
        Relationship.objects.filter(source__in=ids)
        .order_by()
        .values("pk")
        .union(Relationship.objects.filter(target__in=ids).order_by().values("pk"))
    )
    return Q(pk__in=from_either_end)


# Above this many relationships of one cluster (with the other filters), reading its sources
# in name order finds a page soonest; below, sorting them all is cheaper (and safer when the
# rows kept are few among the sources walked).
WALK_ONE_CLUSTER_ABOVE = 10_000


class RelationshipFilterSet(filters.FilterSet):
    """Filter relationships: `q` (either end's name), `kind`, `source_kind`, `target_kind`,
    `cluster` (slug, published) and `state` (the cluster's state, slug)."""

    q = filters.CharFilter(method="search", label=_("Search"))
    kind = filters.MultipleChoiceFilter(
        distinct=False, choices=RelationshipType.choices, label=_("Relationship")
    )
    source_kind = filters.MultipleChoiceFilter(
        distinct=False, field_name="source__kind", choices=Kind.choices, label=_("From kind")
    )
    target_kind = filters.MultipleChoiceFilter(
        distinct=False, field_name="target__kind", choices=Kind.choices, label=_("To kind")
    )
    cluster = filters.ModelChoiceFilter(
        queryset=_published_clusters(),
        to_field_name="slug",
        method="filter_cluster",
        label=_("Cluster"),
    )
    cluster_id = IdFilter(
        queryset=_published_clusters(), method="filter_cluster", label=_("Cluster (id)")
    )
    state = filters.ModelChoiceFilter(
        field_name="cluster__region",
        queryset=Region.objects.all(),
        to_field_name="slug",
        label=_("State"),
    )

    class Meta:
        model = Relationship
        fields = []

    def filter_cluster(self, queryset, name, value):
        """Keep the relationships of the (published) cluster `value`; when they are many, in
        the same order read the way that is fast for many (see `in_one_cluster_order`)."""
        queryset = queryset.filter(cluster=value)
        _count, many = capped_count(queryset, cap=WALK_ONE_CLUSTER_ABOVE)
        return in_one_cluster_order(queryset) if many else queryset

    def search(self, queryset, name, value):
        """Match every word of `value` in the name of either end. A word common in names is
        tested on each relationship as the list is read: the count then stops sooner, and
        runs in the list's order too (the way a page is found fastest)."""
        for word in value.split():
            condition = relationships_named(word)
            if "pk__in" not in dict(condition.children):
                self.count_hint = CountHint(cap=WALKED_SEARCH_COUNT_CAP, in_list_order=True)
            queryset = queryset.filter(condition)
        return queryset
