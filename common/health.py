"""Health probe and the answer while the database is down.

`/healthz` is 200 while the database answers `SELECT 1` and 503 while it does not; it uses
nothing but that query (no session, no user, no template), so a load balancer can poll it.

While the database is down every page answers 503 "temporarily unavailable" with a
Retry-After header instead of a 500: `DatabaseUnavailableMiddleware` catches the errors a
view raises, and `server_error` (the site's handler500) those raised anywhere else, such as
a session saved by its middleware. Django calls handler500 inside its `except` block, so the
error is still in `sys.exc_info()`. The 503 page is rendered without a request (no context
processors, no user, no session, no messages), so rendering it never touches the database.
Nothing is kept between requests: once the database is back the next request works.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger("registry.health")

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 30
# The errors that mean "the database cannot be reached", as opposed to a bug in a query
# (ProgrammingError, IntegrityError, ...), which stays a 500.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(exc):
    """Return whether `exc`, or an exception it was raised from, is a lost database."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(exc=None):
    """Return the 503 "temporarily unavailable" page, rendered without touching the database."""
    if exc is not None:
        logger.warning("Database unavailable: %s", str(exc).strip() or type(exc).__name__)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 instead of 500 when a view fails because the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return unavailable_response(exception)
        return None


def server_error(request, *args, **kwargs):
    """handler500: a 503 page when the error is a lost database, Django's 500 page otherwise.

    Either is in the request's language (its cookie or Accept-Language), read here again:
    the error may have been raised before LocaleMiddleware activated it, or after another
    request's language was left active on this thread.
    """
    exc = sys.exc_info()[1]
    with translation.override(request_language(request)):
        if is_database_unavailable(exc):
            return unavailable_response(exc)
        return default_server_error(request, *args, **kwargs)


def request_language(request):
    """Return the language a request asks for, without the database (no session read)."""
    try:
        return translation.get_language_from_request(request)
    except Exception:
        return translation.get_language()


@never_cache
def healthz(request):
    """200 `{"status": "ok"}` when the database answers, 503 while it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database unavailable: %s", str(exc).strip())
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
