"""Viewsets of the cluster API. Reads come from selectors within the user's policy
queryset; every write goes through clusters.services (or clusters.workflow)."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from api.exceptions import STALE_RESPONSE, PreconditionFailed, service_errors
from api.fields import save_region
from api.filtersets.clusters import ClusterFigureFilterSet
from api.pagination import RegistryCursorPagination, SmallTablePagination
from api.permissions import CuratorWritePolicy
from api.serializers.clusters import (
    BenchmarkSerializer,
    ClusterCreateSerializer,
    ClusterFigureSerializer,
    ClusterSerializer,
    RegionSerializer,
    SectorSerializer,
    TransitionSerializer,
)
from api.serializers.revisions import ACCEPTED_RESPONSE, PROPOSED_NOTE
from api.viewsets import RegistryViewSet, SlugOrIdLookupMixin, VersionedMixin, created
from clusters import revisions, selectors, services, workflow
from clusters.accounts import editor_agency_id
from clusters.choices import Measure, PublicationStatus
from clusters.filtersets import ClusterFilterSet
from clusters.models import Agency, Benchmark, Cluster, ClusterFigure, ClusterReview, Region, Sector
from clusters.permissions import PUBLISH, SUBMIT, cluster_policy, figure_policy
from jobs import services as job_services
from stakeholders.network import map as maps
from stakeholders.network.measures import MEASURE_EXPLANATIONS

CLUSTER_ERRORS = {"region": "state"}


@extend_schema_view(
    list=extend_schema(
        summary="List clusters",
        description=(
            "Published clusters (an editor also sees the agency's own). Filters as on the "
            "/clusters/ page; invalid filter values are a 400 naming the filter. Pages are "
            "cursors: follow `next`."
        ),
    ),
    retrieve=extend_schema(summary="Read a cluster (by slug, or id)"),
)
class ClusterViewSet(
    VersionedMixin,
    SlugOrIdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    RegistryViewSet,
):
    """Clusters: read for everyone (published), written by editors of the owning agency and
    curators through clusters.services."""

    policy = cluster_policy
    serializer_class = ClusterSerializer
    filterset_class = ClusterFilterSet
    pagination_class = RegistryCursorPagination
    # The workflow action is checked in `transition` (submit or publish).
    policy_actions = {"transition": SUBMIT}

    def base_queryset(self):
        return selectors.cluster_list(published_only=False)

    def retrieve(self, request, *args, **kwargs):
        cluster = self.get_object()
        return self.with_etag(Response(self.get_serializer(cluster).data), cluster)

    @extend_schema(
        summary="Create a cluster",
        request=ClusterCreateSerializer,
        responses={201: ClusterSerializer},
        description=(
            "An editor's cluster belongs to the editor's agency and starts as a draft; a "
            "curator may set `agency` and `status`. Figures given here are recorded with "
            "`figures_year`, `source`, `estimated` and `currency`."
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = ClusterCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        figures = {measure: data.pop(measure) for measure in Measure.values if measure in data}
        provenance = services.Provenance(
            year=data.pop("figures_year", ""),
            source=data.pop("source", ""),
            estimated=data.pop("estimated", False),
            currency=data.pop("currency", "INR"),
        )
        if not self.user_is_curator:
            self._own_agency_draft(data)
        with self.writing(), service_errors(CLUSTER_ERRORS):
            if "region" in data:
                data["region"] = save_region(data["region"])
            cluster = services.cluster_create(figures=figures, provenance=provenance, **data)
        body = ClusterSerializer(cluster, context=self.get_serializer_context()).data
        return self.with_etag(created(body), cluster)

    def _own_agency_draft(self, data):
        """Make an editor's new cluster a draft of the editor's agency (refuse others)."""
        agency_id = editor_agency_id(self.request.user)
        if data.get("agency") is not None and data["agency"].pk != agency_id:
            raise ValidationError(
                {"agency": _("You can create clusters for your own agency only.")}
            )
        if data.get("status", PublicationStatus.DRAFT) != PublicationStatus.DRAFT:
            raise ValidationError(
                {
                    "status": _(
                        "A new cluster starts as a draft; submit it for publication with "
                        "POST /api/clusters/<slug>/transition/."
                    )
                }
            )
        data["agency"] = Agency.objects.get(pk=agency_id)
        data["status"] = PublicationStatus.DRAFT

    @extend_schema(
        summary="Replace a cluster's fields",
        responses={200: ClusterSerializer, 202: ACCEPTED_RESPONSE, 412: STALE_RESPONSE},
        description=PROPOSED_NOTE,
    )
    def update(self, request, *args, partial=False, **kwargs):
        cluster = self.get_object()
        expected = self.expected_version(cluster)
        serializer = self.get_serializer(cluster, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        if expected is None:
            expected = body_version
        if data.pop("status", cluster.status) != cluster.status:
            raise ValidationError(
                {"status": _("Change the status through POST /api/clusters/<slug>/transition/.")}
            )
        if not self.user_is_curator and data.pop("agency", cluster.agency) != cluster.agency:
            raise ValidationError(
                {"agency": _("Only a curator can move a cluster to another agency.")}
            )
        with self.writing(), service_errors(CLUSTER_ERRORS), transaction.atomic():
            if "region" in data:
                data["region"] = save_region(data["region"])
            if revisions.review_needed(user=request.user, cluster=cluster):
                services.check_version(
                    model=Cluster, pk=cluster.pk, expected_version=expected, label=_("cluster")
                )
            accepted = self.proposed(
                cluster, lambda: {"fields": revisions.field_changes(cluster=cluster, data=data)}
            )
            if accepted is not None:
                return accepted
            services.cluster_update(cluster=cluster, data=data, expected_version=expected)
        return self.with_etag(Response(self.get_serializer(cluster).data), cluster)

    @extend_schema(
        summary="Change some of a cluster's fields",
        responses={200: ClusterSerializer, 202: ACCEPTED_RESPONSE, 412: STALE_RESPONSE},
        description=PROPOSED_NOTE,
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary="Move a cluster through the publication workflow",
        request=TransitionSerializer,
        responses={200: ClusterSerializer, 412: STALE_RESPONSE},
        description=(
            "`submitted` (editors of the owning agency, from draft); `approved` (publish), "
            "`rejected` (back to draft, with a comment), `archived`, `restored`: curators."
        ),
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        step = body.validated_data["action"]
        needed = SUBMIT if step == ClusterReview.Action.SUBMITTED else PUBLISH
        if not cluster_policy.user_has_permission(request.user, needed):
            raise PermissionDenied(_("Only a curator can publish, reject, archive or restore."))
        cluster = self.get_object(queryset=self.queryset_for(needed))
        expected = self.expected_version(cluster)
        if expected is not None and expected != cluster.version:
            raise PreconditionFailed()
        with self.writing(), service_errors():
            workflow.cluster_transition(
                cluster=cluster,
                action=step,
                user=request.user,
                comment=body.validated_data["comment"],
            )
        return self.with_etag(
            Response(ClusterSerializer(cluster, context=self.get_serializer_context()).data),
            cluster,
        )

    @extend_schema(
        summary="Social-capital measures of the cluster's stakeholder network",
        responses={200: OpenApiResponse(description="Measures and their explanations")},
        description=(
            "Actors and links by kind, density, isolated actors, most connected actors, "
            "brokers (betweenness), components, the kind-to-kind link matrix, absent kinds "
            "and enterprises without a supplier or buyer link; cached until the network changes."
        ),
    )
    @action(detail=True, methods=["get"])
    def measures(self, request, *args, **kwargs):
        cluster = self.get_object()
        return Response(
            {
                "cluster": cluster.slug,
                "measures": maps.cached_measures(cluster).as_dict(),
                "explanations": {key: str(text) for key, text in MEASURE_EXPLANATIONS.items()},
            }
        )


@extend_schema_view(
    list=extend_schema(summary="List cluster figures (the history, with provenance)"),
    retrieve=extend_schema(summary="Read a figure"),
)
class ClusterFigureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """Figures of the clusters a user may see; recorded through cluster_record_figures."""

    policy = figure_policy
    serializer_class = ClusterFigureSerializer
    filterset_class = ClusterFigureFilterSet
    pagination_class = RegistryCursorPagination
    lookup_value_regex = r"\d+"

    def base_queryset(self):
        return ClusterFigure.objects.select_related("cluster")

    @extend_schema(
        summary="Record a figure",
        responses={
            201: ClusterFigureSerializer,
            200: ClusterFigureSerializer,
            202: ACCEPTED_RESPONSE,
        },
        description=(
            "Records the value with its year and source; the cluster's current value and "
            "classification follow. The same measure, year and source again updates that "
            "record; restating the current value adds nothing (200 with the record that "
            "states it). " + PROPOSED_NOTE
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cluster, measure = data["cluster"], data["measure"]
        provenance = services.Provenance(
            year=data.get("year", ""),
            source=data.get("source", ""),
            estimated=data.get("estimated", False),
            currency=data.get("currency", "INR"),
        )
        accepted = self.proposed(
            cluster,
            lambda: {
                "figures": revisions.figure_changes(
                    values={measure: data["value"]}, provenance=provenance
                )
            },
        )
        if accepted is not None:
            return accepted
        with self.writing(), service_errors():
            changed = services.cluster_record_figures(
                cluster=cluster, values={measure: data["value"]}, provenance=provenance
            )
        figures = cluster.figures.filter(measure=measure)
        figure = figures.filter(year=provenance.year, source=provenance.source).first()
        if figure is None:
            figure = services.current_figure_records(figures).get(measure)
        if figure is None:
            raise ValidationError({"value": _("This is already the cluster's current value.")})
        code = status.HTTP_201_CREATED if changed else status.HTTP_200_OK
        return Response(self.get_serializer(figure).data, status=code)


class ReferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """A read-only reference table, looked up by slug."""

    lookup_field = "slug"
    pagination_class = SmallTablePagination


@extend_schema_view(
    list=extend_schema(summary="List sectors"), retrieve=extend_schema(summary="Read a sector")
)
class SectorViewSet(ReferenceViewSet):
    policy = CuratorWritePolicy(Sector)
    serializer_class = SectorSerializer


@extend_schema_view(
    list=extend_schema(summary="List states and regions"),
    retrieve=extend_schema(summary="Read a state or region"),
)
class RegionViewSet(ReferenceViewSet):
    policy = CuratorWritePolicy(Region)
    serializer_class = RegionSerializer
    filterset_fields = ["country", "kind"]


@extend_schema_view(
    list=extend_schema(summary="List benchmarks"),
    retrieve=extend_schema(summary="Read a benchmark"),
    create=extend_schema(summary="Add a benchmark (curators); clusters are reclassified"),
    update=extend_schema(summary="Change a benchmark (curators); clusters are reclassified"),
    partial_update=extend_schema(summary="Change a benchmark (curators)"),
    destroy=extend_schema(summary="Delete a benchmark (curators); clusters are reclassified"),
)
class BenchmarkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """Benchmarks: read for everyone, written by curators through benchmark_save/_delete."""

    policy = CuratorWritePolicy(Benchmark)
    serializer_class = BenchmarkSerializer
    pagination_class = SmallTablePagination
    filterset_fields = ["cluster_type", "measure", "country"]
    lookup_value_regex = r"\d+"

    def reclassification(self):
        """Reclassify the clusters of the changed type at once, or by a job when many."""
        return job_services.reclassification(
            user=self.request.user, reason=f"benchmark changed (API, {self.request.method})"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        benchmark = Benchmark(**serializer.validated_data)
        with self.writing(), service_errors():
            services.benchmark_save(benchmark=benchmark, reclassify=self.reclassification())
        return Response(self.get_serializer(benchmark).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        benchmark = self.get_object()
        serializer = self.get_serializer(benchmark, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(benchmark, name, value)
        with self.writing(), service_errors():
            services.benchmark_save(benchmark=benchmark, reclassify=self.reclassification())
        return Response(self.get_serializer(benchmark).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        benchmark = self.get_object()
        with self.writing(), service_errors():
            services.benchmark_delete(benchmark=benchmark, reclassify=self.reclassification())
        return Response(status=status.HTTP_204_NO_CONTENT)
