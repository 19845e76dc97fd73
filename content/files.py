"""Make small real collateral files (PDF, DOCX, PPTX, XLSX) for demo data and tests."""

import io
from xml.sax.saxutils import escape

import docx
import openpyxl
import pptx
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


def make_pdf(title, paragraphs):
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    story = [Paragraph(escape(title), styles["Title"])]
    for paragraph in paragraphs:
        story += [Paragraph(escape(paragraph), styles["BodyText"]), Spacer(1, 8)]
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Common Ground").build(story)
    return buffer.getvalue()


def make_docx(title, paragraphs):
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pptx(title, paragraphs):
    """One title slide, then one slide per paragraph (its first sentence as the slide title)."""
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[0])
    slide.shapes.title.text = title
    for paragraph in paragraphs:
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        heading, _, rest = paragraph.partition(". ")
        slide.shapes.title.text = heading
        slide.placeholders[1].text = rest or paragraph
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def make_xlsx(title, paragraphs):
    """A worksheet with the title and one row per line: how ROI calculators usually look."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Inputs"
    sheet.append([title])
    for paragraph in paragraphs:
        sheet.append([paragraph])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAKERS = {"pdf": make_pdf, "docx": make_docx, "pptx": make_pptx, "xlsx": make_xlsx}


def make_file(extension, title, paragraphs):
    return MAKERS[extension](title, paragraphs)
