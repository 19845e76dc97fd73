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
