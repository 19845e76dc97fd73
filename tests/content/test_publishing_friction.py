"""Publishing without friction (issue 15, item 8): an abandoned new-page form leaves no draft,
a slug clash is said where the editor looks, unused uploads are listed, titles are readable."""

import csv
import io

import pytest

from django.core.files.base import ContentFile

from content.document_titles import readable_title
from content.factories import create_collateral, create_document, create_document_for
from content.files import make_file
from content.models import CollateralIndexPage, CollateralPage
from tests.admin_forms import collateral_form_data

pytestmark = pytest.mark.django_db


def add_url():
    return f"/admin/pages/add/content/collateralpage/{CollateralIndexPage.objects.get().pk}/"


def test_a_new_page_form_is_not_autosaved(marketer_client, persona, objection):
    form = marketer_client.get(add_url()).text
    assert 'id="page-edit-form"' in form
    assert "data-w-autosave-interval-value" not in form  # never autosaved: the page does not exist yet
    document = create_document_for("Pricing FAQ", "pdf", ["Questions about price."])
    data = collateral_form_data("Pricing FAQ", persona, objection, document, action="action-save")
    # What autosave would send: refused, nothing created.
    refused = marketer_client.post(add_url(), data, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "autosave_off_for_new_pages"
    assert not CollateralPage.objects.exists()
    # So a later page of the same title gets the slug; Save draft still works.
    marketer_client.post(add_url(), data)
    assert CollateralPage.objects.get().slug == "pricing-faq"


def test_editing_an_existing_page_keeps_autosave(marketer_client, collateral):
    assert "data-w-autosave-interval-value" in marketer_client.get(f"/admin/pages/{collateral.pk}/edit/").text


def test_a_slug_clash_is_said_at_the_top_naming_the_page(marketer_client, persona, objection):
    create_collateral(title="Pricing FAQ", slug="pricing-faq", publish=False)
    document = create_document_for("Pricing FAQ v2", "pdf", ["Questions about price."])
    response = marketer_client.post(add_url(), collateral_form_data("Pricing FAQ", persona, objection, document))
    assert "The address “pricing-faq” is already used by “Pricing FAQ” (a draft)." in response.text
    assert CollateralPage.objects.count() == 1


def test_uploads_on_no_page_are_listed_for_clean_up(marketer_client, collateral):
    create_document("Old price list", "old-price-list.pdf", make_file("pdf", "Old", ["2019 prices."]))
    dashboard = marketer_client.get("/admin/reports/loop/").text
    assert "Files on no page (1)" in dashboard
    assert "Old price list" in dashboard
    used = collateral.files.get().document
    section = dashboard.split('id="report-unused-files"')[1].split("</section>")[0]
    assert used.title not in section
    response = marketer_client.get("/admin/reports/loop/", {"report": "unused-files", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:2] == ["File", "File name"] and rows[1][:2] == ["Old price list", "old-price-list.pdf"]


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("q3_pricing-deck_v2.pdf", "Q3 pricing deck v2"),
        ("ROI__Calculator.xlsx", "ROI Calculator"),
        ("case.study.acme.docx", "Case study acme"),
        ("---.pdf", ""),
    ],
)
def test_readable_title_from_a_file_name(filename, title):
    assert readable_title(filename) == title


def test_an_upload_titled_with_its_file_name_gets_a_readable_title(marketer_client):
    upload = ContentFile(make_file("pdf", "Deck", ["Price."]), name="q3_pricing-deck_v2.pdf")
    response = marketer_client.post("/admin/documents/add/", {"title": "q3_pricing-deck_v2", "file": upload})
    assert response.status_code == 302
    from wagtail.documents import get_document_model

    assert get_document_model().objects.get().title == "Q3 pricing deck v2"
    # A title someone typed is kept.
    upload = ContentFile(make_file("pdf", "Deck", ["Price."]), name="deck_final.pdf")
    marketer_client.post("/admin/documents/add/", {"title": "Pricing deck for CFOs", "file": upload})
    assert get_document_model().objects.filter(title="Pricing deck for CFOs").exists()
