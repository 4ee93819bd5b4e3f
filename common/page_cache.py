"""The page cache for anonymous readers: public pages and API reads served from the cache
until the registry changes.

Published data changes rarely and is read often, so an anonymous GET (or HEAD) answered
200 is kept in the cache and served from there to the next anonymous reader who asks for
the same thing. Every cached page is stored under one registry-wide *public version*: any
write to the registry replaces the version once its transaction commits, so the next
reader misses and sees the change at once (the old pages are never read again and expire).

Who bumps the version: every registry model keeps its history (common.history), and
`RegistryHistory` bumps on every save, delete and change of members that it records, raw
saves (fixtures) included; `bulk_history_insert`, which every bulk write and COPY import
calls, bumps too; writes that keep no history of their own (simple-history's bulk helpers,
generate_scale_data) call `bump_public_version()` themselves; a migration bumps after it
runs, so a deployment never serves pages rendered by the old code.

What is cached (`PublicPageCacheMiddleware`): GET and HEAD, no Authorization header, an
anonymous user with no messages waiting; a 200, not streamed, with no cookie set, no
Cache-Control private / no-cache / no-store (health probe, login), that did not put the
request's CSP nonce in its markup (Swagger UI, Redoc; the CSP header of a cached page is
written afresh for each request, without a nonce) and is not a DRF HTML page (its CSP is
relaxed by config.csp from the renderer, which a cached response no longer has). The key
is the version, the scheme and host (the API writes absolute links), the path with its
query string, the language chosen for the request, the Accept header (the API's format)
and the HTMX headers. A response that varies on any other request header is not cached.

Settings: PUBLIC_PAGE_CACHE_SECONDS (0 switches the cache off) and PUBLIC_PAGE_CACHE_ALIAS
(the cache used, `default`). The cache must be one that every process shares (the file
cache of `make serve`, Redis): with a per-process memory cache a write in one process would
not reach the pages the others keep, which is why the setting is off by default there.
"""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.http import split_header_value
from django.utils.translation import get_language

from common import db_router

logger = logging.getLogger("registry.page_cache")

VERSION_KEY = "public-page-cache:version"
PAGE_KEY_PREFIX = "public-page-cache:page"
# Request headers a cached page may vary on: they are part of the key (Cookie: no cookie a
# cached page depends on reaches it, see `_request_is_cacheable`).
KEYED_VARY_HEADERS = {"accept", "accept-language", "accept-encoding", "cookie"}
KEYED_REQUEST_HEADERS = ("Accept", "HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted")
# The cookie of django.contrib.messages' cookie storage (the session's is a setting).
MESSAGES_COOKIE = "messages"
# Conditional and partial requests go to the view, which answers them as it always has.
BYPASS_REQUEST_HEADERS = ("Authorization", "Range", "If-Match", "If-Unmodified-Since")
REFUSED_CACHE_CONTROL = {"private", "no-cache", "no-store"}


def page_cache_seconds():
    """Return how long a page is kept (0: the page cache is off)."""
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)


def _cache():
    return caches[getattr(settings, "PUBLIC_PAGE_CACHE_ALIAS", "default")]


# The public version --------------------------------------------------------------------


def public_version():
    """Return the current public version, starting a new one if the cache has none."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add: of two processes starting a version at once, both use the first one's.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def _replace_public_version():
    try:
        # First, so that a reader who gets the new version renders from a replica only once
        # it shows this write (common.db_router).
        db_router.record_primary_position()
    except Exception:
        logger.exception("Could not record the primary's position for the replica")
    try:
        _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # The write is committed; a cache that cannot be reached serves no page either.
        logger.exception("Could not bump the public page cache version")


class _PendingBump:
    """The bump that the writes of one transaction share: done once, by the first of their
    on-commit callbacks to run."""

    def __init__(self):
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            _replace_public_version()


def bump_public_version(using=None):
    """Make every cached public page stale once the current transaction commits.

    Call it from any write that can change what anonymous readers see and that writes no
    history through common.history (which bumps by itself). Outside a transaction the
    version changes at once; a rolled-back transaction changes nothing. However many rows
    a transaction writes, the version is replaced once when it commits.
    """
    connection = transaction.get_connection(using)
    pending = getattr(connection, "_public_version_bump", None)
    if pending is None or pending.done:
        pending = connection._public_version_bump = _PendingBump()
    # On commit, never before: a page rendered between the bump and the commit would show
    # the old data under the new version. Each write registers the shared bump (cheap), so
    # a savepoint rolled back with its callbacks never takes a later write's bump with it.
    transaction.on_commit(pending, using=using)


def _bump_after_migrate(using=None, **kwargs):
    bump_public_version(using=using)


def connect_signals():
    """Bump the version after every `migrate`: a deployment's new code and data."""
    from django.db.models.signals import post_migrate

    post_migrate.connect(_bump_after_migrate, dispatch_uid="public-page-cache-migrate")


