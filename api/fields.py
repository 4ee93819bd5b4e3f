"""Serializer fields of the API, with their OpenAPI description: references that read as an
object and are written as text (a string in requests, an object in responses), and fields
that take a JSON value only of the type the schema gives them (FIELD_MAPPING)."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.utils import html

from clusters import services
from clusters.models import Region
from common.local_names import clean_local_names
from common.partial_dates import parse_partial_date
from common.text import collapse_spaces

REFERENCE_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "slug": {"type": "string"}},
    "required": ["name", "slug"],
}


def clean_text(field, data, max_length):
    """Return `data` as a single-spaced string, failing `field` on anything else."""
    if not isinstance(data, str) or "\x00" in data:
        field.fail("invalid")
    if len(data) > max_length:
        raise serializers.ValidationError(
            _("Ensure this field has no more than %(max)d characters.") % {"max": max_length}
        )
    return collapse_spaces(data)


class NamedRefField(serializers.Field):
    """A sector or agency: written as its slug or its name, read as {name, slug}."""

    default_error_messages = {
        "invalid": _("Give the slug or the name as text."),
        # DRF's fail() formats with str.format: {model}, not %(model)s.
        "unknown": _("There is no {model} with the slug or name “{value}”."),
    }

    max_length = 200

    def __init__(self, *, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def to_representation(self, value):
        return {"name": value.name, "slug": value.slug}

    def to_internal_value(self, data):
        value = clean_text(self, data, self.max_length)
        if not value:
            if self.allow_null:
                return None
            self.fail("unknown", model=self.model._meta.verbose_name, value=value)
        found = (
            self.model.objects.filter(slug=value).first()
            or self.model.objects.filter(name__iexact=value).first()
        )
        if found is None:
            self.fail("unknown", model=self.model._meta.verbose_name, value=value)
        return found


class StateField(serializers.Field):
    """A state or region: written as its slug or its name (India's common spellings such as
    "Orissa" are understood), read as {name, slug}. The serializer resolves it with the
    country (`resolve_state`), because a name means a region of one country."""

    max_length = 100

    default_error_messages = {"invalid": _("Give the state's slug or name as text.")}

    def to_representation(self, value):
        return {"name": value.name, "slug": value.slug}

    def to_internal_value(self, data):
        value = clean_text(self, data, self.max_length)
        return value or None


def resolve_state(value, country):
    """Return the Region `value` (slug or name) names in `country`, None for blank.

    Another country's region that is new comes back unsaved, as `region_lookup` gives it;
    `save_region` creates it when the write happens. Raise a serializer ValidationError.
    """
    if value is None:
        return None
    region = Region.objects.filter(slug=value).first()
    if region is not None:
        if region.country != country:
            raise serializers.ValidationError(
                _("%(state)s is a region of %(other)s, not of %(country)s.")
                % {"state": region.name, "other": region.country, "country": country}
            )
        return region
    try:
        return services.region_lookup(state=value, country=country)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


def save_region(region):
    """Return `region`, created first if it is another country's new region."""
    if region is not None and region.pk is None:
        return services.region_get_or_create(state=region.name, country=region.country)
    return region


def from_json(field):
    """Whether the value of `field` came in a JSON body (not a form, whose values are all
    text and are read by HTML-form rules)."""
    return not html.is_html_input(getattr(field.root, "initial_data", None))


class JSONTypeMixin:
    """Refuse a JSON value of another type than the field's (as the schema says): DRF would
    take `"source": 0` as "0", `"estimated": 0` as false and `"threshold": "5"` as 5."""

    json_types = ()

    def to_internal_value(self, data):
        if from_json(self) and type(data) not in self.json_types:
            self.fail("invalid")
        return super().to_internal_value(data)


# Text that is not only spaces: a character other than those Python's strip() removes
# (str.isspace), for the schema of a required text that DRF trims ("  " is blank).
_SPACES = "".join(f"\\u{code:04x}" for code in range(0x3001) if chr(code).isspace())
NOT_ONLY_SPACES = f"[^{_SPACES}]"


class TextField(JSONTypeMixin, serializers.CharField):
    """Text; its maximum length is of the text as sent (the schema's maxLength), before the
    spaces around it are trimmed."""

    json_types = (str,)

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class EmailField(JSONTypeMixin, serializers.EmailField):
    json_types = (str,)


