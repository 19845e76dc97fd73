"""``manage.py db_worker``: django-tasks' database worker, which survives a database outage.

The library's worker exits on the first ``OperationalError`` (PostgreSQL restarted, a network
blip), leaving published pages unsearchable until someone restarts it. This one, under the
same name and with the same options:

- on a database error, closes its connections, logs one warning line and tries again after
  1, 2, 4 … up to ``MAX_BACKOFF`` seconds, for as long as it takes;
- puts back in the queue (READY) a task the outage interrupted, instead of leaving it
  "running" forever or recording it as failed: indexing and the other tasks are idempotent;
- deletes finished task rows older than ``TASK_RESULTS_KEEP_DAYS`` (default 7) when it starts
  and then at most once an hour, as django-tasks' ``prune_db_task_results`` would;
- writes one line per task (``home.operations.log_task_finished``), not the library's two.

Supervise it (systemd, see the README) so that a crash or a deploy restarts it.
"""

import logging
import time
from datetime import timedelta

from django_tasks import TaskResultStatus
from django_tasks.backends.database.management.commands import db_worker as library
from django_tasks.backends.database.models import DBTaskResult

from django.conf import settings
from django.db import connections
from django.utils import timezone

from home.operations import DATABASE_ERRORS

logger = logging.getLogger("commonground.worker")

MAX_BACKOFF = 30  # seconds between attempts to reach a database that is down
PRUNE_EVERY = timedelta(hours=1)
DATABASE_ERROR_PATHS = {f"{error.__module__}.{error.__qualname__}" for error in DATABASE_ERRORS}


def close_connections():
    """Drop every database connection, broken or not; the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # closing a socket that is already gone
            connection.connection = None


def prune_finished(keep_days):
    """Delete succeeded and failed task rows that finished more than ``keep_days`` days ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted


class ResilientWorker(library.Worker):
    """The library's ``Worker``, restarted after a database error instead of exiting."""

    def __init__(self, *args, keep_days, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_days = keep_days
        self.pruned_at = None
        self.interrupted_id = None  # the task that was running when the database went away

    def run(self):
        backoff = 1
        while self.running:
            try:
                self.recover()
                self.prune_if_due()
                super().run()
                return
            except DATABASE_ERRORS as error:
                first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
                logger.warning("Database unavailable (%s); worker retries in %ss", first_line, backoff)
                close_connections()
                self.startup_delay = False
                time.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def recover(self):
        """Put the task an outage interrupted back in the queue (needs the database)."""
        if self.interrupted_id is None:
            return
        requeued = DBTaskResult.objects.filter(pk=self.interrupted_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        if requeued:
            logger.info("Task %s was interrupted by the outage; queued again", self.interrupted_id)
        self.interrupted_id = None

    def prune_if_due(self):
        now = timezone.now()
        if self.pruned_at is not None and now - self.pruned_at < PRUNE_EVERY:
            return
        deleted = prune_finished(self.keep_days)
        self.pruned_at = now
        if deleted:
            logger.info("Deleted %d finished task rows older than %d days", deleted, self.keep_days)

    def run_task(self, db_task_result):
        self.interrupted_id = db_task_result.pk
        super().run_task(db_task_result)  # raises only when even recording the failure needed the database
        self.interrupted_id = None
        lost_database = db_task_result.exception_class_path in DATABASE_ERROR_PATHS
        if db_task_result.status == TaskResultStatus.FAILED and lost_database:
            # The task itself lost the database; the row was written once it came back. Run it again.
            DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                status=TaskResultStatus.READY, started_at=None, finished_at=None, exception_class_path="", traceback=""
            )
            logger.warning("Task %s lost the database while running; queued again", db_task_result.pk)
        self.prune_if_due()


class Command(library.Command):
    help = "Run the database task worker; it waits out database outages and prunes old task rows."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--keep-days",
            type=int,
            default=settings.TASK_RESULTS_KEEP_DAYS,
            help="Delete finished task rows older than this many days, hourly (default: TASK_RESULTS_KEEP_DAYS)",
        )

    def configure_logging(self, verbosity):
        """Verbosity 1 keeps the levels in settings.LOGGING (one line per task); 0 and 2+ as the library."""
        if verbosity != 1:
            super().configure_logging(verbosity)

    def handle(self, *, keep_days, **options):
        original = library.Worker
        library.Worker = lambda **kwargs: ResilientWorker(keep_days=keep_days, **kwargs)
        try:
            logger.info("Task worker starting (queues %s)", options["queue_name"])
            super().handle(**options)
        finally:
            library.Worker = original
