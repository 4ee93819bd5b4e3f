"""The FilterSet for stakeholders: the public list (and later the API) uses it."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from clusters.choices import PublicationStatus
from clusters.filtersets import IdFilter
from clusters.models import Cluster, Region
from common.counts import capped_count

from .choices import Kind, RelationshipType, Role
from .models import ClusterMembership, Relationship, Stakeholder
from .selectors import in_one_cluster_order, is_public


class StableOrderingFilter(filters.OrderingFilter):
    """Order by the chosen fields, then the primary key, so pages never repeat a row."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


def _published_clusters():
    return Cluster.objects.filter(status=PublicationStatus.PUBLISHED)


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
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(place__icontains=word)
                | Q(services_offered__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset

    def filter_cluster(self, queryset, name, value):
        """Keep the members of the (published) cluster `value`."""
        members = ClusterMembership.objects.filter(stakeholder=OuterRef("pk"), cluster=value)
        return queryset.filter(Exists(members))

    def filter_state(self, queryset, name, value):
        """Keep stakeholders located in `value` or serving a published cluster there."""
        serving = ClusterMembership.objects.filter(
            stakeholder=OuterRef("pk"),
            cluster__region=value,
            cluster__status=PublicationStatus.PUBLISHED,
        )
        return queryset.filter(Q(region=value) | Exists(serving))


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


# Above this many stakeholders named with a word, their relationships are so many that
# reading the list in its order and keeping the matches finds a page soonest.
NAMED_STAKEHOLDERS_TO_WALK = 5_000


def relationships_named(word):
    """Return the condition "either end's name contains `word`" in the shape PostgreSQL runs
    fastest for that word: for a rare word, the stakeholders so named (the name's trigram
    index) and then their relationships from either end (a union over the source and target
    indexes); for a common one, a test of each relationship's ends as the list is read."""
    named = Stakeholder.objects.filter(name__icontains=word)
    _count, common = capped_count(named, cap=NAMED_STAKEHOLDERS_TO_WALK)
    if common:
        return Q(source__name__icontains=word) | Q(target__name__icontains=word)
    ids = named.values("pk")
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
        """Match every word of `value` in the name of either end."""
        for word in value.split():
            queryset = queryset.filter(relationships_named(word))
        return queryset
