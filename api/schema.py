"""The OpenAPI description of the API as it answers.

`RegistryAutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds to each operation what
every view of ours does alike: reads need no token, the error responses it can give (400,
401, 403, 404, 412, 415, each with its body), If-Match and ETag on versioned records, and
that a blank query parameter is no filter. `RegistryFilterExtension` describes our filters:
a foreign-key filter takes a slug (`state`) or an id (`state_id`), one value or several
(repeated parameter); a text filter with a pattern says so.
"""

from django.core.validators import RegexValidator
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from api.exceptions import FIELD_ERRORS, STALE_RESPONSE, ErrorSerializer
from clusters.choices import AMOUNT_MEASURES, Measure
from clusters.filtersets import MAX_ID

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The ETag you read ("4", or W/"4" as a gzip client receives it; * for any version). '
        "If the record changed since, the write is refused with 412."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The record\'s version, quoted ("4"; W/"4" when the response is gzipped).',
)


def _error(description):
    return OpenApiResponse(response=ErrorSerializer, description=description)


class RegistryAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, describing what our views share (see the module)."""

    @property
    def is_versioned_write(self):
        """Whether this is an edit of a versioned record (PUT, PATCH, a workflow step)."""
        versioned = hasattr(self.view, "expected_version")
        detail = "{" in self.path
        return versioned and detail and self.method in ("PUT", "PATCH", "POST")

    def get_auth(self):
        auths = super().get_auth()
        # Reads are public (published records): a token or session is optional.
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.is_versioned_write:
            parameters.append(IF_MATCH)
        if hasattr(self.view, "expected_version") and getattr(self.view, "action", None) in (
            "retrieve",
            "create",
            "update",
            "partial_update",
            "transition",
        ):
            parameters.append(ETAG)
        return parameters

    def _get_filter_parameters(self):
        return self._blank_is_not_given(super()._get_filter_parameters())

    def _get_pagination_parameters(self):
        return self._blank_is_not_given(super()._get_pagination_parameters())

    @staticmethod
    def _blank_is_not_given(parameters):
        """Say that a query parameter may be blank: `?sector=` is no sector filter."""
        for parameter in parameters:
            if parameter.get("in") == OpenApiParameter.QUERY:
                parameter["allowEmptyValue"] = True
        return parameters

    def error_responses(self):
        """Return {status: response} of the errors this operation can answer."""
        detail = "{" in self.path
        responses = {
            "401": _error(
                "A token that is not valid; for a write, no token (`WWW-Authenticate: Token`)."
            )
        }
        if self.method in SAFE_METHODS:
            if self._is_list_view():
                responses["400"] = OpenApiResponse(
                    response=FIELD_ERRORS,
                    description="An invalid filter or page size, with its message by name.",
                )
                responses["404"] = _error("No such cursor or page.")
            elif detail:
                responses["404"] = _error("No such record, or not one you may see.")
            return responses
        responses["403"] = _error(
            "You may not do this (a user of no agency, or not a curator), or a signed-in "
            "session without its CSRF token."
        )
        if detail:
            responses["404"] = _error(
                "No such record, or not one you may change (a record you may not see is not "
                "found either)."
            )
        if self.method != "DELETE":
            responses["400"] = OpenApiResponse(
                response=FIELD_ERRORS, description="Invalid input: the messages by field."
            )
            responses["415"] = _error("A body that is not JSON, a form or multipart.")
        if self.is_versioned_write:
            responses["412"] = STALE_RESPONSE
        return responses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self.error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))


class RegistryFilterExtension(DjangoFilterExtension):
    """django-filter's extension, knowing that `to_field_name` means a slug (a string) and
    its absence an id (an integer) - without asking the database for the choices."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if not isinstance(
            filter_field, (filters.ModelChoiceFilter, filters.ModelMultipleChoiceFilter)
        ):
            parameters = super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
            patterns = [
                validator.regex.pattern
                for validator in filter_field.extra.get("validators", ())
                if isinstance(validator, RegexValidator) and not validator.inverse_match
            ]
            for parameter in parameters:
                schema = parameter["schema"]
                if patterns and schema.get("type") == "string":
                    # Python's \Z (no newline after) is the end in ECMA's dialect.
                    schema["pattern"] = patterns[0].replace("\\Z", "$")
                if schema.get("type") == "integer":
                    for bound, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
                        if filter_field.extra.get(bound) is not None:
                            schema[keyword] = filter_field.extra[bound]
            return parameters
        by_slug = bool(filter_field.extra.get("to_field_name"))
        if by_slug:
            schema = build_basic_type(OpenApiTypes.STR)
        else:
            schema = {**build_basic_type(OpenApiTypes.INT64), "minimum": 1, "maximum": MAX_ID}
        multiple = isinstance(filter_field, filters.ModelMultipleChoiceFilter)
        if multiple:
            schema = build_array_type(schema)
        label = str(filter_field.label or field_name)
        return [
            build_parameter_type(
                name=field_name,
                required=filter_field.extra["required"],
                location=OpenApiParameter.QUERY,
                description=label if "(" in label else f"{label} ({'slug' if by_slug else 'id'})",
                schema=schema,
                explode=True if multiple else None,
                style="form" if multiple else None,
            )
        ]


class FigureRequestExtension(OpenApiSerializerExtension):
    """A figure to record: a count's value is at most MAX_COUNT (its column on the cluster),
    an amount's a bigint. Said as one alternative per kind of measure."""

    target_class = "api.serializers.clusters.ClusterFigureSerializer"

    def map_serializer(self, auto_schema, direction):
        from api.serializers.clusters import MAX_COUNT

        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction != "request":
            return schema
        counts = [measure for measure in Measure.values if measure not in AMOUNT_MEASURES]
        # Patterns, not enums: drf-spectacular would turn an enum into a component.
        schema["oneOf"] = [
            {
                "properties": {
                    "measure": {"pattern": f"^({'|'.join(counts)})$"},
                    "value": {"maximum": MAX_COUNT},
                }
            },
            {"properties": {"measure": {"pattern": f"^({'|'.join(AMOUNT_MEASURES)})$"}}},
        ]
        return schema
