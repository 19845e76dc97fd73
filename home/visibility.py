"""Which pages (and files of a page) a request may see: Wagtail's page view restrictions, applied to every listing.

Wagtail checks a page's view restrictions (login, groups, shared password) only when the page
itself is served. Everything else that shows a page (search results on either engine,
suggestions, listings, persona insights, the APIs, file downloads) asks this module, so one
rule holds on every path: a page is visible when it is live and every restriction on it and
on its ancestors accepts the request (``PageViewRestriction.accept_request``: a group
restriction accepts superusers and members of its groups; a password restriction accepts a
session that entered the password; a login restriction accepts anyone logged in).

Restrictions are few (a handful per site), so the pages they hide are found per request,
once: one query for the restrictions, one for the paths of the restricted pages the request
fails, one per level of their aliases (Wagtail checks an alias against its source's
restrictions) and one for every page in those trees.
"""

from types import SimpleNamespace

from django.db.models import Q

from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

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
    failed = set()  # restricted page ids, for the restrictions this request fails
    # No select_related("page"): a Page row is 30 columns, and most requests pass every restriction.
    for restriction in PageViewRestriction.objects.prefetch_related("groups"):
        if restriction.page_id not in failed and not restriction.accept_request(request):
            failed.add(restriction.page_id)
    trees = restricted_trees(failed)
    hidden = frozenset(Page.objects.filter(under_any(trees)).values_list("pk", flat=True)) if trees else frozenset()
    setattr(request, CACHE_ATTRIBUTE, hidden)
    return hidden


def restricted_trees(page_ids):
    """The tree paths a view restriction on each of `page_ids` keeps closed: the page's own and, as
    Wagtail checks an alias page (and anything below it) against its source's restrictions,
    following an alias of an alias to the end (``Page.get_view_restrictions``), the path of every
    alias of it at any depth. Returns a sorted list of paths, none inside another: a page is in a
    closed tree when its path starts with one. One query per level of aliases (usually one)."""
    sources = set(page_ids)
    if not sources:
        return []
    paths = set(Page.objects.filter(pk__in=sources).values_list("path", flat=True))
    frontier = sources
    while frontier:
        aliases = list(Page.objects.filter(alias_of__in=frontier).exclude(pk__in=sources).values_list("pk", "path"))
        frontier = {pk for pk, _path in aliases}
        sources |= frontier
        paths |= {path for _pk, path in aliases}
    trees = []  # each closed tree once, not again for a restricted page inside it
    for path in sorted(paths):
        if not any(path.startswith(tree) for tree in trees):
            trees.append(path)
    return trees


def under_any(trees):
    """A Q matching the rows of a tree model (pages, collections: treebeard's `path`) inside any
    of the tree paths `trees` (restricted_trees); matches nothing when there are none."""
    if not trees:
        return Q(pk__in=[])
    under = Q()
    for path in trees:
        under |= Q(path__startswith=path)
    return under


def visible_pages(queryset, request):
    """Narrow a page queryset to what ``request`` may see: live and not under a failed restriction."""
    return queryset.live().exclude(pk__in=hidden_page_ids(request))


def can_view_page(request, page):
    """Whether ``request`` may see ``page`` (a Page or subclass instance) as a reader."""
    return page.live and page.pk not in hidden_page_ids(request)


def hidden_in_admin(user):
    """Ids of the pages the Wagtail admin keeps from ``user``: explorer, its search, the page
    chooser, the admin pages API and every admin view of one page.

    Wagtail's admin ignores view restrictions: whoever may edit a section sees all of it. Here a
    page whose view restriction ``user`` fails stays hidden in the admin too (a shared password
    counts as failed: the admin asks for none), unless the user may add pages where it sits (the
    section's owners: Marketing, superusers). So a rep who edits persona pages never opens one
    restricted to Marketing. Pages that are not live are hidden from whoever may not change them.
    Returns a frozenset, cached on the user object.
    """
    cached = getattr(user, "_hidden_in_admin", None)
    if cached is not None:
        return cached
    policy = PagePermissionPolicy()
    hidden = hidden_page_ids(SimpleNamespace(user=user, session={}))
    if hidden:
        owned = policy.instances_user_has_any_permission_for(user, ["add"])
        hidden = hidden - set(owned.filter(pk__in=hidden).values_list("pk", flat=True))
    # Drafts (never published, or unpublished) are their editors' own: a rep who edits persona
    # pages does not read the titles of collateral drafts in the page chooser.
    editable = policy.instances_user_has_permission_for(user, "change").values("pk")
    drafts = Page.objects.filter(live=False, depth__gt=1).exclude(pk__in=editable).values_list("pk", flat=True)
    hidden = frozenset(hidden) | frozenset(drafts)
    user._hidden_in_admin = hidden
    return hidden


class VisiblePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, whose "explorable" pages and pages a user may act on leave
    out ``hidden_in_admin``: the explorer, its search, the explorer menu and the reports list those."""

    def explorable_instances(self, user):
        return super().explorable_instances(user).exclude(pk__in=hidden_in_admin(user))

    def instances_user_has_any_permission_for(self, user, actions):
        """Pages ``user`` may act on (Wagtail's reports, e.g. aging pages), less ``hidden_in_admin``."""
        return super().instances_user_has_any_permission_for(user, actions).exclude(pk__in=hidden_in_admin(user))


def files_shown_to(request, documents):
    """The documents of a page that ``request`` may see listed: those in no collection whose
    privacy (Wagtail's collection view restrictions, password ones included until entered)
    rejects it. Whoever may change a document sees it anyway. Shape: list in, list out, order kept.

    Called for every result card, so the common case costs one query per request: when no
    collection has privacy at all (remembered on the request), every document is shown."""
    if not documents:
        return []
    if not hasattr(request, "_collection_privacy_exists"):
        request._collection_privacy_exists = CollectionViewRestriction.objects.exists()
    if not request._collection_privacy_exists:
        return list(documents)
    user = request.user

    def may_change(document):
        policy = policy_registry.get_by_type(type(document))
        return user.is_authenticated and policy.user_has_permission_for_instance(user, "change", document)

    def collection_lets_in(document):
        return all(restriction.accept_request(request) for restriction in document.collection.get_view_restrictions())

    return [document for document in documents if collection_lets_in(document) or may_change(document)]
