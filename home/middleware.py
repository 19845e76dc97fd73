from csp.middleware import CSPMiddleware

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.urls import reverse

from home.api import is_api_request
from home.api_auth import token_user, unauthorised


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

    def handle_no_permission(self, request, view_func):
        if is_api_request(request):
            return unauthorised()
        return super().handle_no_permission(request, view_func)
