"""send_digests: owners hear about assets due for review and overdue requests; nobody else is mailed."""

import datetime
import io

import pytest

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from content.factories import create_collateral
from content.models import ContentRequest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_owners_get_one_email_with_their_due_assets_and_overdue_requests(marketer, rep, persona, objection):
    marketer.email = "morgan@example.com"
    marketer.save()
    other = make_user("other", "Marketing", email="olive@example.com", first_name="Olive")
    today = timezone.localdate()
    create_collateral(title="Stale deck", review_by=today - datetime.timedelta(days=3), content_owner=marketer)
    create_collateral(title="Due soon", review_by=today + datetime.timedelta(days=5), content_owner=marketer)
    create_collateral(title="Fine for months", review_by=today + datetime.timedelta(days=90), content_owner=marketer)
    ContentRequest.objects.create(
        persona=persona, objection=objection, description="x", requested_by=rep, owner=marketer,
        due=today - datetime.timedelta(days=1),
    )  # fmt: skip
    ContentRequest.objects.create(
        persona=persona, objection=objection, description="y", requested_by=rep, due=today - datetime.timedelta(days=2)
    )

    output = io.StringIO()
    call_command("send_digests", stdout=output)
    assert output.getvalue().strip() == "Sent 2 digests."

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"morgan@example.com", "olive@example.com"}
    morgan = by_recipient["morgan@example.com"].body
    assert "Stale deck (past due since" in morgan and "Due soon (due" in morgan and "Fine for months" not in morgan
    assert "Price is too high for CFO for Riley" in morgan and "(nobody has taken it)" in morgan
    assert "http://127.0.0.1:8000/admin/pages/" in morgan
    olive = by_recipient["olive@example.com"].body
    assert "Stale deck" not in olive and olive.count("Price is too high for CFO") == 1  # only the unowned one
    assert other.first_name in olive


def test_nothing_due_means_no_email(marketer):
    create_collateral(
        title="Fresh", review_by=timezone.localdate() + datetime.timedelta(days=60), content_owner=marketer
    )
    call_command("send_digests", stdout=io.StringIO())
    assert mail.outbox == []
