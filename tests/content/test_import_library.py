"""Issue 13: a library exported from another tool arrives whole, from the command line or the admin."""

import io
import json
import shutil
from pathlib import Path

import pytest

from django.core.management import CommandError, call_command
from django.urls import reverse

from wagtail.models import Revision

from content.models import CollateralKind, CollateralPage, ImportJob
from personas.models import NoteStage, ObjectionNote, PersonaPage
from search import service
from search.signal_handlers import deferred_indexing

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_collateral", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(folder, data):
    path = folder / "library.json"
    path.write_text(json.dumps(data))
    return path


def asset(external_id, title, **fields):
    return {"id": external_id, "title": title, "summary": "Summary.", "personas": ["cfo"], "objections": ["price"],
            "stage": "decision", **fields}  # fmt: skip


def test_kinds_and_stages_match_however_written_and_unknown_ones_are_kept_empty(tmp_path, persona, objection):
    path = write(tmp_path, {
        "collateral": [asset("K-1", "Case one", kind="Case Study"), asset("K-2", "Case two", kind="case-study"),
                       asset("K-3", "Calc", kind="ROI_calculator"), asset("K-4", "Script", kind="video-script")],
        "notes": [{"id": "N-1", "persona": "CFO", "objection": "price", "text": "Too pricey.", "stage": "Decision",
                   "collateral": "K-1", "helped": True, "author": "sam"}],
    })  # fmt: skip
    out, err = run_import(path)

    kinds = dict(CollateralPage.objects.values_list("external_id", "kind"))
    assert kinds == {"K-1": "case_study", "K-2": "case_study", "K-3": "roi_calculator", "K-4": None}
    assert "warning collateral K-4: unknown kind 'video-script': left empty" in err
    note = ObjectionNote.objects.get()
    assert (note.deal_stage_id, note.collateral.external_id, note.helped) == (None, "K-1", "yes")
    assert "warning notes N-1: unknown note stage 'Decision'" in err
    assert not CollateralKind.objects.filter(label__iexact="video script").exists()


def test_create_missing_adds_the_values_and_search_offers_them_as_facets(tmp_path, persona, objection):
    path = write(tmp_path, {
        "collateral": [asset("K-4", "Script for the CFO", kind="Video Script")],
        "notes": [{"id": "N-1", "persona": "cfo", "objection": "price", "text": "x", "stage": "Consideration"}],
    })  # fmt: skip
    out, err = run_import(path, "--create-missing")

    assert "new kind: Video Script" in out and "new note stage: Consideration" in out
    page = CollateralPage.objects.get(external_id="K-4")
    assert (page.kind.slug, page.get_kind_display()) == ("video_script", "Video Script")
    assert ObjectionNote.objects.get().deal_stage == NoteStage.objects.get(slug="consideration")
    results = service.search("script", exclude_ids=frozenset())
    assert ("video_script", "Video Script", 1) in results.facets["kind"]
    filtered = service.search("script", filters={"kind": ["video_script"]}, exclude_ids=frozenset())
    assert [hit.external_id for hit in filtered.hits] == ["K-4"]


def test_a_row_is_skipped_only_when_what_makes_it_meaningful_is_missing(tmp_path, persona, objection):
    path = write(tmp_path, {
        "collateral": [asset("A-1", ""), asset("A-2", "Kept", kind="nonsense", owner="nobody@example.com")],
        "notes": [
            {"id": "N-1", "persona": "cfo", "objection": "price", "text": "Used the untitled one.",
             "collateral": "A-1", "helped": True},
            {"id": "N-2", "persona": "cfo", "objection": "price", "text": "  "},
        ],
    })  # fmt: skip
    out, err = run_import(path)

    assert "skipped collateral A-1: title is missing" in err
    assert "skipped notes N-2: text is missing" in err
    assert "warning notes N-1: asset A-1 was skipped: the note is kept without the link" in err
    assert "warning collateral A-2: owner 'nobody@example.com' is nobody here" in err
    note = ObjectionNote.objects.get()
    # The site form's rule, applied to imports too: "did it help?" needs an asset.
    assert (note.text, note.collateral, note.helped) == ("Used the untitled one.", None, "unknown")
    assert list(CollateralPage.objects.values_list("external_id", flat=True)) == ["A-2"]


