"""Closing the loop in a real browser: notes raise the persona's counts, gaps become assets,
requests are delivered and the rep hears about it."""

import re

import pytest
from playwright.sync_api import expect

from content.factories import create_collateral
from content.models import CollateralPage, ContentRequest
from personas.factories import create_note
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_note_raises_the_persona_pages_count_for_its_objection(new_page, rep, persona, objection):
    create_note(persona, objection, rep, text="Budget is frozen until Q3.")
    page = new_page(width=375)
    log_in(page, "rep")
    page.goto(persona.url)
    card = page.locator(f'[data-insight="{objection.slug}"]')
    expect(card).to_contain_text("1 in the last 90 days")
    expect(page.get_by_role("img", name=re.compile("Notes per week by objection"))).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)

    page.get_by_role("link", name=f"File a note for {persona.title}").click()
    page.get_by_label("Objection").select_option(label=objection.name)
    page.get_by_label("What the prospect said").fill("Twice the price of the spreadsheet they use now.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")

    expect(page).to_have_url(re.compile(persona.url))
    expect(card).to_contain_text("2 in the last 90 days")
    expect(card).to_contain_text("Twice the price of the spreadsheet they use now.")
    expect(page.locator(f'tr[data-objection="{objection.slug}"] td.num').first).to_have_text("2")


def test_a_marketer_opens_a_content_gap_and_creates_the_asset_from_it(new_page, rep, marketer, persona, objection):
    for text in ("Too pricey", "Over budget", "Costs more than Ledgerly"):
        create_note(persona, objection, rep, text=text, outcome="lost")
    page = new_page()
    log_in(page, "marketer")
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Where the loop breaks").click()
    gaps = page.locator("#report-gaps")
    expect(gaps).to_contain_text("No asset answers it")
    assert_accessible(page)

    gaps.get_by_role("button", name="Create asset").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/"))
    expect(page.locator("#id_title")).to_have_value(f"{objection.name} — for {persona.title}")
    expect(page.get_by_role("checkbox", name=persona.title, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=objection.name, exact=True)).to_be_checked()
    draft = CollateralPage.objects.get()
    assert not draft.live and list(draft.objections.all()) == [objection]


def test_a_request_goes_from_new_to_delivered_and_the_rep_sees_it(new_page, rep, marketer, persona, objection):
    create_note(persona, objection, rep, text="Is there a cheaper plan?")
    rep_page = new_page(width=375)
    log_in(rep_page, "rep")
    rep_page.goto(persona.url)
    rep_page.get_by_role("link", name="Request an asset").click()
    expect(rep_page.get_by_label("Persona")).to_have_value(str(persona.pk))
    expect(rep_page.get_by_label("Objection")).to_have_value(str(objection.pk))
    rep_page.get_by_label("What would help").fill("A one-page comparison with the cheaper competitors.")
    rep_page.get_by_role("button", name="Send request").click()
    expect(rep_page.get_by_role("status")).to_contain_text("Request sent")
    expect(rep_page.locator("table.requests")).to_contain_text("New")
    assert_accessible(rep_page)
    assert_fits_width(rep_page)

    asset = create_collateral(title="Price comparison one-pager", objections=[objection], personas=[persona])
    request = ContentRequest.objects.get()
    page = new_page()
    log_in(page, "marketer")
    page.goto("/admin/")
    page.get_by_role("link", name="Content requests").click()
    page.get_by_role("link", name=str(request)).click()
    assert_accessible(page)
    page.locator("#id_status").select_option(label="Delivered")
    page.get_by_role("button", name="Choose a page").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("textbox", name="Search term").fill("comparison")
    modal.get_by_role("link", name=asset.title).click()
    expect(modal).to_be_hidden()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("updated")
    request.refresh_from_db()
    assert (request.status, request.delivered_asset_id) == ("delivered", asset.pk)

    rep_page.goto("/requests/")
    expect(rep_page.locator("table.requests")).to_contain_text("Delivered")
    menu = rep_page.get_by_role("button", name=re.compile(r"^Menu"))
    if menu.is_visible():  # the compact header on a phone: the menu shows the unread count
        expect(menu).to_contain_text("1 unread notification")
        menu.click()
    rep_page.get_by_role("link", name=re.compile(r"Notifications 1")).click()
    expect(rep_page.get_by_role("link", name=re.compile("Your request is delivered"))).to_be_visible()
    assert_accessible(rep_page)
    rep_page.get_by_role("link", name=re.compile("Your request is delivered")).click()
    expect(rep_page.get_by_role("heading", level=1)).to_have_text(asset.title)
