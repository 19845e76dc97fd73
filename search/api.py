"""GET /api/search: the same search as the site, as JSON, for the site and for integrations.

Authentication: the site's session, or `Authorization: Bearer <token>` with a token the
user created (and can revoke) under Settings → API tokens in the admin.
"""

import hashlib
import re

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from content.models import CollateralPage
from home import versions
from home.api_auth import authenticated_user, unauthorised
from home.text import typed_search, without_nul
from home.visibility import hidden_page_ids, visible_pages
from personas.models import Objection, PersonaPage
from search import service
from search.engines.base import FACETS
from search.models import QueryLog
from search.taxonomy import known_values
from search.views import MAX_QUERY_LENGTH

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class BadRequest(Exception):
    pass


def whole_number(params, name, default, low, high):
    value = without_nul(params.get(name))
    if value == "":
        return default
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not (value.isascii() and value.isdecimal()) or not low <= int(value) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {value!r}.")
    return int(value)


def parse_filters(params, hidden_ids=frozenset()):
    filters = {}
    for facet in FACETS:
        values = [without_nul(value) for value in params.getlist(facet) if without_nul(value)]
        if not values:
            continue
        known = known_values(facet, values, hidden_ids)
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise BadRequest(f"Unknown {facet}: {', '.join(unknown)}.")
        filters[facet] = known
    return filters


def hit_json(hit):
    labels = hit.labels
    return {
        "id": hit.id,
        "external_id": hit.external_id,
        "title": hit.title,
        "url": hit.url,
        "score": hit.score,
        "highlights": hit.highlights,
        "personas": [{"slug": slug, "name": name} for slug, name in labels.get("persona", {}).items()],
        "objections": [{"slug": slug, "name": name} for slug, name in labels.get("objection", {}).items()],
        "kind": next(iter(labels.get("kind", {})), None),
        "stage": next(iter(labels.get("stage", {})), None),
        "stale": hit.stale,
        "helped": hit.helped,
        "not_helped": hit.not_helped,
        "helped_label": hit.helped_label,
    }


@login_not_required  # it answers 401 itself, as JSON, rather than redirecting to a login page
@require_GET
def search_api(request):
    user = authenticated_user(request)
    if user is None:
        return unauthorised()
    params = request.GET
    try:
        page_size = whole_number(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page = whole_number(params, "page", 1, 1, service.last_page(page_size))
        hidden = hidden_page_ids(request)
        filters = parse_filters(params, hidden)
    except BadRequest as error:
        return JsonResponse({"error": str(error)}, status=400)
    query = typed_search(params.get("q"), MAX_QUERY_LENGTH)
    results = service.search(query, filters, page=page, page_size=page_size, exclude_ids=hidden)
    QueryLog.objects.record(user, query, filters, results)
    return JsonResponse(
        {
            "total": results.total,
            "took_ms": round(results.took_ms, 2),
            "engine": results.engine,
            "page": page,
            "page_size": page_size,
            "corrections": results.corrections,
            "notice": results.notice,
            # No result matched the meaningful words well: the results are best guesses.
            "weak": results.weak,
            # How many results of this page match the meaningful words well, when not all of them
            # do (the rest match fewer of the words); null when they all do.
            "strong": results.strong,
            "mentions": [mention.as_dict() for mention in results.mentions],
            "facets": {
                facet: [{"value": value, "label": label, "count": count} for value, label, count in values]
                for facet, values in results.facets.items()
            },
            "results": [hit_json(hit) for hit in results.hits],
        },
        headers={"Cache-Control": "private, no-store"},
    )


SUGGESTION_LIMIT = 8
SUGGEST_CACHE_SECONDS = 60 * 60  # the taxonomy version retires them sooner when anything changes


def matching_objections(text):
    """Objections for what was typed, best first: the name starting with it ("pri" → "Price is
    too high"), then another word of the name ("Data privacy"), then a word of a synonym, then
    the text anywhere in either. Returns a list of Objection; the taxonomy is a few dozen rows,
    so it is ranked here."""
    starts_word = re.compile(r"(?:^|\W)" + re.escape(text), re.IGNORECASE)

    def rank(objection):
        if objection.name.lower().startswith(text.lower()):
            return 0
        if starts_word.search(objection.name):
            return 1
        if starts_word.search(objection.synonyms or ""):
            return 2
        return 3

    candidates = Objection.objects.filter(Q(name__icontains=text) | Q(synonyms__icontains=text))
    return sorted(candidates, key=lambda objection: (rank(objection), objection.name.lower()))


def taxonomy_suggestions(text):
    """([objection suggestion], [(persona page id, suggestion)]) for what was typed: the objections
    (at most 3) and every live persona page whose title or role holds the text. Cached under the
    shared taxonomy version, which any change to objections or persona pages moves on; which
    personas a request may see is decided after, per request."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    key = f"suggest-taxonomy:{versions.current(versions.TAXONOMY)}:{digest}"
    found = cache.get(key)
    if found is None or found[0] != text:
        objections = [
            {"type": "objection", "label": objection.name, "url": f"/search/?objection={objection.slug}"}
            for objection in matching_objections(text)[:3]
        ]
        personas = [
            (persona.pk, {"type": "persona", "label": persona.title, "url": persona.url})
            for persona in PersonaPage.objects.live()
            .filter(Q(title__icontains=text) | Q(role__icontains=text))
            .order_by("path")
        ]
        found = (text, objections, personas)
        cache.set(key, found, SUGGEST_CACHE_SECONDS)
    return found[1], found[2]


@require_GET
def suggest_api(request):
    """GET /api/suggest?q=pri: titles, personas and objections starting with what was typed
    (only pages the request may view)."""
    text = typed_search(request.GET.get("q"), MAX_QUERY_LENGTH)
    if len(text) < 2:
        return JsonResponse({"suggestions": []})
    objections, personas = taxonomy_suggestions(text)
    hidden = hidden_page_ids(request)
    suggestions = objections + [suggestion for pk, suggestion in personas if pk not in hidden][:3]
    suggestions += [
        {"type": "collateral", "label": page.title, "url": page.url}
        for page in visible_pages(CollateralPage.objects.all(), request)
        .filter(title__icontains=text)
        .order_by("title")[:SUGGESTION_LIMIT]
    ]
    return JsonResponse({"suggestions": suggestions[:SUGGESTION_LIMIT]}, headers={"Cache-Control": "private, no-store"})