def test_the_shared_csv_samples_import_cp1252_and_semicolons(tmp_path, persona, objection):
    out, err = run_import(FILES / "library-cp1252.csv")
    assert "collateral: 2 created" in out, err
    assert CollateralPage.objects.get(external_id="CSV-1").title == "Société Générale case study"
    assert "How the bank’s AR team" in CollateralPage.objects.get(external_id="CSV-1").summary

    out, err = run_import(FILES / "library-semicolon.csv")
    assert "collateral: 2 created" in out, err
    eu1 = CollateralPage.objects.get(external_id="EU-1")
    assert (eu1.title, eu1.kind_id, [p.slug for p in eu1.personas.all()]) == (
        "Rechnungsstellung one-pager",
        "one_pager",
        ["cfo"],
    )
    assert "warning collateral EU-1: unknown persona 'financial-controller'" in err


def test_quoted_newlines_crlf_bom_and_what_to_do_with_an_unreadable_file(tmp_path, persona, objection):
    path = tmp_path / "rows.csv"
    path.write_bytes(
        "\ufeffid,title,kind,summary,body,personas\r\n"
        'Q-1,Multi-line,deck,"First line\r\nsecond line","Para one\r\n\r\nPara two",cfo\r\n'.encode()
    )
    out, err = run_import(path)
    page = CollateralPage.objects.get(external_id="Q-1")
    assert "second line" in page.summary and page.body.count("<p>") == 2

    path.write_bytes(b"id,title\r\nX-1,Bad \x81 byte\r\n")  # 0x81 is neither UTF-8 here nor Windows-1252
    with pytest.raises(CommandError, match="Save it as “CSV UTF-8”"):
        run_import(path)
    path.write_bytes(b"id|title|kind\nX-1|Pipes|deck\n")
    with pytest.raises(CommandError, match="no “title” column in the first row"):
        run_import(path)


def test_excel_unicode_text_and_a_sep_line_import_and_zero_bytes_get_a_clear_error(tmp_path, persona, objection):
    path = tmp_path / "unicode.csv"  # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated
    path.write_bytes("id\ttitle\tkind\tpersonas\nU-1\tZürich Kundenstory\tcase study\tcfo\n".encode("utf-16"))
    out, err = run_import(path)
    assert "collateral: 1 created" in out, err
    page = CollateralPage.objects.get(external_id="U-1")
    assert (page.title, page.kind_id, [p.slug for p in page.personas.all()]) == (
        "Zürich Kundenstory",
        "case_study",
        ["cfo"],
    )

    path.write_bytes("sep=;\r\nid;title;kind\r\nS-1;Tarif, 2026;deck\r\n".encode("cp1252"))  # Excel's separator line
    out, err = run_import(path)
    assert CollateralPage.objects.get(external_id="S-1").title == "Tarif, 2026", err

    path.write_bytes("id,title\nZ-1,No BOM ünïcode\n".encode("utf-16-le"))
    run_import(path)
    assert CollateralPage.objects.get(external_id="Z-1").title == "No BOM ünïcode"
    path.write_bytes(b"id,title\nZ-2,\x00\x01binary\x00\n" * 3 + b"x" * 400)
    with pytest.raises(CommandError, match="zero bytes"):
        run_import(path)


