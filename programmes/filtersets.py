"""The one FilterSet for initiatives: it serves /programmes/, its download and the API."""

import django_filters as filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clusters.choices import ClusterType
from clusters.models import Agency, Cluster, Region

from .choices import InitiativeStage, SchemeKind
from .models import Initiative, Scheme

ORDERING_FIELDS = (
    ("title", "title"),
    ("started_on", "started"),
    ("cluster__product", "cluster"),
    ("cluster__region__name", "state"),
    ("scheme__name", "scheme"),
    ("stage", "stage"),
    ("sanctioned_amount", "sanctioned"),
)


class InitiativeOrderingFilter(filters.OrderingFilter):
    """Unknown values last either way, the id as tie-break (pages never repeat a row)."""

    def filter(self, qs, value):
        params = [param for param in value or () if param]
        if not params:
            return qs
        order = []
        for param in params:
            name = self.get_ordering_value(param)
            expression = name.removeprefix("-")
            order.append(
                F(expression).desc(nulls_last=True)
                if name.startswith("-")
                else F(expression).asc(nulls_last=True)
            )
        return qs.order_by(*order, "pk")


class InitiativeFilterSet(filters.FilterSet):
    """Filter initiatives by scheme, state, stage, agency, cluster type, cluster and words;
    a foreign key by its slug (`scheme=sfurti`, `state=uttar-pradesh`)."""

    q = filters.CharFilter(method="search", label=_("Search"))
    scheme = filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name="scheme__slug",
        queryset=Scheme.objects.all(),
        to_field_name="slug",
        label=_("Scheme"),
    )
    scheme_kind = filters.MultipleChoiceFilter(
        distinct=False,
        field_name="scheme__kind",
        choices=SchemeKind.choices,
        label=_("Kind of programme"),
    )
    state = filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name="cluster__region__slug",
        queryset=Region.objects.all(),
        to_field_name="slug",
        label=_("State"),
    )
    stage = filters.MultipleChoiceFilter(
        distinct=False, choices=InitiativeStage.choices, label=_("Stage")
    )
    agency = filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name="agency__slug",
        queryset=Agency.objects.all(),
        to_field_name="slug",
        label=_("Implementing agency"),
    )
    cluster_type = filters.MultipleChoiceFilter(
        distinct=False,
        field_name="cluster__cluster_type",
        choices=ClusterType.choices,
        label=_("Cluster type"),
    )
    cluster = filters.ModelChoiceFilter(
        field_name="cluster__slug",
        queryset=Cluster.objects.all(),
        to_field_name="slug",
        label=_("Cluster"),
    )
    ordering = InitiativeOrderingFilter(fields=ORDERING_FIELDS, label=_("Sort by"))

    class Meta:
        model = Initiative
        fields = []

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(development_agent_name__icontains=word)
                | Q(cluster__product__icontains=word)
                | Q(cluster__place__icontains=word)
                | Q(scheme__name__icontains=word)
                | Q(scheme__short_name__icontains=word)
                | Q(agency__name__icontains=word)
            )
        return queryset
