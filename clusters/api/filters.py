"""The API's filter backend: django-filter with our FilterSets, minus the browsable API's
filter form, whose cluster and stakeholder selects would list every row of big tables."""

from django_filters.rest_framework import DjangoFilterBackend


class RegistryFilterBackend(DjangoFilterBackend):
    """Filter with the view's FilterSet; offer no HTML filter form (use query parameters,
    or the schema's docs at /api/docs/)."""

    def to_html(self, request, queryset, view):
        return None
