"""Every word a person sees in a file is searchable: real-world files and generated ones of each kind."""

import copy
import datetime
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from openpyxl.comments import Comment
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as PPTX_RT
from pptx.opc.package import Part as PptxPart
from pptx.opc.packuri import PackURI as PptxPackURI
from pptx.util import Inches

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from content.extraction import MAX_TEXT_CHARS, extract_text
from content.factories import create_collateral
from content.files import make_file
from content.models import CollateralDocument
from search import service

# Copies of ../shared/cases/files (real-world files rebuilt from public bug reports), kept in the
# repository so the suite never depends on a folder outside it.
CASES = Path(__file__).resolve().parent / "files"

# file -> words a person sees in it
CASE_WORDS = {
    "grouped.pptx": ["Brambleworth", "Tarnwick", "Quillerfield"],
    "table.pptx": ["Vexholm", "Grindlecorp"],
    "notes-textbox.pptx": ["Oxlade", "Pellingham"],
    "textbox.docx": ["Marrowgate", "Fenwright"],
    "cover-page-sdt.docx": ["Ravensholt"],
    "dimension-a1.xlsx": ["Kestrelmark", "Thornbury"],
    "empty-password-AES-128.pdf": ["Sollinger"],
    "empty-password-AES-256.pdf": ["Sollinger"],
    "ligatures.pdf": ["workflow", "conflicts", "financial"],
}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def words(extraction):
    return set(re.findall(r"\w+", extraction.text))


def read(data, filename):
    return extract_text(io.BytesIO(data), filename)


def saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data, changes):
    """The same Office file with some parts' bytes replaced (a function of the old bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in changes:
                content = changes[info.filename](content)
            target.writestr(info.filename, content)
    return out.getvalue()


# --- The real-world files ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASE_WORDS))
def test_every_word_of_a_real_world_file_is_read(name):
    extraction = read((CASES / name).read_bytes(), name)
    assert extraction.error == ""
    assert set(CASE_WORDS[name]) <= words(extraction)


def test_a_notes_page_without_a_notes_placeholder_loses_nothing_else():
    text = read((CASES / "notes-textbox.pptx").read_bytes(), "deck.pptx").text
    assert "Oxlade Mutual case study" in text
    assert "Collections time fell from 61 to 44 days." in text
    assert "mention the Pellingham reference call" in text


# --- Generated files, one kind at a time -------------------------------------------------------

TEXT_BOX = f"""
<w:r {NAMESPACES}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>
<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>
<w:txbxContent><w:p><w:r><w:t>Textbox Cindertop pledge</w:t></w:r></w:p></w:txbxContent>
</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Textbox Cindertop pledge</w:t></w:r></w:p>
</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"""

VML_ONLY_TEXT_BOX = f"""
<w:r {NAMESPACES}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Legacy Dunmail box</w:t></w:r></w:p>
</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"""

BLOCK_CONTROL = f"""
<w:sdt {NAMESPACES}><w:sdtPr><w:alias w:val="Cover"/></w:sdtPr><w:sdtContent>
<w:p><w:r><w:t>Cover Eskdale proposal</w:t></w:r></w:p></w:sdtContent></w:sdt>"""

INLINE_CONTROL = f"""
<w:sdt {NAMESPACES}><w:sdtPr><w:alias w:val="Customer"/></w:sdtPr><w:sdtContent>
<w:r><w:t>Customer Fellside</w:t></w:r></w:sdtContent></w:sdt>"""

UNFILLED_CONTROL = f"""
<w:sdt {NAMESPACES}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>
<w:p><w:r><w:t>Click or tap here to enter text.</w:t></w:r></w:p></w:sdtContent></w:sdt>"""

TRACKED = f"""
<w:p {NAMESPACES}><w:r><w:t xml:space="preserve">Reviewed: </w:t></w:r>
<w:ins w:id="1" w:author="Ana" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Grasmere inserted</w:t></w:r></w:ins>
<w:del w:id="2" w:author="Ana" w:date="2026-01-01T00:00:00Z">
<w:r><w:delText>Haweswater deleted</w:delText></w:r></w:del>
</w:p>"""

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>Footnote Ireby source</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def full_docx():
    document = docx.Document()
    document.add_heading("Talking points", level=1)
    document.add_paragraph("Move from price to value.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Outer Aldermoor"
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "Innermost Bexworth"
    callout = document.add_paragraph("Callout follows:")
    callout._p.append(parse_xml(TEXT_BOX))
    callout._p.append(parse_xml(VML_ONLY_TEXT_BOX))
    document.element.body.insert(0, parse_xml(BLOCK_CONTROL))
    customer = document.add_paragraph("Prepared for ")
    customer._p.append(parse_xml(INLINE_CONTROL))
    document.element.body.append(parse_xml(TRACKED))
    document.element.body.append(parse_xml(UNFILLED_CONTROL))
    document.add_paragraph("Ｋｉｒｋｂｙ full-width")
    section = document.sections[0]
    section.header.paragraphs[0].text = "Header Glenridding"
    section.footer.paragraphs[0].text = "Footer Hawksmoor"
    commented = document.add_paragraph("Commented line")
    document.add_comment(commented.runs, text="Comment Jesmond check", author="Ana")
    footnotes = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        FOOTNOTES.encode(),
        document.part.package,
    )
    document.part.relate_to(footnotes, RT.FOOTNOTES)
    # The body carries a sectPr last; keep it last so Word would open the file.
    body = document.element.body
    body.append(body.sectPr)
    return saved(document)


def test_docx_every_visible_part_is_read_once():
    extraction = read(full_docx(), "proposal.docx")
    found = words(extraction)
    assert extraction.error == ""
    for word in ["Aldermoor", "Bexworth", "Cindertop", "Dunmail", "Eskdale", "Fellside", "Grasmere"]:
        assert word in found
    for word in ["Glenridding", "Hawksmoor", "Ireby", "Jesmond", "Kirkby"]:
        assert word in found
    assert extraction.text.count("Cindertop") == 1, "a text box stored twice (Choice and Fallback) is read once"
    assert "Haweswater" not in found, "tracked deletions are not what the document says"
    assert "Click or tap" not in extraction.text, "an unfilled content control shows only a prompt"


def test_docx_heading_and_paragraph_stay_separate_words():
    extraction = read(full_docx(), "proposal.docx")
    assert "pointsMove" not in extraction.text
    assert "Talking points\nMove from price" in extraction.text
    assert "Prepared for Customer Fellside" in extraction.text


SMART_ART = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>
<dgm:pt modelId="1" type="doc"><dgm:t><a:bodyPr/>
<a:p><a:r><a:t>SmartArt Ambleside step</a:t></a:r></a:p></dgm:t></dgm:pt>
</dgm:ptLst></dgm:dataModel>"""


def three_deep_group_deck():
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = "Talking points"
    level1 = slide.shapes.add_group_shape()
    level1.shapes.add_textbox(Inches(1), Inches(1), Inches(2), Inches(1)).text_frame.text = "Level one Lindisfarne"
    level2 = level1.shapes.add_group_shape()
    level3 = level2.shapes.add_group_shape()
    level3.shapes.add_textbox(Inches(1), Inches(2), Inches(2), Inches(1)).text_frame.text = "Level three Morecambe"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1))
    table.table.cell(1, 1).text = "Cell Northallerton"
    level3.shapes._spTree.append(table._element)  # a table inside the innermost group
    data = CategoryChartData()
    data.categories = ["Penrith region"]
    data.add_series("Quarrybank series", (3,))
    slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(5), Inches(1), Inches(3), Inches(3), data)
    slide.notes_slide.notes_text_frame.text = "Say Ormskirk first"
    smart_art = PptxPart(
        PptxPackURI("/ppt/diagrams/data1.xml"),
        "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
        deck.part.package,
        SMART_ART.encode(),
    )
    slide.part.relate_to(smart_art, PPTX_RT.DIAGRAM_DATA)
    # A second slide whose notes page holds only a plain text box (no notes placeholder).
    second = deck.slides.add_slide(deck.slide_layouts[6])
    second.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1)).text_frame.text = "Ｒｉｐｏｎ full-width"
    notes = second.notes_slide
    notes.shapes._spTree.remove(notes.notes_placeholder._element)
    box = second.shapes.add_textbox(Inches(1), Inches(3), Inches(3), Inches(1))
    box.text_frame.text = "Speaker box Sedbergh"
    notes.shapes._spTree.append(copy.deepcopy(box._element))
    second.shapes._spTree.remove(box._element)
    # A layout with a visible text box (a confidentiality line) besides its prompt placeholders.
    layout = deck.slide_layouts[5]
    stamp = second.shapes.add_textbox(Inches(1), Inches(6), Inches(3), Inches(1))
    stamp.text_frame.text = "Layout stamp Troutbeck"
    layout.shapes._spTree.append(copy.deepcopy(stamp._element))
    second.shapes._spTree.remove(stamp._element)
    return saved(deck)


