"""FilterSets of the API-only programme lists (measurements); initiatives use
programmes.filtersets.InitiativeFilterSet, the same class as the /programmes/ page."""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from api.filtersets.clusters import visible_clusters
from programmes.choices import IndicatorLevel
from programmes.models import Indicator, IndicatorMeasurement


class YearFilter(filters.NumberFilter):
    """A whole year (2023 for 2023 and 2023-24): 0.5 is a 400, not an empty list."""

    field_class = forms.IntegerField


class MeasurementFilterSet(filters.FilterSet):
    """Filter measurements by cluster and indicator (slugs), the indicator's level, year."""

    cluster = filters.ModelMultipleChoiceFilter(
        field_name="cluster__slug",
        to_field_name="slug",
        queryset=visible_clusters,
        label=_("Cluster"),
    )
    indicator = filters.ModelMultipleChoiceFilter(
        field_name="indicator__slug",
        to_field_name="slug",
        queryset=Indicator.objects.all(),
        label=_("Indicator"),
    )
    level = filters.MultipleChoiceFilter(
        field_name="indicator__level", choices=IndicatorLevel.choices, label=_("Level")
    )
    year = YearFilter(label=_("Year (the first calendar year)"))

    class Meta:
        model = IndicatorMeasurement
        fields = []
