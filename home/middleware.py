from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's login-required middleware, plus Wagtail's own login and password reset views.

    Wagtail's views are not marked ``login_not_required``, so they are named in
    ``settings.LOGIN_EXEMPT_URL_NAMES`` instead. Everything else needs a session.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and match.url_name in settings.LOGIN_EXEMPT_URL_NAMES:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
