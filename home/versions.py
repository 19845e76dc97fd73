"""Shared version numbers in the cache: whoever changes something moves its version on, and every
worker's copy of what depended on it is retired at once (no timeouts to wait out)."""

import time

from django.core.cache import cache


def current(key):
    """This key's version, set now if no worker has set it yet."""
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        cache.add(key, version, None)
        version = cache.get(key, version)  # another worker's, if it was first
    return version


def bump(key):
    cache.set(key, time.time_ns(), None)
