"""The one search service: views, the API, commands and signals call this, never an engine.

The embedded index is always kept current, whichever engine is chosen: when the
Elasticsearch/OpenSearch server is down, searches are answered from it (and say so), and
the writes the server missed are remembered in the database and replayed when it answers.

The embedded index heals itself: one that is missing, empty or damaged is detected at search
time, the search is answered from the database with a notice, and a rebuild is queued; a write
that could not land (a locked or unwritable index) is kept in PendingIndexing and replayed.
"""

import dataclasses
import logging
from functools import cache

from elastic_transport import TransportError
from elasticsearch import ApiError

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from search.documents import collateral_for_index, documents
from search.engines.base import FACETS, Hit, SearchQuery, SearchResults
from search.engines.elastic import ElasticEngine
from search.engines.embedded import WORD, EmbeddedEngine, IndexUnavailable
from search.models import PendingIndexing
from search.taxonomy import mentioned_objections

logger = logging.getLogger(__name__)

REBUILD_BATCH = 200
TAGGED = "Tagged"  # the highlight field both engines name the taxonomy text with
# What a search server that is down, overloaded or misconfigured raises.
SERVER_ERRORS = (TransportError, ApiError, OSError)
FALLBACK_NOTICE = (
    "The search server is not answering, so these results come from the built-in index. "
    "They may miss the very latest changes; nothing you saved is lost."
)
# Said when the embedded index cannot answer and the database does (a simple title/summary match).
INDEX_NOTICES = {
    "missing": "The search index is missing",
    "empty": "The search index is empty",
    "corrupt": "The search index is damaged",
}
INDEX_NOTICE_END = (
    ", so these results come from a simple match on titles and summaries. It is being rebuilt; "
    "full results with highlights and filter counts will be back in a few minutes. Nothing you saved is lost."
)
REBUILD_QUEUED_KEY = "search-index-rebuild-queued"
REBUILD_QUEUED_SECONDS = 300  # one rebuild waits in the queue at a time, however many searches notice
REBUILD_RETRY_SECONDS = 30  # after a rebuild failed (the folder cannot be written), the next try waits this long


def embedded_engine():
    return embedded_engine_at(str(settings.SEARCH_INDEX_PATH))


@cache
def embedded_engine_at(path):
    """One engine per index folder per process, so the process that writes keeps one writer."""
    return EmbeddedEngine(path, lock_wait=settings.SEARCH_INDEX_LOCK_WAIT)


def get_engine():
    """The engine chosen in settings (SEARCH_ENGINE)."""
    if settings.SEARCH_ENGINE == "embedded":
        return embedded_engine()
    if settings.SEARCH_ENGINE == "elasticsearch":
        return elastic_engine(
            settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX, settings.ELASTICSEARCH_PLAIN_JSON
        )
    raise ImproperlyConfigured(f"Unknown SEARCH_ENGINE {settings.SEARCH_ENGINE!r}; use 'embedded' or 'elasticsearch'.")


@cache
def elastic_engine(url, alias, plain_json):
    if not url:
        raise ImproperlyConfigured("SEARCH_ENGINE is 'elasticsearch' but ELASTICSEARCH_URL is not set.")
    return ElasticEngine(url, alias=alias, plain_json=plain_json)


def uses_server():
    return get_engine() is not embedded_engine()


def index_collateral(page_ids):
    """(Re)index these pages if live, remove them if not: in the embedded index, then on the server.

    Returns True when every index took the write. Otherwise the pages are kept in PendingIndexing
    (replayed after the next write that lands, by the task's retries, or by a rebuild) and False
    is returned; nothing is dropped. Called only by the one process that writes (search.tasks).
    """
    page_ids = set(page_ids)
    if write_everywhere(page_ids):
        replay_pending()
        return True
    PendingIndexing.objects.bulk_create([PendingIndexing(page_id=pk) for pk in page_ids], ignore_conflicts=True)
    return False


def write_everywhere(page_ids):
    """Write these pages' current state to each index; False if any index did not take it."""
    current = documents(collateral_for_index().filter(pk__in=page_ids))
    removed = set(page_ids) - {document.id for document in current}
    landed = True
    for engine in [embedded_engine()] + ([get_engine()] if uses_server() else []):
        try:
            engine.delete(removed)
            engine.index(current)
        except IndexUnavailable as problem:
            logger.warning("Search index missed %s (%s); kept to replay", sorted(page_ids), problem)
            if problem.reason in ("missing", "corrupt"):
                queue_rebuild()  # which writes these pages too, and clears what was kept
            landed = False
        except SERVER_ERRORS:
            logger.warning("Search server missed %s; will replay when it answers", sorted(page_ids), exc_info=True)
            landed = False
    return landed


def replay_pending():
    """Write again what an index missed (server down, index locked or unwritable). Returns how
    many pages were replayed, 0 when nothing was pending or an index still refuses."""
    pending = list(PendingIndexing.objects.values_list("page_id", flat=True))
    if not pending or not write_everywhere(pending):
        return 0
    PendingIndexing.objects.filter(page_id__in=pending).delete()
    return len(pending)


def queue_rebuild():
    """Ask the process that writes to rebuild the embedded index, at most once per
    REBUILD_QUEUED_SECONDS (however many searches notice). Never raises."""
    from search import tasks

    if not shared_cache.add(REBUILD_QUEUED_KEY, True, REBUILD_QUEUED_SECONDS):
        return
    try:
        tasks.rebuild_search_index.enqueue()
    except Exception:
        logger.exception("Could not queue a rebuild of the search index")


