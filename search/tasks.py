"""Background work for search: run at once in development and tests, by a worker in production."""

from django_tasks import task

from search import service


@task()
def index_collateral(page_ids: list[int]) -> int:
    """(Re)index these collateral pages, or remove them when no longer live. Returns how many."""
    service.index_collateral(page_ids)
    return len(page_ids)


@task()
def rebuild_server_index() -> int:
    """Rebuild the search server's index from the database (queued when it is found empty or short)."""
    return service.rebuild_server()
