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
    response = marketer_client.post(bulk_url("hide_notes", notes[:2]), follow=True)
    assert "2 notes hidden." in response.text
    assert sorted(ObjectionNote.objects.visible().values_list("text", flat=True)) == ["note 2"]
    assert "<strong>1</strong> in the last 90 days" in rep_client.get(persona.url).text  # insights refreshed at once
    marketer_client.post(bulk_url("show_notes", notes[:1]))
    assert ObjectionNote.objects.visible().count() == 2


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
