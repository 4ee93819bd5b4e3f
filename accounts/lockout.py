"""The sign-in lock-out (django-axes), by account and by address.

AXES_LOCKOUT_PARAMETERS counts failures two ways: for one username from one address
(AXES_FAILURE_LIMIT, 5: someone guessing one account's password) and from one address
whatever the usernames (AXES_ADDRESS_FAILURE_LIMIT, 20: someone trying a password on many
accounts). Axes compares every count with the one limit, so the address's count is scaled
to it here; an office's colleagues behind one address can make a few typing mistakes each
without locking one another out.

A successful sign-in clears the failures of that account from that address only: signing in
to an account of one's own must not wipe what the address tried on other accounts.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ACCOUNT, ADDRESS = "account", "address"


def address_failure_limit():
    """Return how many failures from one address, over every username, lock it."""
    return getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", 20)


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class RegistryAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for an address (see the module)."""

    def get_failures(self, request, credentials=None):
        """Return the failures that count against the limit, noting on the request which
        lock (ACCOUNT or ADDRESS) is the nearer (`registry_lockout`)."""
        per_account, per_address = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        limit = get_failure_limit(request, credentials)
        scaled = per_address * limit // max(address_failure_limit(), 1)
        request.registry_lockout = ACCOUNT if per_account >= scaled else ADDRESS
        return max(per_account, scaled)

    def reset_user_attempts(self, request, credentials=None):
        """Clear the failures of the signed-in account from this address, no other."""
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def client_ip(request):
    """Return the client's address: REMOTE_ADDR, or with REGISTRY_PROXY_COUNT trusted
    reverse proxies in front, the address the outermost of them saw (X-Forwarded-For)."""
    proxies = getattr(settings, "REGISTRY_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Each proxy appends the address it received the request from: the nearest proxy's
    # entry is last, so the client is the entry `proxies` from the end (earlier entries
    # are whatever the client sent, and are not trusted).
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
