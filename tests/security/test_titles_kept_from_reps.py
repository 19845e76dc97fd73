"""Attack suite, second trial: titles of view-restricted and draft pages, and content figures,
must not reach a rep through their requests, notifications, notes, the request queue, Marketing's
vocabularies in the admin, or the readiness endpoint.

Each test here failed before its fix (README, "Roles": a page with a view restriction shows only
to the people it lets in, wherever it could show).
"""

import datetime
import io

import pytest

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageViewRestriction

from content.factories import create_collateral
from content.models import ContentRequest
from content.requests import tell_requester
from home.models import Notification
from personas.factories import create_note, create_persona
from personas.models import NoteStage
from search import service
from tests.conftest import client_for
from tests.security.admin_world import outcome

SECRET_ASSET = "Zebracorn margin playbook"
DRAFT_ASSET = "Okapi renewal teaser"
SECRET_PERSONA = "Procurement Czar"


def restrict_to_marketing(page):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name=settings.MARKETING_GROUP)])


def deliver(content_request, asset):
    """Deliver as the request queue's edit view does: save, then tell the requester."""
    status_before = content_request.status
    content_request.status = ContentRequest.Status.DELIVERED
    content_request.delivered_asset = asset
    content_request.save()
    tell_requester(content_request, status_before)


@pytest.fixture
def secret_asset(db, marketer):
    page = create_collateral(title=SECRET_ASSET, summary="Marketing's own.", content_owner=marketer)
    restrict_to_marketing(page)
    return page


@pytest.fixture
def draft_asset(db, marketer):
    return create_collateral(title=DRAFT_ASSET, summary="Not out yet.", publish=False, content_owner=marketer)


@pytest.fixture
def secret_persona(db):
    """A persona page restricted to Marketing after reps filed notes and requests against it."""
    return create_persona(SECRET_PERSONA, slug="procurement-czar", role="Head of Vendor Vetting")


def text_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def request_by(rep, persona, objection):
    return ContentRequest.objects.create(
        persona=persona, objection=objection, requested_by=rep, description="Something for the call."
    )


# 1. The rep's requests page and notifications ----------------------------------------------------


@pytest.mark.parametrize("asset_fixture", ["secret_asset", "draft_asset"])
def test_a_request_delivered_with_an_asset_the_rep_may_not_view_names_no_title(
    request, rep, persona, objection, asset_fixture
):
    asset = request.getfixturevalue(asset_fixture)
    deliver(request_by(rep, persona, objection), asset)
    client = client_for(rep)

    requests_page = client.get("/requests/").text
    assert asset.title not in requests_page and "an asset you cannot open" in requests_page
    assert "Delivered" in requests_page
    notification = Notification.objects.get(user=rep)
    assert asset.title not in notification.message and notification.url == "/requests/"
    notifications = client.get("/notifications/").text
    assert asset.title not in notifications and "an asset you cannot open" in notifications


def test_a_notification_hides_an_asset_restricted_after_it_was_delivered(rep, marketer, persona, objection):
    asset = create_collateral(title=SECRET_ASSET, summary="Open at first.", content_owner=marketer)
    deliver(request_by(rep, persona, objection), asset)
    assert SECRET_ASSET in client_for(rep).get("/notifications/").text  # open: named, with its link
    restrict_to_marketing(asset)

    page = client_for(rep).get("/notifications/").text
    assert SECRET_ASSET not in page and asset.url not in page and "an asset you cannot open" in page
    assert SECRET_ASSET not in client_for(rep).get("/requests/").text


# 2. The request queue in the admin (reps see it) --------------------------------------------------


def test_the_request_queue_names_no_restricted_persona_to_a_rep(rep, marketer, persona, objection, secret_persona):
    request_by(rep, persona, objection)
    hidden_request = request_by(rep, secret_persona, objection)  # asked before the persona was restricted
    restrict_to_marketing(secret_persona)
    listing = reverse("wagtailsnippets_content_contentrequest:list")
    urls = [
        listing,
        f"{listing}?export=csv",
        reverse("wagtailsnippetchoosers_content_contentrequest:choose"),
        reverse("wagtailsnippetchoosers_content_contentrequest:choose_results"),
    ]
    for url in urls:
        rep_answer = client_for(rep).get(url)
        assert rep_answer.status_code == 200, url
        assert SECRET_PERSONA not in text_of(rep_answer), url
        assert SECRET_PERSONA in text_of(client_for(marketer).get(url)), url
    chosen = reverse("wagtailsnippetchoosers_content_contentrequest:chosen", args=[hidden_request.pk])
    assert client_for(rep).get(chosen).status_code == 404
    assert client_for(marketer).get(chosen).status_code == 200
    # The listing's persona filter offers the open persona, not the restricted one.
    filter_form = client_for(rep).get(listing).context["filters"].form
    offered = [label for _value, label in filter_form.fields["persona"].choices]
    assert "CFO" in offered and SECRET_PERSONA not in offered


