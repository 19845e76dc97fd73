import dataclasses
import math
import re
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from home.text import typed_search, without_nul
from home.visibility import hidden_page_ids, visible_pages
from personas.models import ObjectionNote, PersonaPage
from search import service
from search.engines.base import FACETS
from search.models import QueryLog
from search.taxonomy import known_values
from search.understanding import STOP_WORDS

RESULTS_PER_PAGE = 20
NOTES_SHOWN = 5
MAX_QUERY_LENGTH = 200
MAX_CHIPS = 6
WEAK_GUESSES = 5
FACET_TITLES = {"persona": "Persona", "objection": "Objection", "stage": "Buyer stage", "kind": "Kind", "tag": "Tag"}


def parse_page(value):
    """The page number asked for: 1 when it is missing or not a whole number, at most the last
    page the search service shows (service.last_page; a longer number is that last page)."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdecimal()):
        return 1
    last = service.last_page(RESULTS_PER_PAGE)
    return last if len(value) > 9 else min(max(1, int(value)), last)


def search(request):
    """The rep's search: words as they talk, filters with counts, why each result matched."""
    query = typed_search(request.GET.get("q"), MAX_QUERY_LENGTH)
    hidden = hidden_page_ids(request)
    filters = {
        facet: known_values(facet, [without_nul(value) for value in request.GET.getlist(facet)[:10]], hidden)
        for facet in FACETS
        if request.GET.getlist(facet)
    }
    filters = {facet: values for facet, values in filters.items() if values}
    page = parse_page(request.GET.get("page"))
    results = service.search(query, filters, page=page, page_size=RESULTS_PER_PAGE, exclude_ids=hidden)
    last = max(1, math.ceil(results.total / RESULTS_PER_PAGE))
    if page > last and not results.hits:  # past the end (an old link): the last page, as Django's Paginator.get_page
        params = request.GET.copy()
        params["page"] = last
        return HttpResponseRedirect("?" + params.urlencode())
    QueryLog.objects.record(request.user, query, filters, results)
    if results.weak:  # a few best guesses under "No strong match", not pages of them
        results = dataclasses.replace(results, hits=results.hits[:WEAK_GUESSES], total=len(results.hits[:WEAK_GUESSES]))
    personas = PersonaPage.objects.none()
    notes = ObjectionNote.objects.none()
    if query:
        # Grammar words ("does", "the") would match every persona and note: only meaningful ones.
        words = [word for word in query.split() if len(word) > 2 and word.lower() not in STOP_WORDS]
        # A typo's corrections too, as the results were searched: "invoces" lists notes on invoices.
        words = list(dict.fromkeys([*words, *(word for found in results.corrections.values() for word in found)]))
        words = words[:10]
        persona_match, note_match = Q(), Q()
        for word in words:
            persona_match |= starts_a_word("title", word) | starts_a_word("role", word)
            note_match |= starts_a_word("text", word)
        if words:
            personas = visible_pages(PersonaPage.objects.all(), request).filter(persona_match).order_by("title")[:6]
            notes = (
                ObjectionNote.objects.visible()
                .filter(note_match)
                .exclude(persona__in=hidden)
                .select_related("persona", "objection", "author", "collateral")[:NOTES_SHOWN]
            )

    def link(**changes):
        params = {"q": query, **filters, "page": 1, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", [], None)}, doseq=True)

    facet_groups = []
    for facet in FACETS:
        chosen = filters.get(facet, [])
        options = []
        for value, label, count in results.facets.get(facet, []):
            selected = value in chosen
            new_values = [v for v in chosen if v != value] if selected else [*chosen, value]
            options.append({"label": label, "count": count, "selected": selected, "url": link(**{facet: new_values})})
        if options:
            facet_groups.append({"title": FACET_TITLES[facet], "options": options})

    num_pages = max(1, math.ceil(results.total / RESULTS_PER_PAGE))
    response = TemplateResponse(
        request,
        "search/search.html",
        {
            "query": query,
            "filters": filters,
            "filter_count": sum(len(values) for values in filters.values()),  # "Filters (3)" on small screens
            "results": results,
            "facet_groups": facet_groups,
            "personas": personas,
            "notes": notes,
            "page_number": page,
            "num_pages": num_pages,
            "previous_url": link(page=page - 1) if page > 1 else "",
            "next_url": link(page=page + 1) if page < num_pages else "",
            "clear_url": link(**{facet: [] for facet in FACETS}),
            "chips": understood_chips(results.mentions, filters, link),
        },
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def starts_a_word(field, word):
    """A Q for rows whose `field` holds a word beginning with `word`, case-blind: "form" finds
    "form" and "formal", not "information" or "performance". LIKE narrows first (in C on SQLite);
    the regex, Python's re on SQLite and POSIX on PostgreSQL (both read "\\W" and a backslash
    before punctuation alike), then checks that the match starts a word."""
    return Q(**{f"{field}__icontains": word}) & Q(**{f"{field}__iregex": r"(^|\W)" + re.escape(word)})


def understood_chips(mentions, filters, link):
    """One-click filters for what the words named ("Case study", "Head of Security"), and the
    filters in force with a × to remove each. [{"label", "url", "active", "facet"}]."""
    chips, seen = [], set()
    for mention in mentions:
        key = (mention.facet, mention.slug)
        if key in seen or mention.slug in filters.get(mention.facet, []):
            continue
        seen.add(key)
        chosen = filters.get(mention.facet, [])
        url = link(**{mention.facet: [*chosen, mention.slug]})
        chips.append({"label": mention.label, "url": url, "active": False, "facet": FACET_TITLES[mention.facet]})
    for facet, values in filters.items():
        for value in values:
            label = next((m.label for m in mentions if (m.facet, m.slug) == (facet, value)), None)
            if label is None:
                continue  # a filter the words did not name stays in the filter list only
            url = link(**{facet: [v for v in values if v != value]})
            chips.append({"label": label, "url": url, "active": True, "facet": FACET_TITLES[facet]})
    return chips[:MAX_CHIPS]