def all_documents():
    pages = collateral_for_index().order_by("pk")
    last = 0
    while batch := list(pages.filter(pk__gt=last)[:REBUILD_BATCH]):
        yield from documents(batch)
        last = batch[-1].pk


def rebuild():
    """Rebuild every index from the database (the source of truth); returns the number of documents.

    A damaged embedded index is replaced. Raises IndexBusy when another process holds the embedded
    index's writer (rebuild_search_index then queues the rebuild for it) and IndexUnavailable when
    the index folder cannot be written; pending writes are kept in both cases.
    """
    started = PendingIndexing.objects.values_list("pk", flat=True).order_by("-pk").first() or 0
    try:
        count = embedded_engine().rebuild(all_documents())
        if uses_server():
            count = get_engine().rebuild(all_documents())
    except IndexUnavailable:
        shared_cache.set(REBUILD_QUEUED_KEY, True, REBUILD_RETRY_SECONDS)
        raise
    PendingIndexing.objects.filter(pk__lte=started).delete()  # what was missed before the rebuild read
    shared_cache.delete(REBUILD_QUEUED_KEY)
    return count


def search(text="", filters=None, page=1, page_size=20, *, exclude_ids):
    """Search collateral: a SearchResults from the chosen engine (or the embedded one, with a
    notice, when the server does not answer).

    `exclude_ids` is required: the page ids the person searching may not see, usually
    ``home.visibility.hidden_page_ids(request)`` (Wagtail's page view restrictions). Pass
    ``frozenset()`` only where no person's view is involved. The engine leaves them out inside
    the query, so totals, facet counts, results and highlights never reflect them.
    """
    filters = {facet: list(values) for facet, values in (filters or {}).items() if facet in FACETS and values}
    objections = mentioned_objections(text) if text.strip() else ()
    query = SearchQuery(
        text=text,
        filters=filters,
        objections=objections,
        page=page,
        page_size=page_size,
        exclude_ids=frozenset(exclude_ids),
    )
    try:
        results = embedded_search(query) if not uses_server() else get_engine().search(query)
    except SERVER_ERRORS:
        logger.warning("Search server failed; answering from the embedded index", exc_info=True)
        results = embedded_search(query)
        if not results.notice:
            results = dataclasses.replace(results, notice=FALLBACK_NOTICE)
    return without_hidden_personas(results, query.exclude_ids)


def embedded_search(query):
    """The embedded engine's answer; from the database, with a notice, when the index is missing,
    empty (while live collateral exists: document count against the database) or damaged, in
    which case a rebuild is queued too."""
    engine = embedded_engine()
    try:
        results = engine.search(query)
        if results.total or engine.count() or not collateral_for_index().exists():
            return results
        reason = "empty"
    except IndexUnavailable as problem:
        reason = "missing" if problem.reason == "missing" else "corrupt"
    queue_rebuild()
    if reason == "missing" and not collateral_for_index().exists():
        return database_search(query, "")  # a new site: nothing to miss, nothing to say
    logger.warning("Search index %s; answering from the database and queueing a rebuild", reason)
    return database_search(query, INDEX_NOTICES[reason] + INDEX_NOTICE_END)


FILTER_LOOKUPS = {"persona": "personas__slug", "objection": "objections__slug", "tag": "tags__slug"}


def database_search(query, notice):
    """A plain answer from the database while the index is rebuilt: live collateral whose title or
    summary holds any of the words (newest first), with the filters and hidden pages honoured.
    No highlights, typo correction or filter counts."""
    pages = collateral_for_index().exclude(pk__in=query.exclude_ids)
    words = WORD.findall(query.text)[:32]
    if words:
        matches = Q()
        for word in words:
            matches |= Q(title__icontains=word) | Q(summary__icontains=word)
        pages = pages.filter(matches)
    for facet, values in query.filters.items():
        for value in values:
            pages = pages.filter(**{FILTER_LOOKUPS.get(facet, facet): value})
    pages = pages.distinct().order_by("-first_published_at", "pk")
    size = max(1, query.page_size)
    start = (max(1, query.page) - 1) * size
    hits = [
        Hit(
            id=doc.id,
            title=doc.title,
            url=doc.url,
            score=0.0,
            highlights=[],
            labels=doc.labels,
            stale=doc.stale,
            external_id=doc.external_id,
            helped=doc.helped,
            not_helped=doc.not_helped,
        )
        for doc in documents(pages[start : start + size])
    ]
    return SearchResults(
        hits=hits,
        total=pages.count(),
        facets={facet: [] for facet in FACETS},
        took_ms=0.0,
        engine="database",
        notice=notice,
    )


def without_hidden_personas(results, exclude_ids):
    """Results that do not name a persona page the searcher may not view. An asset they may see
    can be tagged with one: its persona label and the persona facet's value are left out, and so
    is the asset's "Tagged" highlight (the tag text holds the persona's title and role, and a
    passage may show any part of them)."""
    from personas.models import PersonaPage

    hidden = (
        set(PersonaPage.objects.filter(pk__in=exclude_ids).values_list("slug", flat=True)) if exclude_ids else set()
    )
    if not hidden:
        return results

    def cleaned(hit):
        personas = hit.labels.get("persona", {})
        if hidden.isdisjoint(personas):
            return hit
        return dataclasses.replace(
            hit,
            labels={**hit.labels, "persona": {slug: name for slug, name in personas.items() if slug not in hidden}},
            highlights=[highlight for highlight in hit.highlights if highlight["field"] != TAGGED],
        )

    facets = {
        **results.facets,
        "persona": [item for item in results.facets.get("persona", []) if item[0] not in hidden],
    }
    return dataclasses.replace(results, hits=[cleaned(hit) for hit in results.hits], facets=facets)