def test_dates_as_spreadsheets_write_them_and_impossible_ones_are_reported_not_fatal(tmp_path, persona, objection):
    path = tmp_path / "dates.csv"
    path.write_text(
        "id,title,kind,published,review_by\n"
        "DT-1,Dotted,deck,01.03.2026,31.12.2026\n"  # German Excel: day first
        "DT-2,Slashed,deck,03/04/2026,25/12/2026\n"  # 25/12 says this column's review dates are day first
        "DT-3,US slashed,deck,3/14/2026 09:30,\n"  # 14 says the published column is month first
        "DT-4,Impossible,deck,2026-02-30,2026-13-01\n"
    )
    out, err = run_import(path)
    assert "collateral: 4 created" in out, err
    dates = {p.external_id: (p.first_published_at and p.first_published_at.date(), p.review_by)
             for p in CollateralPage.objects.filter(external_id__startswith="DT-")}  # fmt: skip
    import datetime as dt

    assert dates["DT-1"][1] == dt.date(2026, 12, 31)
    assert dates["DT-2"][1] == dt.date(2026, 12, 25)
    assert dates["DT-4"][1] is None
    assert "warning collateral DT-4: published '2026-02-30' is not a date on the calendar; left empty" in err
    assert "review_by '2026-13-01' is not a date on the calendar" in err


def test_overlong_values_are_cut_with_a_warning_and_every_row_is_tried(tmp_path, persona, objection):
    out, err = run_import(FILES / "library-overlong-values.json")

    assert "collateral: 4 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "warning collateral LEN-2: tag 'Enterprise Enterprise Enterpri' is 164 characters; cut to 100" in err
    long_title = CollateralPage.objects.get(external_id="LEN-3")
    assert len(long_title.title) == 255 and long_title.title.endswith("…")
    assert "xxxxxxxxxx</p>" in long_title.body, "the whole title is kept in the body"
    tag = CollateralPage.objects.get(external_id="LEN-2").tags.get()
    assert len(tag.name) <= 100 and tag.name.startswith("Enterprise Enterprise")
    # Every row is searchable when the import returns, and the long-tag page can be published again.
    found = {hit.external_id for hit in service.search("bughunt", exclude_ids=frozenset()).hits}
    assert found == {"LEN-1", "LEN-2", "LEN-3", "LEN-4"}
    page = CollateralPage.objects.get(external_id="LEN-2")
    page.save_revision().publish()


def test_overlong_ids_and_names_in_every_section_keep_their_rows(tmp_path, persona, objection):
    long_id = "EXPORT-" + "7" * 200  # some tools export a path or a URL as the id
    path = write(tmp_path, {
        "personas": [{"slug": "long-persona", "name": "Head of " + "Procurement " * 30}],
        "collateral": [asset(long_id, "Long id deck", kind="deck")],
        "notes": [{"persona": "cfo", "objection": "price", "text": "Used the long-id deck", "collateral": long_id,
                   "helped": True, "stage": "demo"}],
    })  # fmt: skip
    out, err = run_import(path)
    assert "personas: 1 created" in out and "collateral: 1 created" in out and "notes: 1 created" in out, err
    assert "0 skipped" in out.splitlines()[0]
    page = CollateralPage.objects.get(title="Long id deck")
    assert ObjectionNote.objects.get(text="Used the long-id deck").collateral == page
    long_persona = PersonaPage.objects.get(slug="long-persona")
    assert long_persona.title.startswith("Head of Procurement") and len(long_persona.role) <= 120

    out, err = run_import(path)  # the digest id finds the same page again
    assert "collateral: 0 created, 0 updated, 1 unchanged" in out, err


def test_the_index_is_current_even_when_an_import_stops_midway(tmp_path, persona, objection):
    from content.factories import create_collateral

    with pytest.raises(RuntimeError), deferred_indexing():
        create_collateral(title="Saved before the crash", external_id="C-1")
        raise RuntimeError("interrupted")
    assert [hit.external_id for hit in service.search("crash", exclude_ids=frozenset()).hits] == ["C-1"]


