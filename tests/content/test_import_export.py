"""Bringing an existing library in with import_collateral, and out with export_collateral."""

import io
import json

import pytest

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from content.files import make_file
from content.models import CollateralDocument, CollateralPage
from personas.models import Objection, ObjectionNote, PersonaPage
from search import service

pytestmark = pytest.mark.django_db


def library(folder, **overrides):
    (folder / "files").mkdir(exist_ok=True)
    (folder / "files" / "roi.pdf").write_bytes(make_file("pdf", "ROI", ["Payback in seven months for Quokka Freight."]))
    (folder / "files" / "deck.pptx").write_bytes(make_file("pptx", "Deck", ["Security. SOC 2 Type II report."]))
    (folder / "files" / "virus.exe").write_bytes(b"MZ")
    data = {
        "personas": [
            {"slug": "cfo", "name": "CFO", "role": "Chief Financial Officer", "summary": "Owns the budget.",
             "goals": "Shorter DSO", "pains": "Write-offs"},
            {"slug": "ciso", "name": "Head of Security", "role": "CISO", "summary": "Signs off vendors."},
        ],
        "objections": [
            {"slug": "price", "name": "Price is too high", "description": "", "synonyms": ["too pricey", "expensive"]},
            {"slug": "security", "name": "Security review", "synonyms": ["soc2"]},
        ],
        "collateral": [
            {"id": "A-1", "title": "ROI one-pager", "kind": "one_pager", "summary": "What it saves.",
             "body": "Use it when the CFO balks.\n\nSecond paragraph.", "personas": ["cfo"], "objections": ["price"],
             "stage": "decision", "tags": ["pricing"], "files": ["files/roi.pdf"], "published": "2026-03-01",
             "review_by": "2027-03-01"},
            {"id": "A-2", "title": "Security deck", "kind": "deck", "summary": "Our controls.", "personas": ["ciso"],
             "objections": ["security"], "stage": "consideration", "files": ["files/deck.pptx"]},
            {"id": "BAD-1", "title": "Unknown persona", "kind": "deck", "summary": "x", "personas": ["astronaut"],
             "stage": "decision"},
            {"id": "BAD-2", "title": "Wrong kind", "kind": "spaceship", "summary": "x", "stage": "decision"},
            {"id": "BAD-3", "title": "Missing file", "kind": "deck", "summary": "x", "stage": "decision",
             "files": ["files/nope.pdf"]},
            {"id": "BAD-4", "title": "Executable", "kind": "deck", "summary": "x", "stage": "decision",
             "files": ["files/virus.exe"]},
            {"id": "BAD-5", "title": "Escape", "kind": "deck", "summary": "x", "stage": "decision",
             "files": ["../../etc/passwd"]},
        ],
        "notes": [
            {"id": "N-1", "persona": "cfo", "objection": "price", "text": "Too pricey for this year.",
             "stage": "proposal", "outcome": "lost", "collateral": "A-1", "helped": True, "author": "sam",
             "created": "2026-05-04T10:00:00Z"},
            {"id": "N-2", "persona": "ciso", "objection": "security", "text": "Wants the SOC 2\u0000 report.",
             "collateral": None, "helped": None, "author": "sam", "created": "2026-05-05T10:00:00Z"},
            {"id": "BAD-N", "persona": "cfo", "objection": "nope", "text": "x", "helped": None},
            {"id": "BAD-H", "persona": "cfo", "objection": "price", "text": "x", "helped": "maybe"},
        ],
    }  # fmt: skip
    data.update(overrides)
    path = folder / "library.json"
    path.write_text(json.dumps(data))
    return path


