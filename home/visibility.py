"""Which pages a request may see: Wagtail's page view restrictions, applied to every listing.

Wagtail checks a page's view restrictions (login, groups, shared password) only when the page
itself is served. Everything else that shows a page (search results on either engine,
suggestions, listings, persona insights, the APIs, file downloads) asks this module, so one
rule holds on every path: a page is visible when it is live and every restriction on it and
on its ancestors accepts the request (``PageViewRestriction.accept_request``: a group
restriction accepts superusers and members of its groups; a password restriction accepts a
session that entered the password; a login restriction accepts anyone logged in).

Restrictions are few (a handful per site), so the pages they hide are found per request,
once: one query for the restrictions, one for aliases of the restricted pages (Wagtail checks
an alias against its source's restrictions) and one per restricted tree the request fails.
"""

from wagtail.models import Page, PageViewRestriction

CACHE_ATTRIBUTE = "_hidden_page_ids"


def hidden_page_ids(request):
    """Ids of the pages (any type, live or not) that ``request`` may not view.

    Returns a frozenset of page primary keys: every page under a view restriction that
    ``request`` does not pass, descendants included (restrictions are inherited). Cached on
    the request object, so a view that asks several times pays once. ``request`` needs
    ``user`` and ``session`` (any Django request that went through the middleware).
    """
    cached = getattr(request, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    failed = {}  # restricted page id -> its tree path, for the restrictions this request fails
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if restriction.page_id not in failed and not restriction.accept_request(request):
            failed[restriction.page_id] = restriction.page.path
    hidden = set()
    if failed:
        # Wagtail checks an alias page (and anything below it) against its source page's restriction.
        paths = set(failed.values()) | set(Page.objects.filter(alias_of__in=failed).values_list("path", flat=True))
        trees = []  # each restricted tree once, not again for a restriction inside it
        for path in sorted(paths):
            if not any(path.startswith(tree) for tree in trees):
                trees.append(path)
        for path in trees:
            hidden.update(Page.objects.filter(path__startswith=path).values_list("pk", flat=True))
    hidden = frozenset(hidden)
    setattr(request, CACHE_ATTRIBUTE, hidden)
    return hidden


def visible_pages(queryset, request):
    """Narrow a page queryset to what ``request`` may see: live and not under a failed restriction."""
    return queryset.live().exclude(pk__in=hidden_page_ids(request))


def can_view_page(request, page):
    """Whether ``request`` may see ``page`` (a Page or subclass instance) as a reader."""
    return page.live and page.pk not in hidden_page_ids(request)
