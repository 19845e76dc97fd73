"""The personas' JSON API for integrations (a CRM sidebar, a chat bot).

GET /api/personas/<slug>/insights: what the persona objects to now (session or token).
POST /api/notes: file an objection note (token only), validated like the site's form.
"""

import re
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from home import versions
from home.api import BadJson, read_json_object
from home.api_auth import authenticated_user, token_user, unauthorised
from home.forms import id_in_range
from home.roles import can_file_notes
from home.visibility import hidden_page_ids, visible_pages
from personas.insights import persona_insights
from personas.models import Helped, PersonaPage
from personas.notes import earlier_note, form_errors, record_form, save_note


def asset_json(asset):
    return {
        "id": asset.id,
        "external_id": asset.external_id,
        "title": asset.title,
        "url": asset.url,
        "helped": asset.helped,
        "not_helped": asset.not_helped,
        "helped_label": asset.effect.label,
        "stale": asset.effect.stale,
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
    hidden = hidden_page_ids(request)
    persona = visible_pages(PersonaPage.objects.filter(slug=slug), request).first()
    if persona is None:  # a persona page the caller may not view answers as one that does not exist
        return JsonResponse({"error": f"No persona with the slug {slug!r}."}, status=404)
    insights = persona_insights(persona, hidden)
    return JsonResponse(
        {
            "persona": {"slug": persona.slug, "name": persona.title, "role": persona.role, "url": persona.url},
            "objections": [objection_json(item) for item in insights.objections],
        },
        headers={"Cache-Control": "private, no-store"},
    )


def note_json(note, hidden=frozenset()):
    """The note as the API answers it. `hidden`: page ids the caller may not view now
    (home.visibility.hidden_page_ids); a retry answering an earlier note does not name a persona
    or an asset restricted since (persona, persona_url and collateral are then null)."""
    persona_shown = note.persona_id not in hidden
    return {
        "id": note.pk,
        "external_id": note.external_id,
        "persona": note.persona.slug if persona_shown else None,
        "objection": note.objection.slug,
        "text": note.text,
        "stage": note.deal_stage_id,
        "outcome": note.outcome,
        "collateral": note.collateral_id if note.collateral_id not in hidden else None,
        "helped": {Helped.YES: True, Helped.NO: False}.get(note.helped),
        "author": note.author_name,
        "created": note.created.isoformat(),
        "persona_url": note.persona.url if persona_shown else None,
    }


def rate_limited(user):
    """Seconds to wait when this user has sent too many notes this minute, else 0."""
    window = int(time.time() // 60)
    key = f"notes-api:{user.pk}:{window}"
    if versions.count(key, 120) > settings.NOTES_API_PER_MINUTE:
        return 60 - int(time.time()) % 60
    return 0


# An idempotency key as integrations send them: up to 100 printable characters (the column's length).
EXTERNAL_ID = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
EXTERNAL_ID_RULE = "external_id is text or a number of at most 100 characters, without control characters."


@csrf_exempt  # token-authenticated only: no session cookie is accepted, so there is nothing to forge
@login_not_required
@require_POST
def create_note_api(request):
    """POST /api/notes: file an objection note from a CRM or chat integration."""
    user = token_user(request)
    if user is None:
        return unauthorised()
    if not can_file_notes(user):
        return JsonResponse({"error": "Your account may not file notes (ask for the Sales role)."}, status=403)
    wait = rate_limited(user)
    if wait:
        response = JsonResponse({"error": f"Too many notes this minute; try again in {wait} s."}, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        payload = read_json_object(request)
    except BadJson as error:
        return JsonResponse({"error": str(error)}, status=400)
    wrong_types = [
        name
        for name in ("persona", "objection", "text", "stage", "outcome")
        if not isinstance(payload.get(name, ""), str)
    ]
    collateral = payload.get("collateral")
    if (
        wrong_types
        or not isinstance(collateral, int | None)
        or isinstance(collateral, bool)
        or (collateral is not None and not id_in_range(collateral))
    ):
        return JsonResponse(
            {"error": "persona, objection, text, stage and outcome are text; collateral is a page id or null."},
            status=400,
        )
    external_id = payload.get("external_id") or None
    if external_id is not None and (
        not isinstance(external_id, str | int)
        or isinstance(external_id, bool)
        or not EXTERNAL_ID.fullmatch(str(external_id))
    ):
        # Cut or cleaned, two different keys could answer with one note: refuse instead.
        return JsonResponse({"error": EXTERNAL_ID_RULE, "errors": {"external_id": [EXTERNAL_ID_RULE]}}, status=400)
    external_id = str(external_id) if external_id is not None else None
    if external_id:
        existing = earlier_note(user, external_id)
        if existing is not None:  # a retry: never a duplicate
            return JsonResponse(note_json(existing, hidden_page_ids(request)), status=200)
    form = record_form(payload, hidden_page_ids=hidden_page_ids(request))
    if not form.is_valid():
        return JsonResponse({"error": "The note was not saved; see errors.", "errors": form_errors(form)}, status=400)
    note, outcome = save_note(form, user, external_id)
    if outcome == "unchanged":  # a concurrent retry saved it first
        return JsonResponse(note_json(note, hidden_page_ids(request)), status=200)
    return JsonResponse(note_json(note), status=201, headers={"Location": note.persona.url or ""})