def test_owner_and_dates_round_trip_exactly_east_of_utc_and_a_rerun_writes_nothing(
    tmp_path, settings, persona, objection, marketer
):
    settings.TIME_ZONE = "Pacific/Auckland"  # UTC+13 in March: 09:00 on 1 March is 28 February in UTC
    marketer.email = "morgan@example.com"
    marketer.save()
    path = write(tmp_path, {
        "collateral": [asset("D-1", "Dated", kind="deck", published="2026-03-01", review_by="2027-03-01",
                             owner="Morgan@example.com")],
        "notes": [{"id": "N-1", "persona": "cfo", "objection": "price", "text": "x", "stage": "demo",
                   "collateral": "D-1", "helped": False, "author": "sam", "created": "2026-03-01T08:30:00"}],
    })  # fmt: skip
    run_import(path)
    page = CollateralPage.objects.get(external_id="D-1")
    assert page.content_owner == marketer
    revisions = Revision.objects.count()

    export_path = tmp_path / "out" / "export.json"
    export_path.parent.mkdir()
    call_command("export_collateral", str(export_path), stdout=io.StringIO())
    exported = json.loads(export_path.read_text())
    assert (exported["collateral"][0]["published"], exported["collateral"][0]["owner"]) == ("2026-03-01", "marketer")
    assert exported["notes"][0]["created"].startswith("2026-03-01T08:30:00+13:00")

    out, err = run_import(export_path)
    assert "collateral: 0 created, 0 updated, 1 unchanged" in out and "notes: 0 created, 0 updated, 1 unchanged" in out
    assert Revision.objects.count() == revisions, "an unchanged row adds no revision"
    out, err = run_import(export_path)
    assert json.loads(export_path.read_text())["collateral"][0]["published"] == "2026-03-01"
    assert Revision.objects.count() == revisions


def test_copying_an_imported_page_in_the_admin_works(admin_user, collateral):
    from tests.conftest import client_for

    CollateralPage.objects.filter(pk=collateral.pk).update(external_id="CRM-42")
    response = client_for(admin_user).post(
        reverse("wagtailadmin_pages:copy", args=[collateral.pk]),
        {"new_title": "ROI one-pager (copy)", "new_slug": "roi-one-pager-copy",
         "new_parent_page": collateral.get_parent().pk, "copy_subpages": False, "publish_copies": False,
         "alias": False},
    )  # fmt: skip
    assert response.status_code == 302
    copy = CollateralPage.objects.get(slug="roi-one-pager-copy")
    assert copy.external_id is None and CollateralPage.objects.get(pk=collateral.pk).external_id == "CRM-42"
    assert copy.kind_id == collateral.kind_id


def test_marketing_previews_confirms_and_sees_what_was_imported(
    tmp_path, settings, marketer_client, persona, objection
):
    settings.IMPORT_DIR = tmp_path / "imports"
    upload = io.BytesIO(
        "id,title,kind,summary,personas,objections\nM-1,Admin import,Case Study,From the admin.,cfo,price\n"
        "M-2,Odd kind,spaceship,x,cfo,price\nM-3,,deck,No title,cfo,price\n".encode("cp1252")
    )
    upload.name = "library.csv"
    response = marketer_client.post(reverse("collateral_import"), {"file": upload, "create_missing": ""})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("collateral_import_job", args=[job.pk])

    preview = marketer_client.get(response.url)
    assert "Preview — nothing has changed yet" in preview.text
    assert not CollateralPage.objects.exists(), "a preview changes nothing"
    assert "unknown kind &#x27;spaceship&#x27;: left empty" in preview.text, preview.text[-3000:]
    assert "title is missing" in preview.text
    assert "New kind (not created): spaceship" in preview.text
    status = marketer_client.get(reverse("collateral_import_status", args=[job.pk])).json()
    assert status == {"state": "previewed", "label": "Preview ready", "done": 3, "total": 3, "percent": 100,
                      "finished": True}  # fmt: skip

    response = marketer_client.post(reverse("collateral_import_confirm", args=[job.pk]))
    result = marketer_client.get(response.url)
    page = CollateralPage.objects.get(external_id="M-1")
    assert "Imported library.csv" in result.text
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in result.text
    assert page.kind_id == "case_study" and CollateralPage.objects.count() == 2
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").rglob("*.csv"))


