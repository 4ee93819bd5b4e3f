"""FilterSets of the membership and relationship lists; stakeholders use
stakeholders.filtersets.StakeholderFilterSet, the same class as the HTML list."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from api.filtersets.clusters import visible_clusters
from clusters.filtersets import IdFilter, IdMultipleFilter
from common.permissions import VIEW
from stakeholders.choices import RelationshipType
from stakeholders.models import ClusterMembership, Relationship
from stakeholders.permissions import stakeholder_policy


def visible_stakeholders(request):
    """Return the stakeholders the requesting user may see (choices of a stakeholder filter)."""
    if request is None:
        return stakeholder_policy.model.objects.none()
    return stakeholder_policy.instances_user_has_permission_for(request.user, VIEW)


class ClusterChildFilterSet(filters.FilterSet):
    """Filter rows of a cluster by the cluster's slug, or its id as `cluster_id`."""

    cluster = filters.ModelMultipleChoiceFilter(
        field_name="cluster__slug",
        to_field_name="slug",
        queryset=visible_clusters,
        label=_("Cluster"),
    )
    cluster_id = IdMultipleFilter(
        field_name="cluster", queryset=visible_clusters, label=_("Cluster (id)")
    )


class MembershipFilterSet(ClusterChildFilterSet):
    """Filter memberships by cluster and stakeholder (slug, or id with `_id`)."""

    stakeholder = filters.ModelMultipleChoiceFilter(
        field_name="stakeholder__slug",
        to_field_name="slug",
        queryset=visible_stakeholders,
        label=_("Stakeholder"),
    )
    stakeholder_id = IdMultipleFilter(
        field_name="stakeholder", queryset=visible_stakeholders, label=_("Stakeholder (id)")
    )

    class Meta:
        model = ClusterMembership
        fields = []


class RelationshipFilterSet(ClusterChildFilterSet):
    """Filter relationships by cluster, by a stakeholder at either end, and by type."""

    stakeholder = filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=visible_stakeholders,
        method="filter_either_end",
        label=_("Stakeholder (either end)"),
    )
    stakeholder_id = IdFilter(
        queryset=visible_stakeholders,
        method="filter_either_end",
        label=_("Stakeholder id (either end)"),
    )
    kind = filters.MultipleChoiceFilter(choices=RelationshipType.choices, label=_("Relationship"))

    class Meta:
        model = Relationship
        fields = []

    def filter_either_end(self, queryset, name, value):
        """Keep relationships from or to the stakeholder `value`."""
        return queryset.filter(Q(source=value) | Q(target=value))
