"""GET /api/personas/<slug>/insights: a persona's field insights as JSON, for a CRM sidebar or a bot."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from personas.insights import persona_insights
from personas.models import PersonaPage
from search.api import authenticated_user, unauthorised


def asset_json(asset):
    return {
        "id": asset.id,
        "external_id": asset.external_id,
        "title": asset.title,
        "url": asset.url,
        "helped": asset.helped,
        "not_helped": asset.not_helped,
    }


def objection_json(item):
    return {
        "slug": item.slug,
        "name": item.name,
        "count_90d": item.count_90d,
        "count_prev_90d": item.count_prev_90d,
        "count_all": item.count_all,
        "lost_share": item.lost_share,
        "quotes": [
            {
                "text": quote["text"],
                "author": quote["author"],
                "created": quote["created"].isoformat(),
                "outcome": quote["outcome"],
            }
            for quote in item.quotes
        ],
        "top_assets": [asset_json(asset) for asset in item.top_assets],
    }


@login_not_required  # answers 401 as JSON itself
@require_GET
def persona_insights_api(request, slug):
    if authenticated_user(request) is None:
        return unauthorised()
    persona = PersonaPage.objects.live().filter(slug=slug).first()
    if persona is None:
        return JsonResponse({"error": f"No persona with the slug {slug!r}."}, status=404)
    insights = persona_insights(persona)
    return JsonResponse(
        {
            "persona": {"slug": persona.slug, "name": persona.title, "role": persona.role, "url": persona.url},
            "objections": [objection_json(item) for item in insights.objections],
        },
        headers={"Cache-Control": "private, no-store"},
    )
