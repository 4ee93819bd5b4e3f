"""Serializers of the development programme API: they parse and present; programmes.services
write (and programmes.revisions keep an editor's change to a published initiative)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import (
    BooleanField,
    CurrencyField,
    IntegerField,
    NamedRefField,
    RoundedDecimalField,
    SlugRelatedField,
    TextField,
)
from api.serializers.clusters import YEAR_FORM, RegistryModelSerializer, request_user
from clusters.models import Agency, Cluster
from common.permissions import CHANGE
from programmes.models import (
    Indicator,
    IndicatorMeasurement,
    Initiative,
    InitiativeRevision,
    Scheme,
)
from programmes.permissions import initiative_policy, measurement_policy
from stakeholders.models import Stakeholder

CURRENCY_CODE = RegexValidator(
    r"^[A-Za-z]{3}\Z", _("Use a three-letter ISO 4217 currency code, such as INR or EUR.")
)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored blank when there is none, shown as null."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class IndicatorSerializer(serializers.ModelSerializer):
    """An entry of the indicator catalogue (FAQ Q68). `computed_from` names what in the
    registry's own data the indicator is computed from (then it is not recorded)."""

    computed_from = BlankAsNullChoiceField(
        choices=Indicator._meta.get_field("computed_from").choices,
        read_only=True,
        allow_null=True,
    )

    class Meta:
        model = Indicator
        fields = ["slug", "name", "level", "unit", "description", "computed_from", "position"]
        read_only_fields = fields


class MeasurementSerializer(RegistryModelSerializer):
    """One value of one indicator in one cluster for one year, with its source and whether
    it is estimated, and the indicator's catalogue entry."""

    cluster = SlugRelatedField(slug_field="slug", queryset=Cluster.objects.none())
    indicator = SlugRelatedField(
        slug_field="slug",
        queryset=Indicator.objects.all(),
        help_text=_("The catalogue slug, such as new-markets (see /api/indicators/catalogue/)."),
    )
    catalogue_entry = IndicatorSerializer(source="indicator", read_only=True)
    year = TextField(
        source="year_label",
        max_length=7,
        trim_whitespace=False,
        validators=[YEAR_FORM],
        help_text=_("2023, or a fiscal year as 2023-24"),
    )
    value = RoundedDecimalField(max_digits=20, decimal_places=2)
    unit = TextField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=_("Blank, or the catalogue's unit (another unit is refused)."),
    )
    source = TextField(required=False, allow_blank=True, max_length=500)
    estimated = BooleanField(required=False, default=False)
    initiative = SlugRelatedField(
        slug_field="slug",
        queryset=Initiative.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("The initiative (in the same cluster) it was measured for, if any."),
    )

    class Meta:
        model = IndicatorMeasurement
        fields = [
            "id",
            "cluster",
            "indicator",
            "catalogue_entry",
            "year",
            "value",
            "unit",
            "source",
            "estimated",
            "initiative",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["cluster"].queryset = measurement_policy.measurable_clusters(user)
            editable = initiative_policy.instances_user_has_permission_for(user, CHANGE)
            self.fields["initiative"].queryset = editable


class InitiativeSerializer(RegistryModelSerializer):
    """A cluster development initiative: the scheme, the implementing agency, the cluster
    development agent, dates, stage, publication status and money. `version` is what an
    edit is based on (also sent as the ETag)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:initiative-detail", lookup_field="slug"
    )
    page_url = TextField(source="get_absolute_url", read_only=True)
    slug = TextField(read_only=True)
    cluster = SlugRelatedField(
        slug_field="slug",
        queryset=Cluster.objects.none(),
        help_text=_("An editor's: a cluster of their agency, or a published one."),
    )
    scheme = SlugRelatedField(
        slug_field="slug",
        queryset=Scheme.objects.all(),
        help_text=_("The scheme or programme, such as mse-cdp or sfurti."),
    )
    agency = NamedRefField(
        model=Agency,
        required=False,
        allow_null=True,
        help_text=_("The implementing agency: an editor's initiatives are their agency's."),
    )
    development_agent = SlugRelatedField(
        slug_field="slug",
        queryset=Stakeholder.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The cluster development agent, when they are in the registry."),
    )
    status = serializers.ChoiceField(
        choices=Initiative._meta.get_field("status").choices,
        read_only=True,
        help_text=_("Only published initiatives in published clusters are public."),
    )
    currency = CurrencyField(
        required=False, default="INR", trim_whitespace=False, validators=[CURRENCY_CODE]
    )
    version = IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The version this record is at. Send the version you read with an edit (or the "
            "ETag in If-Match) and a stale edit is refused with 412."
        ),
    )

    class Meta:
        model = Initiative
        fields = [
            "url",
            "page_url",
            "slug",
            "title",
            "cluster",
            "scheme",
            "agency",
            "development_agent_name",
            "development_agent",
            "started_on",
            "ended_on",
            "stage",
            "status",
            "budget",
            "sanctioned_amount",
            "released_amount",
            "currency",
            "description",
            "source",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["cluster"].queryset = initiative_policy.creatable_clusters(user)

    def validate_currency(self, value):
        return value.upper()


class InitiativeRevisionSerializer(serializers.ModelSerializer):
    """A change an agency editor proposed to a published initiative, waiting for a curator."""

    initiative = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    proposed_by = serializers.CharField(source="author.get_username", read_only=True)
    changes = serializers.JSONField(
        read_only=True,
        help_text=_("The proposed changes: `fields` (name → new value; foreign keys as ids)."),
    )

    class Meta:
        model = InitiativeRevision
        fields = [
            "id",
            "state",
            "initiative",
            "proposed_by",
            "changes",
            "base_version",
            "comment",
            "created",
            "updated",
        ]
        read_only_fields = fields
