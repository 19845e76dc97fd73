"""Privacy and the browser's guard rails: no staff email hashes sent to gravatar.com, and a
Content-Security-Policy that keeps site pages to this site's own scripts and styles."""

import pytest

from django.urls import reverse

from personas.factories import create_note
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


def test_site_pages_allow_only_this_sites_scripts_and_styles(rep_client, rep, persona, objection, collateral):
    create_note(persona, objection, rep)
    pages = ["/", persona.url, collateral.url, "/search/?q=price", reverse("my_notes"), reverse("note_create")]
    for url in pages:
        response = rep_client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], url
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'self'"], url
        # ...and the page itself needs nothing the policy refuses.
        assert "style=" not in response.text and "<script>" not in response.text, url


def test_the_login_page_has_the_policy_too(client):
    assert policy(client.get(reverse("login")))["script-src"] == ["'self'"]


def test_the_admin_gets_a_looser_policy_that_still_loads_nothing_from_elsewhere(marketer_client):
    directives = policy(marketer_client.get(reverse("wagtailadmin_home")))
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'self'"]
    assert all("http" not in source for sources in directives.values() for source in sources)


def test_the_admin_shows_no_gravatar_so_staff_email_hashes_stay_here(admin_user, marketer):
    for user, email in [(admin_user, "admin@example.com"), (marketer, "morgan@example.com")]:
        user.email = email
        user.save()
    admin = client_for(admin_user)
    pages = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_account"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:edit", args=[marketer.pk]),
    ]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert "gravatar" not in response.text.lower(), url
