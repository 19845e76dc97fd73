"""CACHE_URL puts the shared cache in Redis, so several machines see one rate limit and one set of versions.

These run against the Redis server on this machine (database 15, emptied before and after).
"""

import os
import subprocess
import sys
import threading
import time

import pytest

from django.conf import settings
from django.core.cache import cache

from home import versions
from personas import api

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SETUP = "import django; django.setup(); "
PRINT_BACKEND = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    cache.clear()
    yield cache
    cache.clear()


def run_with(code, **env):
    return subprocess.run(
        [sys.executable, "-c", SETUP + code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "home.settings.dev", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cache_url_selects_redis_and_a_wrong_scheme_is_refused():
    chosen = run_with(PRINT_BACKEND, CACHE_URL=REDIS_URL)
    assert chosen.stdout.strip() == "django.core.cache.backends.redis.RedisCache", chosen.stderr
    default = run_with(PRINT_BACKEND)
    assert default.stdout.strip() == "django.core.cache.backends.filebased.FileBasedCache", default.stderr
    wrong = run_with(PRINT_BACKEND, CACHE_URL="memcached://127.0.0.1:11211")
    assert wrong.returncode != 0
    assert "CACHE_URL must start with redis:// or rediss://" in wrong.stderr


def test_a_version_moved_on_by_another_process_is_seen_here_at_once(redis_cache):
    before = versions.current("insights-version")
    moved = run_with("from home import versions; versions.bump('insights-version')", CACHE_URL=REDIS_URL)
    assert moved.returncode == 0, moved.stderr
    assert versions.current("insights-version") != before


@pytest.mark.django_db
def test_the_notes_rate_limit_holds_exactly_under_eight_threads(redis_cache, settings, rep):
    """8 threads, 160 notes, a limit of 120: exactly 120 pass (the folder cache's get-then-set let 128 through)."""
    settings.NOTES_API_PER_MINUTE = 120
    if time.time() % 60 > 55:  # the limit counts per clock minute: start inside one
        time.sleep(60 - time.time() % 60 + 0.1)
    passed = []
    barrier = threading.Barrier(8)

    def send():
        barrier.wait()
        for _ in range(20):
            passed.append(api.rate_limited(rep) == 0)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (passed.count(True), passed.count(False)) == (120, 40)
