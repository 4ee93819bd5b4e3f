"""The one FilterSet for clusters: it serves the public list, the exports and the API."""

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.constants import EMPTY_VALUES

from common.forms import QuantityField
from common.local_names import local_names_matching

from .choices import (
    ARTISAN_TYPES,
    ClassificationStatus,
    ClusterType,
    Origin,
    PublicationStatus,
    Stage,
    Structure,
)
from .models import Agency, Cluster, Region, Sector
from .selectors import with_figures_year
from .size_bands import SIZE_BAND_CHOICES, size_band_condition

ORDERING_FIELDS = (
    ("product", "product"),
    ("place", "place"),
    ("enterprise_count", "enterprise_count"),
    ("employment", "employment"),
    ("annual_turnover", "turnover"),
    ("loom_count", "loom_count"),
    ("cluster_type", "cluster_type"),
    ("classification_status", "classification_status"),
    ("region__name", "state"),
    ("figures_year", "year"),
)
# Sorting by classification goes from the strongest status to the weakest, not by spelling.
CLASSIFICATION_RANK = Case(
    *(
        When(classification_status=value, then=Value(rank))
        for rank, value in enumerate(ClassificationStatus.values)
    ),
    default=Value(len(ClassificationStatus.values)),
    output_field=IntegerField(),
)
TRUE_WORDS = {"true", "yes", "1", "on"}
FALSE_WORDS = {"false", "no", "0", "off"}


class StrictBooleanField(forms.CharField):
    """yes/no, true/false, 1/0; blank is None and anything else is an error (never ignored)."""

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        value = (super().to_python(value) or "").strip().lower()
        if not value:
            return None
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise ValidationError(
            _("'%(value)s' is not yes or no (use true or false)."),
            code="invalid",
            params={"value": value},
        )


class StrictBooleanFilter(filters.BooleanFilter):
    """A BooleanFilter that rejects a value it does not understand instead of ignoring it."""

    field_class = StrictBooleanField


# The largest id a row can have (bigint). A larger number would not simply match nothing:
# it overflows SQLite's driver and PostgreSQL's bigint, a server error instead of an answer.
MAX_ID = 2**63 - 1


def check_id(value):
    """Raise a ValidationError unless `value` is an id: a whole number from 1 to MAX_ID."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
        raise ValidationError(
            _("“%(value)s” is not an id (a whole number from 1)."),
            code="invalid_id",
            params={"value": value},
        )


class IdChoiceField(filter_fields.ModelChoiceField):
    """A row by its id, refusing a value that cannot be one before asking the database."""

    def to_python(self, value):
        if value not in self.empty_values:
            check_id(value)
        return super().to_python(value)


class IdMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    """Rows by their ids, refusing a value that cannot be one before asking the database."""

    def _check_values(self, value):
        for item in value:
            check_id(item)
        return super()._check_values(value)


class IdFilter(filters.ModelChoiceFilter):
    """Filter by one row's id (`state_id=5`): a value that is no id is the filter's error."""

    field_class = IdChoiceField


class IdMultipleFilter(filters.ModelMultipleChoiceFilter):
    """Filter by rows' ids (`state_id=5&state_id=7`); a value that is no id is an error."""

    field_class = IdMultipleChoiceField


class WholeNumberFilter(filters.NumberFilter):
    """A count or an amount in whole units, from 0, written as people write it ('10,000',
    '1.2 lakh', '₹5 crore': common.forms.QuantityField): `1.5` is an error (as is more than
    any column holds), not a comparison with a fraction."""

    field_class = QuantityField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ClusterOrderingFilter(filters.OrderingFilter):
    """Sort with unknown values last in either direction and the primary key as tie-break,
    so that pages of a sorted list never repeat or skip a row."""

    def get_ordering_value(self, param):
        name = super().get_ordering_value(param)
        descending = name.startswith("-")
        name = name.removeprefix("-")
        expression = CLASSIFICATION_RANK if name == "classification_status" else F(name)
        if descending:
            return expression.desc(nulls_last=True)
        return expression.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        params = [param for param in value if param not in EMPTY_VALUES]
        if any(param.removeprefix("-") == "year" for param in params):
            qs = with_figures_year(qs)
        return qs.order_by(*(self.get_ordering_value(param) for param in params), "pk")


def clusters_matching(word):
    """Return the condition "the product, place, district, state, sector, description or a
    name in another language contains `word`". The few states and sectors so named are
    looked up first: the condition is then on the cluster's own columns (their trigram
    indexes, and the state's and sector's), with no join to test on every cluster."""
    regions = list(Region.objects.filter(name__icontains=word).values_list("pk", flat=True))
    sectors = list(Sector.objects.filter(name__icontains=word).values_list("pk", flat=True))
    condition = (
        Q(product__icontains=word)
        | Q(place__icontains=word)
        | Q(district__icontains=word)
        | Q(description__icontains=word)
        | local_names_matching(word)
    )
    if regions:
        condition |= Q(region__in=regions)
    if sectors:
        condition |= Q(sector__in=sectors)
    return condition


