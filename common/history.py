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
    """Historical records that also take their user and reason from the change set."""

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
