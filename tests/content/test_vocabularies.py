"""Kinds of collateral and note stages are lists marketing edits (issue 13), converted losslessly."""

import importlib

import pytest

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from content.models import CollateralKind, CollateralPage
from personas.factories import create_note
from personas.models import NoteStage, ObjectionNote

pytestmark = pytest.mark.django_db


def test_shipped_values_are_the_defaults_in_their_order():
    assert [slug for slug, _ in CollateralKind.choices()][:3] == ["case_study", "battlecard", "whitepaper"]
    assert dict(CollateralKind.choices())["one_pager"] == "One-pager"
    assert [slug for slug, _ in NoteStage.choices()] == ["discovery", "demo", "proposal", "negotiation", "closing"]


def test_the_data_migrations_keep_every_stored_value(collateral, persona, objection, rep):
    """A value outside the shipped list (stored before kinds were a list) becomes a term of its own."""
    note = create_note(persona, objection, rep)
    with connection.cursor() as cursor:  # as the rows stood before: plain text in the column
        cursor.execute("UPDATE content_collateralpage SET kind_id = 'video_script' WHERE page_ptr_id = %s",
                       [collateral.pk])  # fmt: skip
        cursor.execute("UPDATE personas_objectionnote SET deal_stage_id = 'decision' WHERE id = %s", [note.pk])
    importlib.import_module("content.migrations.0005_collateral_kind_vocabulary").seed(apps, None)
    importlib.import_module("personas.migrations.0005_note_stage_vocabulary").seed(apps, None)

    page = CollateralPage.objects.get(pk=collateral.pk)
    assert (page.kind.slug, page.get_kind_display()) == ("video_script", "Video script")
    assert ObjectionNote.objects.get(pk=note.pk).get_deal_stage_display() == "Decision"


def test_a_slug_in_use_cannot_change_but_its_label_can(collateral):
    kind = collateral.kind
    kind.slug = "onepager"
    with pytest.raises(ValidationError, match="in use by existing records"):
        kind.full_clean()
    kind.refresh_from_db()
    kind.label = "One pager (print)"
    kind.full_clean()
    kind.save()
    assert CollateralPage.objects.get(pk=collateral.pk).get_kind_display() == "One pager (print)"


def test_marketing_adds_a_kind_in_the_admin_and_sales_may_not(marketer_client, rep_client):
    response = marketer_client.post("/admin/snippets/content/collateralkind/add/", {"label": "Video script", "slug": "",
                                                                                    "sort_order": 20})  # fmt: skip
    assert response.status_code == 302
    assert CollateralKind.objects.get(label="Video script").slug == "video_script"
    response = rep_client.post("/admin/snippets/content/collateralkind/add/", {"label": "Rep kind", "sort_order": 1})
    assert not CollateralKind.objects.filter(label="Rep kind").exists()


def test_the_page_editor_and_the_note_moderation_form_show_and_save_the_terms(marketer_client, collateral, rep):
    from personas.factories import create_note

    editor = marketer_client.get(f"/admin/pages/{collateral.pk}/edit/")
    assert editor.status_code == 200
    assert '<option value="one_pager" selected>One-pager</option>' in editor.text
    note = create_note(collateral.personas.get(), collateral.objections.get(), rep, deal_stage="demo")
    form = marketer_client.get(f"/admin/snippets/personas/objectionnote/edit/{note.pk}/")
    assert form.status_code == 200 and '<option value="demo" selected>Demo</option>' in form.text
