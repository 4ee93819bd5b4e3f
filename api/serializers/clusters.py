"""Serializers of the cluster API: they parse and present; the services write."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import (
    FIELD_MAPPING,
    BooleanField,
    CurrencyField,
    IntegerField,
    LocalNamesField,
    NamedRefField,
    SlugRelatedField,
    StateField,
    TextField,
    resolve_state,
)
from clusters import geography, services
from clusters.choices import AMOUNT_MEASURES, ClassificationStatus, Measure, PublicationStatus
from clusters.models import Agency, Benchmark, Cluster, ClusterFigure, ClusterReview, Region, Sector
from clusters.permissions import cluster_policy
from common.permissions import CHANGE

COUNTRY_CODE = RegexValidator(
    r"^[A-Za-z]{2}\Z", _("Use a two-letter ISO 3166-1 country code, such as IN or IT.")
)
CURRENCY_CODE = RegexValidator(
    r"^[A-Za-z]{3}\Z", _("Use a three-letter ISO 4217 currency code, such as INR or EUR.")
)
# A year as 2016 or a fiscal year as 2015-16, or blank (the services check it is plausible).
YEAR_FORM = RegexValidator(
    r"^\d{4}(-\d{2})?\Z", _("Give the year as 2016, or a fiscal year as 2015-16.")
)
MEASURE_FIELDS = tuple(Measure.values)
# The largest current value a count can have (its column on Cluster); amounts are bigint.
MAX_COUNT = 2**31 - 1


class RegistryModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields take JSON values of their own type only (fields.py)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **FIELD_MAPPING,
    }


def request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def editable_clusters(serializer):
    """Return the clusters the requesting user may change (for fields naming a cluster)."""
    user = request_user(serializer)
    if user is None:
        return Cluster.objects.none()
    return cluster_policy.instances_user_has_permission_for(user, CHANGE)


def _as_text(value):
    """Return a figure as text, so that JSON 150, form "150" and blank/None compare alike."""
    return "" if value is None else str(value).strip()


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored blank when unknown, shown as null."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ClassificationSerializer(serializers.Serializer):
    """The stored classification of a cluster (clusters/classification.py)."""

    status = serializers.ChoiceField(
        source="classification_status", choices=ClassificationStatus.choices, read_only=True
    )
    measure = BlankAsNullChoiceField(
        source="classification_measure", choices=Measure.choices, read_only=True, allow_null=True
    )
    value = IntegerField(source="classification_value", read_only=True, allow_null=True)
    threshold = IntegerField(source="classification_threshold", read_only=True, allow_null=True)
    reason = TextField(source="classification_reason", read_only=True)


class ClusterSerializer(RegistryModelSerializer):
    """A cluster: identity, description, owner, publication status, current figures and
    classification. `version` is what an edit is based on (also sent as the ETag)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:cluster-detail", lookup_field="slug")
    profile_url = TextField(source="get_absolute_url", read_only=True)
    local_names = LocalNamesField()
    state = StateField(source="region", required=False, allow_null=True)
    country = TextField(required=False, validators=[COUNTRY_CODE], trim_whitespace=False)
    sector = NamedRefField(model=Sector, required=False, allow_null=True)
    agency = NamedRefField(
        model=Agency,
        required=False,
        allow_null=True,
        help_text=_("Set by curators; an editor's clusters belong to the editor's agency."),
    )
    status = serializers.ChoiceField(
        choices=PublicationStatus.choices,
        required=False,
        help_text=_(
            "Curators may set it on creation; afterwards it changes through the workflow "
            "(POST .../transition/). Only published clusters are public."
        ),
    )
    classification = ClassificationSerializer(source="*", read_only=True)
    version = IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The version this record is at. Send the version you read with an edit (or the "
            "ETag in If-Match) and a stale edit is refused with 412."
        ),
    )

    class Meta:
        model = Cluster
        fields = [
            "id",
            "url",
            "profile_url",
            "slug",
            "product",
            "local_names",
            "place",
            "district",
            "state",
            "country",
            "cluster_type",
            "sector",
            "agency",
            "status",
            "origin",
            "structure",
            "stage",
            "exporting",
            "description",
            "latitude",
            "longitude",
            *MEASURE_FIELDS,
            "currency",
            "classification",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["slug", *MEASURE_FIELDS, "currency", "created", "updated"]
        # Uniqueness is the services' to check (with a message naming the existing record).
        validators = []

    def validate_country(self, value):
        return value.upper()

    def validate(self, attrs):
        """Resolve the state within the (new or current) country; refuse figures on an edit
        (they are recorded with their provenance through /api/figures/)."""
        if self.instance is not None and isinstance(self.initial_data, dict):
            changed = [
                name
                for name in MEASURE_FIELDS
                if name in self.initial_data
                and _as_text(self.initial_data[name]) != _as_text(getattr(self.instance, name))
            ]
            if changed:
                raise serializers.ValidationError(
                    {
                        name: _("Record figures with their year and source at /api/figures/.")
                        for name in changed
                    }
                )
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
        coordinates = {
            name: attrs[name] if name in attrs else getattr(self.instance, name, None)
            for name in ("latitude", "longitude")
        }
        errors = geography.coordinate_errors(**coordinates, country=country)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ClusterCreateSerializer(ClusterSerializer):
    """A new cluster, with its first figures and where they come from."""

    enterprise_count = IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**31 - 1
    )
    loom_count = IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    artisan_count = IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    employment = IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    annual_turnover = IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**63 - 1
    )
    annual_exports = IntegerField(required=False, allow_null=True, min_value=0, max_value=2**63 - 1)
    currency = TextField(
        required=False, default="INR", validators=[CURRENCY_CODE], trim_whitespace=False
    )
    figures_year = TextField(
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        max_length=7,
        trim_whitespace=False,
        validators=[YEAR_FORM],
        help_text=_("The year of the figures: 2016, or the fiscal year 2015-16."),
    )
    source = TextField(
        required=False, allow_blank=True, default="", write_only=True, max_length=500
    )
    estimated = BooleanField(required=False, default=False, write_only=True)

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "figures_year", "source", "estimated"]
        read_only_fields = ["slug", "created", "updated"]

    def validate_currency(self, value):
        return value.upper()

    def validate_figures_year(self, value):
        try:
            return services.validate_year(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class TransitionSerializer(serializers.Serializer):
    """A step of the publication workflow: submit (editors), approve, reject (with a
    comment), archive or restore (curators)."""

    action = serializers.ChoiceField(choices=ClusterReview.Action.choices)
    comment = TextField(required=False, allow_blank=True, default="", max_length=2000)


class ClusterFigureSerializer(RegistryModelSerializer):
    """One figure of a cluster with its provenance; recording one updates the cluster's
    current value and classification."""

    cluster = SlugRelatedField(slug_field="slug", queryset=Cluster.objects.none())
    currency = CurrencyField(
        required=False,
        default="INR",
        trim_whitespace=False,
        validators=[CURRENCY_CODE],
        help_text=_("ISO 4217, for turnover and exports; null for counts."),
    )
    year = TextField(
        required=False,
        allow_blank=True,
        max_length=7,
        trim_whitespace=False,
        validators=[YEAR_FORM],
        help_text=_("2016, or a fiscal year as 2015-16"),
    )
    display_value = TextField(read_only=True)

    class Meta:
        model = ClusterFigure
        fields = [
            "id",
            "cluster",
            "measure",
            "value",
            "currency",
            "year",
            "source",
            "estimated",
            "display_value",
            "created",
        ]
        read_only_fields = ["created"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = editable_clusters(self)

    def validate_year(self, value):
        try:
            return services.validate_year(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_currency(self, value):
        return value.upper()

    def validate(self, attrs):
        """A count is at most MAX_COUNT (its column on the cluster, on every database)."""
        if attrs["measure"] not in AMOUNT_MEASURES and attrs["value"] > MAX_COUNT:
            raise serializers.ValidationError(
                {
                    "value": _("A count is at most %(max)d; only amounts are larger.")
                    % {"max": MAX_COUNT}
                }
            )
        return attrs


class BenchmarkSerializer(RegistryModelSerializer):
    """A size a cluster of a type must reach to qualify (several for a type: any one)."""

    country = TextField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        validators=[COUNTRY_CODE],
        help_text=_("ISO alpha-2; blank applies wherever no country-specific benchmark exists."),
    )

    class Meta:
        model = Benchmark
        fields = ["id", "cluster_type", "measure", "threshold", "country", "authority", "source"]
        validators = []

    def validate_country(self, value):
        return value.upper()


class SectorSerializer(RegistryModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "slug"]


class RegionSerializer(RegistryModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "slug", "country", "code", "kind"]
