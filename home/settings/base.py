"""Settings shared by every environment; safe for production on their own.

Everything a deployment changes comes from environment variables, each with a
documented default (see the README's "Configuration" table).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "personas",
    "content",
    "search",
    "wagtail.api.v3",  # per-user API tokens that people create and revoke in the admin
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks.backends.database",  # the queue a worker reads when TASK_BACKEND is "database"
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # before staticfiles: runserver serves static files as gunicorn does
    "django.contrib.staticfiles",
    "health_check",  # readiness checks (home/operations.py, /readyz)
    "axes",  # login throttling (home/login_throttle.py)
    "csp",  # Content-Security-Policy header (home.middleware.ContentSecurityPolicyMiddleware)
]

MIDDLEWARE = [
    # One log line per request: method, path, status, duration, user id (home/operations.py).
    "home.operations.RequestLogMiddleware",
    "home.api.JsonApiMiddleware",  # outermost: every /api/ answer is JSON, errors included
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin's CSS too) under gunicorn, compressed and cached; see STORAGES.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "home.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "home.middleware.LoginRequiredMiddleware",
    "home.middleware.AdminPageVisibilityMiddleware",
    "home.middleware.OutOfRangeIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a login refused by django-axes into the login page saying so (429).
    "axes.middleware.AxesMiddleware",
]

# django-axes checks each login against its lock-outs first; then the usual user table.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "home.urls"
WSGI_APPLICATION = "home.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.role_flags",
            ],
        },
    },
]

# DATABASE_URL, e.g. postgres://user@127.0.0.1:5432/commonground; SQLite by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for a writer, commits don't wait for the disk twice, and two workers
    # writing at once queue for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Everything requires login; anonymous visitors land here.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# URL names reachable without a session (besides our own login view, which
# Django marks itself). Wagtail's admin login and password reset live here.
LOGIN_EXEMPT_URL_NAMES = [
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
]
# Login throttling (django-axes, home/login_throttle.py): after LOGIN_FAILURE_LIMIT failed logins
# for one username, or from one address, within the cool-off, that username or address is locked
# out for LOGIN_COOLOFF_MINUTES (each further try starts it again), even with the right password.
# A superuser lifts a lock-out at once in the admin (Settings → Failed logins) or with
# `manage.py axes_reset_username <name>` or `axes_reset_ip <address>`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
# The address is REMOTE_ADDR: behind a reverse proxy that is the proxy's, shared by everyone, so
# there turn LOGIN_LOCKOUT_BY_ADDRESS off (usernames stay throttled).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] if env_bool("LOGIN_LOCKOUT_BY_ADDRESS", True) else ["username"]
AXES_LOCKOUT_CALLABLE = "home.login_throttle.lockout_response"
WAGTAILADMIN_USER_LOGIN_FORM = "home.login_throttle.AdminLoginForm"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"

# Uploaded files. Nothing serves this folder by path: documents go through Wagtail's document
# view, images through content.file_access (both check permission); see home/storage.py.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")

STORAGES = {
    "default": {"BACKEND": "home.storage.ProtectedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Common Ground"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_DOCUMENT_MODEL = "content.CollateralDocument"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "content.forms.CollateralDocumentForm"
# Collateral file types marketing may upload. Anything else is refused.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "png", "jpg", "jpeg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("MAX_UPLOAD_MB", 25) * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = WAGTAILDOCS_MAX_UPLOAD_SIZE
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
TAGGIT_CASE_INSENSITIVE = True

# The admin shows initials, not avatars from gravatar.com (which would get a hash of each email).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Content-Security-Policy (django-csp). Site pages load scripts, styles, images and fonts from
# this site only and run no inline code (templates/ has no inline script, style or on* handler).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Wagtail's admin (home.middleware.ContentSecurityPolicyMiddleware): still this site only, but
# with the inline scripts and styles Wagtail needs, blob: and data: images (uploads, previews)
# and its own pages in frames (previews).
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "frame-src": [SELF],
    }
}

# Roles (Django groups, created by home/migrations/0002_site_and_roles.py).
MARKETING_GROUP = "Marketing"
SALES_GROUP = "Sales"

# Search engine for the rep's search: "embedded" needs no server; "elasticsearch" for
# Elasticsearch 8/9 or OpenSearch 2/3 (the embedded index is kept as its fallback).
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "embedded")
# The embedded engine's index: a tantivy folder of its own, rebuilt from the database on demand.
# One process writes it (the one that runs the tasks: see TASK_BACKEND); every other only reads.
SEARCH_INDEX_PATH = Path(os.environ.get("SEARCH_INDEX_PATH", BASE_DIR / "var" / "search-index"))
# Seconds a write waits for the index's writer lock before the task is retried later.
SEARCH_INDEX_LOCK_WAIT = float(os.environ.get("SEARCH_INDEX_LOCK_WAIT", "2"))
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "commonground")  # an alias over the real index
# OpenSearch (and osmem-server) reject the Elasticsearch client's vendor media types.
ELASTICSEARCH_PLAIN_JSON = env_bool("ELASTICSEARCH_PLAIN_JSON", False)
# Seconds one search-server request may take; then the search is answered from the embedded index.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "1"))

# Background work (search indexing after a change, Wagtail's own tasks): "immediate" runs it in the
# request, after the commit; "database" queues it for a worker (`manage.py db_worker`).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks.backends.database.DatabaseBackend",
}
TASK_BACKEND = os.environ.get("TASK_BACKEND", "immediate")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASK_BACKEND!r}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}


def cache_from_url(url, folder):
    """Django's CACHES["default"] from CACHE_URL (a redis:// or rediss:// URL), else the local folder.

    Redis (Django's own RedisCache backend, through redis-py) is what several machines share; its
    add and incr are atomic, so a rate limit holds across workers and nodes. The folder cache is
    for one machine (every worker of it shares the folder). Raises ImproperlyConfigured for any
    other scheme, rather than silently keeping a cache each node has on its own.
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": folder}
    if url.split("://", 1)[0] in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"CACHE_URL must start with redis:// or rediss://, not {url.split(':', 1)[0]!r}.")


