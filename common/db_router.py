"""Read replicas: anonymous readers' pages read from the `replica` database, everything else
from the primary.

With DATABASE_REPLICA_URL set (config/settings.py) the settings add a `replica` database and
this router. `PublicReadMiddleware` marks a request as a *public read* for the time its view
runs (and its streamed body is produced): a GET or HEAD with no session cookie, no
Authorization header (an API token) and an anonymous user. During a public read the router
sends reads to the replica; every write, every read inside a transaction on the primary (a
view that writes then reads what it wrote), and everything a signed-in editor or curator
reads go to the primary, so an editor always sees their own changes at once.

A replica lags its primary by a little. What that means for readers: a page read just after a
write may show the data of a moment before; and since the public page cache is made stale on
commit (common.page_cache), the first page rendered from a lagging replica could be kept under
the new version. PUBLIC_PAGE_CACHE_SECONDS bounds how long; with a synchronous standby
(`synchronous_commit = remote_apply` on the primary) there is no lag to see.
"""

import contextlib
import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"

_public_read = contextvars.ContextVar("registry_public_read", default=False)


def is_public_read():
    """Return whether the code running serves an anonymous reader's page."""
    return _public_read.get()


@contextlib.contextmanager
def public_read():
    """Mark the block as a public read (what the middleware does for a request)."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class ReplicaRouter:
    """Send a public read's queries to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        """Return the replica during a public read outside a primary transaction."""
        if (
            _public_read.get()
            and REPLICA_DB_ALIAS in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        """Return the primary, always: also for an object that was read from the replica."""
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """Allow relations between objects of the primary and of its replica (one database)."""
        aliases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Migrate the primary only: the replica follows it by replication."""
        if db == REPLICA_DB_ALIAS:
            return False
        return None


def _request_is_public_read(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if "Authorization" in request.headers:
        return False  # an API token: a signed-in editor, who reads the primary
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # a session (signed in, or messages waiting) is read from the primary
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _public_stream(chunks):
    """Produce a streamed body's chunks as a public read (they are made after the view)."""
    chunks = iter(chunks)
    while True:
        token = _public_read.set(True)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        finally:
            _public_read.reset(token)
        yield chunk


class PublicReadMiddleware:
    """Mark anonymous readers' GET and HEAD requests as public reads (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_public_read(request):
            return self.get_response(request)
        token = _public_read.set(True)
        try:
            response = self.get_response(request)
        finally:
            _public_read.reset(token)
        if response.streaming:
            response.streaming_content = _public_stream(response.streaming_content)
        return response
