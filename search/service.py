"""The one search service: views, the API, commands and signals call this, never an engine.

Engines rank by text relevance only. What changes with time or feedback (the helped figure,
staleness past review-by) is read at query time from content.effectiveness: the service asks
the engine for the best CANDIDATES by text, re-ranks them (relevance × a factor of 0.63..1.1,
so helped and freshness reorder near-equals and a stale asset is demoted, never hidden), then
cuts the page and asks the engine for that page's highlights alone. Totals, facet counts and
typo corrections are the engine's.

The embedded index is always kept current, whichever engine is chosen: when the
Elasticsearch/OpenSearch server is down, hung (each call is bounded by ELASTICSEARCH_TIMEOUT)
or empty, searches are answered from it (and say so); after a failure the server is skipped
for BREAKER_SECONDS (a circuit breaker, per process); writes the server missed are
remembered in the database and replayed as soon as it answers (at the start of a search);
a server index found empty or short against the database is rebuilt by a queued task.

The embedded index (tantivy) has one writer: only the process that runs the tasks writes it
(search.tasks; web workers only read). It heals itself: one that is missing, empty or damaged
is detected at search time, the search is answered from the database with a notice, and a
rebuild is queued; a write that could not land (a locked or unwritable index, a server that is
down) is kept in PendingIndexing and replayed by the writer.
"""

import dataclasses
import logging
import threading
import time
from functools import cache

from elastic_transport import TransportError
from elasticsearch import ApiError, NotFoundError

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.html import escape

from content import effectiveness
from home import versions
from search.documents import collateral_for_index, documents
from search.engines.base import FACETS, Hit, SearchQuery, SearchResults
from search.engines.elastic import ElasticEngine
from search.engines.embedded import WORD, WORDS_ANALYZER, EmbeddedEngine, IndexBusy, IndexUnavailable
from search.models import PendingIndexing
from search.taxonomy import mentioned_objections
from search.understanding import understand, vocabulary

logger = logging.getLogger(__name__)

REBUILD_BATCH = 200
# Fewer strong matches than this (the search page's and the API's default page) are followed by the
# assets that match fewer of the words, in one list (run, with_looser): a fixed figure, so the total
# is the same whatever page size a client asks for.
FEW_STRONG = 20
TAGGED = "Tagged"  # the highlight field both engines name the taxonomy text with
# What a search server that is down, overloaded or misconfigured raises.
SERVER_ERRORS = (TransportError, ApiError, OSError)
FALLBACK_NOTICE = (
    "The search server is not answering, so these results come from the built-in index. "
    "They may miss the very latest changes; nothing you saved is lost."
)
REBUILDING_NOTICE = (
    "The search server's index is incomplete and is being rebuilt, so these results come from the "
    "built-in index. Nothing you saved is lost."
)
CANDIDATES = 200  # the best this many by text relevance are re-ranked by effectiveness
# The deepest result any page may reach (page × page size), as Elasticsearch's default
# index.max_result_window: an engine collects every result up to the page it shows, so a page
# number without a bound would ask it for billions (tantivy aborted the process).
MAX_RESULT_WINDOW = 10_000
BREAKER_SECONDS = 30  # after a failed server call, the server is skipped this long (per process)
CHECK_SECONDS = 30  # how often (per process) the server's document count is compared to the database
REPLAY_BATCH = 100
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
REBUILD_RETRY_SECONDS = 30  # after a rebuild failed (the folder cannot be written), the next try waits this long


