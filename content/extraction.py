"""Read the text inside collateral files (PDF, DOCX, PPTX, XLSX) so search can find it.

A file we cannot read is never an error for the uploader: the upload is kept, and the
reason is recorded so marketing can see why search does not look inside it.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import PurePath

import docx
import openpyxl
import pptx
import pypdf

logger = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)

# Enough for a long whitepaper; keeps one pathological file from bloating the index.
MAX_TEXT_CHARS = 500_000


@dataclass(frozen=True)
class Extraction:
    text: str = ""
    error: str = ""


class UnreadableFile(Exception):
    """A file we understood but could not read; the message is shown to people."""


def read_pdf(fileobj):
    reader = pypdf.PdfReader(fileobj)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
            pages = [page.extract_text() or "" for page in reader.pages]
        except Exception as error:
            raise UnreadableFile("The PDF is password-protected, so its text cannot be searched.") from error
    else:
        pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n".join(pages)
    if not text.strip():
        raise UnreadableFile("No text was found in the PDF (it may be a scan), so only its title is searchable.")
    return text


def read_docx(fileobj):
    document = docx.Document(fileobj)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def read_pptx(fileobj):
    presentation = pptx.Presentation(fileobj)
    parts = []
    for slide in presentation.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def read_xlsx(fileobj):
    workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    try:
        parts = []
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                parts.extend(str(value) for value in row if value not in (None, ""))
        return "\n".join(parts)
    finally:
        workbook.close()


READERS = {"pdf": read_pdf, "docx": read_docx, "pptx": read_pptx, "xlsx": read_xlsx}


def extract_text(fileobj, filename):
    """Return the text of a file, or why there is none. Never raises for a bad file."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    reader = READERS.get(extension)
    if reader is None:
        return Extraction()  # images and the like: nothing to read, nothing wrong
    try:
        text = reader(fileobj)
    except UnreadableFile as error:
        return Extraction(error=str(error))
    except Exception as error:  # any parser failure means a damaged or mislabelled file
        logger.info("Could not read text from %s: %r", filename, error)
        return Extraction(
            error=f"The file looks damaged or is not a real {extension.upper()} file, "
            "so its text cannot be searched. Re-export it and upload it again."
        )
    text = re.sub(r"[ \t]+", " ", text).strip()
    return Extraction(text=text[:MAX_TEXT_CHARS])
