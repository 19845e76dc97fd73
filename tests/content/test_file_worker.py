"""Production reads uploads on the worker: the upload answers at once, `manage.py db_worker` reads it."""

import pytest
from django_tasks import TaskResultStatus
from django_tasks.backends.database.models import DBTaskResult

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from content.factories import create_collateral
from content.files import make_file
from content.models import CollateralDocument, FileWork
from search import service

# The worker takes an exclusive lock, which needs real transactions rather than a test's savepoint.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_upload_waits_for_the_worker_then_is_found_by_its_words(settings, marketer_client, rep_client):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    data = make_file("pdf", "Pricing", ["Brindlewick renewals fell by a third."])
    response = marketer_client.post(
        reverse("wagtaildocs:add"),
        {"title": "Pricing", "file": SimpleUploadedFile("pricing.pdf", data), "collection": 1},
    )
    assert response.status_code == 302
    document = CollateralDocument.objects.get()
    assert document.extraction_state == FileWork.PENDING
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path__startswith="content.")
    assert sorted(queued.values_list("task_path", flat=True)) == [
        "content.tasks.make_previews",
        "content.tasks.read_file",
    ]
    page = create_collateral(title="Renewal pricing", documents=[document])
    assert "Reading the file…" in rep_client.get(page.url).text

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    document.refresh_from_db()
    assert document.extraction_state == FileWork.DONE and document.thumbnail_file
    assert [hit.title for hit in service.search("Brindlewick", exclude_ids=frozenset()).hits] == ["Renewal pricing"]
    assert "Reading the file…" not in rep_client.get(page.url).text
