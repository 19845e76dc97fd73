"""Issue 13: an Excel workbook imports from the command line and the admin; a big import does
Wagtail's per-save work once at the end, and still leaves every index and every row right."""

import datetime
import io
import json

import openpyxl
import pytest

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ReferenceIndex, Revision

from content.models import CollateralPage, ImportJob
from home import versions
from personas.models import ObjectionNote
from search import service

pytestmark = pytest.mark.django_db


def workbook_bytes():
    """A workbook as a team exports it: a collateral sheet and a notes sheet, Excel's own types
    (a number id, a real date cell, a TRUE cell), a blank row, the kind written another tool's way."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Collateral"
    sheet.append(["ID", "Title", "Kind", "Stage", "Summary", "Personas", "Objections", "Tags", "Published"])
    sheet.append([101, "Payback calculator", "ROI Calculator", "Decision", "Payback in months.", "cfo", "price",
                  "finance; calculator", datetime.datetime(2026, 3, 1)])  # fmt: skip
    sheet.append([None, None, None, None, None, None, None, None, None])
    sheet.append([102, "Société générale case", "case-study", "", "A bank's story.", "CFO", "Price is too high",
                  "", None])  # fmt: skip
    notes = book.create_sheet("Notes")
    notes.append(["id", "persona", "objection", "text", "stage", "outcome", "collateral", "helped", "author"])
    notes.append(["N-1", "cfo", "price", "Too pricey for this quarter.", "demo", "won", 101, True, "rep"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_what_a_marketer_sees():
    calculator = CollateralPage.objects.get(external_id="101")
    assert (calculator.title, calculator.kind_id) == ("Payback calculator", "roi_calculator")
    assert calculator.stage == "decision"
    assert sorted(t.name for t in calculator.tags.all()) == ["calculator", "finance"]
    assert timezone.localtime(calculator.first_published_at).date() == datetime.date(2026, 3, 1)
    bank = CollateralPage.objects.get(external_id="102")
    assert bank.kind_id == "case_study" and [p.slug for p in bank.personas.all()] == ["cfo"]
    note = ObjectionNote.objects.get()
    assert (note.text, note.collateral, note.helped, note.outcome) == (
        "Too pricey for this quarter.", calculator, "yes", "won"
    )  # fmt: skip
    found = {hit.external_id for hit in service.search("payback", exclude_ids=frozenset()).hits}
    assert found == {"101"}


def test_an_excel_workbook_imports_from_the_command_line(tmp_path, persona, objection, rep):
    path = tmp_path / "library.xlsx"
    path.write_bytes(workbook_bytes())
    out, err = io.StringIO(), io.StringIO()
    call_command("import_collateral", str(path), "--no-progress", stdout=out, stderr=err)

    assert "collateral: 2 created, 0 updated, 0 unchanged, 0 skipped" in out.getvalue()
    assert "notes: 1 created" in out.getvalue()
    check_what_a_marketer_sees()


def test_an_excel_workbook_imports_from_the_admin(tmp_path, settings, marketer_client, persona, objection):
    settings.IMPORT_DIR = tmp_path / "imports"
    upload = io.BytesIO(workbook_bytes())
    upload.name = "library.xlsx"
    response = marketer_client.post(reverse("collateral_import"), {"file": upload})
    job = ImportJob.objects.get()
    preview = marketer_client.get(response.url)
    assert "Preview — nothing has changed yet" in preview.text
    assert "Payback calculator" in preview.text and not CollateralPage.objects.exists()

    result = marketer_client.get(marketer_client.post(reverse("collateral_import_confirm", args=[job.pk])).url)
    assert "Imported library.xlsx" in result.text
    page = CollateralPage.objects.get(external_id="101")
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in result.text
    # A marketer's import files the note without an author (only a superuser's names one).
    check_what_a_marketer_sees()


def library(tmp_path, notes):
    from content.files import make_file

    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "deck.pdf").write_bytes(make_file("pdf", "Deck", ["Kestrel payback."]))
    data = {
        "collateral": [{"id": "B-1", "title": "Bulk deck", "summary": "Deck.", "personas": ["cfo"],
                        "objections": ["price"], "files": ["files/deck.pdf"]}],
        "notes": notes,
    }  # fmt: skip
    path = tmp_path / "library.json"
    path.write_text(json.dumps(data))
    return path


def test_wagtails_own_indexes_are_current_after_an_import(tmp_path, persona, objection, admin_client):
    call_command("import_collateral", str(library(tmp_path, [])), "--no-progress", stdout=io.StringIO())
    page = CollateralPage.objects.get(external_id="B-1")
    # The admin's page search (Wagtail's search backend) finds it...
    listing = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "Bulk deck"})
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in listing.text
    # ...and the file's usage (Wagtail's reference index) names the page.
    document = page.files.get().document
    assert ReferenceIndex.get_references_to(document).filter(object_id=str(page.pk)).exists()
    assert Revision.objects.filter(object_id=str(page.pk)).count() == 1
    # Outside an import, an edit reaches Wagtail's search at once, as before.
    page.title = "Renamed quokka deck"
    page.save_revision().publish()
    listing = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": "quokka"})
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in listing.text


def test_notes_saved_together_keep_their_dates_and_a_repeated_id_updates_the_first(tmp_path, persona, objection, rep):
    before = versions.current(versions.FIELD_RECORDS)
    notes = [{"id": f"N-{n}", "persona": "cfo", "objection": "price", "text": f"Said {n}.", "author": "rep",
              "created": f"2026-02-{n + 1:02d}T10:00:00"} for n in range(3)]  # fmt: skip
    notes.append({"id": "N-1", "persona": "cfo", "objection": "price", "text": "Said 1, corrected.", "author": "rep"})
    out = io.StringIO()
    call_command("import_collateral", str(library(tmp_path, notes)), "--no-progress", stdout=out)

    assert "notes: 3 created, 1 updated" in out.getvalue()
    stored = {note.external_id: note for note in ObjectionNote.objects.all()}
    assert sorted(stored) == ["N-0", "N-1", "N-2"] and stored["N-1"].text == "Said 1, corrected."
    assert timezone.localtime(stored["N-2"].created).date() == datetime.date(2026, 2, 3)
    assert all(note.author == rep for note in stored.values())
    assert versions.current(versions.FIELD_RECORDS) != before, "persona insights show the new notes"


def test_a_note_the_form_refuses_is_skipped_with_its_reason_and_the_others_are_kept(tmp_path, persona, objection):
    notes = [{"id": "N-1", "persona": "cfo", "objection": "price", "text": "x" * 5001},
             {"id": "N-2", "persona": "cfo", "objection": "price", "text": "Kept."}]  # fmt: skip
    err = io.StringIO()
    call_command("import_collateral", str(library(tmp_path, notes)), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "skipped notes N-1: text:" in err.getvalue()
    assert [note.text for note in ObjectionNote.objects.all()] == ["Kept."]


def test_notes_saved_together_fall_back_one_by_one_when_one_was_filed_meanwhile(persona, objection, rep):
    from personas.notes import create_notes, new_note, record_form

    def valid_form(text):
        form = record_form({"persona": "cfo", "objection": "price", "text": text})
        assert form.is_valid(), form.errors
        return form

    filed_meanwhile = new_note(valid_form("Filed by a retry."), rep, "N-2")
    filed_meanwhile.save()
    moment = timezone.make_aware(datetime.datetime(2026, 1, 5, 10))
    notes = [new_note(valid_form("First."), rep, "N-1", created=moment), new_note(valid_form("Second."), rep, "N-2")]

    failed = create_notes(notes)

    assert [(position, note.text, error) for position, note, error in failed] == [(1, "Filed by a retry.", None)]
    first = ObjectionNote.objects.get(external_id="N-1")
    assert first.text == "First." and first.created == moment
    assert ObjectionNote.objects.count() == 2
