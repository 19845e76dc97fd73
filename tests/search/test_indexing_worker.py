"""Production indexes on a worker: TASK_BACKEND=database queues the work for `manage.py db_worker`."""

import pytest
from django_tasks import TaskResultStatus
from django_tasks.backends.database.models import DBTaskResult

from django.core.management import call_command

from content.factories import create_collateral
from search import service

# The worker takes an exclusive lock, which needs real transactions rather than a test's savepoint.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def found(text):
    return [hit.title for hit in service.search(text, exclude_ids=frozenset()).hits]


def test_publishing_queues_indexing_and_the_worker_makes_the_page_findable(settings, persona):
    create_collateral(title="Existing deck", personas=[persona])
    service.rebuild()  # a running site: its index exists and holds what was published before
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    page = create_collateral(title="Queued battlecard", summary="Zanzibar pricing.", personas=[persona])
    indexing = DBTaskResult.objects.filter(task_path="search.tasks.index_collateral")
    queued = indexing.filter(status=TaskResultStatus.READY)
    assert list(queued.values_list("args_kwargs__args", flat=True)) == [[[page.pk]]]
    assert found("zanzibar") == []  # publishing returned without waiting for the index

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not queued.exists()
    assert found("zanzibar") == ["Queued battlecard"]

    page.unpublish()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert found("zanzibar") == []
    assert indexing.filter(status=TaskResultStatus.SUCCEEDED).count() == 2
