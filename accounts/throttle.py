"""A small fixed-window counter in Django's cache, for the password-reset limits.

The default cache is per process unless DJANGO_CACHE_BACKEND names a shared one (`make
serve` uses a file cache shared by its workers), so with several processes on a
per-process cache each counts on its own.
"""

import hashlib

from django.core.cache import cache

HOUR = 3600


def _key(scope, value):
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"registry:throttle:{scope}:{digest}"


def hit(scope, value, *, limit, period=HOUR):
    """Count one request for `value` in `scope`; return whether it is within `limit` per
    `period` seconds (the window starts with the first request)."""
    key = _key(scope, value)
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    return count <= limit
