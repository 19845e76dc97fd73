"""Search that understands, in a real browser on the default embedded engine: the
chips for what the words named, the weak-match line with its request button, and the synonyms
Marketing edits in the admin (which Sales cannot open)."""

import pytest
from playwright.sync_api import expect

from content.factories import create_collateral
from content.models import Kind
from personas.factories import create_persona
from search import service
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def library(settings):
    assert settings.SEARCH_ENGINE == "embedded"  # the default engine, as reps use it
    security = create_persona("Head of Security", slug="head-of-security", role="CISO / Head of Information Security")
    create_collateral(
        title="Ledgerline: a lender closes faster",
        summary="A lending platform cut its close by six days.",
        kind=Kind.CASE_STUDY,
        tags=["fintech"],
    )
    create_collateral(
        title="Fintech pricing one-pager", summary="Plans for fintech companies.", kind=Kind.ONE_PAGER, tags=["fintech"]
    )
    create_collateral(
        title="Supplier assurance pack", summary="Audits and insurance for your review.", personas=[security]
    )
    create_collateral(title="Product roadmap", summary="What ships this year.", kind=Kind.DECK)
    service.rebuild()


def search_for(page, words):
    page.get_by_role("searchbox", name="Search collateral and personas").fill(words)
    page.get_by_role("button", name="Search").click()


def test_rep_uses_chips_and_is_told_when_nothing_fits(new_page, rep, library):
    page = new_page(width=1280)
    log_in(page, "rep")
    page.goto("/search/")

    search_for(page, "fintech customer story")
    chips = page.get_by_role("list", name="Filters your words named")
    expect(chips.get_by_role("link", name="Case study", exact=True)).to_be_visible()
    expect(page.get_by_text("No strong match")).to_have_count(0)
    assert_accessible(page)
    chips.get_by_role("link", name="Case study", exact=True).click()
    page.wait_for_url("**kind=case_study**")
    expect(chips.get_by_role("link", name="Case study ×")).to_be_visible()
    results = page.get_by_role("region", name="Collateral")
    expect(results.get_by_role("link", name="Ledgerline: a lender closes faster")).to_be_visible()
    expect(results.get_by_role("link", name="Fintech pricing one-pager")).to_have_count(0)
    chips.get_by_role("link", name="Case study ×").click()
    expect(chips.get_by_role("link", name="Case study", exact=True)).to_be_visible()
    assert "kind=" not in page.url

    # A persona named by its abbreviation is offered as a chip too.
    search_for(page, "ciso")
    chips = page.get_by_role("list", name="Filters your words named")
    expect(chips.get_by_role("link", name="Head of Security")).to_be_visible()

    search_for(page, "does it run on a mainframe")
    expect(page.get_by_text("Nothing matched “does it run on a mainframe”.")).to_be_visible()  # no guesses: one message
    assert_accessible(page)
    page.get_by_role("link", name="Request an asset").click()
    expect(page.get_by_label("What would help")).to_have_value(
        "I searched for “does it run on a mainframe” and found nothing that answers it."
    )


def test_marketing_adds_a_synonym_and_sales_cannot_open_the_list(new_page, marketer, rep, library):
    page = new_page(width=1280)
    log_in(page, "marketer")
    page.goto("/admin/snippets/personas/synonym/")
    expect(page.get_by_role("link", name="customer story", exact=True)).to_be_visible()
    page.goto("/admin/snippets/personas/synonym/add/")
    page.get_by_role("textbox", name="Term").fill("rdmap")
    page.get_by_role("textbox", name="Meaning").fill("roadmap")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("rdmap").first).to_be_visible()
    assert_accessible(page)

    rep_page = new_page(width=1280)
    log_in(rep_page, "rep")
    search_for(rep_page, "rdmap")
    results = rep_page.get_by_role("region", name="Collateral")
    expect(results.get_by_role("link", name="Product roadmap")).to_be_visible()
    expect(rep_page.get_by_text("No strong match")).to_have_count(0)
    rep_page.goto("/admin/snippets/personas/synonym/")
    assert "/admin/snippets/personas/synonym/" not in rep_page.url
    expect(rep_page.get_by_text("Sorry, you do not have permission")).to_be_visible()
