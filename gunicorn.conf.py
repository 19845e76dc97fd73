"""gunicorn's settings for Common Ground: `gunicorn -c gunicorn.conf.py home.wsgi`.

Each value can be changed from the environment without editing this file. Why these:

- sync workers, 2 per core + 1 (``WEB_CONCURRENCY``): every request is short except uploads and
  downloads, and a sync worker holds one of those at a time without starving the others;
- ``timeout`` 120 s (``GUNICORN_TIMEOUT``): an upload of ``MAX_UPLOAD_MB`` (25 MB) from a slow
  link must finish inside it, and extraction runs on the task worker, not in the request;
- ``limit_request_line``/``limit_request_fields``/``limit_request_field_size``: gunicorn's
  defaults, which leave the body (the upload) to Django's own limits (``MAX_UPLOAD_MB``,
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS``);
- ``max_requests`` with jitter recycles workers so a slow leak never grows without bound;
- access log off: ``home.operations.RequestLogMiddleware`` writes one line per request with the
  user id and duration, in the same format (``LOG_FORMAT``) as every other line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn's worker heartbeat files: in memory, so a slow disk never makes a worker look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a reverse proxy on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket sits at one path per user, which two nodes (or two sites) on one
# machine would share; nothing here uses it.
control_socket_disable = True
