"""What a newcomer tripped over, in a real browser: the phone menu closes with Escape, and a
result's thumbnail opens the asset (read out once by a screen reader, not twice)."""

import pytest
from playwright.sync_api import expect

from django.test import Client

from content.factories import create_collateral, create_document_for
from tests.browser.conftest import check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_phone_menu_closes_with_escape_and_gives_focus_back(new_page, rep):
    page = new_page(width=375, height=740)
    log_in(page, "rep")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    menu.click()
    expect(nav.get_by_role("link", name="My notes")).to_be_visible()
    nav.get_by_role("link", name="My notes").focus()  # somewhere inside the open menu

    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    page.keyboard.press("Escape")  # a closed menu stays closed
    expect(nav).to_be_hidden()
    menu.click()
    expect(nav).to_be_visible()
    check(page, 375)


@pytest.mark.parametrize("start", ["/search/?q=freight", "/collateral/"])
def test_a_cards_thumbnail_opens_the_asset_and_is_read_out_once(new_page, rep, start):
    document = create_document_for("Freight case study", "pdf", ["Haldane Freight cut days sales outstanding."])
    document.refresh_from_db()
    assert document.thumbnail_file, document.preview_note
    asset = create_collateral(title="Freight case study", summary="Freight, faster.", documents=[document])

    page = new_page()
    log_in(page, "rep", start=start)
    card = page.locator("article.card").filter(has_text="Freight case study")
    thumbnail_link = card.locator("a.card-thumb-link")
    expect(thumbnail_link).to_have_attribute("href", asset.url)
    # Screen readers and Tab meet the title's link only: the picture's is the same link again.
    expect(thumbnail_link).to_have_attribute("aria-hidden", "true")
    expect(thumbnail_link).to_have_attribute("tabindex", "-1")
    expect(card.get_by_role("link", name="Freight case study", exact=True)).to_have_count(1)
    check(page, 1280)

    thumbnail_link.locator("img").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Freight case study")
    assert page.url.endswith(asset.url)


def test_a_rep_makes_their_own_api_token_without_picking_themselves(new_page, rep, marketer, admin_user):
    page = new_page()
    log_in(page, "rep", start="/admin/api-tokens/new/")
    page.goto("/admin/api-tokens/new/")
    expect(page.get_by_label("User")).to_have_value(str(rep.pk))  # the only person a rep may choose
    page.get_by_label("Name").fill("Call prep bot")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="API token created", level=2)).to_be_visible()
    token = page.get_by_label("API token").input_value()
    answer = Client().get("/api/search", {"q": "price"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.content  # no session: the token alone lets the rep in

    admin = new_page()  # someone with several people to choose from still chooses
    log_in(admin, "admin", start="/admin/api-tokens/new/")
    admin.goto("/admin/api-tokens/new/")
    expect(admin.get_by_label("User")).to_have_value("")
