"""Login throttling: django-axes counts failed logins per username and per address.

Both login pages (the site's ``/login/`` and Wagtail's ``/admin/login/``) use a form from
here, so a locked-out attempt shows the login page again with :func:`lockout_message`
instead of "did not match", answered with 429 (``AXES_LOCKOUT_CALLABLE``). While locked,
even the right password is refused. The limit and the cool-off come from the
``LOGIN_FAILURE_LIMIT`` and ``LOGIN_COOLOFF_MINUTES`` settings; a superuser lifts a lock-out
in the admin (Settings → Failed logins, ``home/wagtail_hooks.py``) or with
``manage.py axes_reset_username <name>`` (or ``axes_reset_ip``, ``axes_reset``).
"""

import functools

from axes.helpers import get_cool_off

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render

from wagtail.admin.forms.auth import LoginForm

from home import versions


def lockout_message(request=None):
    """What a locked-out person reads: how long to wait, and who can help sooner."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return "Too many failed attempts; ask an administrator to unlock your account."
    minutes = max(1, round(cool_off.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts; try again in {minutes} {unit} or ask an administrator."


class ThrottledLoginFormMixin:
    """For an ``AuthenticationForm``: say "locked out" rather than "wrong password" when axes refused."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return forms.ValidationError(lockout_message(self.request), code="locked_out")
        return super().get_invalid_login_error()


class SiteLoginForm(ThrottledLoginFormMixin, AuthenticationForm):
    """The site's ``/login/`` form."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password did not match. Try again.",
    }


class AdminLoginForm(ThrottledLoginFormMixin, LoginForm):
    """Wagtail's admin login form (``WAGTAILADMIN_USER_LOGIN_FORM``)."""


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the login page the view rendered (showing the lock-out), as 429."""
    if original_response is None:
        return HttpResponse(lockout_message(request), status=429, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response


def throttled_shared_password(view):
    """Wrap Wagtail's shared-password views (pages and document collections) with a limit.

    A wrong password re-renders Wagtail's form (200); after ``LOGIN_FAILURE_LIMIT`` of them for
    one restriction within ``LOGIN_COOLOFF_MINUTES``, by one user, the form answers 429 with the
    lock-out message, right password or not, until the cool-off ends. The count is kept in the
    shared cache (atomic ``incr`` on Redis), so every worker agrees; it is per user, because the
    whole site needs a login. Wagtail names the restriction ``restriction_id`` (collections) or
    ``page_view_restriction_id`` (pages) in the URL.
    """

    @functools.wraps(view)
    def wrapped(request, **kwargs):
        restriction = kwargs.get("restriction_id", kwargs.get("page_view_restriction_id"))
        key = f"shared-password:{view.__module__}:{restriction}:{request.user.pk}"
        cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
        if request.method == "POST" and cache.get(key, 0) >= settings.AXES_FAILURE_LIMIT:
            minutes = max(1, round(cool_off / 60))
            message = f"Too many wrong passwords; try again in {minutes} minutes or ask marketing for access."
            return render(request, "429.html", {"message": message}, status=429)
        response = view(request, **kwargs)
        if request.method == "POST" and response.status_code == 200:  # the form again: a wrong password
            versions.count(key, cool_off)
        return response

    return wrapped