def test_a_zip_with_its_files_imports_from_the_admin(
    tmp_path, settings, marketer_client, persona, objection, django_capture_on_commit_callbacks
):
    from content.files import make_file

    settings.IMPORT_DIR = tmp_path / "imports"
    folder = tmp_path / "bundle"
    (folder / "files").mkdir(parents=True)
    (folder / "files" / "roi.pdf").write_bytes(make_file("pdf", "ROI", ["Payback for Quokka Freight."]))
    write(folder, {"collateral": [asset("Z-1", "Zipped", kind="deck", files=["files/roi.pdf"])]})
    archive = shutil.make_archive(str(tmp_path / "bundle"), "zip", folder)
    with open(archive, "rb") as handle:
        response = marketer_client.post(reverse("collateral_import"), {"file": handle})
    assert "Preview" in marketer_client.get(response.url).text
    with django_capture_on_commit_callbacks(execute=True):  # the files are read by tasks after commit
        marketer_client.post(reverse("collateral_import_confirm", args=[ImportJob.objects.get().pk]))
    page = CollateralPage.objects.get(external_id="Z-1")
    assert "Quokka Freight" in page.files.get().document.extracted_text


def test_sales_may_not_import(rep_client, marketer, tmp_path):
    job = ImportJob.objects.create(user=marketer, filename="x.json", folder=str(tmp_path))
    for url in (
        reverse("collateral_import"),
        reverse("collateral_import_job", args=[job.pk]),
        reverse("collateral_import_status", args=[job.pk]),
    ):
        response = rep_client.get(url)
        assert response.status_code in (302, 403) and "Admin import" not in response.text, url
    assert rep_client.post(reverse("collateral_import_confirm", args=[job.pk])).status_code in (302, 403)
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWING, "nothing was started"
    assert "Import a library" not in rep_client.get(reverse("wagtailadmin_home")).text


# --- Attack trial, session 5 ----------------------------------------------------------------------


def upload_import(client, path):
    with open(path, "rb") as handle:
        return client.post(reverse("collateral_import"), {"file": handle})


def test_a_marketer_never_opens_or_confirms_another_users_import(tmp_path, settings, marketer_client, admin_user):
    settings.IMPORT_DIR = tmp_path / "imports"
    job = ImportJob.objects.create(
        user=admin_user, filename="x.json", folder=str(tmp_path), state=ImportJob.State.PREVIEWED
    )
    assert marketer_client.get(reverse("collateral_import_job", args=[job.pk])).status_code == 404
    assert marketer_client.get(reverse("collateral_import_status", args=[job.pk])).status_code == 404
    assert marketer_client.post(reverse("collateral_import_confirm", args=[job.pk])).status_code == 404
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWED, "nothing was started"


def test_a_zip_with_too_many_entries_is_refused_before_unpacking(tmp_path, settings, marketer_client):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.IMPORT_MAX_ENTRIES = 5
    folder = tmp_path / "bundle"
    folder.mkdir()
    write(folder, {"collateral": []})
    for number in range(10):
        (folder / f"filler-{number}.txt").write_text("x")
    archive = shutil.make_archive(str(tmp_path / "bundle"), "zip", folder)
    response = upload_import(marketer_client, archive)
    assert response.status_code == 200 and "holds 11 entries; at most 5 are imported" in response.text
    assert not ImportJob.objects.exists()
    assert not any(path.name.startswith("filler") for path in (tmp_path / "imports").rglob("*"))


def test_a_marketers_import_files_no_note_in_someone_elses_name_and_creates_no_user(
    tmp_path, settings, marketer_client, admin_user, persona, objection, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    settings.IMPORT_DIR = tmp_path / "imports"
    notes = [
        {"id": "N-1", "persona": "cfo", "objection": "price", "text": "Too dear.", "author": admin_user.username},
        {"id": "N-2", "persona": "cfo", "objection": "price", "text": "Still dear.", "author": "<img src=x>"},
    ]
    path = write(tmp_path, {"collateral": [], "notes": notes})
    users = get_user_model().objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        upload_import(marketer_client, path)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        marketer_client.post(reverse("collateral_import_confirm", args=[job.pk]))
    assert [note.author for note in ObjectionNote.objects.order_by("external_id")] == [None, None]
    assert get_user_model().objects.count() == users
    page = marketer_client.get(reverse("collateral_import_job", args=[job.pk])).text
    assert "only a superuser" in page and "is no user here" in page
