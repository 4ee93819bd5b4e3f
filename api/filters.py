"""The API's filter backend: django-filter with our FilterSets, minus the browsable API's
filter form, whose cluster and stakeholder selects would list every row of big tables."""

from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend


def without_blanks(data):
    """Return `data` (a QueryDict) without blank values: `?sector=` means no sector filter,
    as on the HTML lists (clusters.views.lists.without_blanks), never an empty slug to look
    up (a 400) while `?q=` was ignored."""
    query = QueryDict(mutable=True)
    for name in data:
        values = [value for value in data.getlist(name) if value.strip()]
        if values:
            query.setlist(name, values)
    query._mutable = False
    return query


class RegistryFilterBackend(DjangoFilterBackend):
    """Filter with the view's FilterSet, a blank parameter being no filter; offer no HTML
    filter form (use query parameters, or the schema's docs at /api/docs/)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = without_blanks(kwargs["data"])
        return kwargs

    def to_html(self, request, queryset, view):
        return None