def test_pptx_groups_tables_charts_smart_art_notes_and_layout_text_are_read():
    extraction = read(three_deep_group_deck(), "deck.pptx")
    found = words(extraction)
    assert extraction.error == ""
    for word in [
        "Lindisfarne",
        "Morecambe",
        "Northallerton",
        "Penrith",
        "Quarrybank",
        "Ormskirk",
        "Sedbergh",
        "Ambleside",
    ]:
        assert word in found
    assert {"Ripon", "Troutbeck"} <= found
    assert "Click to edit" not in extraction.text, "placeholder prompts on layouts are never shown"
    assert extraction.text.count("Troutbeck") == 1
    assert "Talking points\n" in extraction.text


def test_a_damaged_notes_page_loses_only_itself():
    deck = rewrite_zip(three_deep_group_deck(), {"ppt/notesSlides/notesSlide1.xml": lambda xml: xml[:200]})
    extraction = read(deck, "deck.pptx")
    assert {"Lindisfarne", "Morecambe", "Sedbergh", "Troutbeck"} <= words(extraction)
    assert extraction.error == "Part of the file could not be read (the notes of slide 1); the rest is searchable."


def test_a_slide_whose_list_of_links_is_damaged_loses_only_what_it_links_to():
    deck = rewrite_zip(three_deep_group_deck(), {"ppt/slides/_rels/slide1.xml.rels": lambda xml: xml[:50]})
    extraction = read(deck, "deck.pptx")
    assert {"Lindisfarne", "Ripon", "Sedbergh"} <= words(extraction)
    assert "Ormskirk" not in words(extraction), "slide 1's notes were linked from the damaged list"
    assert extraction.error == (
        "Part of the file could not be read (parts linked from a damaged list of links); the rest is searchable."
    )


def test_a_damaged_footer_loses_only_itself():
    document = rewrite_zip(full_docx(), {"word/footer1.xml": lambda xml: b"<w:ftr garbage"})
    extraction = read(document, "proposal.docx")
    assert {"Aldermoor", "Glenridding", "Jesmond"} <= words(extraction)
    assert "Hawksmoor" not in words(extraction)
    assert extraction.error == "Part of the file could not be read (the footers); the rest is searchable."


def sheet_with_wrong_dimension():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Inputs"
    sheet["A1"] = "Header Quernmore"
    sheet["F40"] = "Far cell Rievaulx"
    sheet["B2"] = '="Formula " & "Settle"'  # openpyxl saves formulas without a cached value
    sheet["C3"] = datetime.date(2026, 3, 5)
    sheet["D4"] = "Ｔｈｉｒｓｋ"
    sheet["A1"].comment = Comment("Comment Ulverston", "Ana")
    workbook.create_sheet("Second")["A1"] = "Second Wetherby"
    data = saved(workbook)
    return rewrite_zip(
        data, {"xl/worksheets/sheet1.xml": lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)}
    )


def test_xlsx_every_cell_is_read_whatever_the_declared_size():
    data = sheet_with_wrong_dimension()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b'<dimension ref="A1"' in package.read("xl/worksheets/sheet1.xml")
    extraction = read(data, "roi.xlsx")
    found = words(extraction)
    assert extraction.error == ""
    assert {"Quernmore", "Rievaulx", "Settle", "Thirsk", "Ulverston", "Wetherby", "Second"} <= found
    assert "2026-03-05" in extraction.text


