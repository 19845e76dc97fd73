from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse

from content.models import CollateralPage
from personas.models import PersonaPage

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 200


def search(request):
    """A plain title and summary search; the ranked, typo-tolerant search replaces it (issue 3)."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    collateral = CollateralPage.objects.none()
    personas = PersonaPage.objects.none()
    if query:
        words = query.split()
        collateral_match = Q()
        persona_match = Q()
        for word in words:
            collateral_match &= Q(title__icontains=word) | Q(summary__icontains=word)
            persona_match &= Q(title__icontains=word) | Q(role__icontains=word)
        collateral = CollateralPage.objects.live().filter(collateral_match).newest_first().with_taxonomy()
        personas = PersonaPage.objects.live().filter(persona_match).order_by("title")
    response = TemplateResponse(
        request,
        "search/search.html",
        {
            "query": query,
            "results_page": Paginator(collateral, RESULTS_PER_PAGE).get_page(request.GET.get("page")),
            "personas": personas,
        },
    )
    if query:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
