"""Settings for running beyond one box, each read from the environment (issue 14).

``base.py`` calls these helpers once, at its end, so every environment gets the same reading:

- ``storage_from_env``: uploaded files on local disk, or on S3-compatible object storage
  (django-storages, boto3) when ``STORAGE_URL`` or ``AWS_STORAGE_BUCKET_NAME`` is given;
- ``email_from_env``: the mail server (``EMAIL_URL`` or ``EMAIL_HOST``/``EMAIL_PORT``/…);
- ``logging_from_env``: timestamped, levelled lines, JSON when ``LOG_FORMAT=json``.

Each raises ``ImproperlyConfigured`` with the variable's name for a value it cannot read, so a
typo stops the process at start rather than at the first upload or email.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}


def storage_from_env(environ=os.environ):
    """The ``STORAGES["default"]`` entry for uploads: ``{"BACKEND": …, "OPTIONS": {…}}``.

    ``STORAGE_URL=s3://bucket/prefix?endpoint_url=http://host:9000&region=eu-west-1`` (access key
    and secret may sit in the URL as ``s3://KEY:SECRET@bucket``), or the ``AWS_*`` variables
    django-storages documents: ``AWS_STORAGE_BUCKET_NAME``, ``AWS_S3_ENDPOINT_URL``,
    ``AWS_S3_REGION_NAME``, ``AWS_LOCATION`` (a prefix), ``AWS_ACCESS_KEY_ID``,
    ``AWS_SECRET_ACCESS_KEY``. Without either, files stay in ``MEDIA_ROOT`` on this machine.

    Both backends hand out only ``/files/<name>`` URLs (``home.storage``): objects are private
    (no ACL is set, so the bucket's default, private, holds) and never linked to directly.
    Names are never overwritten: a second upload of ``deck.pdf`` gets a name of its own, as on disk.
    """
    url = environ.get("STORAGE_URL", "").strip()
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not url and not bucket:
        return {"BACKEND": "home.storage.ProtectedFileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "location": environ.get("AWS_LOCATION", ""),
        "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
    }
    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ImproperlyConfigured(f"STORAGE_URL must look like s3://bucket/prefix?endpoint_url=…, not {url!r}.")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint_url", "region"}
        if unknown:
            raise ImproperlyConfigured(f"STORAGE_URL knows endpoint_url and region, not {', '.join(sorted(unknown))}.")
        options["bucket_name"] = parts.hostname
        options["location"] = parts.path.strip("/") or options["location"]
        options["endpoint_url"] = query.get("endpoint_url") or options["endpoint_url"]
        options["region_name"] = query.get("region") or options["region_name"]
        if parts.username:
            options["access_key"] = unquote(parts.username)
            options["secret_key"] = unquote(parts.password or "")
    options.update(file_overwrite=False, default_acl=None, querystring_auth=False)
    options = {key: value for key, value in options.items() if value is not None}
    return {"BACKEND": "home.storage.ProtectedS3Storage", "OPTIONS": options}


def email_from_env(environ=os.environ):
    """Django's ``EMAIL_*`` settings as a dict, from ``EMAIL_URL`` or the separate variables.

    ``EMAIL_URL``: ``smtp://user:password@host:587?tls=1`` (STARTTLS), ``smtps://…:465`` (TLS from
    the start), or ``console://`` (print mail to the log; development). Otherwise ``EMAIL_HOST``,
    ``EMAIL_PORT`` (default 25), ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
    ``EMAIL_USE_SSL``. ``DEFAULT_FROM_EMAIL`` is the sender of every mail (digests, password
    resets); ``EMAIL_TIMEOUT`` (seconds, default 10) bounds a mail server that does not answer.
    Returns ``{}`` when nothing is set, leaving each environment's own default.
    """
    found = {}
    if environ.get("DEFAULT_FROM_EMAIL"):
        found["DEFAULT_FROM_EMAIL"] = found["SERVER_EMAIL"] = environ["DEFAULT_FROM_EMAIL"]
    url = environ.get("EMAIL_URL", "").strip()
    host = environ.get("EMAIL_HOST", "").strip()
    if not url and not host:
        return found
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    try:
        smtp["EMAIL_TIMEOUT"] = int(environ.get("EMAIL_TIMEOUT", "10"))
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_TIMEOUT must be whole seconds, not {environ['EMAIL_TIMEOUT']!r}") from error
    if url:
        parts = urlsplit(url)
        if parts.scheme == "console":
            return {**found, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL must look like smtp://user:password@host:587?tls=1, not {url!r}.")
        query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port
        except ValueError as error:
            raise ImproperlyConfigured(f"EMAIL_URL has a port that is not a number: {url!r}.") from error
        smtp.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme == "smtp" and query.get("tls", "") in TRUE_WORDS,
        )
        return {**found, **smtp}
    try:
        port = int(environ.get("EMAIL_PORT", "25"))
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_PORT must be a number, not {environ['EMAIL_PORT']!r}.") from error
    smtp.update(
        EMAIL_HOST=host,
        EMAIL_PORT=port,
        EMAIL_HOST_USER=environ.get("EMAIL_HOST_USER", ""),
        EMAIL_HOST_PASSWORD=environ.get("EMAIL_HOST_PASSWORD", ""),
        EMAIL_USE_TLS=environ.get("EMAIL_USE_TLS", "").lower() in TRUE_WORDS,
        EMAIL_USE_SSL=environ.get("EMAIL_USE_SSL", "").lower() in TRUE_WORDS,
    )
    if smtp["EMAIL_USE_TLS"] and smtp["EMAIL_USE_SSL"]:
        raise ImproperlyConfigured("Set EMAIL_USE_TLS (STARTTLS, port 587) or EMAIL_USE_SSL (port 465), not both.")
    return {**found, **smtp}


def logging_from_env(environ=os.environ):
    """Django's ``LOGGING``: one line per event with time, level and logger, to standard error.

    ``LOG_FORMAT=json`` writes each line as a JSON object (python-json-logger): ``time``,
    ``level``, ``logger``, ``message`` and the event's own fields (a request's ``method``,
    ``path``, ``status``, ``duration_ms``, ``user_id``; a task's ``task``, ``status``,
    ``duration_ms``). ``LOG_LEVEL`` (default INFO) sets the floor.
    """
    style = environ.get("LOG_FORMAT", "text").strip().lower() or "text"
    if style not in {"text", "json"}:
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {style!r}.")
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {style: formatters[style]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": style}},
        "root": {"handlers": ["console"], "level": environ.get("LOG_LEVEL", "INFO")},
        "loggers": {
            # Wagtail's background tasks log every start and finish; home.tasklog writes one line per task.
            "django_tasks": {"level": "WARNING"},
            "elastic_transport": {"level": "WARNING"},
            # django-axes logs every failed login at INFO; new failures and lock-outs are WARNINGs.
            "axes": {"level": "WARNING"},
            # Our request line (home.middleware.RequestLogMiddleware) replaces Django's own, which
            # would log each 4xx/5xx a second time; server errors keep their traceback.
            "django.request": {"level": "ERROR"},
            # gunicorn's access log would be a second line per request.
            "gunicorn.access": {"level": "WARNING"},
            # The health check library logs each failing probe with a traceback; readiness says why.
            "health_check": {"level": "ERROR"},
            # boto3 announces every credential lookup.
            "botocore": {"level": "WARNING"},
        },
    }
