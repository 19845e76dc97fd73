"""Shared version numbers and counters in the cache: whoever changes something moves its version
on, and every worker's copy of what depended on it is retired at once (no timeouts to wait out);
rate limits count in the same shared place."""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache

# While set (a set of keys), bump() only notes the key; held() moves each one on once at the end.
_held = ContextVar("held_version_bumps", default=None)


def current(key):
    """This key's version, set now if no worker has set it yet."""
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        cache.add(key, version, None)
        version = cache.get(key, version)  # another worker's, if it was first
    return version


def bump(key):
    """Move this key's version on (every worker's copy of what depended on it is retired), or, inside
    `held()`, once when the block ends."""
    keys = _held.get()
    if keys is not None:
        keys.add(key)
        return
    cache.set(key, time.time_ns(), None)


@contextmanager
def held():
    """Bumps made inside move each key on once, when the block ends (however it ends).

    For bulk work (an import saving thousands of rows): one cache write per key instead of one per
    saved row. Nested blocks leave the bumps to the outermost one."""
    if _held.get() is not None:
        yield
        return
    keys = set()
    token = _held.set(keys)
    try:
        yield
    finally:
        _held.reset(token)
        for key in sorted(keys):
            bump(key)


def count(key, timeout):
    """Add one to a counter every worker shares and return the new count (1 for a new key).

    The key lives ``timeout`` seconds from its first count. On Redis (``CACHE_URL``) add and incr
    are atomic, so concurrent workers never lose a count; the folder cache is exact for one process.
    """
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