# 3. The rep's own notes -------------------------------------------------------------------------


def test_my_notes_name_no_persona_restricted_since(rep, marketer, objection, secret_persona):
    create_note(secret_persona, objection, rep, text="They vet every vendor twice.")
    restrict_to_marketing(secret_persona)

    page = client_for(rep).get("/notes/").text
    assert "They vet every vendor twice." in page  # the rep's own words stay theirs
    assert SECRET_PERSONA not in page and secret_persona.url not in page
    assert "a persona you cannot open" in page
    home = client_for(rep).get("/").text  # "Your recent notes" on the start page
    assert SECRET_PERSONA not in home and secret_persona.url not in home
    assert "a persona you cannot open" in home.lower()
    create_note(secret_persona, objection, marketer, text="Marketing's own note.")
    assert SECRET_PERSONA in client_for(marketer).get("/notes/").text


# 4. Marketing's vocabularies in the admin ---------------------------------------------------------


VOCABULARY_CHOOSERS = ["content_collateralkind", "personas_notestage", "personas_synonym"]


@pytest.mark.parametrize("namespace", VOCABULARY_CHOOSERS)
def test_reps_cannot_open_the_choosers_of_marketings_lists(rep, marketer, namespace):
    for view in ("choose", "choose_results"):
        url = reverse(f"wagtailsnippetchoosers_{namespace}:{view}")
        assert outcome(client_for(rep).get(url)) == "denied", url  # 403, or Wagtail's redirect saying so
        assert client_for(marketer).get(url).status_code == 200, url


def test_the_rep_note_form_still_offers_the_note_stages(rep):
    form = client_for(rep).get("/notes/new/").context["form"]
    labels = [label for _value, label in form.fields["deal_stage"].choices]
    assert NoteStage.objects.exists() and all(stage.label in labels for stage in NoteStage.objects.all())


# 5. Readiness -----------------------------------------------------------------------------------


def test_readiness_tells_an_anonymous_caller_status_only(collateral, marketer):
    secret = create_collateral(title=SECRET_ASSET, summary="Marketing's own.", content_owner=marketer)
    restrict_to_marketing(secret)
    service.embedded_engine().rebuild([])  # short: the check has figures to tell

    for accept in ("application/json", "text/plain"):
        answer = Client().get("/readyz", HTTP_ACCEPT=accept)
        assert answer.status_code == 503 and int(answer["Retry-After"]) > 0  # still useful to a load balancer
        text = answer.content.decode()
        assert "search" in text and "failing" in text
        assert "live collateral" not in text and not any(digit in text for digit in "0123456789"), text
    checks = Client().get("/readyz").json()["checks"]
    assert all(check == {"status": check["status"]} for check in checks.values()), checks


def test_readiness_figures_are_for_a_logged_in_superuser_only(collateral, rep, admin_user):
    service.embedded_engine().rebuild([])
    assert "detail" not in client_for(rep).get("/readyz").json()["checks"]["search"]
    detail = client_for(admin_user).get("/readyz").json()["checks"]["search"]["detail"]
    assert detail == "the index holds 0 of 1 live collateral pages; run manage.py rebuild_search_index"


# More of the same kind: the weekly digest ------------------------------------------------------


def test_the_review_digest_mails_no_owner_the_title_of_an_asset_they_may_not_view(rep, marketer):
    """An asset a rep owns, restricted to Marketing since: the rep's digest leaves it out."""
    rep.email, marketer.email = "riley@example.com", "morgan@example.com"
    rep.save()
    marketer.save()
    past_due = timezone.localdate() - datetime.timedelta(days=3)
    mine = create_collateral(title=SECRET_ASSET, review_by=past_due, content_owner=rep)
    restrict_to_marketing(mine)
    create_collateral(title="Open battlecard", review_by=past_due, content_owner=rep)
    create_collateral(title="Marketing's deck", review_by=past_due, content_owner=marketer)

    call_command("send_digests", stdout=io.StringIO())
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert "Open battlecard" in by_recipient["riley@example.com"]
    assert SECRET_ASSET not in by_recipient["riley@example.com"]
    assert "Marketing's deck" in by_recipient["morgan@example.com"]


def test_the_admin_page_chooser_lists_no_draft_a_rep_may_not_edit(rep, draft_asset):
    """Attack trial, session 6: reps (who edit persona pages) saw the titles of collateral drafts
    in the admin's page chooser and its search."""
    client = client_for(rep)
    parent = draft_asset.get_parent()
    for url in (f"/admin/choose-page/{parent.pk}/", "/admin/choose-page/search/?q=okapi"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert DRAFT_ASSET not in response.text, url
    marketing = client_for(draft_asset.content_owner)
    assert DRAFT_ASSET in marketing.get(f"/admin/choose-page/{parent.pk}/").text
