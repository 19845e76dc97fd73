"""Content requests: a rep asks, marketing works the queue within a service level, the rep hears back."""

import datetime

import pytest

from django.urls import reverse
from django.utils import timezone

from content.factories import create_collateral
from content.models import ContentRequest, add_working_days
from home.models import Notification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def queue_url(action, pk=None):
    return reverse(f"wagtailsnippets_content_contentrequest:{action}", args=[pk] if pk else [])


def answer(status, **fields):
    return {"status": status, "owner": "", "due": "2030-01-31", "delivered_asset": "", "decline_reason": "", **fields}


@pytest.fixture
def request_made(rep_client, persona, objection):
    rep_client.post(
        "/requests/new/", {"persona": persona.pk, "objection": objection.pk, "description": "A CFO-ready ROI sheet"}
    )
    return ContentRequest.objects.get()


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 23)
    assert add_working_days(friday, 10) == datetime.date(2026, 12, 4)


def test_a_rep_requests_an_asset_from_a_gap_and_sees_it_queued(rep_client, rep, persona, objection):
    form = rep_client.get("/requests/new/", {"persona": persona.slug, "objection": objection.slug}).text
    assert f'<option value="{persona.pk}" selected>' in form and f'<option value="{objection.pk}" selected>' in form
    response = rep_client.post(
        "/requests/new/",
        {"persona": persona.pk, "objection": objection.pk, "description": "<b>ROI</b> for a 50-person firm"},
        follow=True,
    )
    made = ContentRequest.objects.get()
    assert (made.requested_by, made.status) == (rep, "new")
    assert made.due == add_working_days(timezone.localdate(), 10)
    assert "Request sent: Price is too high for CFO" in response.text
    assert "&lt;b&gt;ROI&lt;/b&gt;" in response.text and "<b>ROI</b>" not in response.text
    assert f'data-request="{made.pk}"' in response.text and "Waiting for marketing" in response.text


def test_a_search_that_found_nothing_fills_in_the_request(rep_client):
    form = rep_client.get("/requests/new/", {"q": "blockchain invoices"}).text
    assert "I searched for “blockchain invoices” and found nothing" in form


def test_unknown_names_and_bad_posts_get_clear_errors_and_save_nothing(rep_client, persona, objection):
    form = rep_client.get("/requests/new/", {"persona": "nobody", "objection": "\x00"}).text
    assert "There is no persona called “nobody”" in form
    response = rep_client.post("/requests/new/", {"persona": 99999, "objection": objection.pk, "description": "x"})
    assert "That persona does not exist" in response.text
    response = rep_client.post("/requests/new/", {"persona": persona.pk, "objection": objection.pk, "description": ""})
    assert "Say what would help" in response.text
    response = rep_client.post(
        "/requests/new/", {"persona": persona.pk, "objection": objection.pk, "description": "x" * 2001}
    )
    assert "Keep it under 2,000 characters" in response.text
    assert not ContentRequest.objects.exists()


def test_someone_without_a_team_may_not_request(no_role_user, persona, objection):
    client = client_for(no_role_user)
    assert client.get("/requests/new/").status_code == 403
    data = {"persona": persona.pk, "objection": objection.pk, "description": "x"}
    assert client.post("/requests/new/", data).status_code == 403
    assert not ContentRequest.objects.exists()


