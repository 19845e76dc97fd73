"""A rep sees a file's thumbnail and opens its preview in a real browser."""

import pytest
from playwright.sync_api import expect

from content.factories import create_collateral, create_document_for
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOADED = "image => image.complete && image.naturalWidth > 0"


def loads(page, image):
    """Whether the picture `image` (a locator) loads: scrolled into view (pictures load lazily),
    then waited for up to 10 s. A broken or refused picture never gets a natural width."""
    image.scroll_into_view_if_needed()
    page.wait_for_function(LOADED, arg=image.element_handle(), timeout=10_000)
    return image.evaluate(LOADED)


def test_a_rep_sees_the_thumbnail_and_opens_the_preview(new_page, rep):
    # Outside a test transaction the upload's tasks run on commit, as in development: text, then previews.
    document = create_document_for("Freight case study", "pdf", ["Haldane Freight cut days sales outstanding."])
    document.refresh_from_db()
    assert document.thumbnail_file, document.preview_note
    faq = create_document_for("Freight FAQ", "docx", ["Quillon invoices reconcile themselves."])
    page_obj = create_collateral(title="Freight case study", documents=[document, faq])

    page = new_page()
    log_in(page, "rep", start="/collateral/")
    card_thumbnail = page.locator("article.card img.card-thumb")
    expect(card_thumbnail).to_have_count(1)
    assert loads(page, card_thumbnail), "the card's thumbnail loads"

    page.get_by_role("link", name=page_obj.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(page_obj.title)
    assert loads(page, page.locator(".file-list img.file-thumb"))
    page.get_by_role("link", name="Preview", exact=True).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Freight case study")
    thumbnail = page.get_by_role("img", name="First page of Freight case study")
    expect(thumbnail).to_be_visible()
    assert loads(page, thumbnail), "the thumbnail is served to the rep"
    assert thumbnail.evaluate("image => image.naturalWidth") == 480
    expect(page.locator("iframe.preview-frame")).to_have_attribute("src", f"/previews/{document.pk}/view.pdf")
    assert_accessible(page)

    # An Office file without LibreOffice on the server: its text, and why.
    page.goto(f"/previews/{faq.pk}/")
    expect(page.get_by_text("LibreOffice is not installed on the server")).to_be_visible()
    expect(page.get_by_role("region", name="Text of the file")).to_contain_text(
        "Quillon invoices reconcile themselves."
    )
    assert_accessible(page)
