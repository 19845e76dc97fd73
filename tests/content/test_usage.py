"""Usage per asset for Marketing (issue 15, item 7): views, downloads, copied links and the helped
figure over 30 and 90 days, on the collateral page and in the admin's collateral listing."""

import datetime
import html
import re

import pytest

from django.urls import reverse
from django.utils import timezone

from content import effectiveness
from content.models import CollateralEvent
from personas.factories import create_note
from personas.models import Helped

pytestmark = pytest.mark.django_db


def event(page, kind, user, days_ago):
    item = CollateralEvent.objects.create(collateral=page, type=kind, user=user)
    CollateralEvent.objects.filter(pk=item.pk).update(created=timezone.now() - datetime.timedelta(days=days_ago))


@pytest.fixture
def used(collateral, persona, objection, rep, marketer):
    """Views: 2 in 30 days, 3 in 90 (and one older); 1 download; 2 copies, 1 within 30 days;
    helped: a click 10 days ago, a note 50 days ago that it did not help, one 200 days ago."""
    Type = CollateralEvent.Type
    for kind, days in [
        (Type.VIEW, 1),
        (Type.VIEW, 20),
        (Type.VIEW, 60),
        (Type.VIEW, 120),
        (Type.DOWNLOAD, 5),
        (Type.COPY_LINK, 3),
        (Type.COPY_LINK, 45),
        (Type.HELPED, 10),
    ]:
        event(collateral, kind, rep, days)
    note = create_note(persona, objection, rep, collateral=collateral, helped=Helped.NO)
    note.__class__.objects.filter(pk=note.pk).update(created=timezone.now() - datetime.timedelta(days=50))
    old = create_note(persona, objection, rep, collateral=collateral, helped=Helped.YES)
    old.__class__.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=200))
    return collateral


def test_usage_counts_each_window(used):
    usage = effectiveness.usage_for_pages([used.pk])[used.pk]
    assert (usage.views, usage.downloads, usage.copies) == ({30: 2, 90: 3}, {30: 1, 90: 1}, {30: 1, 90: 2})
    assert (usage.helped_label(30), usage.helped_label(90)) == ("Helped 1 of 1 time", "Helped 1 of 2 times")
    assert usage.effect.label == "Helped 2 of 3 times"  # all time: the one figure every screen shows


def cells(text):
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", cell))).strip() for cell in text]


def test_marketing_sees_usage_on_the_collateral_page(used, marketer_client):
    page = marketer_client.get(used.url).text
    section = page[page.index('id="usage-heading"') : page.index("</section>", page.index('id="usage-heading"'))]
    rows = cells(re.findall(r"<tr>(.*?)</tr>", section, re.S))
    assert rows[1:] == [
        "Views 3 4",  # with this very visit
        "Downloads 1 1",
        "Links copied 1 2",
        "Did it help? Helped 1 of 1 time Helped 1 of 2 times",
    ]
    assert "Helped 2 of 3 times in all" in section


def test_sales_does_not_see_usage(used, rep_client):
    page = rep_client.get(used.url).text
    assert 'id="usage-heading"' not in page and "Links copied" not in page
    assert "Helped 2 of 3 times" in page  # the helped figure itself is for everyone


def test_the_admin_collateral_listing_has_usage_columns(used, marketer_client, rep_client):
    url = reverse("collateral_usage:index")
    response = marketer_client.get(url)
    assert response.status_code == 200
    text = html.unescape(response.text)
    for heading in ("Views (30 / 90 days)", "Downloads (30 / 90 days)", "Links copied (30 / 90 days)"):
        assert heading in text
    row = text[text.index("ROI one-pager") :]
    row = cells([row[: row.index("</tr>")]])[0]
    assert "2 / 3" in row and "1 / 1" in row and "1 / 2" in row
    assert "Helped 1 of 2 times" in row and "Helped 2 of 3 times" in row
    denied = rep_client.get(url)  # Wagtail's "Sorry, you do not have permission": back to the dashboard
    assert (denied.status_code, denied.url) == (302, "/admin/")