# Shared by every worker process (persona insights, versions, rate limits): a folder on one
# machine needs no server; CACHE_URL (Redis) is shared by several machines.
CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL", ""), os.environ.get("CACHE_LOCATION", str(BASE_DIR / "var" / "cache"))
    )
}

# Reading uploaded files (content/tasks.py): each file is read, and its preview made, by a task in a
# child process that is stopped after EXTRACTION_TIME_LIMIT seconds or when it needs more than
# EXTRACTION_MEMORY_LIMIT_MB of address space; at most EXTRACTION_TEXT_CAP characters of text are
# kept per file. What was read before a stop is kept, with the reason shown next to the file.
EXTRACTION_TIME_LIMIT = env_int("EXTRACTION_TIME_LIMIT", 60)
EXTRACTION_MEMORY_LIMIT_MB = env_int("EXTRACTION_MEMORY_LIMIT_MB", 512)
EXTRACTION_TEXT_CAP = env_int("EXTRACTION_TEXT_CAP", 2_000_000)
# LibreOffice converts Office files to PDF for the in-browser preview, when installed (README).
LIBREOFFICE_PATH = os.environ.get("LIBREOFFICE_PATH", "soffice")
PREVIEW_TIME_LIMIT = env_int("PREVIEW_TIME_LIMIT", 120)

# POST /api/notes: notes one user may send per minute before getting 429.
NOTES_API_PER_MINUTE = env_int("NOTES_API_PER_MINUTE", 120)

# Working days marketing has to answer a rep's content request.
CONTENT_REQUEST_SLA_DAYS = env_int("CONTENT_REQUEST_SLA_DAYS", 10)

# Demo users and data may only be created where this is true (never in production).
DEMO_DATA_ALLOWED = False


# Running beyond one box (issue 14; home/settings/deploy.py reads each variable and says why it
# refuses one): uploads on S3-compatible storage, the mail server, log lines, static files.
from .deploy import email_from_env, logging_from_env, storage_from_env  # noqa: E402

STORAGES["default"] = storage_from_env()
# Static files: whitenoise serves STATIC_ROOT (after `collectstatic`) compressed and with
# far-future cache headers for the hashed names. Without collectstatic (development, tests) it
# finds files in the apps as runserver does, so no page fails for want of a manifest.
STORAGES["staticfiles"] = {"BACKEND": "home.storage.CompressedStaticFilesStorage"}
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()
# The mail server; Django's own default (SMTP on localhost:25) when nothing is set.
DEFAULT_FROM_EMAIL = "Common Ground <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
globals().update(email_from_env())
LOGGING = logging_from_env()
# Readiness (/readyz): a waiting task older than this makes the node not ready (seconds).
READINESS_MAX_TASK_WAIT = env_int("READINESS_MAX_TASK_WAIT", 300)
# The task worker deletes finished task rows older than this many days, once an hour.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 7)
# Wagtail's "Forgotten password?" says when mail cannot be sent instead of pretending (home/mail.py).
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "home.mail.CheckedPasswordResetForm"

# An import ZIP uploaded in the admin is refused before unpacking past these (content.importing.unpack_zip).
IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "2048"))
IMPORT_MAX_ENTRIES = int(os.environ.get("IMPORT_MAX_ENTRIES", "20000"))
# The import file itself (.json, .csv, .xlsx, uploaded or inside a ZIP) is read whole, so it is refused
# past this size, from its size on disk or in the ZIP, before it is read (a 160 MB JSON took 4.4 GB);
# a workbook's unpacked XML is held to it too.
IMPORT_MAX_FILE_MB = int(os.environ.get("IMPORT_MAX_FILE_MB", "50"))
# At most this many rows (all sections of a JSON, a CSV, all sheets of an XLSX) are imported at once;
# a bigger file is refused with its count and asked to be split (content.importing).
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "50000"))
