"""A persona page's insights, from personas.insights: the page model imports no service, its
template asks this tag."""

from django import template

from home.visibility import hidden_page_ids
from personas.insights import persona_insights as read_insights

register = template.Library()


@register.simple_tag(takes_context=True)
def persona_insights(context, page):
    """The Insights of persona `page` as the request's person may see them; None for a persona
    not saved yet (a preview: no note refers to it)."""
    return read_insights(page, hidden_page_ids(context["request"])) if page.pk else None