class URLField(JSONTypeMixin, serializers.URLField):
    json_types = (str,)


class SlugField(JSONTypeMixin, serializers.SlugField):
    json_types = (str,)


class IntegerField(JSONTypeMixin, serializers.IntegerField):
    json_types = (int,)


class BooleanField(JSONTypeMixin, serializers.BooleanField):
    json_types = (bool,)


class RoundedDecimalField(JSONTypeMixin, serializers.DecimalField):
    """A JSON number kept to the column's decimal places: a coordinate of 77.34112345678
    (a GPS reading) is stored as 77.341123, not refused for its digits."""

    json_types = (int, float)

    def validate_precision(self, value):
        if self.decimal_places is not None and value.is_finite():
            value = value.quantize(Decimal(1).scaleb(-self.decimal_places))
        return super().validate_precision(value)


class SlugRelatedField(JSONTypeMixin, serializers.SlugRelatedField):
    json_types = (str,)


# What a ModelSerializer of ours makes of each model field (see RegistryModelSerializer).
FIELD_MAPPING = {
    models.CharField: TextField,
    models.TextField: TextField,
    models.EmailField: EmailField,
    models.URLField: URLField,
    models.SlugField: SlugField,
    models.IntegerField: IntegerField,
    models.BigIntegerField: IntegerField,
    models.PositiveIntegerField: IntegerField,
    models.PositiveBigIntegerField: IntegerField,
    models.PositiveSmallIntegerField: IntegerField,
    models.SmallIntegerField: IntegerField,
    models.BooleanField: BooleanField,
    models.DecimalField: RoundedDecimalField,
}


class PartialDateField(serializers.Field):
    """A relationship date as it was typed (common.partial_dates): "2018", "2018-03" or
    "2018-03-05" both ways; the model's `<name>_precision` says which. Written only in
    these three forms (PATTERN), which the schema states."""

    PATTERN = r"^(1[89][0-9]{2}|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
    default_error_messages = {
        "invalid": _("Give the date as 2015, 2015-06 or 2015-06-30."),
    }

    def get_attribute(self, instance):
        return getattr(instance, f"{self.source}_partial")

    def to_representation(self, value):
        return value.iso()

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.match(self.PATTERN, data):
            self.fail("invalid")
        try:
            return parse_partial_date(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class CurrencyField(TextField):
    """An ISO 4217 code where one applies: a count has none and reads as null (not "",
    which the code's pattern does not allow)."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class TextFieldExtension(OpenApiSerializerFieldExtension):
    """Describe a TextField; one that may not be blank says that spaces alone are blank."""

    target_class = TextField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if (
            direction == "request"
            and not field.allow_blank
            and field.trim_whitespace
            and schema.get("type") == "string"
            and "pattern" not in schema
        ):
            schema["pattern"] = NOT_ONLY_SPACES
        return schema


class PartialDateFieldExtension(OpenApiSerializerFieldExtension):
    """Describe a PartialDateField: a year, year-month or date as text, or null."""

    target_class = PartialDateField

    def map_serializer_field(self, auto_schema, direction):
        schema = {
            "type": "string",
            "pattern": PartialDateField.PATTERN,
            "description": "2015, 2015-06 or 2015-06-30: as precise as it is known",
            "example": "2015-06",
        }
        if self.target.allow_null:
            schema["nullable"] = True
        return schema


class CurrencyFieldExtension(OpenApiSerializerFieldExtension):
    """Describe a CurrencyField: the code in a request; the code or null in a response."""

    target_class = CurrencyField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["nullable"] = True
        return schema


class ReferenceFieldExtension(OpenApiSerializerFieldExtension):
    """Describe a NamedRefField: text in a request, {name, slug} in a response."""

    target_class = NamedRefField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {
                "type": "string",
                "maxLength": self.target.max_length,
                "description": "slug or name",
            }
        return REFERENCE_SCHEMA


class StateFieldExtension(ReferenceFieldExtension):
    target_class = StateField


class LocalNamesField(serializers.DictField):
    """A record's names in the site's other languages, {language code: name}; a blank name
    is dropped, an unknown language refused (common.local_names)."""

    child = serializers.CharField(allow_blank=True, trim_whitespace=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "The name in each of the site's other languages, keyed by language code "
                '(e.g. {"hi": "…"}); the English name stays in its own field.'
            ),
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return clean_local_names(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
