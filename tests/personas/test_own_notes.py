"""Reps may edit or delete their own notes for 24 hours; after that, and for anyone else's, never."""

import datetime

import pytest

from django.utils import timezone

from personas.factories import create_note
from personas.models import ObjectionNote
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(rep, persona, objection):
    return create_note(persona, objection, rep, text="Too pricey")


def form(note, **changes):
    return {
        "persona": note.persona_id, "objection": note.objection_id, "text": note.text, "deal_stage": note.deal_stage_id,
        "outcome": note.outcome, "collateral": "", "helped": "unknown", **changes,
    }  # fmt: skip


def test_a_rep_edits_a_fresh_note(rep_client, note):
    assert f"/notes/{note.pk}/edit/" in rep_client.get("/notes/").text
    response = rep_client.post(f"/notes/{note.pk}/edit/", form(note, text="Too pricey for Q4", outcome="lost"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.outcome) == ("Too pricey for Q4", "lost")


def test_a_bad_edit_is_refused_and_changes_nothing(rep_client, note):
    response = rep_client.post(f"/notes/{note.pk}/edit/", form(note, text=""))
    assert "Write down what the prospect said" in response.text
    note.refresh_from_db()
    assert note.text == "Too pricey"


def test_a_rep_deletes_a_fresh_note_after_confirming(rep_client, note):
    assert "Delete your note?" in rep_client.get(f"/notes/{note.pk}/delete/").text
    assert ObjectionNote.objects.filter(pk=note.pk).exists()
    rep_client.post(f"/notes/{note.pk}/delete/")
    assert not ObjectionNote.objects.filter(pk=note.pk).exists()


def test_after_24_hours_the_note_is_part_of_the_record(rep_client, note):
    ObjectionNote.objects.filter(pk=note.pk).update(created=timezone.now() - datetime.timedelta(hours=25))
    assert f"/notes/{note.pk}/edit/" not in rep_client.get("/notes/").text
    assert rep_client.get(f"/notes/{note.pk}/edit/").status_code == 403
    assert rep_client.post(f"/notes/{note.pk}/delete/").status_code == 403
    assert ObjectionNote.objects.filter(pk=note.pk).exists()


def test_nobody_changes_someone_elses_note(note, marketer):
    other_rep = client_for(make_user("other", "Sales"))
    assert other_rep.post(f"/notes/{note.pk}/edit/", form(note, text="hijacked")).status_code == 403
    assert client_for(marketer).post(f"/notes/{note.pk}/delete/").status_code == 403
    assert other_rep.get("/notes/99999/edit/").status_code == 404
    note.refresh_from_db()
    assert note.text == "Too pricey"
