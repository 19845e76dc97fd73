"""Attack trial: a marketer's import file never ties up or kills the task worker. Each limit ends in
a message saying what to do, never a 500, and nothing is half-imported."""

import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from django.core.management import CommandError, call_command
from django.urls import reverse

from content.importing import MAX_CELL_CHARS, read_xlsx
from content.models import CollateralPage, ImportJob

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"
HEADER = ["id", "title", "summary", "personas", "objections"]


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_collateral", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def upload(client, path):
    with open(path, "rb") as handle:
        return client.post(reverse("collateral_import"), {"file": handle})


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Collateral"
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edit_sheet(data, edit):
    """The workbook `data` with its first sheet's XML passed through `edit` (str -> str)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_declaring_16384_columns_by_100000_rows_reads_only_its_cells(tmp_path, persona, objection):
    def bomb(xml):
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD100000"/>', xml)
        far = '<row r="100000"><c r="A100000" t="inlineStr"><is><t>B-2</t></is></c>'
        far += '<c r="B100000" t="inlineStr"><is><t>Far down</t></is></c>'
        far += '<c r="XFD100000" t="inlineStr"><is><t>past column 200</t></is></c></row>'
        return xml.replace("</sheetData>", far + "</sheetData>")

    data = edit_sheet(workbook([["B-1", "Near", "S.", "cfo", "price"]]), bomb)
    assert len(data) < 8000  # a few KB; it took 40 s to read before
    started = time.perf_counter()
    rows = read_xlsx(data, "bomb.xlsx")["collateral"]
    assert time.perf_counter() - started < 5
    assert [(row["id"], row["title"]) for row in rows] == [("B-1", "Near"), ("B-2", "Far down")]
    assert all(len(row) <= len(HEADER) for row in rows), "the cell past column 200 is left out"

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    run_import(path)
    assert sorted(CollateralPage.objects.values_list("title", flat=True)) == ["Far down", "Near"]


def test_a_workbook_declaring_only_a1_imports_whole(tmp_path, persona, objection):
    rows = [[f"D-{n}", f"Asset {n}", "S.", "cfo", "price"] for n in range(1, 6)]
    data = edit_sheet(workbook(rows), lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', xml))
    assert '<dimension ref="A1"/>' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    path = tmp_path / "a1.xlsx"
    path.write_bytes(data)
    run_import(path)
    pages = CollateralPage.objects.order_by("external_id")
    assert [(p.external_id, p.title, [x.slug for x in p.personas.all()]) for p in pages] == [
        (f"D-{n}", f"Asset {n}", ["cfo"]) for n in range(1, 6)
    ]
    # The shared case: declared A1, holds four rows (its import read the first row only).
    shared = read_xlsx((FILES / "dimension-a1.xlsx").read_bytes(), "dimension-a1.xlsx")["collateral"]
    assert [row["roi calculator"] for row in shared] == ["Invoices per month", "Assumption", "Result"]


def test_a_file_over_the_row_limit_is_refused_with_its_count_for_csv_xlsx_and_json(
    tmp_path, settings, persona, objection
):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[f"R-{n}", f"Asset {n}", "S.", "cfo", "price"] for n in range(1, 8)]
    (tmp_path / "many.csv").write_text("\n".join(",".join(row) for row in [HEADER, *rows]))
    (tmp_path / "many.xlsx").write_bytes(workbook(rows))
    collateral = [dict(zip(HEADER, row, strict=True)) for row in rows[:4]]
    (tmp_path / "many.json").write_text(json.dumps({"collateral": collateral, "notes": [{"text": "x"}, {"text": "y"}]}))
    expected = {
        "many.csv": "many.csv has 7 rows; at most 5 are imported at once",
        "many.xlsx": "many.xlsx has more than 5 rows; at most 5 are imported at once",
        "many.json": "many.json has 6 rows; at most 5 are imported at once",
    }
    for name, message in expected.items():
        with pytest.raises(CommandError, match=message + r" \(IMPORT_MAX_ROWS\) — split it"):
            run_import(tmp_path / name)
    (tmp_path / "tiny.json").write_text(json.dumps({"collateral": [{"x": [{}] * 10}]}))  # objects count as rows
    with pytest.raises(CommandError, match="tiny.json has more than 5 rows; at most 5 are imported at once"):
        run_import(tmp_path / "tiny.json")
    assert not CollateralPage.objects.exists(), "nothing was half-imported"

    settings.IMPORT_MAX_ROWS = 7
    run_import(tmp_path / "many.csv")
    assert CollateralPage.objects.count() == 7


def test_a_marketer_is_told_in_the_admin_when_a_file_has_too_many_rows(tmp_path, settings, marketer_client):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.IMPORT_MAX_ROWS = 2
    path = tmp_path / "library.csv"
    path.write_text("id,title\nA,One\nB,Two\nC,Three\n")
    response = upload(marketer_client, path)
    page = marketer_client.get(response.url)
    job = ImportJob.objects.get()
    assert page.status_code == 200 and job.state == ImportJob.State.FAILED
    assert "library.csv has 3 rows; at most 2 are imported at once" in page.text
    assert not CollateralPage.objects.exists()


def test_an_import_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings, marketer_client):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.IMPORT_MAX_FILE_MB = 1
    folder = tmp_path / "bundle"
    folder.mkdir()
    big = folder / "library.json"
    big.write_text(json.dumps({"collateral": [{"id": "X", "title": "Big", "body": "words " * 300_000}]}))
    assert big.stat().st_size > 1024 * 1024
    message = "library.json is 1.7 MB; an import file may be at most 1 MB (IMPORT_MAX_FILE_MB). Split it"

    with pytest.raises(CommandError, match=re.escape(message)):
        run_import(big)
    response = upload(marketer_client, big)
    assert response.status_code == 200 and message in response.text

    archive = shutil.make_archive(str(tmp_path / "bundle"), "zip", folder)
    assert (tmp_path / "bundle.zip").stat().st_size < 100_000  # it compresses well: the ZIP itself is small
    with pytest.raises(CommandError, match=re.escape("bundle.zip: " + message)):
        run_import(archive)
    response = upload(marketer_client, archive)
    assert response.status_code == 200 and "bundle.zip: " + message in response.text
    assert not any((tmp_path / "imports").rglob("*.json")), "refused before unpacking"
    assert not ImportJob.objects.exists() and not CollateralPage.objects.exists()


def test_a_csv_cell_over_131072_characters_imports_and_one_over_the_bound_skips_only_its_row(
    tmp_path, settings, marketer_client, persona, objection
):
    settings.IMPORT_DIR = tmp_path / "imports"
    long_body = "word " * 40_000  # 200,000 characters: past Python's csv default of 131,072
    too_long = "x" * (MAX_CELL_CHARS + 1)
    path = tmp_path / "library.csv"
    rows = [
        "id,title,summary,body",
        f'L-1,Long body,S.,"{long_body}"',
        f"L-2,Too long,S.,{too_long}",
        "L-3,After it,S.,Short.",
    ]
    path.write_text("\n".join(rows) + "\n")
    response = upload(marketer_client, path)
    preview = marketer_client.get(response.url)
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWED, ImportJob.objects.get().error
    assert f"row 3: body holds {MAX_CELL_CHARS + 1:,} characters; at most {MAX_CELL_CHARS:,} are read" in preview.text
    marketer_client.post(reverse("collateral_import_confirm", args=[ImportJob.objects.get().pk]))
    assert sorted(CollateralPage.objects.values_list("external_id", flat=True)) == ["L-1", "L-3"]
    assert CollateralPage.objects.get(external_id="L-1").body.count("word") == 40_000


def test_a_preview_publishes_nothing_yet_reports_what_the_import_then_does(tmp_path, rep, marketer, persona, objection):
    """A preview no longer publishes each page and undoes it (the most of its time per row): it checks
    that the importer may publish, so its report is still the import's own."""
    from wagtail.models import PageLogEntry, Revision

    from content.importing import Importer, read

    path = tmp_path / "library.csv"
    rows = [f"P-{n},Asset {n},S.,cfo,price" for n in range(1, 4)] + ["P-1,Asset 1,S.,cfo,price"]  # P-1 twice
    path.write_text("\n".join([",".join(HEADER), *rows]) + "\n")

    def summary(report):
        return [(row.row_id, row.action, row.messages) for row in report.rows]

    refused = Importer(tmp_path, user=rep).run(read(path), dry_run=True)
    assert {row.action for row in refused.rows} == {"skipped"}
    assert "You do not have permission to publish this page." in refused.rows[0].messages[0]
    assert summary(refused) == summary(Importer(tmp_path, user=rep).run(read(path)))
    assert not CollateralPage.objects.exists()

    revisions, history = Revision.objects.count(), PageLogEntry.objects.count()
    preview = Importer(tmp_path, user=marketer).run(read(path), dry_run=True)
    assert not CollateralPage.objects.exists() and Revision.objects.count() == revisions
    assert PageLogEntry.objects.count() == history, "a preview leaves no page history"
    assert [row.action for row in preview.rows] == ["created", "created", "created", "updated"]
    assert summary(preview) == summary(Importer(tmp_path, user=marketer).run(read(path)))
    assert CollateralPage.objects.live().count() == 3 and PageLogEntry.objects.count() > history


def test_a_small_workbook_that_unpacks_past_the_size_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_FILE_MB = 1
    filler = "<t>" + "x" * 3 * 1024 * 1024 + "</t>"  # 3 MB of one cell's text: compresses to a few KB
    data = edit_sheet(workbook([["W-1", "Title", "S.", "cfo", "price"]]), lambda xml: xml.replace("<t>W-1</t>", filler))
    path = tmp_path / "small.xlsx"
    path.write_bytes(data)
    assert path.stat().st_size < 20_000
    with pytest.raises(CommandError, match=r"small.xlsx unpacks to 3.0 MB of sheets; at most 1 MB are read"):
        run_import(path)
    assert not CollateralPage.objects.exists()
