"""Local development: SQLite, embedded search, demo data allowed."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine on a developer's machine; production refuses to start without its own.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-key-not-for-production"
DEMO_DATA_ALLOWED = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