class Repair:
    """A repair the writing process runs as a task, asked for by whichever web worker notices the
    need: queued at most once per `seconds` across every worker (a shared cache key), however many
    searches notice; the task clears the key when it is done.

    The task is connected by search.tasks (``connect``), which imports this module, so the
    service never imports its own tasks (no circle of imports)."""

    def __init__(self, key, seconds):
        self.key, self.seconds, self.task = key, seconds, None

    def connect(self, task):
        """Name the django-tasks task that does this repair (search.tasks, at import)."""
        self.task = task

    def queue(self):
        """Enqueue the task unless it waits already. Returns its TaskResult (finished already
        on the immediate backend), or None when it waits from an earlier call or could not be
        queued (logged). Never raises."""
        if self.task is None:
            logger.error("The search repair %s has no task connected (search.tasks not loaded)", self.key)
            return None
        if not shared_cache.add(self.key, True, self.seconds):
            return None
        try:
            return self.task.enqueue()
        except Exception:
            logger.exception("Could not queue the search repair %s", self.key)
            return None

    def done(self):
        shared_cache.delete(self.key)

    def retry_after(self, seconds):
        """Let the next ask queue it again after `seconds` (it failed; the cause may clear)."""
        shared_cache.set(self.key, True, seconds)


# One rebuild of each index waits in the queue at a time; kept writes are replayed this often at most.
REBUILD_EMBEDDED = Repair("search-index-rebuild-queued", 300)
REBUILD_SERVER = Repair("search-server-rebuild-queued", 600)
REPLAY = Repair("search-replay-queued", 10)


def one_line(error):
    """``ConnectionError: first line of the message`` (at most 200 characters), for a log line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0][:200] if lines else 'no message'}"


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
    return ElasticEngine(url, alias=alias, plain_json=plain_json, timeout=settings.ELASTICSEARCH_TIMEOUT)


def uses_server():
    return get_engine() is not embedded_engine()


class ServerHealth:
    """Per process: the circuit breaker and when the server's document count was last checked."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.skip_until = 0.0  # time.monotonic() before which the server is not called
        self.next_check = 0.0  # time.monotonic() from which the document count is checked again
        self.short = False  # the last check found the server's index empty or short

    def available(self):
        return time.monotonic() >= self.skip_until

    def failed(self):
        with self.lock:
            self.skip_until = time.monotonic() + BREAKER_SECONDS
            self.next_check = 0.0  # it may come back empty: check its count when it answers


health = ServerHealth()


def index_collateral(page_ids):
    """(Re)index these pages if live, remove them if not: in the embedded index and on the server.

    Returns True when every index took the write. Otherwise the pages are kept in PendingIndexing
    (replayed after the next write that lands, by the task's retries, or by a rebuild) and False
    is returned; nothing is dropped. Each index is written on its own: a broken embedded index
    never keeps the write from the server. Called only by the one process that writes (search.tasks).
    """
    page_ids = set(page_ids)
    if write_everywhere(page_ids):
        replay_pending()
        return True
    keep(page_ids)
    return False


def keep(page_ids):
    """Keep these page ids in PendingIndexing for the process that writes to replay."""
    PendingIndexing.objects.bulk_create([PendingIndexing(page_id=pk) for pk in page_ids], ignore_conflicts=True)


def write_everywhere(page_ids):
    """Write these pages' current state to each index; False if any index did not take it."""
    current = documents(collateral_for_index().filter(pk__in=page_ids))
    removed = set(page_ids) - {document.id for document in current}
    landed = write_to_embedded(removed, current)
    if uses_server() and not write_to_server(removed, current):
        landed = False
    return landed


def write_to_embedded(removed, current):
    """Delete and index in the embedded index; False when it refused (locked, unwritable, damaged:
    a rebuild is queued for a missing or damaged one)."""
    try:
        engine = embedded_engine()
        engine.delete(removed)
        engine.index(current)
    except IndexUnavailable as problem:
        logger.warning("Search index missed a write (%s); kept to replay", problem)
        # A rebuild reads every page from the database, these ones included: when it already ran
        # and landed (immediate tasks), the write is in it.
        return problem.reason in ("missing", "corrupt") and queue_rebuild()
    except Exception:  # the server write must still happen; the write is kept and replayed
        logger.exception("The embedded index missed a write; kept to replay")
        return False
    return True


