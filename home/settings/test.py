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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's in-memory default: with an in-memory database the live server's thread
    # and the browser test's thread share one connection, so a page still loading (a thumbnail,
    # a beacon) can be inside a transaction while the test writes, and the test's write fails
    # ("on_commit() cannot be used in manual transaction management"). Django's docs warn of
    # this under LiveServerTestCase. pytest-xdist gives each worker its own file (_gw0, _gw1 …).
    # Its own throwaway folder, removed with the media folder at the end (tests/conftest.py).
    DATABASE_FOLDER = Path(tempfile.mkdtemp(prefix="commonground-test-db-"))
    DATABASES["default"]["TEST"] = {"NAME": str(DATABASE_FOLDER / "db.sqlite3")}  # noqa: F405
SEARCH_INDEX_PATH = MEDIA_ROOT / "search-index"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Small limit so the "file too large" test does not have to build a huge file.
WAGTAILDOCS_MAX_UPLOAD_SIZE = 2 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = WAGTAILDOCS_MAX_UPLOAD_SIZE
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # emptied before each test
# An empty folder: whitenoise finds static files in the apps (as before collectstatic) without warning.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="commonground-test-static-"))
# whitenoise looks static files up per request instead of listing every one of them each time a
# test client starts its middleware (0.01 s per client instead of 0.2 s).
WHITENOISE_AUTOREFRESH = True
# LibreOffice takes seconds per file: only the tests about Office previews use it (they set it).
LIBREOFFICE_PATH = "/nonexistent/soffice"
