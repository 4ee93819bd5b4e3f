"""The shared cache on Redis, which an outage of Redis does not turn into errors.

Django's RedisCache raises when Redis cannot be reached, and the cache is read on most
public pages (network measures, kept filter choices) and written by every network write:
a Redis restart would make those pages and writes fail. `RegistryRedisCache` is Django's
RedisCache where an unreachable Redis (a refused connection, a time-out) is a cache that
keeps nothing: reads miss, writes are dropped, `incr` finds no key; each is logged. The
pages are then computed from the database, more slowly; nothing is lost, since the cache
holds only what can be computed again. What a write invalidated while Redis was away is
bounded by each entry's timeout (an hour for network measures, PUBLIC_PAGE_CACHE_SECONDS for
pages) should Redis come back with its old contents.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("registry.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _unreachable_gives(make_result):
    """Wrap a cache method: when Redis cannot be reached, log and return make_result(...)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                logger.warning(
                    "Redis cannot be reached (%s: %s): cache %s skipped",
                    type(error).__name__,
                    error,
                    method.__name__,
                )
                return make_result(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _missing_key(*args, **kwargs):
    raise ValueError("Key not found: Redis cannot be reached")


class RegistryRedisCache(RedisCache):
    """Django's RedisCache, answering as an empty cache while Redis cannot be reached."""

    get = _unreachable_gives(_default)(RedisCache.get)
    get_many = _unreachable_gives(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _unreachable_gives(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _unreachable_gives(lambda *args, **kwargs: False)(RedisCache.add)
    set = _unreachable_gives(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _unreachable_gives(lambda *args, **kwargs: [])(RedisCache.set_many)
    touch = _unreachable_gives(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _unreachable_gives(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _unreachable_gives(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _unreachable_gives(_missing_key)(RedisCache.incr)