class ClusterFilterSet(filters.FilterSet):
    """Filter clusters by the contract's names; a foreign key by slug (`state`) or id (`state_id`)."""

    # Every multiple-choice filter here compares a column of the cluster or of a to-one
    # relation, which never repeats a row: `distinct=False` spares the list a DISTINCT
    # over every column (django-filter's default adds one).
    q = filters.CharFilter(method="search", label=_("Search"))
    cluster_type = filters.MultipleChoiceFilter(
        distinct=False, choices=ClusterType.choices, label=_("Type")
    )
    artisan = StrictBooleanFilter(method="filter_artisan", label=_("Artisan cluster"))
    classification_status = filters.MultipleChoiceFilter(
        distinct=False, choices=ClassificationStatus.choices, label=_("Classification")
    )
    # A slug filter compares the slug: django-filter puts `to_field_name`'s value in the
    # lookup, so `field_name="region"` would compare an id with "west-bengal".
    sector = filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name="sector__slug",
        queryset=Sector.objects.all(),
        to_field_name="slug",
        label=_("Sector"),
    )
    sector_id = IdMultipleFilter(
        distinct=False, field_name="sector", queryset=Sector.objects.all(), label=_("Sector (id)")
    )
    state = filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name="region__slug",
        queryset=Region.objects.all(),
        to_field_name="slug",
        label=_("State"),
    )
    state_id = IdMultipleFilter(
        distinct=False, field_name="region", queryset=Region.objects.all(), label=_("State (id)")
    )
    country = filters.CharFilter(
        field_name="country",
        lookup_expr="iexact",
        label=_("Country"),
        # Checked as given (" IN" is no code), as the API's schema describes it.
        strip=False,
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2}\Z", _("Use a two-letter ISO country code, such as IN or IT.")
            )
        ],
    )
    agency = filters.ModelMultipleChoiceFilter(
        distinct=False,
        field_name="agency__slug",
        queryset=Agency.objects.all(),
        to_field_name="slug",
        label=_("Agency"),
    )
    agency_id = IdMultipleFilter(
        distinct=False, field_name="agency", queryset=Agency.objects.all(), label=_("Agency (id)")
    )
    enterprise_count_min = WholeNumberFilter(
        field_name="enterprise_count", lookup_expr="gte", label=_("Enterprises from")
    )
    enterprise_count_max = WholeNumberFilter(
        field_name="enterprise_count", lookup_expr="lte", label=_("Enterprises to")
    )
    employment_min = WholeNumberFilter(
        field_name="employment", lookup_expr="gte", label=_("Employment from")
    )
    employment_max = WholeNumberFilter(
        field_name="employment", lookup_expr="lte", label=_("Employment to")
    )
    loom_count_min = WholeNumberFilter(
        field_name="loom_count", lookup_expr="gte", label=_("Looms from")
    )
    loom_count_max = WholeNumberFilter(
        field_name="loom_count", lookup_expr="lte", label=_("Looms to")
    )
    artisan_count_min = WholeNumberFilter(
        field_name="artisan_count", lookup_expr="gte", label=_("Artisans from")
    )
    artisan_count_max = WholeNumberFilter(
        field_name="artisan_count", lookup_expr="lte", label=_("Artisans to")
    )
    turnover_min = WholeNumberFilter(
        field_name="annual_turnover", lookup_expr="gte", label=_("Turnover from (₹)")
    )
    turnover_max = WholeNumberFilter(
        field_name="annual_turnover", lookup_expr="lte", label=_("Turnover to (₹)")
    )
    # Scheme size bands (clusters.size_bands): any of the chosen bands, on the current figures.
    size_band = filters.MultipleChoiceFilter(
        method="filter_size_band", choices=SIZE_BAND_CHOICES, label=_("Scheme size band")
    )
    origin = filters.ChoiceFilter(choices=Origin.choices, label=_("Origin"))
    structure = filters.ChoiceFilter(choices=Structure.choices, label=_("Structure"))
    stage = filters.ChoiceFilter(choices=Stage.choices, label=_("Life-cycle stage"))
    exporting = StrictBooleanFilter(label=_("Exporting"))
    publication_status = filters.MultipleChoiceFilter(
        distinct=False,
        field_name="status",
        choices=PublicationStatus.choices,
        label=_("Publication status"),
    )
    ordering = ClusterOrderingFilter(fields=ORDERING_FIELDS, label=_("Sort by"))

    class Meta:
        model = Cluster
        fields = []

    def search(self, queryset, name, value):
        """Match every word of `value` in the product, place, district, state, sector or
        description."""
        for word in value.split():
            queryset = queryset.filter(clusters_matching(word))
        return queryset

    def filter_artisan(self, queryset, name, value):
        """Keep the artisan group (handicraft and handloom), or everything else."""
        if value is None:
            return queryset
        if value:
            return queryset.filter(cluster_type__in=ARTISAN_TYPES)
        return queryset.exclude(cluster_type__in=ARTISAN_TYPES)

    def filter_size_band(self, queryset, name, value):
        """Keep the clusters in any of the scheme size bands `value`."""
        if not value:
            return queryset
        return queryset.filter(size_band_condition(value))

    def error_messages(self):
        """Return the invalid filters as readable 'name: message' lines."""
        return [
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        ]
