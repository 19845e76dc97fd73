"""Running in production: request log lines, a database outage answered as 503, task log lines.

- ``RequestLogMiddleware``: one line per request (method, path, status, duration, user id).
- ``server_error``: Django's ``handler500``. A database that does not answer (``OperationalError``,
  ``InterfaceError``, wherever in the request it was raised: a middleware reading the session, a
  view) becomes 503 with ``Retry-After`` and one warning line; anything else stays a 500 page.
- ``log_task_finished``: one line per background task (task, status, duration).
"""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.views import defaults

from home.api import is_api_request

request_logger = logging.getLogger("commonground.request")
task_logger = logging.getLogger("commonground.task")
outage_logger = logging.getLogger("commonground.database")

# Seconds a client is asked to wait before retrying when the database does not answer.
DATABASE_RETRY_AFTER = 10
DATABASE_ERRORS = (OperationalError, InterfaceError)


def user_id_of(request):
    """The id of the request's user (session or API token), or None; never queries a database that is down."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # the lazy user needed the database, which failed: the request line still gets written
        return None


class RequestLogMiddleware:
    """Outermost: after each request, one INFO line ``GET /search/ 200 12.3ms user=5``.

    The same facts go to JSON logs as fields (``method``, ``path``, ``status``, ``duration_ms``,
    ``user_id``). Duration is wall time through every inner middleware and the view, in
    milliseconds; streamed files count until their first byte.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration = round((time.perf_counter() - started) * 1000, 1)
        user_id = user_id_of(request)
        request_logger.info(
            "%s %s %s %.1fms user=%s",
            request.method,
            request.path,
            response.status_code,
            duration,
            user_id if user_id is not None else "-",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration,
                "user_id": user_id,
            },
        )
        return response


def database_unavailable(request):
    """503 with ``Retry-After``: JSON for /api/ and clients asking for JSON, plain text otherwise."""
    message = "The database is not answering. Nothing was lost; try again in a few seconds."
    wants_json = is_api_request(request) or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        response = JsonResponse({"error": message}, status=503)
    else:
        response = HttpResponse(message + "\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name="500.html"):
    """``handler500``: 503 + ``Retry-After`` when the database failed, else Django's own 500 page.

    Django converts an exception to a response at every middleware layer, so this handler, not a
    middleware's ``process_exception``, is the one place that sees a database error from the
    session, authentication or login middleware as well as from views. The outage is logged as
    one warning line per request, without a traceback (Django's own error log is skipped).
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        outage_logger.warning(
            "Database unavailable: %s %s answered 503 (%s: %s)",
            request.method,
            request.path,
            type(error).__name__,
            str(error).strip().splitlines()[0] if str(error).strip() else "no message",
        )
        response = database_unavailable(request)
        response._has_been_logged = True  # Django's log_response would add a traceback at ERROR
        return response
    return defaults.server_error(request, template_name)


def log_task_finished(sender, task_result, **kwargs):
    """django-tasks' ``task_finished`` signal: one line per task, INFO when it succeeded, WARNING when not.

    ``index_collateral succeeded in 41ms (id …)``; a failure adds the exception's class and message
    (the traceback stays on the task row, readable in the admin). Duration is from start to finish.
    """
    started, finished = task_result.started_at, task_result.finished_at
    duration = round((finished - started).total_seconds() * 1000, 1) if started and finished else None
    name = task_result.task.name
    status = str(task_result.status).rsplit(".", 1)[-1].lower()
    fields = {"task": name, "task_id": str(task_result.id), "status": status, "duration_ms": duration}
    if task_result.errors:
        error = task_result.errors[-1]
        last_lines = (error.traceback or "").strip().splitlines()
        reason = last_lines[-1] if last_lines else error.exception_class_path
        task_logger.warning("%s %s in %sms (%s) %s", name, status, duration, task_result.id, reason, extra=fields)
    else:
        task_logger.info("%s %s in %sms (%s)", name, status, duration, task_result.id, extra=fields)
