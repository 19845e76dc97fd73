"""The one search service: views, the API, commands and signals call this, never an engine.

The embedded index is always kept current, whichever engine is chosen: when the
Elasticsearch/OpenSearch server is down, searches are answered from it (and say so), and
the writes the server missed are remembered in the database and replayed when it answers.
"""

import dataclasses
import logging
from functools import cache

from elastic_transport import TransportError
from elasticsearch import ApiError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from search.documents import collateral_for_index, documents
from search.engines.base import FACETS, SearchQuery
from search.engines.elastic import ElasticEngine
from search.engines.embedded import EmbeddedEngine
from search.models import PendingIndexing
from search.taxonomy import mentioned_objections
from search.understanding import understand, vocabulary

logger = logging.getLogger(__name__)

REBUILD_BATCH = 200
TAGGED = "Tagged"  # the highlight field both engines name the taxonomy text with
# What a search server that is down, overloaded or misconfigured raises.
SERVER_ERRORS = (TransportError, ApiError, OSError)
FALLBACK_NOTICE = (
    "The search server is not answering, so these results come from the built-in index. "
    "They may miss the very latest changes; nothing you saved is lost."
)


def one_line(error):
    """``ConnectionError: first line of the message`` (at most 200 characters), for a log line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0][:200] if lines else 'no message'}"


def embedded_engine():
    return embedded_engine_at(str(settings.SEARCH_INDEX_PATH))


@cache
def embedded_engine_at(path):
    return EmbeddedEngine(path, result_cache_size=settings.SEARCH_RESULT_CACHE_SIZE)


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
    """(Re)index these pages if live, remove them if not: in the embedded index, then on the server."""
    page_ids = set(page_ids)
    current = documents(collateral_for_index().filter(pk__in=page_ids))
    removed = page_ids - {document.id for document in current}
    for engine in [embedded_engine()] + ([get_engine()] if uses_server() else []):
        try:
            engine.delete(removed)
            engine.index(current)
        except SERVER_ERRORS as error:
            logger.warning(
                "Search server missed %s (%s); will replay when it answers", sorted(page_ids), one_line(error)
            )
            PendingIndexing.objects.bulk_create([PendingIndexing(page_id=pk) for pk in page_ids], ignore_conflicts=True)
            return
    replay_pending()


def replay_pending():
    """Send the server what it missed while down. Returns how many pages were replayed."""
    if not uses_server():
        return 0
    pending = list(PendingIndexing.objects.values_list("page_id", flat=True))
    if not pending:
        return 0
    current = documents(collateral_for_index().filter(pk__in=pending))
    try:
        engine = get_engine()
        engine.delete(set(pending) - {document.id for document in current})
        engine.index(current)
    except SERVER_ERRORS:
        return 0
    PendingIndexing.objects.filter(page_id__in=pending).delete()
    return len(pending)


def all_documents():
    pages = collateral_for_index().order_by("pk")
    last = 0
    while batch := list(pages.filter(pk__gt=last)[:REBUILD_BATCH]):
        yield from documents(batch)
        last = batch[-1].pk


def rebuild():
    """Rebuild every index from the database (the source of truth); returns the number of documents."""
    count = embedded_engine().rebuild(all_documents())
    if uses_server():
        count = get_engine().rebuild(all_documents())
    PendingIndexing.objects.all().delete()
    return count


def search(text="", filters=None, page=1, page_size=20, *, exclude_ids):
    """Search collateral: a SearchResults from the chosen engine (or the embedded one, with a
    notice, when the server does not answer), with `weak` and `mentions` set (see run()).

    `exclude_ids` is required: the page ids the person searching may not see, usually
    ``home.visibility.hidden_page_ids(request)`` (Wagtail's page view restrictions). Pass
    ``frozenset()`` only where no person's view is involved. The engine leaves them out inside
    the query, so totals, facet counts, results and highlights never reflect them.
    """
    query, mentions = build_query(text, filters, page=page, page_size=page_size, exclude_ids=exclude_ids)

    def ask(engine_query):
        try:
            return get_engine().search(engine_query)
        except SERVER_ERRORS as error:
            # One line per degraded search, not a traceback: the cause is known and the answer still comes.
            logger.warning("Search server failed (%s); answering from the embedded index", one_line(error))
            return dataclasses.replace(embedded_engine().search(engine_query), notice=FALLBACK_NOTICE)

    results = run(ask, query)
    return without_hidden_personas(dataclasses.replace(results, mentions=mentions), query.exclude_ids)


# Query understanding: what the words name, and when the answer is only a best guess.


def build_query(text="", filters=None, page=1, page_size=20, *, exclude_ids, vocab=None):
    """The SearchQuery for what a person typed, and the Mentions recognised in it.

    Returns (SearchQuery, (Mention, ...)). The words are read by search.understanding against
    `vocab` (default: this site's vocabulary); a persona page in `exclude_ids` is never
    recognised, so neither a boost nor a chip reveals it.
    """
    filters = {facet: list(values) for facet, values in (filters or {}).items() if facet in FACETS and values}
    exclude_ids = frozenset(exclude_ids)
    if not text.strip():
        return SearchQuery(text=text, filters=filters, page=page, page_size=page_size, exclude_ids=exclude_ids), ()
    understood = understand(text, vocab or vocabulary(), last_word_complete=text.endswith(" "))
    hidden = hidden_persona_slugs(exclude_ids) if vocab is None else set()
    hidden_named = {("persona", slug) for slug in hidden}
    terms = tuple(
        dataclasses.replace(term, facets=tuple(named for named in term.facets if named not in hidden_named))
        for term in understood.terms
    )
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
    if not exclude_ids:
        return set()
    from personas.models import PersonaPage

    return set(PersonaPage.objects.filter(pk__in=exclude_ids).values_list("slug", flat=True))


def run(ask, query):
    """Ask for a strong answer; when none matches the minimum share of meaningful words, ask again
    with any one of them and flag the answer as weak (the page then says "No strong match").

    `ask(SearchQuery) -> SearchResults` is an engine's search (with the service's fallback)."""
    results = ask(query)
    if not query.terms:
        return results
    if results.total:
        return dataclasses.replace(results, weak=False)
    if query.minimum_should_match > 1:
        results = ask(dataclasses.replace(query, minimum_should_match=1))
    return dataclasses.replace(results, weak=True)


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
