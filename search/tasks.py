"""Background work for search: run at once in development and tests, by a worker in production.

Only the process that runs these tasks writes the embedded index (one writer per index: the
`db_worker` in production, the development server or the test process otherwise).
"""

import logging
from datetime import timedelta

from django_tasks import task

from django.utils import timezone

from search import service
from search.engines.embedded import IndexUnavailable

logger = logging.getLogger(__name__)

# A write an index refused (locked, unwritable, server down) is retried this many times, waiting
# RETRY_SECONDS * 2**attempt (at most RETRY_CAP) between tries: about an hour in all. It stays in
# PendingIndexing afterwards, replayed by the next write that lands or by a rebuild.
MAX_ATTEMPTS = 12
RETRY_SECONDS = 5
RETRY_CAP = 600


@task()
def index_collateral(page_ids: list[int], attempt: int = 1) -> int:
    """(Re)index these collateral pages, or remove them when no longer live. Returns how many.
    When an index refused the write, the task is queued again later (a bounded number of times)."""
    if not service.index_collateral(page_ids) and attempt < MAX_ATTEMPTS:
        backend = index_collateral.get_backend()
        if backend.supports_defer:  # the immediate backend runs at once: the next write replays it
            later = timezone.now() + timedelta(seconds=min(RETRY_CAP, RETRY_SECONDS * 2**attempt))
            index_collateral.using(run_after=later).enqueue(page_ids, attempt + 1)
    return len(page_ids)


@task()
def update_reference_index(objects: list[list[str]]) -> int:
    """Wagtail's reference index (what uses each file, snippet, page) for these objects, each
    [app_label, model_name, pk], as Wagtail's own per-save task does for one; objects deleted since
    are passed over. One task for a bulk change (search.signal_handlers.deferred_indexing) rather
    than one per object. Returns how many were updated."""
    from django.apps import apps
    from django.db import transaction

    from wagtail.models import ReferenceIndex

    updated = 0
    for app_label, model_name, pk in objects:
        model = apps.get_model(app_label, model_name)
        instance = model._default_manager.filter(pk=pk).first()
        if instance is None:
            continue
        try:
            with transaction.atomic():
                ReferenceIndex.create_or_update_for_object(instance)
            updated += 1
        except Exception:  # one object never keeps the others' references out of date
            logger.exception("Could not update the reference index for %s.%s %s", app_label, model_name, pk)
    return updated


@task()
def rebuild_server_index() -> int:
    """Rebuild the search server's index from the database (queued when it is found empty or short)."""
    return service.rebuild_server()


@task()
def rebuild_search_index() -> int:
    """Rebuild the embedded index from the database (queued when a search or a write finds it
    missing, empty or damaged). Returns the number of documents, or -1 when the index refused."""
    try:
        return service.rebuild_embedded()
    except IndexUnavailable as problem:
        logger.warning("Search index rebuild failed (%s); kept writes wait for it", problem)
        return -1


@task()
def replay_pending() -> int:
    """Write again what an index missed (queued by a search that found kept writes, so a web
    worker never writes the embedded index itself). Returns how many pages were replayed."""
    try:
        return service.replay_pending()
    finally:
        service.REPLAY.done()


service.REBUILD_EMBEDDED.connect(rebuild_search_index)
service.REBUILD_SERVER.connect(rebuild_server_index)
service.REPLAY.connect(replay_pending)
