"""What a rep sees on a collateral page and in the library."""

import datetime
import re

import pytest

from django.utils import timezone

from content.factories import create_collateral

pytestmark = pytest.mark.django_db


def test_collateral_page_shows_files_taxonomy_owner_and_review_date(rep_client, collateral, persona, objection):
    response = rep_client.get(collateral.url)

    assert response.status_code == 200
    text = response.text
    document = collateral.files.get().document
    assert f'href="{document.url}?collateral={collateral.pk}"' in text and "PDF" in text
    assert persona.title in text and objection.name in text
    assert "pricing" in text
    assert "Morgan" in text  # the owner
    assert "Past review date" not in text


def test_stale_collateral_is_marked_but_still_listed(rep_client, persona):
    stale = create_collateral(
        title="Old pricing deck",
        personas=[persona],
        review_by=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = rep_client.get(stale.url).text
    assert "Past review date" in page
    assert "check it is still accurate" in page
    for listing in ("/", "/collateral/", persona.url):
        text = rep_client.get(listing).text
        assert "Old pricing deck" in text and "Past review date" in text, listing


def test_review_date_today_is_still_current(rep_client):
    page = create_collateral(title="Fresh", review_by=timezone.localdate())
    assert "Past review date" not in rep_client.get(page.url).text


def test_unpublished_collateral_is_not_listed(rep_client):
    create_collateral(title="Draft battlecard", publish=False)
    assert "Draft battlecard" not in rep_client.get("/collateral/").text
    assert "Draft battlecard" not in rep_client.get("/search/", {"q": "draft"}).text


def test_collateral_library_paginates(rep_client):
    for number in range(30):
        create_collateral(title=f"Asset {number:02d}")
    first = rep_client.get("/collateral/").text
    assert "Page 1 of 2" in first
    second = rep_client.get("/collateral/", {"page": 2}).text
    on_first, on_second = (set(re.findall(r"Asset (\d\d)", page)) for page in (first, second))
    assert on_first and on_second and not on_first & on_second  # page 2 goes on, it does not repeat page 1
    assert on_first | on_second == {f"{number:02d}" for number in range(30)}
