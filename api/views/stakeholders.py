"""Viewsets of the stakeholder API. Reads come from the user's policy queryset with their
joins; every write goes through stakeholders.services."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.exceptions import STALE_RESPONSE, service_errors
from api.fields import save_region
from api.filtersets.stakeholders import MembershipFilterSet, RelationshipFilterSet
from api.pagination import RegistryCursorPagination
from api.serializers.revisions import ACCEPTED_RESPONSE, PROPOSED_NOTE
from api.serializers.stakeholders import (
    MembershipSerializer,
    RelationshipSerializer,
    StakeholderCreateSerializer,
    StakeholderSerializer,
)
from api.viewsets import RegistryViewSet, SlugOrIdLookupMixin, VersionedMixin, created
from common.permissions import VIEW
from stakeholders import revisions as stakeholder_revisions
from stakeholders import services
from stakeholders.filtersets import StakeholderFilterSet
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from stakeholders.permissions import membership_policy, relationship_policy, stakeholder_policy

STAKEHOLDER_ERRORS = {"region": "state"}


@extend_schema_view(
    list=extend_schema(
        summary="List stakeholders",
        description=(
            "Stakeholders of published clusters (an editor also sees the agency's own). "
            "Filters as on the /stakeholders/ page; pages are cursors: follow `next`."
        ),
    ),
    retrieve=extend_schema(summary="Read a stakeholder (by slug, or id)"),
)
class StakeholderViewSet(
    VersionedMixin,
    SlugOrIdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    RegistryViewSet,
):
    """Stakeholders: read for everyone (through a published cluster), written by editors
    (those only in their agency's clusters) and curators through stakeholders.services."""

    policy = stakeholder_policy
    serializer_class = StakeholderSerializer
    filterset_class = StakeholderFilterSet
    pagination_class = RegistryCursorPagination

    def base_queryset(self):
        memberships = (
            membership_policy.instances_user_has_permission_for(self.request.user, VIEW)
            .select_related("cluster")
            .order_by("cluster__product", "cluster__place", "pk")
        )
        return Stakeholder.objects.select_related("region").prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="visible_memberships")
        )

    def _reread(self, stakeholder):
        """Return the stakeholder as a reader sees it (with its visible memberships)."""
        return self.queryset_for(VIEW).filter(pk=stakeholder.pk).first() or stakeholder

    def retrieve(self, request, *args, **kwargs):
        stakeholder = self.get_object()
        return self.with_etag(Response(self.get_serializer(stakeholder).data), stakeholder)

    @extend_schema(
        summary="Create a stakeholder",
        request=StakeholderCreateSerializer,
        responses={201: StakeholderSerializer, 202: ACCEPTED_RESPONSE},
        description=("With `cluster`, the stakeholder becomes its member. " + PROPOSED_NOTE),
    )
    def create(self, request, *args, **kwargs):
        serializer = StakeholderCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        cluster = data.pop("cluster", None)
        if cluster is None and not self.user_is_curator:
            raise ValidationError(
                {"cluster": _("Name the cluster of your agency this stakeholder belongs to.")}
            )
        with self.writing(), service_errors(STAKEHOLDER_ERRORS), transaction.atomic():
            if "region" in data:
                data["region"] = save_region(data["region"])
            stakeholder = services.stakeholder_create(**data)
            # A new member of a published cluster waits for review (the new record is not
            # public before its membership is approved).
            accepted = cluster and self.proposed(
                cluster,
                lambda: {
                    "members_added": [
                        stakeholder_revisions.member_added(
                            stakeholder=stakeholder, source=stakeholder.source
                        )
                    ]
                },
            )
            if accepted:
                return accepted
            if cluster is not None:
                services.stakeholder_link_to_cluster(
                    stakeholder=stakeholder, cluster=cluster, source=stakeholder.source
                )
        stakeholder = self._reread(stakeholder)
        body = self.get_serializer(stakeholder).data
        return self.with_etag(created(body), stakeholder)

    @extend_schema(
        summary="Replace a stakeholder's fields",
        responses={200: StakeholderSerializer, 412: STALE_RESPONSE},
    )
    def update(self, request, *args, partial=False, **kwargs):
        stakeholder = self.get_object()
        expected = self.expected_version(stakeholder)
        serializer = self.get_serializer(stakeholder, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        if expected is None:
            expected = body_version
        with self.writing(), service_errors(STAKEHOLDER_ERRORS):
            if "region" in data:
                data["region"] = save_region(data["region"])
            services.stakeholder_update(
                stakeholder=stakeholder, data=data, expected_version=expected
            )
        stakeholder = self._reread(stakeholder)
        return self.with_etag(Response(self.get_serializer(stakeholder).data), stakeholder)

    @extend_schema(
        summary="Change some of a stakeholder's fields",
        responses={200: StakeholderSerializer, 412: STALE_RESPONSE},
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="List cluster memberships"),
    retrieve=extend_schema(summary="Read a membership"),
    destroy=extend_schema(
        summary="Remove a stakeholder from a cluster (with its relationships there)",
        responses={204: None, 202: ACCEPTED_RESPONSE},
        description=PROPOSED_NOTE,
    ),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """Memberships of the clusters a user may see; linked and removed through the services."""

    policy = membership_policy
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    pagination_class = RegistryCursorPagination
    lookup_value_regex = r"\d+"

    def base_queryset(self):
        return ClusterMembership.objects.select_related("cluster", "stakeholder")

    @extend_schema(
        summary="Make a stakeholder a member of a cluster",
        responses={
            201: MembershipSerializer,
            200: MembershipSerializer,
            202: ACCEPTED_RESPONSE,
        },
        description=(
            "201 when new; 200 with the existing membership when it is already there. "
            + PROPOSED_NOTE
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        accepted = self.proposed(
            data["cluster"],
            lambda: {
                "members_added": [
                    stakeholder_revisions.member_added(
                        stakeholder=data["stakeholder"], source=data.get("source", "")
                    )
                ]
            },
        )
        if accepted is not None:
            return accepted
        with self.writing(), service_errors():
            membership, created = services.stakeholder_link_to_cluster(
                stakeholder=data["stakeholder"],
                cluster=data["cluster"],
                source=data.get("source", ""),
            )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(membership).data, status=code)

    def destroy(self, request, *args, **kwargs):
        membership = self.get_object()
        accepted = self.proposed(
            membership.cluster,
            lambda: {
                "members_removed": [stakeholder_revisions.member_removed(membership=membership)]
            },
        )
        if accepted is not None:
            return accepted
        with self.writing(), service_errors():
            services.membership_delete(membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="List relationships"),
    retrieve=extend_schema(summary="Read a relationship"),
    create=extend_schema(
        summary="Record a relationship between two members of a cluster",
        responses={201: RelationshipSerializer, 202: ACCEPTED_RESPONSE},
        description=PROPOSED_NOTE,
    ),
    update=extend_schema(
        summary="Replace a relationship's fields",
        responses={200: RelationshipSerializer, 202: ACCEPTED_RESPONSE},
        description=PROPOSED_NOTE,
    ),
    partial_update=extend_schema(
        summary="Change some of a relationship's fields",
        responses={200: RelationshipSerializer, 202: ACCEPTED_RESPONSE},
        description=PROPOSED_NOTE,
    ),
    destroy=extend_schema(
        summary="Delete a relationship",
        responses={204: None, 202: ACCEPTED_RESPONSE},
        description=PROPOSED_NOTE,
    ),
)
class RelationshipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    """Relationships in the clusters a user may see; written through the services."""

    policy = relationship_policy
    serializer_class = RelationshipSerializer
    filterset_class = RelationshipFilterSet
    pagination_class = RegistryCursorPagination
    lookup_value_regex = r"\d+"

    def base_queryset(self):
        return Relationship.objects.select_related("cluster", "source", "target")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        accepted = self.proposed(
            data["cluster"], lambda: {"relationships_added": [relationship_data(data)]}
        )
        if accepted is not None:
            return accepted
        with self.writing(), service_errors():
            relationship = services.relationship_create(**data)
        return Response(self.get_serializer(relationship).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        relationship = self.get_object()
        serializer = self.get_serializer(relationship, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "cluster" in data and data.pop("cluster") != relationship.cluster:
            raise ValidationError(
                {
                    "cluster": _(
                        "A relationship stays in its cluster: delete it and record it in the "
                        "other cluster instead."
                    )
                }
            )

        def stored(name):
            # A date as typed (a PartialDate), so that a revision keeps its precision.
            return getattr(relationship, f"{name}_partial" if name in services.DATED else name)

        def changes():
            wanted = {
                name: data.get(name, stored(name))
                for name in ("source", "target", "kind", "since", "until", "provenance")
            }
            return {
                "relationships_removed": [
                    stakeholder_revisions.relationship_removed(relationship=relationship)
                ],
                "relationships_added": [relationship_data(wanted)],
            }

        unchanged = all(stored(name) == value for name, value in data.items())
        accepted = None if unchanged else self.proposed(relationship.cluster, changes)
        if accepted is not None:
            return accepted
        with self.writing(), service_errors():
            services.relationship_update(relationship=relationship, data=data)
        return Response(self.get_serializer(relationship).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        relationship = self.get_object()
        accepted = self.proposed(
            relationship.cluster,
            lambda: {
                "relationships_removed": [
                    stakeholder_revisions.relationship_removed(relationship=relationship)
                ]
            },
        )
        if accepted is not None:
            return accepted
        with self.writing(), service_errors():
            services.relationship_delete(relationship=relationship)
        return Response(status=status.HTTP_204_NO_CONTENT)


def relationship_data(data):
    """Return the revision data of the relationship in `data` (validated fields)."""
    return stakeholder_revisions.relationship_added(
        source=data["source"],
        target=data["target"],
        kind=data["kind"],
        since=data.get("since"),
        until=data.get("until"),
        provenance=data.get("provenance", ""),
    )
