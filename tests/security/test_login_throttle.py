"""Guessing passwords: after a few wrong ones the login page says to wait, for that user and that address.

Real logins through the forms (the site's /login/ and Wagtail's /admin/login/), as a person or a
script would send them; django-axes counts the failures.
"""

import pytest
from axes.models import AccessAttempt

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts; try again in 15 minutes or ask an administrator."
WRONG = "That username and password did not match. Try again."


def visitor(address="203.0.113.7"):
    return Client(REMOTE_ADDR=address)


def log_in(client, username, password, url="/login/"):
    return client.post(url, {"username": username, "password": password})


def logged_in(client):
    return client.get("/").status_code == 200


def fail_until_locked(client, username, url="/login/"):
    """Wrong passwords up to the limit; every one before the last is an ordinary "did not match"."""
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = log_in(client, username, f"guess-{attempt}", url)
        assert response.status_code == 200, attempt
        assert WRONG in response.text and LOCKED not in response.text
    return log_in(client, username, f"guess-{limit}", url)


def test_wrong_passwords_lock_the_login_with_a_clear_message_even_for_the_right_password(rep):
    client = visitor()

    locked = fail_until_locked(client, "rep")

    assert locked.status_code == 429
    assert LOCKED in locked.text and WRONG not in locked.text
    assert 'name="password"' in locked.text  # still the login page
    right = log_in(client, "rep", PASSWORD)
    assert right.status_code == 429 and LOCKED in right.text
    assert not logged_in(client)


def test_fifty_guesses_in_a_row_are_not_fifty_tries(rep):
    client = visitor()
    answers = [log_in(client, "rep", f"guess-{n}").status_code for n in range(50)]
    assert answers[:9] == [200] * 9  # the default LOGIN_FAILURE_LIMIT is 10
    assert set(answers[9:]) == {429}


def test_an_administrator_lifts_the_lock_out(rep):
    client = visitor()
    fail_until_locked(client, "rep")
    assert log_in(client, "rep", PASSWORD).status_code == 429

    call_command("axes_reset_username", "rep")

    response = log_in(client, "rep", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_lock_is_on_the_user_and_on_the_address_not_on_everyone(rep, marketer):
    fail_until_locked(visitor("203.0.113.7"), "rep")

    # Someone else, elsewhere, logs in as usual.
    elsewhere = visitor("198.51.100.20")
    assert log_in(elsewhere, "marketer", PASSWORD).status_code == 302 and logged_in(elsewhere)
    # Guessing "rep" from another address does not start afresh...
    other_address = visitor("198.51.100.21")
    assert LOCKED in log_in(other_address, "rep", PASSWORD).text and not logged_in(other_address)
    # ...and the guessing address may not move on to another user.
    same_address = visitor("203.0.113.7")
    assert LOCKED in log_in(same_address, "marketer", PASSWORD).text and not logged_in(same_address)


def test_spraying_many_usernames_from_one_address_locks_that_address(rep):
    client = visitor()
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"user{n}", "Winter2026!")

    response = log_in(client, "rep", PASSWORD)

    assert response.status_code == 429 and LOCKED in response.text


def test_the_wagtail_admin_login_is_throttled_too_with_the_same_message(marketer):
    client = visitor()
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = log_in(client, "marketer", f"guess-{attempt}", url="/admin/login/")
        assert response.status_code == 200 and "didn&#x27;t match" in response.text, attempt

    locked = log_in(client, "marketer", "guess", url="/admin/login/")

    assert locked.status_code == 429 and LOCKED in locked.text
    right = log_in(client, "marketer", PASSWORD, url="/admin/login/")
    assert right.status_code == 429 and LOCKED in right.text
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_a_superuser_lifts_the_lock_out_in_the_wagtail_admin(rep, admin_user, marketer):
    client = visitor()
    fail_until_locked(client, "rep")
    admin = client_for(admin_user)

    listing = admin.get(reverse("login_lockouts:index"))
    assert listing.status_code == 200 and "rep" in listing.text and "203.0.113.7" in listing.text
    for attempt in AccessAttempt.objects.filter(username="rep"):
        assert admin.post(reverse("login_lockouts:delete", args=[attempt.pk])).status_code == 302

    assert log_in(client, "rep", PASSWORD).status_code == 302 and logged_in(client)
    # Marketing cannot see who failed to log in, nor lift anything.
    assert client_for(marketer).get(reverse("login_lockouts:index")).status_code in (302, 403)


@pytest.mark.django_db
def test_a_shared_page_password_is_throttled_like_a_login(rep, marketer, collateral):
    """Wrong passwords on Wagtail's page password form: after the limit, even the right one is refused."""
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=collateral, restriction_type=PageViewRestriction.PASSWORD, password="open sesame"
    )
    action = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, collateral.pk])
    guesser, other = client_for(rep), client_for(marketer)
    answers = [guesser.post(action, {"password": f"guess {n}", "return_url": "/"}).status_code for n in range(12)]
    limit = settings.AXES_FAILURE_LIMIT
    assert answers == [200] * limit + [429] * (12 - limit)
    locked = guesser.post(action, {"password": "open sesame", "return_url": collateral.url})
    assert locked.status_code == 429 and "Too many wrong passwords" in locked.text
    assert "What it costs and what it saves." not in guesser.get(collateral.url).text  # still the form
    passed = other.post(action, {"password": "open sesame", "return_url": collateral.url})
    assert passed.status_code == 302  # someone else, not locked