def write_to_server(removed, current):
    """Delete and index on the server; False (and the breaker tripped) when it does not answer."""
    if not health.available():
        return False
    try:
        engine = get_engine()
        engine.delete(removed)
        engine.index(current)
    except SERVER_ERRORS as error:
        logger.warning("Search server missed a write (%s); will replay when it answers", one_line(error))
        health.failed()
        return False
    return True


def replay_pending():
    """Write again what an index missed (server down, index locked or unwritable), REPLAY_BATCH
    pages at a time. Returns how many pages were replayed (0 when nothing waits or an index still
    refuses). Run only by the process that writes (the writes' tasks, or search.tasks.replay_pending)."""
    if uses_server() and not health.available():
        return 0
    replayed = 0
    while pending := list(PendingIndexing.objects.order_by("page_id").values_list("page_id", flat=True)[:REPLAY_BATCH]):
        if not write_everywhere(pending):
            break
        PendingIndexing.objects.filter(page_id__in=pending).delete()
        replayed += len(pending)
    return replayed


def queue_rebuild():
    """Ask the process that writes to rebuild the embedded index (REBUILD_EMBEDDED). Returns True
    when the rebuild already ran and landed (the immediate task backend), False when it waits or
    failed. Never raises."""
    from django_tasks import TaskResultStatus

    result = REBUILD_EMBEDDED.queue()
    return result is not None and result.status == TaskResultStatus.SUCCEEDED and (result.return_value or 0) >= 0


