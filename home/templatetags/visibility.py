"""Template side of home.visibility: whether the person viewing may see a page shown in passing."""

from django import template

from home.visibility import can_view_page

register = template.Library()


@register.filter
def viewable_by(page, request):
    """``{% if note.collateral|viewable_by:request %}``: the page, when ``request`` may view it
    (live, no failed view restriction); else None. None stays None."""
    if page is None or request is None or not can_view_page(request, page):
        return None
    return page


@register.filter
def only_viewable(pages, request):
    """``{% ... personas=item.personas.all|only_viewable:request %}``: those of `pages` (a
    queryset or list of pages) that ``request`` may view, in their order."""
    return [page for page in pages if can_view_page(request, page)]