# The middleware ------------------------------------------------------------------------


def _request_is_cacheable(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if any(header in request.headers for header in BYPASS_REQUEST_HEADERS):
        return False
    # A session (a signed-in reader, or one with messages waiting) makes the page theirs.
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES
    )


def _user_is_anonymous(request):
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _page_key(request, version):
    parts = [
        version,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", ""),
        *(request.headers.get(header, "") for header in KEYED_REQUEST_HEADERS),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{digest}"


def _response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token of this reader's
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        return False  # the page holds this request's CSP nonce
    cache_control = {
        part.split("=", 1)[0].strip().lower()
        for part in split_header_value(response.get("Cache-Control", ""))
    }
    if cache_control & REFUSED_CACHE_CONTROL:
        return False
    vary = {part.lower() for part in split_header_value(response.get("Vary", ""))}
    if vary - KEYED_VARY_HEADERS or "*" in vary:
        return False
    renderer = getattr(response, "accepted_renderer", None)
    if renderer is not None and getattr(renderer, "media_type", "").startswith("text/html"):
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and (messages.used or len(messages)))


# What the outer middleware reads from a response besides its headers (a view's own CSP,
# its exemption from X-Frame-Options).
KEPT_ATTRIBUTES = ("_csp_config", "_csp_ro_config", "xframe_options_exempt")


def _stored(response):
    return {
        "status": response.status_code,
        "content": response.content,
        "headers": list(response.headers.items()),
        "attributes": {
            name: getattr(response, name) for name in KEPT_ATTRIBUTES if hasattr(response, name)
        },
    }


def _restored(entry):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    for name, value in entry["attributes"].items():
        setattr(response, name, value)
    return response


class PublicPageCacheMiddleware:
    """Serve anonymous readers' GETs from the page cache (see the module's docstring).

    Sits below the authentication and message middleware (it asks who the reader is and
    whether messages wait) and the locale middleware (the language is part of the key).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if not seconds or not _request_is_cacheable(request) or not _user_is_anonymous(request):
            return self.get_response(request)
        try:
            key = _page_key(request, public_version())
            entry = _cache().get(key)
        except Exception:
            logger.exception("The public page cache cannot be read")
            return self.get_response(request)
        if entry is not None:
            response = _restored(entry)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            if request.method == "HEAD" and not response.content:
                return response  # a HEAD's empty body must not answer a later GET
            try:
                _cache().set(key, _stored(response), timeout=seconds)
            except Exception:
                logger.exception("The public page cache cannot be written")
            response["X-Page-Cache"] = "miss"
        return response


# Data kept until the public data changes ---------------------------------------------------


# The value last kept under each name and the key it was kept under, in this process: while
# the public version is the same, a page takes it from here rather than unpickling it from
# the cache on every request (the stakeholder filter's options are hundreds of clusters).
_kept_in_process = {}


def kept_until_public_change(name, compute, *, timeout=60 * 60):
    """Return `compute()`, kept in the cache under the current public version.

    For what a public page reads that depends on the whole published registry (the choices
    of a filter form), so that it is computed once per change of the registry rather than
    once per reader. Every write path bumps the version (see bump_public_version), so the
    kept value is never older than the data. The requests of a process share the value it
    last kept (read it, never change it).
    """
    # Kept per language too: what is computed may hold translated labels.
    language = get_language()
    key = f"public-page-cache:kept:{public_version()}:{language}:{name}"
    here = _kept_in_process.get((name, language))
    if here is not None and here[0] == key:
        return here[1]
    cache = _cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    _kept_in_process[(name, language)] = (key, value)
    return value
