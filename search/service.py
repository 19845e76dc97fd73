"""The one search service: views, commands and signals call this, never an engine directly."""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.documents import collateral_for_index, to_document
from search.engines.base import FACETS, SearchQuery
from search.engines.embedded import EmbeddedEngine

REBUILD_BATCH = 200


def get_engine():
    return engine_for(settings.SEARCH_ENGINE, str(settings.SEARCH_INDEX_PATH))


@cache
def engine_for(name, index_path):
    if name == "embedded":
        return EmbeddedEngine(index_path)
    raise ImproperlyConfigured(f"Unknown SEARCH_ENGINE {name!r}; use 'embedded'.")


def index_collateral(page_ids):
    """(Re)index these pages if live, remove them from the index if not."""
    page_ids = set(page_ids)
    documents = [to_document(page) for page in collateral_for_index().filter(pk__in=page_ids)]
    engine = get_engine()
    engine.delete(page_ids - {document.id for document in documents})
    engine.index(documents)


def remove_collateral(page_ids):
    get_engine().delete(page_ids)


def rebuild():
    """Empty the index and fill it again from the database; returns how many documents it holds."""
    engine = get_engine()
    engine.clear()
    pages = collateral_for_index().order_by("pk")
    batch = []
    for page in pages.iterator(chunk_size=REBUILD_BATCH):
        batch.append(to_document(page))
        if len(batch) == REBUILD_BATCH:
            engine.index(batch)
            batch = []
    engine.index(batch)
    return engine.count()


def search(text="", filters=None, page=1, page_size=20):
    filters = {facet: list(values) for facet, values in (filters or {}).items() if facet in FACETS and values}
    return get_engine().search(SearchQuery(text=text, filters=filters, page=page, page_size=page_size))