def test_marketing_delivers_and_the_rep_is_notified_with_a_link(rep_client, marketer_client, marketer, request_made):
    asset = create_collateral(title="ROI sheet for CFOs")
    edit = queue_url("edit", request_made.pk)
    assert marketer_client.post(edit, answer("accepted", owner=marketer.pk)).status_code == 302
    refused = marketer_client.post(edit, answer("delivered", owner=marketer.pk))
    assert "Choose the asset that answers the request." in refused.text
    assert not Notification.objects.exists()

    marketer_client.post(edit, answer("delivered", owner=marketer.pk, delivered_asset=asset.pk))
    request_made.refresh_from_db()
    assert (request_made.status, request_made.delivered_asset_id) == ("delivered", asset.pk)
    assert request_made.delivered_at is not None

    home = rep_client.get("/requests/").text
    assert "Delivered" in home and f'href="{asset.url}"' in home
    assert '1<span class="visually-hidden"> unread</span>' in home
    notifications = rep_client.get("/notifications/").text
    assert "Your request is delivered: “ROI sheet for CFOs” answers Price is too high for CFO." in notifications
    assert f'href="{asset.url}"' in notifications
    assert "unread</span>" not in rep_client.get("/requests/").text  # read once seen


def test_declining_needs_a_reason_which_the_rep_reads(rep_client, marketer_client, request_made):
    edit = queue_url("edit", request_made.pk)
    assert "Say why" in marketer_client.post(edit, answer("declined")).text
    marketer_client.post(edit, answer("declined", decline_reason="The price sheet already covers it."))
    assert "The price sheet already covers it." in rep_client.get("/requests/").text
    assert Notification.objects.get().message.startswith("Your request for Price is too high for CFO was declined")


def test_sales_can_see_the_queue_but_not_work_it_and_nobody_adds_or_deletes_there(
    rep_client, marketer_client, request_made
):
    assert rep_client.get(queue_url("list")).status_code == 200
    assert rep_client.post(queue_url("edit", request_made.pk), answer("accepted")).status_code in (302, 403)
    request_made.refresh_from_db()
    assert request_made.status == "new"
    assert marketer_client.get(queue_url("add")).status_code in (302, 403)
    assert marketer_client.post(queue_url("delete", request_made.pk)).status_code in (302, 403)
    assert ContentRequest.objects.count() == 1


def test_overdue_requests_are_listed(marketer_client, request_made, persona, objection, rep):
    ContentRequest.objects.filter(pk=request_made.pk).update(due=timezone.localdate() - datetime.timedelta(days=1))
    on_time = ContentRequest.objects.create(persona=persona, objection=objection, description="later", requested_by=rep)
    assert list(ContentRequest.objects.overdue()) == [request_made]
    listing = marketer_client.get(queue_url("list"), {"overdue": "true"}).text
    assert f"/edit/{request_made.pk}/" in listing and f"/edit/{on_time.pk}/" not in listing


def test_a_search_that_found_nothing_offers_a_request(rep_client, no_role_user):
    page = rep_client.get("/search/", {"q": "blockchain & invoices"}).text
    assert "/requests/new/?q=blockchain%20%26%20invoices" in page
    assert "/requests/new/" not in client_for(no_role_user).get("/search/", {"q": "blockchain"}).text


def test_a_rep_may_ask_for_an_asset_without_naming_an_objection(rep_client, rep, marketer_client, marketer, persona):
    """The objection is optional: an asset for the persona in general goes to the queue and back."""
    form = rep_client.get("/requests/new/", {"persona": persona.slug, "stage": "decision"}).text
    assert "No particular objection" in form and '<option value="decision" selected>' in form
    response = rep_client.post(
        "/requests/new/",
        {"persona": persona.pk, "objection": "", "stage": "decision", "description": "A one-pager for CFOs"},
        follow=True,
    )
    made = ContentRequest.objects.get()
    assert (made.requested_by, made.objection, made.stage, made.status) == (rep, None, "decision", "new")
    assert "Request sent: An asset for CFO" in response.text
    assert "An asset for CFO (decision stage)" in rep_client.get("/requests/").text
    assert "An asset for CFO" in marketer_client.get(queue_url("list")).text

    asset = create_collateral(title="CFO brief")
    marketer_client.post(queue_url("edit", made.pk), answer("delivered", owner=marketer.pk, delivered_asset=asset.pk))
    assert Notification.objects.get().message == "Your request is delivered: “CFO brief” for CFO."
