"""What reps meet every day, in a real browser at phone and desktop widths (issue 15, items 1–4):
the header search with suggestions, result cards to act on in place, the compact header and
filters drawer on phones, and what changed since their last visit."""

import datetime

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from content.factories import create_collateral, create_document_for
from content.models import CollateralPage
from home.models import PageVisit
from personas.factories import create_objection
from tests.browser.conftest import WIDTHS, check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def pricing_deck(db, persona, objection, marketer):
    document = create_document_for("Pricing deck", "pdf", ["Total cost of ownership over three years."])
    return create_collateral(
        title="Pricing deck",
        summary="How we price, and why it pays back.",
        body="<h2>Payback</h2><p>Customers recover the subscription within seven months.</p>",
        personas=[persona],
        objections=[objection],
        documents=[document],
        content_owner=marketer,
    )


def open_menu_if_compact(page, width):
    if width <= 375:
        page.get_by_role("button", name="Menu").click()


@WIDTHS
def test_header_search_suggests_as_you_type_and_works_from_the_keyboard(new_page, width, rep, pricing_deck):
    create_objection("Security review", slug="security", synonyms="soc2, pen test, pricing of audits")
    page = new_page(width=width)
    log_in(page, "rep", start=pricing_deck.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pricing deck")

    box = page.get_by_role("combobox", name="Search Common Ground")
    expect(box).to_be_visible()
    box.press_sequentially("pri", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    # "pri" starts a word of the objection's name: it comes first, before a synonym's mere mention.
    expect(listbox.get_by_role("option").first).to_contain_text("Price is too high")
    expect(listbox.get_by_role("option", name="Pricing deck Collateral")).to_be_visible()
    check(page, width)

    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press("ArrowDown")  # opens the list again on the first suggestion
    expect(first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url("**/search/?objection=price")
    expect(page.get_by_role("link", name="Pricing deck", exact=True)).to_be_visible()
    check(page, width)

    # Without picking a suggestion, Enter searches for the words typed.
    box = page.get_by_role("combobox", name="Search Common Ground")
    box.fill("payback")
    box.press("Enter")
    page.wait_for_url("**/search/?q=payback")
    expect(page.get_by_role("link", name="Pricing deck", exact=True)).to_be_visible()


@WIDTHS
def test_result_card_opens_downloads_copies_and_filters_in_place(new_page, width, rep, pricing_deck, persona):
    page = new_page(width=width)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "rep")
    page.goto("/search/?q=payback")
    card = page.locator("article.result").filter(has_text="Pricing deck")
    expect(card).to_have_count(1)

    # The highlight keeps the heading apart from its paragraph.
    highlight = card.locator(".highlight").first
    expect(highlight).to_contain_text("Payback")
    assert "PaybackCustomers" not in highlight.inner_text()
    assert "Payback · Customers" in highlight.inner_text()
    check(page, width)

    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download (PDF)").click()
    with open(download_info.value.path(), "rb") as downloaded:
        assert downloaded.read(4) == b"%PDF"

    with page.expect_response(lambda response: "/collateral-events/" in response.url) as counted:
        card.get_by_role("button", name="Copy link").click()
    assert counted.value.ok
    expect(card.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").endswith(pricing_deck.url)
    assert pricing_deck.events.filter(type="copy_link", user=rep).count() == 1

    # A chip filters the results by its persona, keeping the words.
    card.get_by_role("link", name=f"Filter by persona {persona.title}").click()
    page.wait_for_url(f"**/search/?q=payback&persona={persona.slug}")
    if width <= 375:
        expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
    else:
        expect(page.get_by_role("complementary", name="Filters").locator(".facet-selected")).to_contain_text(
            persona.title
        )

    page.locator("article.result").get_by_role("link", name="Open", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pricing deck")


def test_phone_header_is_compact_and_filters_sit_in_a_drawer(new_page, rep, pricing_deck, persona, objection):
    page = new_page(width=375, height=740)
    log_in(page, "rep")
    header = page.locator("header.site-header")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    # Brand and menu on one row, the search box on the next: no third row of links.
    assert header.bounding_box()["height"] < 120
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="My notes")).to_be_visible()
    check(page, 375)
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_hidden()

    page.goto(f"/search/?q=price&persona={persona.slug}&objection={objection.slug}&kind={pricing_deck.kind_id}")
    filters = page.get_by_role("complementary", name="Filters")
    expect(filters).to_be_hidden()
    toggle = page.get_by_role("button", name="Filters (3)")
    # The button sits above the first result, not below every result.
    assert toggle.bounding_box()["y"] < page.locator("article.result").first.bounding_box()["y"]
    check(page, 375)
    toggle.click()
    expect(filters).to_be_visible()
    expect(filters.get_by_role("link", name="Clear all filters")).to_be_visible()
    check(page, 375)
    page.keyboard.press("Escape")
    expect(filters).to_be_hidden()
    expect(toggle).to_be_focused()
    toggle.click()
    filters.get_by_role("button", name="Close").click()
    expect(filters).to_be_hidden()

    # On a desktop the filters stand beside the results and need no button.
    desktop = new_page(width=1280)
    log_in(desktop, "rep", start=f"/search/?q=price&persona={persona.slug}")
    expect(desktop.get_by_role("complementary", name="Filters")).to_be_visible()
    expect(desktop.get_by_role("button", name="Filters (1)")).to_be_hidden()
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()


@WIDTHS
def test_pages_say_what_changed_since_your_last_visit(new_page, width, rep, pricing_deck, persona):
    page = new_page(width=width)
    log_in(page, "rep", start=pricing_deck.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pricing deck")
    expect(page.get_by_role("note", name="Changes since your last visit")).to_have_count(0)  # first visit
    page.goto(persona.url)

    # Marketing adds a section on pricing; the persona gains a quote.
    deck = CollateralPage.objects.get(pk=pricing_deck.pk)
    deck.body += "<h2>Pricing</h2><p>Three tiers, billed yearly.</p>"
    deck.save_revision().publish()
    live = persona.specific.__class__.objects.get(pk=persona.pk)
    live.quotes = [("quote", {"text": "Show me the payback month.", "source": "CFO, retail"})]
    live.save_revision().publish()
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    for model_page in (deck, live):
        type(model_page).objects.filter(pk=model_page.pk).update(last_published_at=three_days_ago)
    PageVisit.objects.filter(user=rep).update(visited_at=three_days_ago - datetime.timedelta(days=2))

    # Cards of pages seen before and changed since say so.
    page.goto("/collateral/")
    card = page.locator("article.card").filter(has_text="Pricing deck")
    expect(card.get_by_text("Updated", exact=True)).to_be_visible()
    check(page, width)
    page.goto("/search/?q=payback")
    result = page.locator("article.result").filter(has_text="Pricing deck")
    expect(result.get_by_text("Updated", exact=True)).to_be_visible()

    page.goto(pricing_deck.url)
    notice = page.get_by_role("note", name="Changes since your last visit")
    expect(notice).to_contain_text("Updated 3 days ago: New section on Pricing")
    check(page, width)
    page.goto("/personas/")
    expect(
        page.locator("article.card").filter(has_text=persona.title).get_by_text("Updated", exact=True)
    ).to_be_visible()
    page.goto(persona.url)
    expect(page.get_by_role("note", name="Changes since your last visit")).to_contain_text(
        "Updated 3 days ago: 1 new quote"
    )

    # Seen now: the notice and the marker are gone until the next change.
    page.goto(pricing_deck.url)
    expect(page.get_by_role("note", name="Changes since your last visit")).to_have_count(0)
    page.goto("/collateral/")
    card = page.locator("article.card").filter(has_text="Pricing deck")
    expect(card.get_by_text("Updated", exact=True)).to_have_count(0)