# --- Limits: nothing huge is held in memory, and the text is capped ----------------------------


def huge_docx(paragraphs):
    """A DOCX whose document.xml is streamed into the zip: tens of MB of XML, a few hundred KB zipped."""
    template = zipfile.ZipFile(io.BytesIO(make_file("docx", "Huge", ["x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info.filename, template.read(info.filename))
        with target.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(f'<w:document xmlns:w="{W}"><w:body>'.encode())
            chunk = b"<w:p><w:r><w:t>Yarrow lemma grows</w:t></w:r></w:p>" * 10_000
            for _ in range(paragraphs // 10_000):
                stream.write(chunk)
            stream.write(b"</w:body></w:document>")
    return out.getvalue()


def test_a_huge_document_is_cut_at_the_text_cap_with_a_reason():
    extraction = read(huge_docx(100_000), "huge.docx")
    assert len(extraction.text) <= MAX_TEXT_CHARS
    assert len(extraction.text) > MAX_TEXT_CHARS * 0.9
    assert extraction.error == f"Only the first {MAX_TEXT_CHARS:,} characters of the file are searchable."


def test_a_zip_bomb_part_is_streamed_not_loaded(tmp_path):
    """1.2 million paragraphs (about 60 MB of XML in a 300 KB file): memory stays small."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(huge_docx(1_200_000))
    script = (
        "import resource, sys\n"
        "from content.extraction import extract_text\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "with open(sys.argv[1], 'rb') as f: result = extract_text(f, 'bomb.docx')\n"
        "print(len(result.text), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], cwd=root, capture_output=True, text=True, check=True
    )
    chars, grown_mb = map(int, done.stdout.split())
    assert path.stat().st_size < 1_000_000
    assert chars > MAX_TEXT_CHARS * 0.9
    assert grown_mb < 40, f"reading grew the process by {grown_mb} MB"


# --- Through the real upload form and search ---------------------------------------------------


@pytest.mark.django_db
def test_every_case_file_is_found_by_its_words_after_upload(marketer_client, rep_client):
    """Each real-world file, uploaded through Wagtail's document form (its reading runs as the task
    queued on commit), attached to a published collateral page, is found on the rep's search page."""
    uploads = sorted(path.name for path in CASES.iterdir() if path.suffix in {".pdf", ".docx", ".pptx", ".xlsx"})
    assert sorted(CASE_WORDS) == uploads, "every case file has its words (the CSV and JSON ones are imports)"
    for name in sorted(CASE_WORDS):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = marketer_client.post(
                reverse("wagtaildocs:add"),
                {
                    "title": f"Case {name}",
                    "file": SimpleUploadedFile(name, (CASES / name).read_bytes()),
                    "collection": 1,
                },
            )
        assert response.status_code == 302, name
    for document in CollateralDocument.objects.all():
        assert document.extraction_error == "", document.title
        with TestCase.captureOnCommitCallbacks(execute=True):  # publishing indexes the page on commit
            create_collateral(title=f"Page for {document.title}", documents=[document])
    for name, case_words in CASE_WORDS.items():
        for word in case_words:
            page = rep_client.get(reverse("search"), {"q": word}).text
            assert f"Page for Case {name}" in page, word


@pytest.mark.django_db
def test_a_heading_and_the_paragraph_under_it_are_searched_as_separate_words(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create_collateral(title="Battlecard", body="<h3>Talking points</h3><p>Move from price to value.</p>")
    assert [hit.title for hit in service.search("points", exclude_ids=frozenset()).hits] == ["Battlecard"]
    assert [hit.title for hit in service.search("move", exclude_ids=frozenset()).hits] == ["Battlecard"]


def test_a_password_protected_office_file_says_so():
    """Word, PowerPoint and Excel save an encrypted file as an OLE compound file, not a zip."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage"
    extraction = read(ole, "pricing.xlsx")
    assert extraction.text == ""
    assert extraction.error == (
        "The file is password-protected or in an old Office format, so its text cannot be searched. "
        "Save it as .xlsx without a password and upload it again."
    )
