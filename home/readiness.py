"""Readiness: may this node take traffic? ``/readyz`` and ``manage.py check_deploy`` ask the same checks.

``/healthz`` (``home.views.healthz``) is liveness only: 200 while the process answers. Readiness
runs django-health-check's checks for the database, the cache and the file storage (a file is
written, read back and deleted), and two of ours:

- ``SearchIndex``: the chosen engine answers and holds a document for every live collateral page
  (fewer, with no indexing task waiting to fill the gap, means the index is short: a new node
  with an empty embedded index, a restore without a rebuild);
- ``TaskQueue``: with the database task queue, no task has waited longer than
  ``READINESS_MAX_TASK_WAIT`` seconds (the worker is down or stuck).

A failing check answers 503 with ``Retry-After``; a warning (``ServiceWarning``) is reported but
keeps the node ready.
"""

import asyncio
import dataclasses

from asgiref.sync import sync_to_async
from django_tasks import TaskResultStatus
from django_tasks.backends.database.backend import DatabaseBackend
from django_tasks.backends.database.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

RETRY_AFTER_SECONDS = 30


class InRequestThread:
    """Runs a synchronous check in the request's own thread (and so on its database connection).

    django-health-check runs synchronous checks in a thread pool, where each thread opens database
    connections of its own: one per check per request, and blind to the request's transaction.
    """

    async def run(self):
        await sync_to_async(self.run_in_thread, thread_sensitive=True)()

    def run_in_thread(self):
        return super().run()  # the library check's own synchronous run


class DatabaseCheck(InRequestThread, Database):
    """``SELECT 1`` on the default database (django-health-check's check)."""


class StorageCheck(InRequestThread, Storage):
    """A small file written, read back and deleted on the default storage (django-health-check's check)."""


# What each check is called in the answer.
CHECK_NAMES = {
    "DatabaseCheck": "database",
    "Cache": "cache",
    "StorageCheck": "storage",
    "SearchIndex": "search",
    "TaskQueue": "tasks",
}


@dataclasses.dataclass
class SearchIndex(InRequestThread, HealthCheck):
    """The search engine answers, and its index holds every live collateral page."""

    def run_in_thread(self):
        from search import service
        from search.documents import collateral_for_index

        live = collateral_for_index().count()
        try:
            engine = service.get_engine()
            indexed = engine.count()
        except service.SERVER_ERRORS as error:
            raise ServiceUnavailable(f"the search engine does not answer ({type(error).__name__})") from error
        if indexed >= live:
            return
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path__startswith="search.").count()
        if waiting:
            raise ServiceWarning(
                f"the index holds {indexed} of {live} live collateral pages; {waiting} indexing tasks waiting"
            )
        raise ServiceUnavailable(
            f"the index holds {indexed} of {live} live collateral pages; run manage.py rebuild_search_index"
        )


@dataclasses.dataclass
class TaskQueue(InRequestThread, HealthCheck):
    """With the database task queue: the oldest waiting task has waited at most ``READINESS_MAX_TASK_WAIT`` seconds."""

    def run_in_thread(self):
        from django_tasks import default_task_backend

        if not isinstance(default_task_backend, DatabaseBackend):
            return  # tasks run in the request: there is no queue to fall behind
        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        if oldest is None:
            return
        waited = (timezone.now() - oldest).total_seconds()
        if waited > settings.READINESS_MAX_TASK_WAIT:
            raise ServiceUnavailable(
                f"the oldest waiting task has waited {waited:.0f} s; is manage.py db_worker running?"
            )


CHECKS = [DatabaseCheck, Cache, StorageCheck, SearchIndex, TaskQueue]


def check_name(check):
    return CHECK_NAMES[type(check).__name__]


def summarise(results):
    """``(ready, {name: {"ok": bool, "status": "ok"|"warning"|"failing", "detail": str, "ms": float}})``."""
    checks = {}
    for result in results:
        error = result.error
        status = "ok" if error is None else "warning" if isinstance(error, ServiceWarning) else "failing"
        checks[check_name(result.check)] = {
            "status": status,
            "detail": getattr(error, "message", "") if error else "",
            "ms": round(result.time_taken * 1000, 1),
        }
    return all(check["status"] != "failing" for check in checks.values()), checks


async def gather(checks=CHECKS):
    """Run every check at once (each in a thread, each with its own timeout); returns their results."""
    return await asyncio.gather(*(check().get_result() for check in checks))


def run_checks():
    """``summarise`` of every check, for commands (blocking)."""
    return summarise(asyncio.run(gather()))


def may_read_details(request):
    """Whether ``request`` comes from a logged-in superuser (who may read what each check found)."""
    try:
        user = request.user
        return bool(user.is_authenticated and user.is_superuser)
    except DatabaseError:  # the database is down: details stay hidden
        return False


class ReadinessView(HealthCheckView):
    """``GET /readyz``: 200 ``{"ready": true, "checks": {...}}``, or 503 with ``Retry-After`` when a check fails.

    JSON unless the client asks for ``text/plain`` (``Accept`` or ``?format=text``): one line per
    check, ``database: ok``. Needs no login, and to anyone but a logged-in superuser says only each
    check's status (``{"status": "ok"}``): the details (e.g. "the index holds 40 of 41 live
    collateral pages") count pages, restricted ones included, so they are for operators only
    (``manage.py check_deploy`` prints them too).
    """

    checks = CHECKS

    async def get(self, request, *args, **kwargs):
        ready, checks = summarise(await gather(self.checks))
        if not await sync_to_async(may_read_details, thread_sensitive=True)(request):
            checks = {name: {"status": check["status"]} for name, check in checks.items()}
        status = 200 if ready else 503
        accept = request.headers.get("Accept", "")
        if request.GET.get("format") == "text" or ("text/plain" in accept and "json" not in accept):
            lines = [f"{'ready' if ready else 'not ready'}"] + [
                f"{name}: {check['status']}{' - ' + check['detail'] if check.get('detail') else ''}"
                for name, check in checks.items()
            ]
            response = HttpResponse("\n".join(lines) + "\n", status=status, content_type="text/plain; charset=utf-8")
        else:
            response = JsonResponse({"ready": ready, "checks": checks}, status=status)
        if not ready:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


readiness_view = login_not_required(ReadinessView.as_view())
