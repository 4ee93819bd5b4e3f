"""Read replicas: anonymous readers' pages read from the `replica` database, everything else
from the primary.

With DATABASE_REPLICA_URL set (config/settings.py) the settings add a `replica` database and
this router. `PublicReadMiddleware` marks a request as a *public read* for the time its view
runs (and its streamed body is produced): a GET or HEAD with no session cookie (so an
anonymous reader) and no Authorization header (an API token). During a public read the router
sends reads to the replica; every write, every read inside a transaction on the primary (a
view that writes then reads what it wrote), and everything a signed-in editor or curator
reads go to the primary, so an editor always sees their own changes at once.

A replica lags its primary by a little, and the public page cache is made stale when a write
commits (common.page_cache): a page rendered just after it from a lagging replica would be
kept, without the change, under the new version. So each replacement of the public version
first records the primary's WAL position (`record_primary_position`), and a public read uses
the replica only once it has replayed that far (one small query, the first time the request
reads; a page served from the cache asks nothing); until then, or while the replica cannot
be reached, the request reads from the primary.
"""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("registry.db_router")

REPLICA_DB_ALIAS = "replica"
ROUTER = "common.db_router.ReplicaRouter"
# The primary's WAL position after the last write that changed public data (PostgreSQL).
PRIMARY_POSITION_KEY = "db-router:primary-wal-position"


class _PublicRead:
    """A public read in progress; whether the replica has caught up, once asked."""

    def __init__(self):
        self.replica_ready = None


_public_read = contextvars.ContextVar("registry_public_read", default=None)


def is_public_read():
    """Return whether the code running serves an anonymous reader's page."""
    return _public_read.get() is not None


@contextlib.contextmanager
def public_read():
    """Mark the block as a public read (what the middleware does for a request)."""
    token = _public_read.set(_PublicRead())
    try:
        yield
    finally:
        _public_read.reset(token)


def replica_enabled():
    """Return whether reads may go to a replica (DATABASE_REPLICA_URL set)."""
    return REPLICA_DB_ALIAS in settings.DATABASES and ROUTER in settings.DATABASE_ROUTERS


def _position_cache():
    return caches[getattr(settings, "PUBLIC_PAGE_CACHE_ALIAS", "default")]


def _is_postgresql(alias):
    return connections[alias].vendor == "postgresql"


def record_primary_position():
    """Remember the primary's current WAL position: public reads wait for the replica to
    have replayed this far. Called after a commit, before the public version is replaced."""
    if not replica_enabled() or not _is_postgresql(DEFAULT_DB_ALIAS):
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (position,) = cursor.fetchone()
    _position_cache().set(PRIMARY_POSITION_KEY, position, timeout=None)


def _replica_caught_up():
    """Return whether the replica has replayed the last recorded write (and answers)."""
    if not _is_postgresql(REPLICA_DB_ALIAS):
        return True
    try:
        position = _position_cache().get(PRIMARY_POSITION_KEY)
        if position is None:
            return True
        with connections[REPLICA_DB_ALIAS].cursor() as cursor:
            # A standby reports what it replayed; a server that is no standby (the tests'
            # mirror of the primary) its own position.
            cursor.execute(
                "SELECT COALESCE(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) >= %s::pg_lsn",
                [position],
            )
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        logger.warning("The replica cannot be reached: public pages read from the primary")
        return False


class ReplicaRouter:
    """Send a public read's queries to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        """Return the replica during a public read outside a primary transaction."""
        state = _public_read.get()
        if (
            state is None
            or REPLICA_DB_ALIAS not in settings.DATABASES
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        if state.replica_ready is None:
            state.replica_ready = _replica_caught_up()
        return REPLICA_DB_ALIAS if state.replica_ready else DEFAULT_DB_ALIAS

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
    # A session (signed in, or messages waiting) reads from the primary. Without a session
    # cookie the reader is anonymous; request.user is not asked, since asking reads the
    # session and would add "Vary: Cookie" to every page (the health probe's included).
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _public_stream(chunks, state):
    """Produce a streamed body's chunks within the public read `state` (they are made after
    the view has returned)."""
    chunks = iter(chunks)
    while True:
        token = _public_read.set(state)
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
        state = _PublicRead()
        token = _public_read.set(state)
        try:
            response = self.get_response(request)
            if response.streaming:
                response.streaming_content = _public_stream(response.streaming_content, state)
        finally:
            _public_read.reset(token)
        return response
