"""The core loop in a real browser: a rep before and after a call, a marketer publishing."""

import re

import pytest
from playwright.sync_api import expect

from content.files import make_file
from content.models import CollateralIndexPage, CollateralPage
from personas.models import ObjectionNote
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def visit_check(page, width):
    assert_accessible(page)
    if width <= 375:
        assert_fits_width(page)


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_rep_finds_an_asset_downloads_it_and_files_a_note(new_page, width, rep, persona, objection, collateral):
    page = new_page(width=width)

    log_in(page, "rep")
    expect(page.get_by_role("heading", name="Hello, Riley")).to_be_visible()
    visit_check(page, width)

    # Search in their own words: the asset is found through the objection's synonyms.
    page.get_by_role("searchbox", name="Search collateral and personas").fill("too pricey")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=collateral.title)).to_be_visible()
    visit_check(page, width)

    # Open the persona from the start page.
    page.goto("/")
    page.get_by_role("link", name=persona.title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(persona.title)
    visit_check(page, width)

    # Open the collateral made for this persona.
    page.get_by_role("complementary").get_by_role("link", name=collateral.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(collateral.title)
    visit_check(page, width)

    # Download its file.
    document = collateral.files.get().document
    with page.expect_download() as download_info:
        page.get_by_role("link", name=document.title).click()
    download = download_info.value
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read(4) == b"%PDF"

    # File a note about it; persona and asset come pre-filled.
    page.get_by_role("link", name="File a note about this asset").click()
    expect(page.get_by_label("Persona")).to_have_value(str(persona.pk))
    expect(page.get_by_label("Collateral used")).to_have_value(collateral.title)
    visit_check(page, width)
    page.get_by_label("Objection").select_option(label=objection.name)
    page.get_by_label("What the prospect said").fill("Their CFO said we cost twice what Ledgerly quoted.")
    page.get_by_label("Deal stage").select_option(label="Proposal")
    page.get_by_role("group", name="Outcome").get_by_label("Lost").check()
    page.get_by_role("group", name="Did it help?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save note").click()

    # Back on the asset, with a confirmation; the note is stored with its author.
    expect(page.get_by_role("status")).to_contain_text("Note saved")
    note = ObjectionNote.objects.get()
    assert (note.author, note.persona, note.collateral, note.helped) == (rep, persona, collateral, "yes")

    # The persona page shows the note and counts it.
    page.goto(persona.url)
    expect(
        page.locator(".field-quote").get_by_text("Their CFO said we cost twice what Ledgerly quoted.")
    ).to_be_visible()
    expect(page.locator(f'tr[data-objection="{objection.slug}"] td.num').first).to_have_text("1")
    visit_check(page, width)


def test_rep_sees_a_clear_error_and_keeps_the_text(new_page, rep, persona, objection):
    page = new_page(width=375)
    log_in(page, "rep")
    page.goto(f"/notes/new/?persona={persona.pk}")
    page.get_by_label("What the prospect said").fill("<script>alert(1)</script> said no budget")
    page.get_by_role("button", name="Save note").click()  # no objection picked

    expect(page.get_by_role("alert").first).to_contain_text("This field is required")
    expect(page.get_by_label("What the prospect said")).to_have_value("<script>alert(1)</script> said no budget")
    assert_accessible(page)
    assert not ObjectionNote.objects.exists()


def test_marketer_publishes_new_collateral_with_a_file(new_page, tmp_path, marketer, rep, persona, objection):
    upload = tmp_path / "pricing-faq.pdf"
    upload.write_bytes(make_file("pdf", "Pricing FAQ", ["Payback arrives in four months for zebra-sized fleets."]))
    page = new_page()

    log_in(page, "marketer")
    page.get_by_role("link", name="Admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert_accessible(page)

    # Pages → Collateral → Add child page
    index = CollateralIndexPage.objects.get()
    page.goto(f"/admin/pages/{index.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Add child page").first.click()
    expect(page).to_have_url(re.compile(r"/add/content/collateralpage/"))
    expect(page.locator(".tagit .ui-autocomplete-input")).to_be_attached()  # the editor's widgets are ready
    expect(page.locator(".Draftail-Editor [contenteditable=true]")).to_be_attached()
    assert_accessible(page)

    page.locator("#id_title").fill("Pricing FAQ for procurement")
    page.locator("#id_summary").fill("Answers to the price questions procurement asks.")
    page.locator(".Draftail-Editor [contenteditable=true]").first.fill("Use it when a buyer says it is too pricey.")

    # Attach a new file through the document chooser's upload tab.
    page.get_by_role("button", name="Add Files").click()
    page.get_by_role("button", name="Choose a document").click()
    page.get_by_role("tab", name="Upload").click()
    page.locator("#id_document-chooser-upload-title").fill("Pricing FAQ (PDF)")
    page.locator("#id_document-chooser-upload-file").set_input_files(str(upload))
    page.locator(".modal-content").get_by_role("button", name="Upload").click()
    expect(page.locator(".modal-content")).to_be_hidden()
    expect(page.get_by_text("Pricing FAQ (PDF)")).to_be_visible()

    page.locator("#id_kind").select_option(label="FAQ")
    page.locator("#id_stage").select_option(label="Decision")
    page.get_by_role("checkbox", name=persona.title, exact=True).check()
    page.get_by_role("checkbox", name=objection.name, exact=True).check()

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("published")
    assert_accessible(page)

    created = CollateralPage.objects.get(title="Pricing FAQ for procurement")
    assert created.live
    assert list(created.personas.all()) == [persona] and list(created.objections.all()) == [objection]
    document = created.files.get().document
    assert "zebra-sized fleets" in document.extracted_text, "the file's text is read for search"

    # A rep sees it on the persona page and can open it.
    rep_page = new_page(width=375)
    log_in(rep_page, "rep", start=persona.url)
    rep_page.get_by_role("link", name="Pricing FAQ for procurement").click()
    expect(rep_page.get_by_role("link", name="Pricing FAQ (PDF)")).to_be_visible()
    assert_accessible(rep_page)
    assert_fits_width(rep_page)
