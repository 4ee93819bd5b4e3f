"""Turn the services' errors into API responses: a Django ValidationError is a 400 with the
field messages, a stale edit is 412 Precondition Failed."""

import contextlib

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from clusters.services import StaleEdit


class PreconditionFailed(APIException):
    """412: the record changed since the client read it (If-Match or `version` is stale)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it; read it again, then retry.")
    default_code = "stale"


def api_validation_error(exc, aliases=None):
    """Return the DRF ValidationError for a Django one, renaming model fields to API names."""
    aliases = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, **(aliases or {})}
    detail = as_serializer_error(exc)
    return ValidationError({aliases.get(key, key): value for key, value in detail.items()})


@contextlib.contextmanager
def service_errors(aliases=None):
    """Run a service call, re-raising its errors as the API's (400 with fields, 412 stale)."""
    try:
        yield
    except StaleEdit as exc:
        raise PreconditionFailed(detail=" ".join(exc.messages)) from exc
    except DjangoValidationError as exc:
        raise api_validation_error(exc, aliases) from exc


def exception_handler(exc, context):
    """DRF's handler, also answering service errors raised outside `service_errors`."""
    if isinstance(exc, StaleEdit):
        exc = PreconditionFailed(detail=" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = api_validation_error(exc)
    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    """The body of an error that is not about fields: what went wrong, in a sentence."""

    detail = serializers.CharField()


# The body of a 400: the messages by field ({"state": ["…"]}, "non_field_errors" for the
# record as a whole); a message is a string, a list of them, or nested for nested fields.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {},
    "example": {"state": ["'Atlantis' is not a state or union territory of India."]},
}

# The OpenAPI description of a 412, shared by every versioned write.
STALE_RESPONSE = OpenApiResponse(
    response=ErrorSerializer,
    description="If-Match or `version` is stale: read the record again.",
)
