"""Marketing hides, shows and re-categorises notes in bulk from the admin."""

import pytest

from personas.factories import create_note, create_objection
from personas.models import ObjectionNote

pytestmark = pytest.mark.django_db


def bulk_url(action, notes):
    ids = "&".join(f"id={note.pk}" for note in notes)
    return f"/admin/bulk/personas/objectionnote/{action}/?next=/admin/snippets/personas/objectionnote/&{ids}"


@pytest.fixture
def notes(persona, objection, rep):
    return [create_note(persona, objection, rep, text=f"note {n}") for n in range(3)]


def test_marketing_hides_notes_and_they_leave_the_persona_page(marketer_client, rep_client, persona, notes):
    confirm = marketer_client.get(bulk_url("hide_notes", notes[:2]))
    assert "Hide these notes from persona pages" in confirm.text
    assert "<q>note 0</q>" in confirm.text and "<q>note 1</q>" in confirm.text  # what is being hidden
    refused = marketer_client.post(bulk_url("hide_notes", notes[:2]), {"hidden_reason": " "})
    assert "Say why, in a few words" in refused.text
    assert ObjectionNote.objects.visible().count() == 3
    response = marketer_client.post(
        bulk_url("hide_notes", notes[:2]), {"hidden_reason": "Names the customer."}, follow=True
    )
    assert "2 notes hidden." in response.text
    assert sorted(ObjectionNote.objects.visible().values_list("text", flat=True)) == ["note 2"]
    assert "<strong>1</strong> in the last 90 days" in rep_client.get(persona.url).text  # insights refreshed at once
    # The rep who filed them sees which were hidden, and why.
    mine = rep_client.get("/notes/").text
    assert mine.count("Hidden by a moderator</strong>: Names the customer.") == 2
    marketer_client.post(bulk_url("show_notes", notes[:1]))
    assert ObjectionNote.objects.visible().count() == 2
    assert ObjectionNote.objects.get(pk=notes[0].pk).hidden_reason == ""


def test_moderation_listing_shows_what_each_note_says(marketer_client, persona, objection, rep):
    create_note(persona, objection, rep, text="Their CFO said " + "we cost too much " * 20)
    listing = marketer_client.get("/admin/snippets/personas/objectionnote/").text
    assert "What was said" in listing
    assert "Their CFO said we cost too much we cost too much" in listing
    assert "we cost too much " * 20 not in listing  # shortened
    # The author by name, as on every other screen, not by username.
    compact = "".join(listing.split())
    assert "<td>Riley</td>" in compact  # the Author column
    assert '">Riley</option>' in compact and '">rep</option>' not in compact  # the Author filter


def test_marketing_recategorises_notes(marketer_client, notes):
    security = create_objection("Security review", slug="security")
    refused = marketer_client.post(bulk_url("recategorise_notes", notes), {"objection": ""})
    assert "This field is required" in refused.text
    response = marketer_client.post(bulk_url("recategorise_notes", notes[1:]), {"objection": security.pk}, follow=True)
    assert "2 notes moved to “Security review”." in response.text
    assert ObjectionNote.objects.filter(objection=security).count() == 2


def test_sales_may_not_moderate(rep_client, notes):
    rep_client.post(bulk_url("hide_notes", notes))
    assert ObjectionNote.objects.visible().count() == 3


def test_the_notes_csv_says_what_the_listing_says(marketer_client, persona, objection, rep):
    create_note(persona, objection, rep, text="Too pricey")
    response = marketer_client.get("/admin/snippets/personas/objectionnote/?export=csv")
    csv = b"".join(response.streaming_content).decode()
    header, row = csv.splitlines()[:2]
    assert "Outcome" in header and "Did it help?" in header and "Status" in header and "Author" in header
    assert "Open" in row and "Don't know" in row and "Visible" in row and "Riley" in row
    assert ",open," not in row and ",unknown," not in row
