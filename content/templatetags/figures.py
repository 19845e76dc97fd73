"""The helped figure and usage on a collateral page, from content.effectiveness (the one figure
every screen shows). A page model imports no service: its template asks these tags."""

import dataclasses

from django import template

from content import effectiveness
from home.roles import can_publish_collateral

register = template.Library()


@register.simple_tag
def helped_figure(page):
    """`page`'s Effectiveness. A preview (saved or not) shows the edited review-by date, not the
    published one; a page not saved yet has no answers."""
    effect = effectiveness.for_page(page.pk) if page.pk else effectiveness.Effectiveness(0)
    return dataclasses.replace(effect, review_by=page.review_by)


@register.simple_tag(takes_context=True)
def asset_usage(context, page):
    """`page`'s AssetUsage for someone who publishes collateral; None for anyone else or a page
    not saved yet."""
    if page.pk and can_publish_collateral(context["request"].user):
        return effectiveness.usage_for_pages([page.pk])[page.pk]
    return None
