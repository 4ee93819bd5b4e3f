"""Serializers of the stakeholder API: they parse and present; the services write."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import (
    IntegerField,
    LocalNamesField,
    PartialDateField,
    SlugRelatedField,
    StateField,
    TextField,
    resolve_state,
)
from api.serializers.clusters import (
    COUNTRY_CODE,
    RegistryModelSerializer,
    editable_clusters,
    request_user,
)
from clusters.models import Cluster
from common.permissions import VIEW
from stakeholders.models import ClusterMembership, Relationship, Stakeholder
from stakeholders.permissions import stakeholder_policy


def visible_stakeholders(serializer):
    """Return the stakeholders the requesting user may see (for fields naming one)."""
    user = request_user(serializer)
    if user is None:
        return Stakeholder.objects.none()
    return stakeholder_policy.instances_user_has_permission_for(user, VIEW)


class ClusterRefSerializer(serializers.Serializer):
    """A cluster a stakeholder belongs to."""

    slug = TextField(source="cluster.slug", read_only=True)
    product = TextField(source="cluster.product", read_only=True)
    place = TextField(source="cluster.place", read_only=True)


class StakeholderSerializer(RegistryModelSerializer):
    """A stakeholder: who it is, where, how to reach it, and the clusters it belongs to
    (those the reader may see)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:stakeholder-detail", lookup_field="slug"
    )
    profile_url = TextField(source="get_absolute_url", read_only=True)
    local_names = LocalNamesField()
    state = StateField(source="region", required=False, allow_null=True)
    country = TextField(required=False, validators=[COUNTRY_CODE], trim_whitespace=False)
    clusters = serializers.SerializerMethodField()
    version = IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The version this record is at. Send the version you read with an edit (or the "
            "ETag in If-Match) and a stale edit is refused with 412."
        ),
    )

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "url",
            "profile_url",
            "slug",
            "name",
            "local_names",
            "kind",
            "role",
            "place",
            "state",
            "country",
            "website",
            "email",
            "phone",
            "size_class",
            "services_offered",
            "description",
            "source",
            "clusters",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["slug", "created", "updated"]
        validators = []

    @extend_schema_field(ClusterRefSerializer(many=True))
    def get_clusters(self, stakeholder):
        memberships = getattr(stakeholder, "visible_memberships", [])
        return ClusterRefSerializer(memberships, many=True).data

    def validate_country(self, value):
        return value.upper()

    def validate(self, attrs):
        """Resolve the state within the (new or current) country."""
        country = attrs.get("country") or (self.instance.country if self.instance else "IN")
        if "region" in attrs:
            try:
                attrs["region"] = resolve_state(attrs["region"], country)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"state": exc.detail}) from exc
        elif self.instance is not None and self.instance.region_id is not None:
            moved = self.instance.region.country != country
            if moved:
                raise serializers.ValidationError(
                    {"state": _("Give the state in the new country as well.")}
                )
        return attrs


class StakeholderCreateSerializer(StakeholderSerializer):
    """A new stakeholder, made a member of `cluster` (an editor must name one of the
    agency's clusters; a curator may leave it out)."""

    cluster = SlugRelatedField(
        slug_field="slug",
        queryset=Cluster.objects.none(),
        write_only=True,
        required=False,
        help_text=_("Slug of the cluster it belongs to; required for agency editors."),
    )

    class Meta(StakeholderSerializer.Meta):
        fields = [*StakeholderSerializer.Meta.fields, "cluster"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = editable_clusters(self)


class MembershipSerializer(RegistryModelSerializer):
    """A stakeholder's membership of a cluster, and where that is known from."""

    cluster = SlugRelatedField(slug_field="slug", queryset=Cluster.objects.none())
    stakeholder = SlugRelatedField(slug_field="slug", queryset=Stakeholder.objects.none())

    class Meta:
        model = ClusterMembership
        fields = ["id", "cluster", "stakeholder", "source", "created"]
        read_only_fields = ["created"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = editable_clusters(self)
        self.fields["stakeholder"].queryset = visible_stakeholders(self)


class RelationshipSerializer(RegistryModelSerializer):
    """`source` `kind` `target` within `cluster`; both ends must belong to the cluster."""

    cluster = SlugRelatedField(slug_field="slug", queryset=Cluster.objects.none())
    source = SlugRelatedField(slug_field="slug", queryset=Stakeholder.objects.none())
    target = SlugRelatedField(slug_field="slug", queryset=Stakeholder.objects.none())
    source_name = TextField(source="source.name", read_only=True)
    target_name = TextField(source="target.name", read_only=True)
    since = PartialDateField(allow_null=True, required=False)
    until = PartialDateField(allow_null=True, required=False)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "cluster",
            "source",
            "source_name",
            "kind",
            "target",
            "target_name",
            "since",
            "since_precision",
            "until",
            "until_precision",
            "provenance",
            "created",
            "updated",
        ]
        read_only_fields = ["since_precision", "until_precision", "created", "updated"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = editable_clusters(self)
        stakeholders = visible_stakeholders(self)
        self.fields["source"].queryset = stakeholders
        self.fields["target"].queryset = stakeholders
