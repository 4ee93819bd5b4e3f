"""FilterSets of API-only lists (figures); clusters use clusters.filtersets.ClusterFilterSet,
the same class as the HTML list."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from clusters.choices import Measure
from clusters.filtersets import IdMultipleFilter
from clusters.models import ClusterFigure
from clusters.permissions import cluster_policy
from common.permissions import VIEW


def visible_clusters(request):
    """Return the clusters the requesting user may see (the choices of a cluster filter)."""
    if request is None:
        return cluster_policy.model.objects.none()
    return cluster_policy.instances_user_has_permission_for(request.user, VIEW)


class ClusterFigureFilterSet(filters.FilterSet):
    """Filter figures by cluster (slug, or id as `cluster_id`) and measure."""

    cluster = filters.ModelMultipleChoiceFilter(
        field_name="cluster__slug",
        to_field_name="slug",
        queryset=visible_clusters,
        label=_("Cluster"),
    )
    cluster_id = IdMultipleFilter(
        field_name="cluster", queryset=visible_clusters, label=_("Cluster (id)")
    )
    measure = filters.MultipleChoiceFilter(choices=Measure.choices, label=_("Measure"))

    class Meta:
        model = ClusterFigure
        fields = []
