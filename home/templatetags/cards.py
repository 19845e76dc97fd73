"""Template helpers for cards (search results, collateral listings) and page change notices."""

from django import template
from django.utils.safestring import mark_safe

from home import visits
from home.roles import can_give_feedback
from home.visibility import files_shown_to

register = template.Library()


@register.simple_tag(takes_context=True)
def updated_since_seen(context, page_id):
    """``{% updated_since_seen item.pk as updated %}``: True when the person viewing opened this
    page before and it was published again since (home.visits)."""
    request = context.get("request")
    return request is not None and page_id in visits.updated_page_ids(request)


@register.simple_tag(takes_context=True)
def since_last_visit(context, page):
    """``{% since_last_visit page as since %}``: what changed since this person's last visit,
    recorded as a visit; see home.visits.since_last_visit for the shape."""
    request = context.get("request")
    return visits.since_last_visit(request, page) if request is not None else None


@register.simple_tag(takes_context=True)
def result_actions(context, page_id):
    """``{% result_actions hit.id as actions %}``: what a result card offers in place:
    ``{"download": the first file whose collection privacy lets the reader see it (a Wagtail
    document) or None, "event_url": where a copied link is
    counted, or "" for people whose copies are not counted}``."""
    from django.urls import reverse

    from content.models import CollateralFile

    request = context.get("request")
    items = CollateralFile.objects.filter(page_id=page_id).select_related("document__collection").order_by("sort_order")
    documents = files_shown_to(request, [item.document for item in items]) if request is not None else []
    counted = request is not None and can_give_feedback(request.user)
    return {
        "download": documents[0] if documents else None,
        "event_url": reverse("collateral_event", args=[page_id]) if counted else "",
    }


@register.filter
def separated_lines(html):
    """A highlight's escaped HTML with its line breaks (between a heading and its paragraph,
    home.text.text_from_html) shown as a visible separator instead of gluing the two together."""
    parts = [part.strip() for part in str(html).splitlines() if part.strip()]
    separator = ' <span class="highlight-break" aria-hidden="true">·</span> '
    return mark_safe(separator.join(parts))  # noqa: S308 - parts are the engine's escaped HTML
