"""Tests: fast hasher, plain static storage, files in a throwaway folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
DEBUG = False
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="commonground-test-media-"))
SEARCH_INDEX_PATH = MEDIA_ROOT / "search-index"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Small limit so the "file too large" test does not have to build a huge file.
WAGTAILDOCS_MAX_UPLOAD_SIZE = 2 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = WAGTAILDOCS_MAX_UPLOAD_SIZE
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # emptied before each test
