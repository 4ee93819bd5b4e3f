"""Viewsets of the development programme API: initiatives, indicator measurements and the
indicator catalogue. Reads come from the user's policy queryset (programmes.permissions);
every write goes through programmes.services, and an agency editor's change to a published
initiative is kept as a proposed revision (programmes.revisions), answered 202."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.exceptions import STALE_RESPONSE, service_errors
from api.filtersets.programmes import MeasurementFilterSet
from api.pagination import RegistryCursorPagination, SmallTablePagination
from api.serializers.programmes import (
    IndicatorSerializer,
    InitiativeRevisionSerializer,
    InitiativeSerializer,
    MeasurementSerializer,
)
from api.viewsets import RegistryViewSet, SlugOrIdLookupMixin, VersionedMixin, created
from clusters.services import check_version
from programmes import revisions, services
from programmes.filtersets import InitiativeFilterSet
from programmes.models import Indicator, IndicatorMeasurement, Initiative
from programmes.permissions import indicator_policy, initiative_policy, measurement_policy

INITIATIVE_PROPOSED_NOTE = (
    "An agency editor's change to a published initiative does not go live: it is kept as "
    "the editor's pending revision and answered `202 Accepted` with it, until a curator "
    "approves it. A curator's change applies at once."
)
INITIATIVE_ACCEPTED = OpenApiResponse(
    response=InitiativeRevisionSerializer,
    description=(
        "Accepted: the initiative is published and you are an agency editor, so the change "
        "is kept as your pending revision until a curator approves it; the public keeps the "
        "reviewed values until then."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="List development initiatives",
        description=(
            "Published initiatives of published clusters (an editor also sees the agency's "
            "own). Filters as on the /programmes/ page (scheme, state, stage, agency, "
            "cluster_type, cluster, q); pages are cursors: follow `next`."
        ),
    ),
    retrieve=extend_schema(summary="Read an initiative (by slug, or id)"),
)
class InitiativeViewSet(
    VersionedMixin,
    SlugOrIdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    RegistryViewSet,
):
    """Initiatives: read for everyone (published), created and changed by editors of the
    implementing agency and curators through programmes.services."""

    policy = initiative_policy
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilterSet
    pagination_class = RegistryCursorPagination

    def base_queryset(self):
        return Initiative.objects.select_related("cluster", "scheme", "agency", "development_agent")

    def retrieve(self, request, *args, **kwargs):
        initiative = self.get_object()
        return self.with_etag(Response(self.get_serializer(initiative).data), initiative)

    @extend_schema(
        summary="Record an initiative",
        responses={201: InitiativeSerializer},
        description=(
            "A new initiative is a draft. An editor's belongs to the editor's agency and is in "
            "a cluster of that agency or a published one; a curator names the agency (the "
            "cluster's by default). Submit and publish it in the workspace."
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        if not self.user_is_curator and data.get("agency") is not None:
            data.pop("agency")  # the editor's own, whatever is sent (services decide)
        with self.writing(), service_errors():
            initiative = services.initiative_create(user=request.user, **data)
        body = self.get_serializer(initiative).data
        return self.with_etag(created(body), initiative)

    @extend_schema(
        summary="Replace an initiative's fields",
        responses={200: InitiativeSerializer, 202: INITIATIVE_ACCEPTED, 412: STALE_RESPONSE},
        description=INITIATIVE_PROPOSED_NOTE,
    )
    def update(self, request, *args, partial=False, **kwargs):
        initiative = self.get_object()
        expected = self.expected_version(initiative)
        serializer = self.get_serializer(initiative, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        if expected is None:
            expected = body_version
        if not self.user_is_curator and data.pop("agency", initiative.agency) != initiative.agency:
            raise ValidationError(
                {"agency": _("Only a curator can move an initiative to another agency.")}
            )
        with self.writing(), service_errors(), transaction.atomic():
            if revisions.review_needed(user=request.user, initiative=initiative):
                check_version(
                    model=Initiative,
                    pk=initiative.pk,
                    expected_version=expected,
                    label=_("initiative"),
                )
                revision = revisions.revision_propose(
                    user=request.user,
                    initiative=initiative,
                    changes={"fields": revisions.field_changes(initiative=initiative, data=data)},
                )
                if revision is not None:
                    body = InitiativeRevisionSerializer(
                        revision, context=self.get_serializer_context()
                    ).data
                    return Response(body, status=status.HTTP_202_ACCEPTED)
            else:
                services.initiative_update(
                    user=request.user,
                    initiative=initiative,
                    data=data,
                    expected_version=expected,
                )
        initiative.refresh_from_db()
        return self.with_etag(Response(self.get_serializer(initiative).data), initiative)

    @extend_schema(
        summary="Change some of an initiative's fields",
        responses={200: InitiativeSerializer, 202: INITIATIVE_ACCEPTED, 412: STALE_RESPONSE},
        description=INITIATIVE_PROPOSED_NOTE,
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="List indicator measurements",
        description=(
            "Measurements of published clusters (an editor also sees those of the clusters "
            "the agency measures), each with its catalogue entry; filter by `cluster` and "
            "`indicator` (slugs). Pages are cursors: follow `next`."
        ),
    ),
    retrieve=extend_schema(summary="Read a measurement"),
)
class MeasurementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """Indicator measurements; recorded through programmes.services.measurement_record."""

    policy = measurement_policy
    serializer_class = MeasurementSerializer
    pagination_class = RegistryCursorPagination
    lookup_value_regex = r"\d+"
    filterset_class = MeasurementFilterSet

    def base_queryset(self):
        return IndicatorMeasurement.objects.select_related("cluster", "indicator", "initiative")

    @extend_schema(
        summary="Record a measurement",
        responses={201: MeasurementSerializer, 200: MeasurementSerializer},
        description=(
            "One value per cluster, indicator and year: 201 when new; 200 when that year's "
            "value was recorded already (it is updated, or left as it is). An editor records "
            "for the clusters of the agency and those where the agency has an initiative. "
            "An indicator computed from the registry (`computed_from`) is refused."
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with self.writing(), service_errors():
            measurement, outcome = services.measurement_record(
                user=request.user,
                cluster=data["cluster"],
                indicator=data["indicator"],
                year=data["year_label"],
                value=data["value"],
                unit=data.get("unit", ""),
                source=data.get("source", ""),
                estimated=data.get("estimated", False),
                initiative=data.get("initiative"),
            )
        code = status.HTTP_201_CREATED if outcome == services.CREATED else status.HTTP_200_OK
        return Response(self.get_serializer(measurement).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="List the indicator catalogue (FAQ Q68)"),
    retrieve=extend_schema(summary="Read an indicator of the catalogue"),
)
class IndicatorCatalogueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """The indicator catalogue: read for everyone; curators keep it in the admin."""

    policy = indicator_policy
    serializer_class = IndicatorSerializer
    pagination_class = SmallTablePagination
    lookup_field = "slug"
    filterset_fields = ["level"]

    def base_queryset(self):
        return Indicator.objects.order_by("position", "slug")
