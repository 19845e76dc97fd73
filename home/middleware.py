from csp.middleware import CSPMiddleware

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import Http404
from django.urls import reverse

from home.api import is_api_request
from home.api_auth import token_user, unauthorised
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


class AdminPageVisibilityMiddleware:
    """Every admin view of one page answers 404 for a page the admin keeps from the user.

    Wagtail's admin checks its page permissions, not view restrictions; ``hidden_in_admin`` says
    which pages a user who may edit the section still must not open (a rep and a persona page
    restricted to Marketing). One check here covers all ~40 page views (edit, history, revisions,
    preview, workflow, move, copy, usage) rather than a hook per view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        ids = [view_kwargs[name] for name in ADMIN_PAGE_ARGUMENTS if name in view_kwargs]
        if ids and request.user.is_authenticated and set(ids) & hidden_in_admin(request.user):
            raise Http404("No page matches the given query.")
        return None
