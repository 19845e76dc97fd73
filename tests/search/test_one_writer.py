"""One writer per embedded index: web workers only read; the task worker writes, waits a bounded time
for the lock and requeues what it could not write; a configuration that would write from every web
worker is refused."""

import os
import subprocess
import sys

import pytest
from django_tasks import TaskResultStatus
from django_tasks.backends.database.models import DBTaskResult

from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from content.factories import create_collateral
from search import checks, service
from search.models import PendingIndexing
from tests.search.test_index_faults import lock_holder  # noqa: F401  (a fixture)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}


def test_gunicorn_with_immediate_tasks_refuses_to_start():
    """Every gunicorn worker would run indexing tasks in its requests, so every one would write."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "home.settings.dev",
        "TASK_BACKEND": "immediate",
        "SEARCH_INDEX_PATH": "/nonexistent/never-written",
    }
    server = subprocess.run(
        [sys.executable, "-m", "gunicorn", "home.wsgi", "-w", "2", "-b", "127.0.0.1:8103", "--log-level", "warning"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "every web worker would write the embedded search index" in server.stderr
    assert "TASK_BACKEND=database" in server.stderr


def test_check_deploy_names_the_rule(settings):
    settings.DEBUG = False
    (error,) = checks.one_index_writer(None)
    assert error.id == "search.E001" and "db_worker" in error.hint
    settings.TASKS = DATABASE_TASKS
    assert checks.one_index_writer(None) == []
    settings.TASKS = {"default": {"BACKEND": checks.IMMEDIATE}}
    settings.DEBUG = True  # the development server: one process, it may write
    assert checks.one_index_writer(None) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_that_cannot_get_the_lock_requeues_and_nothing_is_lost(settings, persona, lock_holder):  # noqa: F811
    settings.TASKS = DATABASE_TASKS
    settings.SEARCH_INDEX_LOCK_WAIT = 0.2
    service.embedded_engine_at.cache_clear()
    page = create_collateral(title="Queued battlecard", summary="Zanzibar pricing.", personas=[persona])

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the lock is held elsewhere
    indexing = DBTaskResult.objects.filter(task_path="search.tasks.index_collateral")
    assert indexing.filter(status=TaskResultStatus.SUCCEEDED).count() == 1
    (retry,) = indexing.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [[page.pk], 2] and retry.run_after > timezone.now()
    assert list(PendingIndexing.objects.values_list("page_id", flat=True)) == [page.pk]

    lock_holder.release()
    indexing.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())  # its time has come
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not indexing.filter(status=TaskResultStatus.READY).exists()
    assert not PendingIndexing.objects.exists()
    assert [hit.title for hit in service.search("zanzibar", exclude_ids=frozenset()).hits] == ["Queued battlecard"]
