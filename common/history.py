"""Audit history: who changed what, through any path (site, admin, importer, API).

Every registry model declares `history = RegistryHistory()`. A write that is not a web
request (an import from the command line, a reclassification) runs inside
`change_set(user=..., reason=...)`, so its history rows name who did it and group under
one identifiable reason ("import clusters.csv #3f2a...").
"""

import contextlib
import contextvars
import uuid

from simple_history.models import HistoricalRecords
from simple_history.utils import get_change_reason_from_object

from common.page_cache import bump_public_version, connect_signals

_current = contextvars.ContextVar("change_set", default=None)


class ChangeSet:
    """The author and reason that history rows written in one operation share."""

    def __init__(self, user=None, reason=""):
        self.user = user
        self.id = uuid.uuid4().hex[:8]
        self.reason = f"{reason} #{self.id}" if reason else ""


@contextlib.contextmanager
def change_set(*, user=None, reason=""):
    """Attribute every history row written inside the block to `user`, with `reason`."""
    current = ChangeSet(user=user, reason=reason)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


def current_change_set():
    """Return the change set in force, or None outside one."""
    return _current.get()


class RegistryHistory(HistoricalRecords):
    """Historical records that also take their user and reason from the change set.

    Every write they see (save, delete, members added or removed, raw saves of fixtures
    too) makes the cached public pages stale once it commits (common.page_cache).
    """

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        connect_signals()

    def copy_fields(self, model):
        """Copy the model's fields, indexed only where the history is looked up: by the
        record's id and by its foreign keys (a cluster's history); every other index of
        the model (names, slugs, kinds) would cost each import row a write for no reader."""
        self.no_db_index = [
            field.name
            for field in model._meta.concrete_fields
            if (field.db_index or field.unique) and not field.is_relation and not field.primary_key
        ]
        return super().copy_fields(model)

    def post_save(self, instance, created, using=None, **kwargs):
        bump_public_version(using=using)
        super().post_save(instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        bump_public_version(using=using)
        super().post_delete(instance, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            bump_public_version(using=kwargs.get("using"))
        return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)

    def get_history_user(self, instance):
        """Return the instance's explicit user, the change set's, or the request's."""
        current = _current.get()
        if not hasattr(instance, "_history_user") and current and current.user:
            return current.user
        return super().get_history_user(instance)

    def get_change_reason_for_object(self, instance, history_type, using):
        """Return the instance's own change reason, else the change set's."""
        reason = get_change_reason_from_object(instance)
        if reason:
            return reason
        current = _current.get()
        return current.reason if current else None


def bulk_history_insert(model, pks, *, history_type="+", chunk_size=1000):
    """Write one history row per primary key in `pks` of `model`, copied in the database.

    The bulk counterpart of saving each row under simple-history: one INSERT ... SELECT per
    chunk instead of building a historical object per row in Python. The rows are
    attributed to the current change set's user and reason.
    """
    from django.db import connections, router
    from django.utils import timezone

    history_model = model.history.model
    history_columns = {field.column for field in history_model._meta.concrete_fields}
    columns = [
        field.column for field in model._meta.concrete_fields if field.column in history_columns
    ]
    current = _current.get()
    user_id = current.user.pk if current and current.user else None
    reason = current.reason if current else None
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(column) for column in columns)
    pks = list(pks)
    target = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({column_sql}, "
        f"{quote('history_date')}, {quote('history_type')}, "
        f"{quote('history_user_id')}, {quote('history_change_reason')}) "
        f"SELECT {column_sql}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
    )
    pk_column = quote(model._meta.pk.column)
    stamp = [timezone.now(), history_type, user_id, reason]
    # The bulk writes and COPY imports send no signal: this is where they change the public.
    bump_public_version(using=connection.alias)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter per large chunk: few statements, no long IN lists.
            for start in range(0, len(pks), chunk_size * 20):
                chunk = pks[start : start + chunk_size * 20]
                cursor.execute(target + f"WHERE {pk_column} = ANY(%s)", [*stamp, chunk])
            return
        for start in range(0, len(pks), chunk_size):
            chunk = pks[start : start + chunk_size]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(target + f"WHERE {pk_column} IN ({placeholders})", [*stamp, *chunk])


class RevisionHistory(RegistryHistory):
    """The history of a proposed revision (who proposed, amended, withdrew or reviewed it,
    and when): a revision changes nothing public, so saving one leaves the cached public
    pages alone (common.page_cache), unlike the registry's own records."""

    def post_save(self, instance, created, using=None, **kwargs):
        HistoricalRecords.post_save(self, instance, created, using=using, **kwargs)

    def post_delete(self, instance, using=None, **kwargs):
        HistoricalRecords.post_delete(self, instance, using=using, **kwargs)