def check_server():
    """Heal the server before a search: replay missed writes, and at most every CHECK_SECONDS compare
    its document count with the database's live collateral; an index that is empty, or short by
    more than 1 %, gets a rebuild queued (REBUILD_SERVER). Returns True when the server can answer:
    it is not skipped and its index was not found short. Raises SERVER_ERRORS."""
    if PendingIndexing.objects.exists():
        REPLAY.queue()  # a web worker never writes the embedded index itself
    if time.monotonic() < health.next_check:
        return not health.short
    expected = collateral_for_index().count()
    found = get_engine().count()
    health.short = expected > 0 and (found == 0 or found < expected - expected // 100)
    health.next_check = time.monotonic() + CHECK_SECONDS
    if health.short:
        logger.warning("Search server holds %s of %s documents; rebuilding it", found, expected)
        REBUILD_SERVER.queue()  # on the immediate backend it ran already, and health.short is False
    return not health.short


def rebuild_server():
    """Rebuild the server's index alone from the database; returns its document count. Kept writes
    stay for the replay: they may be the embedded index's too."""
    count = get_engine().rebuild(all_documents())
    health.short = False
    health.next_check = time.monotonic() + CHECK_SECONDS
    REBUILD_SERVER.done()
    return count


def all_documents():
    pages = collateral_for_index().order_by("pk")
    last = 0
    while batch := list(pages.filter(pk__gt=last)[:REBUILD_BATCH]):
        yield from documents(batch)
        last = batch[-1].pk


def rebuild_embedded():
    """Rebuild the embedded index from the database, replacing a damaged one; returns its number of
    documents. Raises IndexBusy when another process holds the index's writer and IndexUnavailable
    when its folder cannot be written (the next try waits REBUILD_RETRY_SECONDS); kept writes stay
    in both cases. Without a server, the writes kept before the rebuild read are in it: cleared."""
    started = PendingIndexing.objects.values_list("pk", flat=True).order_by("-pk").first() or 0
    try:
        count = embedded_engine().rebuild(all_documents())
    except IndexUnavailable:
        REBUILD_EMBEDDED.retry_after(REBUILD_RETRY_SECONDS)
        raise
    REBUILD_EMBEDDED.done()
    if not uses_server():
        PendingIndexing.objects.filter(pk__lte=started).delete()
    return count


def rebuild():
    """Rebuild every index from the database (the source of truth); returns the number of documents.

    Raises what rebuild_embedded() raises, and SERVER_ERRORS when the server does not answer; the
    writes kept before the rebuild read are cleared only when both indexes were rebuilt.
    """
    started = PendingIndexing.objects.values_list("pk", flat=True).order_by("-pk").first() or 0
    count = rebuild_embedded()
    if uses_server():
        count = rebuild_server()
        PendingIndexing.objects.filter(pk__lte=started).delete()
    return count


def rebuild_or_hand_over():
    """Rebuild every index here and return the number of documents; or, when another process
    writes the embedded index (IndexBusy: the development server, or the task worker), keep every
    live page in PendingIndexing for that process and return None. It writes them on its next
    indexing write, or within CHECK_SECONDS of its next search (embedded_answer queues the replay).
    Raises IndexUnavailable (other than busy) and SERVER_ERRORS as rebuild() does."""
    try:
        return rebuild()
    except IndexBusy:
        keep(collateral_for_index().values_list("pk", flat=True))
        return None


replay_check = {"next": 0.0}  # per process: time.monotonic() from which kept writes are looked for again


def last_page(page_size):
    """The last page number whose results lie inside MAX_RESULT_WINDOW, for pages of `page_size`."""
    return max(1, MAX_RESULT_WINDOW // max(1, page_size))


def search(text="", filters=None, page=1, page_size=20, *, exclude_ids):
    """Search collateral: a SearchResults from the chosen engine (or the embedded one, with a
    notice, when the server does not answer or its index is being rebuilt), re-ranked by
    effectiveness, with `weak` and `mentions` set (see run()).

    `exclude_ids` is required: the page ids the person searching may not see, usually
    ``home.visibility.hidden_page_ids(request)`` (Wagtail's page view restrictions). Pass
    ``frozenset()`` only where no person's view is involved. The engine leaves them out inside
    the query, so totals, facet counts, results and highlights never reflect them.

    `page` counts from 1 and is brought inside 1..last_page(page_size); `page_size` inside
    1..MAX_RESULT_WINDOW, so no page asks an engine for more than MAX_RESULT_WINDOW results.
    """
    page_size = min(max(1, page_size), MAX_RESULT_WINDOW)
    page = min(max(1, page), last_page(page_size))
    with versions.remembered():  # the taxonomy's and the field records' versions, read once each
        hidden_personas = hidden_persona_slugs(exclude_ids)  # read once: the query and the results use it
        query, mentions = build_query(
            text, filters, page=page, page_size=page_size, exclude_ids=exclude_ids, hidden_personas=hidden_personas
        )
        results = run(answer, query)
    results = dataclasses.replace(results, mentions=mentions, corrections=as_typed(text, results.corrections))
    return with_named_values(without_hidden_personas(results, hidden_personas))


def with_named_values(results):
    """Say why a hit matched when no passage does: it carries what the words named ("customer
    story" names the kind Case study; an asset for the CFO). A hit with no highlight gets one
    "Tagged" highlight marking the labels of `results.mentions` it carries, in the order they were
    named; others are left as they are. Mentions never include a persona the searcher may not view
    (build_query), and hidden personas' labels are gone by now (without_hidden_personas)."""
    if not results.mentions:
        return results

    def explained(hit):
        named = [hit.labels.get(mention.facet, {}).get(mention.slug) for mention in results.mentions]
        named = list(dict.fromkeys(label for label in named if label))
        if hit.highlights or not named:
            return hit
        marked = " · ".join(f"<mark>{escape(label)}</mark>" for label in named)
        return dataclasses.replace(hit, highlights=[{"field": TAGGED, "html": marked}])

    return dataclasses.replace(results, hits=[explained(hit) for hit in results.hits])


def as_typed(text, corrections):
    """The engine's {word: [words searched instead]} keyed by each word as it was typed in `text`
    ("Réconcilliation"), not as the index folds it ("reconcilliation"): the page says "you typed"."""
    typed = {}
    for word in WORD.findall(text):
        for token in WORDS_ANALYZER.analyze(word):
            typed.setdefault(token, word)
    return {typed.get(word, word): words for word, words in corrections.items()}


def answer(query):
    """The ranked SearchResults for one SearchQuery from the server when it can answer, else from
    the embedded index with a notice saying why (down, skipped by the breaker, or being rebuilt)."""
    if not uses_server():
        return embedded_answer(query)
    results = None
    if not health.available():
        notice = FALLBACK_NOTICE
    else:
        try:
            notice = "" if check_server() else REBUILDING_NOTICE
            if not notice:
                try:
                    results = ranked_search(get_engine(), query)
                except NotFoundError:  # its index is gone (restarted empty): count now, rebuild
                    health.next_check = 0.0
                    notice = "" if check_server() else REBUILDING_NOTICE
                    results = None if notice else ranked_search(get_engine(), query)
        except SERVER_ERRORS as error:
            # One line per degraded search, not a traceback: the cause is known and the answer still comes.
            logger.warning("Search server failed (%s); answering from the embedded index", one_line(error))
            health.failed()
            notice = FALLBACK_NOTICE
    if results is None:
        results = embedded_answer(query)
        if not results.notice:
            results = dataclasses.replace(results, notice=notice)
    return results


def embedded_answer(query):
    """The embedded engine's ranked answer; from the database, with a notice, when the index is
    missing, empty (while live collateral exists: document count against the database) or
    damaged, in which case a rebuild is queued too."""
    engine = embedded_engine()
    if time.monotonic() >= replay_check["next"]:  # writes kept for this index (another process was busy)
        replay_check["next"] = time.monotonic() + CHECK_SECONDS
        if PendingIndexing.objects.exists():
            REPLAY.queue()
    try:
        results = ranked_search(engine, query)
        # An empty index answers nothing to any pass. A strong pass that found nothing is followed
        # by a looser one (run()), which checks: one count per search, not one per pass.
        looser_pass_follows = query.terms and query.minimum_should_match > 1
        if results.total or looser_pass_follows or engine.count() or not collateral_for_index().exists():
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
    shown = documents(pages[start : start + size])
    effects = effectiveness.for_pages([doc.id for doc in shown])
    hits = [
        with_effect(Hit(id=doc.id, score=0.0, highlights=[], stale=False, **doc.stored_fields()), 0.0, effects[doc.id])
        for doc in shown
    ]
    return SearchResults(
        hits=hits,
        total=pages.count(),
        facets={facet: [] for facet in FACETS},
        took_ms=0.0,
        engine="database",
        notice=notice,
    )


def ranked_search(engine, query):
    """One engine's SearchResults for `query`, re-ranked by effectiveness (see the module docstring).

    Two engine calls: the candidates' ids and scores alone (ids_only: no stored text read, no
    highlights), then the shown page's hits with their highlights (only_ids). The first CANDIDATES
    are re-ranked; results past them keep the engine's order, so paging never shows an asset twice
    or skips one. Totals and facets are the first call's; corrections too, or else the second's
    (Elasticsearch finds them while it marks the page's passages: ElasticEngine.typo_highlights)."""
    started = time.perf_counter()
    page_size = max(1, query.page_size)
    offset = (max(1, query.page) - 1) * page_size
    wide = engine.search(
        dataclasses.replace(
            query, page=1, page_size=max(CANDIDATES, offset + page_size), highlight=False, ids_only=True
        )
    )
    # Browsing (no words) has no relevance to weigh: every candidate counts 1, so the helped figure
    # and freshness order them, and equals keep the engine's newest-first order.
    browsing = not query.text.strip()
    scored = [(hit.id, 1.0 if browsing else hit.score) for hit in wide.hits]
    shown = scored[offset : offset + page_size]
    factors = effectiveness.factors([doc_id for doc_id, _score in scored[:CANDIDATES]])
    ranked = effectiveness.rerank(scored[:CANDIDATES], factors) + scored[CANDIDATES:]
    shown = ranked[offset : offset + page_size]
    effects = effectiveness.for_pages([doc_id for doc_id, _score in shown])
    hits, corrections = {}, wide.corrections
    if shown:
        page = engine.search(
            dataclasses.replace(
                query,
                page=1,
                page_size=len(shown),
                only_ids=frozenset(doc_id for doc_id, _score in shown),
                highlight=query.highlight and not browsing,
            )
        )
        hits = {hit.id: hit for hit in page.hits}
        corrections = corrections or page.corrections
    page_hits = [
        with_effect(hits[doc_id], score, effects[doc_id])
        for doc_id, score in shown
        if doc_id in hits  # not removed between the two calls
    ]
    took_ms = (time.perf_counter() - started) * 1000
    return dataclasses.replace(wide, hits=page_hits, corrections=corrections, took_ms=took_ms)


def with_effect(hit, score, effect):
    """The hit with its final score and content.effectiveness's figure and staleness."""
    return dataclasses.replace(
        hit,
        score=round(score, 6),
        stale=effect.stale,
        helped=effect.helped,
        not_helped=effect.not_helped,
        helped_label=effect.label,
    )


# Query understanding: what the words name, and when the answer is only a best guess.


def build_query(text="", filters=None, page=1, page_size=20, *, exclude_ids, vocab=None, hidden_personas=None):
    """The SearchQuery for what a person typed, and the Mentions recognised in it.

    Returns (SearchQuery, (Mention, ...)). The words are read by search.understanding against
    `vocab` (default: this site's vocabulary); a persona page in `exclude_ids` is never
    recognised, so neither a boost nor a chip reveals it. `hidden_personas`: their slugs
    (hidden_persona_slugs(exclude_ids)) when the caller has read them already.
    """
    filters = {facet: list(values) for facet, values in (filters or {}).items() if facet in FACETS and values}
    exclude_ids = frozenset(exclude_ids)
    if not text.strip():
        return SearchQuery(text=text, filters=filters, page=page, page_size=page_size, exclude_ids=exclude_ids), ()
    if vocab is not None:
        hidden = set()
    else:
        hidden = hidden_persona_slugs(exclude_ids) if hidden_personas is None else hidden_personas
    # A persona the searcher may not view is unknown here: its words are plain words, grouped by
    # nothing, so neither a mention nor the way the other words are read gives it away.
    understood = understand(text, vocab or vocabulary(hidden), last_word_complete=text.endswith(" "))
    hidden_named = {("persona", slug) for slug in hidden}
    terms = tuple(
        dataclasses.replace(term, facets=tuple(named for named in term.facets if named not in hidden_named))
        for term in understood.terms
    )
    # A term left with no facet it may name is matched by its words again.
    terms = tuple(dataclasses.replace(term, facet_only=False) if not term.facets else term for term in terms)
    mentions = tuple(m for m in understood.mentions if not (m.facet == "persona" and m.slug in hidden))
    boosts = {}
    for mention in mentions:
        boosts.setdefault(mention.facet, ())
        if mention.slug not in boosts[mention.facet]:
            boosts[mention.facet] += (mention.slug,)
    query = SearchQuery(
        text=text,
        filters=filters,
        objections=tuple(dict.fromkeys(understood.objections + (() if vocab else mentioned_objections(text)))),
        page=page,
        page_size=page_size,
        exclude_ids=exclude_ids,
        terms=terms,
        minimum_should_match=understood.minimum_should_match,
        boosts=boosts,
        phrase=understood.meaningful_text,
    )
    return query, mentions


def hidden_persona_slugs(exclude_ids):
    """The slugs of the persona pages among `exclude_ids` (a set; one query, none when empty)."""
    if not exclude_ids:
        return set()
    from personas.models import PersonaPage

    return set(PersonaPage.objects.filter(pk__in=exclude_ids).values_list("slug", flat=True))


def run(ask, query):
    """Ask for a strong answer; when none matches the minimum share of meaningful words, ask again
    with any one of them and flag the answer as weak (the page then says "No strong match"). When
    fewer than FEW_STRONG assets match strongly, assets matching fewer of the words follow them,
    in one list paged as one whatever the page size (with_looser).

    `ask(SearchQuery) -> SearchResults` is an engine's search (with the service's fallback)."""
    results = ask(query)
    if not query.terms:
        return results
    if results.total:
        results = dataclasses.replace(results, weak=False)
        if query.minimum_should_match > 1 and results.total < FEW_STRONG:
            return with_looser(ask, query, results)
        return results
    if query.minimum_should_match > 1:
        results = ask(dataclasses.replace(query, minimum_should_match=1))
    return dataclasses.replace(results, weak=True)


def with_looser(ask, query, strong):
    """Fewer than FEW_STRONG strong matches: one list of the strong matches first, then the assets
    that match fewer of the meaningful words (minimum_should_match 1), each asset once.

    `strong`: the answer to `query` itself, for its page. Returns the SearchResults of `query.page`
    of that list: `total` counts both, the facet counts too, `strong` says how many hits of this
    page are strong (0 once they are all shown: the page then says the hits match only some of the
    words), corrections are the strong answer's. The same list whatever the page size. Besides
    `strong`, a page asks for the strong matches' ids when they are not all on it, and for the
    looser ones at most twice."""
    size, page = max(1, query.page_size), max(1, query.page)
    offset, count = (page - 1) * size, strong.total
    held = frozenset(hit.id for hit in strong.hits)
    if len(held) < count:  # some strong matches are on other pages: leave them all out below
        every = ask(dataclasses.replace(query, page=1, page_size=count, highlight=False))
        held = frozenset(hit.id for hit in every.hits)
    looser = dataclasses.replace(query, minimum_should_match=1, exclude_ids=query.exclude_ids | held)
    start = max(0, offset - count)  # this page's first looser match, in their own list
    wanted = size - len(strong.hits)
    if not wanted:  # a page of strong matches only: the looser ones are counted, not shown
        answers = [ask(dataclasses.replace(looser, page=1, page_size=1, highlight=False))]
        extra = []
    else:
        first = start // wanted + 1
        answers = [ask(dataclasses.replace(looser, page=first, page_size=wanted))]
        if start % wanted and answers[0].total > first * wanted:  # the page straddles two of theirs
            answers.append(ask(dataclasses.replace(looser, page=first + 1, page_size=wanted)))
        skip = start % wanted
        extra = [hit for answer in answers for hit in answer.hits][skip : skip + wanted]
    if not answers[0].total:
        return strong
    return dataclasses.replace(
        strong,
        hits=strong.hits + extra,
        total=count + answers[0].total,
        facets=summed_facets(strong.facets, answers[0].facets),
        strong=len(strong.hits),
    )


def summed_facets(*answers):
    """Facet counts of answers that share no asset, added up: {facet: [(value, label, count)]},
    each facet's values by count (highest first), then label, as the engines order them."""
    counts = {}
    for facets in answers:
        for facet, values in facets.items():
            summed = counts.setdefault(facet, {})
            for value, label, count in values:
                summed[(value, label)] = summed.get((value, label), 0) + count
    return {
        facet: sorted(((value, label, count) for (value, label), count in values.items()), key=lambda v: (-v[2], v[1]))
        for facet, values in counts.items()
    }


def without_hidden_personas(results, hidden):
    """Results that do not name a persona page the searcher may not view (`hidden`: their slugs,
    hidden_persona_slugs). An asset they may see can be tagged with one: its persona label and the
    persona facet's value are left out, and so is the asset's "Tagged" highlight (the tag text
    holds the persona's title and role, and a passage may show any part of them)."""
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
