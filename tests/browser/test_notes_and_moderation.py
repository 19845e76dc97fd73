"""Notes in a real browser (issue 15, items 5 and 6): the rep picks the asset used by typing, and
sees which notes a moderator hid and why; marketing sees what it moderates and confirms merges
knowing what will move."""

import pytest
from playwright.sync_api import expect

from content.factories import create_collateral
from personas.factories import create_note, create_objection
from personas.models import Objection, ObjectionNote
from tests.browser.conftest import WIDTHS, check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@WIDTHS
def test_rep_picks_the_asset_used_by_typing_words_of_its_title(new_page, width, rep, persona, objection):
    for n in range(40):
        create_collateral(title=f"Battlecard {n:02d}", slug=f"battlecard-{n:02d}")
    wanted = create_collateral(title="ROI calculator for finance teams", slug="roi-calculator")
    page = new_page(width=width)
    log_in(page, "rep", start="/notes/new/")

    picker = page.get_by_role("combobox", name="Collateral used")
    expect(picker).to_have_value("")
    picker.fill("finance roi")  # any words of the title, in any order
    options = page.get_by_role("listbox", name="Matching choices").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text(wanted.title)
    check(page, width)
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value(wanted.title)

    page.get_by_label("Persona").select_option(label=persona.title)
    page.get_by_label("Objection").select_option(label=objection.name)
    page.get_by_label("What the prospect said").fill("They want the payback month in writing.")
    page.get_by_role("group", name="Did it help?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_role("status")).to_contain_text("Note saved")
    assert ObjectionNote.objects.get().collateral_id == wanted.pk

    # Text that names no asset never replaces the choice silently.
    page.goto("/notes/new/")
    picker = page.get_by_role("combobox", name="Collateral used")
    picker.fill("nothing like this")
    expect(page.get_by_role("listbox", name="Matching choices")).to_contain_text("No asset matches")
    picker.press("Tab")
    expect(picker).to_have_value("")


@WIDTHS
def test_marketing_hides_a_note_seeing_its_text_and_the_rep_sees_why(
    new_page, width, rep, marketer, persona, objection
):
    long_text = "Their CFO said we cost twice what Ledgerly quoted, and named the customer Acme Freight " * 3
    note = create_note(persona, objection, rep, text=long_text)
    create_note(persona, objection, rep, text="Procurement wants a three-year price lock.")

    page = new_page(width=width)
    log_in(page, "marketer", start="/admin/snippets/personas/objectionnote/")
    listing = page.locator("table.listing")
    expect(listing.get_by_role("columnheader", name="What was said")).to_be_visible()
    expect(listing).to_contain_text("Their CFO said we cost twice what Ledgerly quoted")
    expect(listing).to_contain_text("Procurement wants a three-year price lock.")
    assert long_text.strip() not in listing.inner_text()  # shortened
    check(page, width)

    page.goto(
        f"/admin/bulk/personas/objectionnote/hide_notes/?next=/admin/snippets/personas/objectionnote/&id={note.pk}"
    )
    expect(page.get_by_text("Their CFO said we cost twice what Ledgerly quoted")).to_be_visible()
    check(page, width)
    page.get_by_label("Why (the rep who filed each note sees this)").fill(
        "Names the customer; please refile without it."
    )
    page.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("1 note hidden.")).to_be_visible()
    assert ObjectionNote.objects.get(pk=note.pk).status == ObjectionNote.Status.HIDDEN

    rep_page = new_page(width=width)
    log_in(rep_page, "rep", start="/notes/")
    hidden = rep_page.locator("article.note").filter(has_text="Acme Freight")
    expect(hidden.get_by_role("note")).to_contain_text(
        "Hidden by a moderator: Names the customer; please refile without it."
    )
    shown = rep_page.locator("article.note").filter(has_text="three-year price lock")
    expect(shown.get_by_role("note")).to_have_count(0)
    check(rep_page, width)


@WIDTHS
def test_merging_objections_asks_first_with_what_will_move(new_page, width, rep, marketer, persona, objection):
    duplicate = create_objection("Too expensive", slug="too-expensive", synonyms="costly, over budget")
    for n in range(12):
        create_note(persona, duplicate, rep, text=f"Too costly, call {n}")
    for n in range(4):
        create_collateral(title=f"Cost sheet {n}", slug=f"cost-sheet-{n}", objections=[duplicate])
    page = new_page(width=width)
    log_in(page, "marketer", start=f"/admin/objections/{duplicate.pk}/merge/")
    page.get_by_label("Merge into").select_option(label=objection.name)
    check(page, width)
    page.get_by_role("button", name="Review the merge").click()

    confirmation = page.get_by_role("note")
    expect(confirmation).to_contain_text("Merge “Too expensive” into “Price is too high”?")
    # The name and both synonyms are new to the objection kept; "Too expensive" was one of them.
    expect(confirmation).to_contain_text("12 notes, 4 assets and 2 synonyms")
    assert Objection.objects.filter(pk=duplicate.pk).exists()
    check(page, width)
    page.get_by_role("button", name="Yes, merge into “Price is too high”").click()
    expect(page.get_by_text("Merged “Too expensive” into “Price is too high”: 12 notes moved")).to_be_visible()
    assert not Objection.objects.filter(pk=duplicate.pk).exists()

    # One of each is said in the singular.
    single = create_objection("Pricey", slug="pricey")
    create_note(persona, single, rep, text="Pricey.")
    create_collateral(title="Price FAQ", slug="price-faq", objections=[single])
    page.goto(f"/admin/objections/{single.pk}/merge/")
    page.get_by_label("Merge into").select_option(label=objection.name)
    page.get_by_role("button", name="Review the merge").click()
    expect(page.get_by_role("note")).to_contain_text("1 note, 1 asset and 1 synonym")
