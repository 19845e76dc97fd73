from csp.middleware import CSPMiddleware

from django.apps import apps
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse

from wagtail.models import Page
from wagtail.permissions import policy_registry

from home.api import is_api_request
from home.api_auth import token_user, unauthorised
from home.forms import id_in_range
from home.roles import can_publish_collateral, can_use_admin
from home.visibility import hidden_in_admin


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's login-required middleware, plus Wagtail's own login and password reset views,
    and API tokens under /api/.

    Wagtail's views are not marked ``login_not_required``, so they are named in
    ``settings.LOGIN_EXEMPT_URL_NAMES`` instead. Everything else needs a session, except that
    a URL under /api/ also takes ``Authorization: Bearer <token>`` (Wagtail's API tokens), and
    answers 401 as JSON rather than redirecting to the HTML login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and match.url_name in settings.LOGIN_EXEMPT_URL_NAMES:
            return None
        wants_login = getattr(view_func, "login_required", True)
        if is_api_request(request) and wants_login and not request.user.is_authenticated and token_user(request):
            return None  # a valid bearer token: request.user is now its owner
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if is_api_request(request):
            return unauthorised()
        return super().handle_no_permission(request, view_func)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, giving the Wagtail admin its own, looser policy.

    Site pages get ``CONTENT_SECURITY_POLICY``: scripts, styles and everything else from this
    site only, no inline code. Wagtail's admin still needs inline scripts and styles, so URLs
    under it get ``CONTENT_SECURITY_POLICY_ADMIN`` instead (still this site only). A view
    decorated with django-csp's own ``@csp`` keeps what it asked for, and files served by
    Wagtail's document view keep the ``default-src 'none'`` that Wagtail sets on them.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(reverse("wagtailadmin_home")):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts


# The URL arguments by which Wagtail's admin views name the page they act on.
ADMIN_PAGE_ARGUMENTS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
# Reports that name pages of every type, whatever the reader may edit.
PAGE_NAMING_REPORTS = {"wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"}
# Wagtail's tag autocompletes list every tag in the pool, drafts' and restricted pages' included;
# only collateral carries tags (persona pages have none), so only who edits collateral needs them.
TAG_AUTOCOMPLETES = {"wagtailadmin_tag_autocomplete", "wagtailadmin_tag_model_autocomplete"}
# What a user must be allowed on an item for a bulk action's confirmation to name it.
BULK_ITEM_ACTIONS = ["change", "delete", "choose", "publish"]


class AdminPageVisibilityMiddleware:
    """The Wagtail admin names no page, document or image its user may not see.

    Wagtail's admin checks its page permissions, not view restrictions; ``hidden_in_admin`` says
    which pages a user who may edit the section still must not open (a rep and a persona page
    restricted to Marketing). One check here covers every admin view of one page (edit, history,
    revisions and their comparison, previews, workflow, move, copy, usage) rather than a hook per
    view. Bulk actions answer 404 when they name an item the user has no permission on at all:
    Wagtail's confirmation page would otherwise list its title ("you don't have permission").
    Each answer is a 404, as for a page that does not exist. Wagtail's tag autocompletes answer
    403 to whoever may not edit collateral (TAG_AUTOCOMPLETES: they list every tag in the pool).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not can_use_admin(request.user) or not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None  # Wagtail sends whoever may not use the admin to its login page
        match = request.resolver_match
        if match.view_name in TAG_AUTOCOMPLETES and not can_publish_collateral(request.user):
            raise PermissionDenied("Only those who edit collateral may list its tags.")
        if match.view_name == "wagtail_bulk_action":
            if self.names_an_item_out_of_reach(request, view_kwargs):
                raise Http404("No item matches the given query.")
            return None
        hidden = hidden_in_admin(request.user)
        if not hidden:
            return None
        names = ADMIN_PAGE_ARGUMENTS + (("pk",) if match.namespace == "wagtailadmin_pages" else ())
        page_ids = {view_kwargs[name] for name in names if name in view_kwargs}
        if page_ids & hidden or match.view_name in PAGE_NAMING_REPORTS:
            raise Http404("No page matches the given query.")
        return None

    @staticmethod
    def names_an_item_out_of_reach(request, view_kwargs):
        """Whether a bulk action (``?id=…`` or ``?id=all&childOf=…``) names an item the user may not see."""
        try:
            model = apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
        except LookupError:
            return False  # Wagtail answers 404 itself
        ids = request.GET.getlist("id")
        if issubclass(model, Page):
            hidden = hidden_in_admin(request.user)
            if "all" in ids:
                parent_id = request.GET.get("childOf", "")
                parent = Page.objects.filter(pk=parent_id).first() if id_in_range(parent_id) else None
                ids = list(parent.get_children().values_list("pk", flat=True)) if parent else []
            return bool({int(pk) for pk in ids if id_in_range(pk)} & hidden)
        items = model._default_manager.all()
        if "all" not in ids:
            items = items.filter(pk__in=[pk for pk in ids if id_in_range(pk)])
        reachable = policy_registry.get_by_type(model).instances_user_has_any_permission_for(
            request.user, BULK_ITEM_ACTIONS
        )
        return items.exclude(pk__in=reachable.values("pk")).exists()


class OutOfRangeIdMiddleware:
    """400, not a 500, for an admin address whose query holds a whole number no database id can be.

    Wagtail's listing filters (django-filter's model choice filters) hand such a number to the
    database driver, which raises OverflowError past a signed 64-bit integer; listings and their
    CSV/XLSX exports crashed on ``?persona=99999999999999999999`` (attack trial, session 5).
    Search boxes (``q``) are text and are left alone.
    """

    TEXT_PARAMETERS = {"q"}
    LIMIT = 2**63 - 1  # PostgreSQL's bigint and SQLite's INTEGER

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and self.out_of_range(request.GET):
            return HttpResponseBadRequest("A number in this address is too large to name anything.")
        return self.get_response(request)

    def out_of_range(self, query):
        for key, values in query.lists():
            if key in self.TEXT_PARAMETERS:
                continue
            for value in values:
                digits = value.strip().lstrip("-")
                if digits.isascii() and digits.isdigit() and (len(digits) > 19 or int(digits) > self.LIMIT):
                    return True
        return False