def run_import(path):
    out, err = io.StringIO(), io.StringIO()
    # Files are read by tasks queued after each row commits (content.tasks), as on a real run.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("import_collateral", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_brings_everything_in_and_reports_odd_values(tmp_path):
    out, err = run_import(library(tmp_path))

    # Nothing is dropped for an optional value: each odd value is a warning on a row that is kept.
    assert "collateral: 7 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "notes: 3 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert "warning collateral BAD-1: unknown persona 'astronaut': left out" in err
    assert "warning collateral BAD-2: unknown kind 'spaceship': left empty" in err
    assert "warning collateral BAD-3: file files/nope.pdf does not exist; left out" in err
    assert "warning collateral BAD-4: file files/virus.exe: .exe files are not allowed; left out" in err
    assert "warning collateral BAD-5: file ../../etc/passwd is outside the import folder; left out" in err
    assert "skipped notes BAD-N: unknown objection 'nope'" in err
    assert "warning notes BAD-H: helped 'maybe' is not true, false or empty" in err
    assert CollateralPage.objects.get(external_id="BAD-2").kind is None
    assert not CollateralPage.objects.get(external_id="BAD-4").files.exists()

    roi = CollateralPage.objects.get(external_id="A-1")
    assert roi.live and [p.slug for p in roi.personas.all()] == ["cfo"]
    assert roi.first_published_at.date().isoformat() == "2026-03-01"
    assert "Quokka Freight" in roi.files.get().document.extracted_text
    note = ObjectionNote.objects.get(external_id="N-1")
    assert (note.collateral, note.helped, note.author, note.outcome) == (roi, "yes", None, "lost")
    # No import creates a user: an author who is no user here is named in a warning instead.
    assert "warning notes N-1: author 'sam' is no user here; filed without an author" in err
    assert not get_user_model().objects.filter(username="sam").exists()
    assert ObjectionNote.objects.get(external_id="N-2").text == "Wants the SOC 2 report."
    assert ObjectionNote.objects.get(external_id="BAD-H").helped == "unknown"
    assert Objection.objects.get(slug="price").synonym_list == ["too pricey", "expensive"]


def test_search_index_is_current_when_the_import_returns(tmp_path):
    run_import(library(tmp_path))
    found = service.search("quokka", exclude_ids=frozenset())
    assert [hit.external_id for hit in found.hits] == ["A-1"]
    assert [hit.external_id for hit in service.search("too pricey", exclude_ids=frozenset()).hits] == ["A-1"]


def test_reimport_updates_and_never_duplicates(tmp_path):
    path = library(tmp_path)
    run_import(path)
    data = json.loads(path.read_text())
    data["collateral"][0]["title"] = "ROI one-pager (2027)"
    path.write_text(json.dumps(data))

    out, _err = run_import(path)

    assert "collateral: 0 created, 1 updated, 6 unchanged" in out and "notes: 0 created, 0 updated, 3 unchanged" in out
    assert CollateralPage.objects.count() == 7 and ObjectionNote.objects.count() == 3
    assert CollateralDocument.objects.count() == 2, "unchanged files are not uploaded again"
    assert PersonaPage.objects.count() == 2
    assert CollateralPage.objects.get(external_id="A-1").title == "ROI one-pager (2027)"


def test_csv_collateral_rows(tmp_path):
    run_import(library(tmp_path, collateral=[]))
    (tmp_path / "rows.csv").write_text(
        "id,title,kind,summary,body,personas,objections,stage,tags,files,published,review_by\n"
        "C-1,Pricing FAQ,faq,Price questions,Body,cfo,price;security,decision,pricing;faq,files/roi.pdf,2026-01-02,\n"
        "C-2,Broken row,faq,x,,nobody,,decision,,,,\n"
    )
    out, err = run_import(tmp_path / "rows.csv")
    assert "collateral: 2 created" in out and "warning collateral C-2: unknown persona 'nobody'" in err
    page = CollateralPage.objects.get(external_id="C-1")
    assert sorted(o.slug for o in page.objections.all()) == ["price", "security"]
    assert sorted(t.name for t in page.tags.all()) == ["faq", "pricing"]


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\xff\xfe"])
def test_unreadable_import_files_give_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="latin-1")
    with pytest.raises(CommandError):
        run_import(path)


def test_export_then_import_elsewhere_round_trips(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    run_import(library(source))
    export_path = tmp_path / "out" / "export.json"
    export_path.parent.mkdir()
    call_command("export_collateral", str(export_path), stdout=io.StringIO())
    exported = json.loads(export_path.read_text())
    assert {row["id"] for row in exported["collateral"]} >= {"A-1", "A-2"}
    assert {row["id"]: row["helped"] for row in exported["notes"]} == {"N-1": True, "N-2": None, "BAD-H": None}

    # Wipe the library, then import the export.
    ObjectionNote.objects.all().delete()
    for page in CollateralPage.objects.all():
        page.delete()
    out, err = run_import(export_path)

    assert "skipped" not in err
    assert CollateralPage.objects.count() == 7 and ObjectionNote.objects.count() == 3
    roi = CollateralPage.objects.get(external_id="A-1")
    assert "Second paragraph." in roi.body and "&lt;p&gt;" not in roi.body
    assert "Quokka Freight" in roi.files.get().document.extracted_text
