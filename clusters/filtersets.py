"""The one FilterSet for clusters: it serves the public list, the exports and the API."""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    ARTISAN_TYPES,
    ClassificationStatus,
    ClusterType,
    Origin,
    PublicationStatus,
    Stage,
    Structure,
)
from .models import Agency, Cluster, Region, Sector

ORDERING_FIELDS = (
    ("product", "product"),
    ("place", "place"),
    ("enterprise_count", "enterprise_count"),
    ("employment", "employment"),
    ("annual_turnover", "turnover"),
)


class ClusterFilterSet(filters.FilterSet):
    """Filter clusters by the contract's names; a foreign key by slug (`state`) or id (`state_id`)."""

    q = filters.CharFilter(method="search", label=_("Search"))
    cluster_type = filters.MultipleChoiceFilter(choices=ClusterType.choices, label=_("Type"))
    artisan = filters.BooleanFilter(method="filter_artisan", label=_("Artisan cluster"))
    classification_status = filters.MultipleChoiceFilter(
        choices=ClassificationStatus.choices, label=_("Classification")
    )
    sector = filters.ModelMultipleChoiceFilter(
        queryset=Sector.objects.all(), to_field_name="slug", label=_("Sector")
    )
    sector_id = filters.ModelMultipleChoiceFilter(
        field_name="sector", queryset=Sector.objects.all(), label=_("Sector (id)")
    )
    state = filters.ModelMultipleChoiceFilter(
        field_name="region", queryset=Region.objects.all(), to_field_name="slug", label=_("State")
    )
    state_id = filters.ModelMultipleChoiceFilter(
        field_name="region", queryset=Region.objects.all(), label=_("State (id)")
    )
    country = filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country"))
    agency = filters.ModelMultipleChoiceFilter(
        queryset=Agency.objects.all(), to_field_name="slug", label=_("Agency")
    )
    agency_id = filters.ModelMultipleChoiceFilter(
        field_name="agency", queryset=Agency.objects.all(), label=_("Agency (id)")
    )
    enterprise_count_min = filters.NumberFilter(
        field_name="enterprise_count", lookup_expr="gte", min_value=0, label=_("Enterprises from")
    )
    enterprise_count_max = filters.NumberFilter(
        field_name="enterprise_count", lookup_expr="lte", min_value=0, label=_("Enterprises to")
    )
    employment_min = filters.NumberFilter(
        field_name="employment", lookup_expr="gte", min_value=0, label=_("Employment from")
    )
    employment_max = filters.NumberFilter(
        field_name="employment", lookup_expr="lte", min_value=0, label=_("Employment to")
    )
    turnover_min = filters.NumberFilter(
        field_name="annual_turnover", lookup_expr="gte", min_value=0, label=_("Turnover from (₹)")
    )
    turnover_max = filters.NumberFilter(
        field_name="annual_turnover", lookup_expr="lte", min_value=0, label=_("Turnover to (₹)")
    )
    origin = filters.ChoiceFilter(choices=Origin.choices, label=_("Origin"))
    structure = filters.ChoiceFilter(choices=Structure.choices, label=_("Structure"))
    stage = filters.ChoiceFilter(choices=Stage.choices, label=_("Life-cycle stage"))
    exporting = filters.BooleanFilter(label=_("Exporting"))
    publication_status = filters.MultipleChoiceFilter(
        field_name="status", choices=PublicationStatus.choices, label=_("Publication status")
    )
    ordering = filters.OrderingFilter(fields=ORDERING_FIELDS, label=_("Sort by"))

    class Meta:
        model = Cluster
        fields = []

    def search(self, queryset, name, value):
        """Match every word of `value` in the product, place, district or description."""
        for word in value.split():
            queryset = queryset.filter(
                Q(product__icontains=word)
                | Q(place__icontains=word)
                | Q(district__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset

    def filter_artisan(self, queryset, name, value):
        """Keep the artisan group (handicraft and handloom), or everything else."""
        if value is None:
            return queryset
        if value:
            return queryset.filter(cluster_type__in=ARTISAN_TYPES)
        return queryset.exclude(cluster_type__in=ARTISAN_TYPES)

    def error_messages(self):
        """Return the invalid filters as readable 'name: message' lines."""
        return [
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        ]
