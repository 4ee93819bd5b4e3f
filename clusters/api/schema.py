"""OpenAPI description of our filters: a foreign-key filter takes a slug (`state`) or an id
(`state_id`), one value or several (repeated parameter)."""

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from clusters.filtersets import MAX_ID


class RegistryFilterExtension(DjangoFilterExtension):
    """django-filter's extension, knowing that `to_field_name` means a slug (a string) and
    its absence an id (an integer) - without asking the database for the choices."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if not isinstance(
            filter_field, (filters.ModelChoiceFilter, filters.ModelMultipleChoiceFilter)
        ):
            return super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
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
