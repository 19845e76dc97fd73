"""Read the text inside collateral files (PDF, DOCX, PPTX, XLSX) so search can find it.

Rule: any text a person sees when they open the file, or that its author typed into it, is read
once. For Office files that means every part that holds text, found through the package's
relationships (ECMA-376 Part 2, Open Packaging Conventions):

- PPTX: every slide in presentation order, shapes at any depth (groups in groups, tables, graphic
  frames), charts and SmartArt on the slide, the whole notes page (any shape but the slide image,
  number, date, header and footer placeholders), comments, and the text on layouts and masters
  that slides show (not their placeholders, whose text is only a prompt such as "Click to edit").
- DOCX: the body, tables at any depth, text boxes, content controls, headers, footers,
  footnotes, endnotes, comments, charts and SmartArt, tracked insertions but not deletions.
  Where a drawing is stored twice (mc:AlternateContent: a Choice and a VML Fallback) it is read
  once.
- XLSX: every cell of every sheet whatever size the sheet declares, shared and inline strings,
  dates as dates, a formula's text where no value was saved, comments, text boxes and charts.

The Office XML is streamed with lxml (iterparse) straight out of the zip, so a huge part never
sits in memory; parts are size-checked before reading, and reading stops at the text cap
(MAX_TEXT_CHARS unless the caller gives its own; content.tasks gives EXTRACTION_TEXT_CAP).
PDFs are read with PDFium (pypdfium2), page by page.

A file we cannot read is never an error for the uploader: the upload is kept, and the reason is
recorded so marketing can see why search does not look inside it (or inside part of it). One
damaged part never loses the rest of the file.
"""

import contextlib
import logging
import posixpath
import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

logger = logging.getLogger(__name__)

# Enough for a long whitepaper; keeps one pathological file from bloating the index.
MAX_TEXT_CHARS = 500_000
# Largest uncompressed size read of one XML part; a bigger part is read up to here (the zip's
# declared size is a true bound: zipfile never returns more than it and checks the CRC).
MAX_PART_BYTES = 64 * 1024 * 1024
# Largest uncompressed size of the small parts read whole (relationships, workbook, styles).
MAX_SMALL_PART_BYTES = 8 * 1024 * 1024
# Most shared strings of a workbook kept (each costs memory even when empty).
MAX_SHARED_STRINGS = 1_000_000
# Most reasons listed in one message (the field holds 255 characters).
MAX_REASONS = 3

_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


@dataclass(frozen=True)
class Extraction:
    """What extract_text() read: the text for search, and why some or all of it is missing."""

    text: str = ""
    error: str = ""


class UnreadableFile(Exception):
    """A file we understood but could not read; the message is shown to people."""


class _Damaged(UnreadableFile):
    """An Office package missing what every such file has; people see the "damaged" message."""


class _Full(Exception):
    """The text budget (MAX_TEXT_CHARS) is used up: stop reading."""


_SEPARATORS = {"\t": 0, "\n": 1, "\n\n": 2}  # how wide each is


# With a sink, text is handed on once this many characters wait (and after every page, slide...).
SINK_CHUNK_CHARS = 64 * 1024


class _Text:
    """The text read so far, with what went wrong on the way.

    With a `sink` (a callable taking (text, units done, unit name)), the text is handed on as it is
    read, after each page, slide, sheet or part and whenever SINK_CHUNK_CHARS wait, and is not kept
    here: whoever runs the reading with a time limit keeps what was read if it is stopped.
    """

    def __init__(self, limit=MAX_TEXT_CHARS, sink=None):
        self.pieces = []
        self.chars = 0  # characters of real text (not separators)
        self.limit = limit
        self.problems = []
        self.full = False
        self.separated = True  # nothing to keep apart at the start: no separator needed
        self.sink = sink
        self.waiting = 0  # characters not yet handed to the sink
        self.units = 0  # pages, slides or sheets read whole
        self.unit = ""

    def flush(self):
        if self.sink is not None and self.pieces:
            self.sink("".join(self.pieces), self.units, self.unit)
            self.pieces = []
            self.waiting = 0

    def done(self, unit):
        """One more page (slide, sheet...) read whole: hand its text on."""
        self.units += 1
        self.unit = unit
        self.flush()

    def add(self, text):
        if not text:
            return
        room = self.limit - self.chars
        if len(text) >= room:
            self.pieces.append(text[:room])
            self.separated = False
            self.chars = self.limit
            self.full = True
            self.flush()
            raise _Full
        self.pieces.append(text)
        self.chars += len(text)
        self.separated = False
        if self.sink is not None:
            self.waiting += len(text)
            if self.waiting >= SINK_CHUNK_CHARS:
                self.flush()
        elif len(self.pieces) >= 4096:  # many small pieces cost more than their text: join them
            self.pieces = ["".join(self.pieces)]

    def sep(self, separator):
        """Keep words apart; separators in a row are one (the widest), so a part of empty
        paragraphs or cells costs no memory."""
        if self.separated:
            if self.pieces and _SEPARATORS[separator] > _SEPARATORS[self.pieces[-1]]:
                self.pieces[-1] = separator
            return
        self.pieces.append(separator)
        self.separated = True

    def problem(self, where):
        if where not in self.problems:
            self.problems.append(where)

    def text(self):
        return normalise("".join(self.pieces))[: self.limit]


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def normalise(text):
    """What search indexes: Unicode NFKC (so the "ﬁ" ligature is "fi" and full-width "Ａ" is
    "A"), soft hyphens and zero-width characters dropped, runs of spaces made one, and at most
    one blank line between blocks. Words separated by any whitespace in the file stay apart."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)  # control characters show nothing
    text = re.sub(r"[^\S\n]+", " ", text)  # tabs, non-breaking and other spaces: one space
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# --- Office packages -------------------------------------------------------------------------

# Transitional and Strict OOXML name the same elements in two sets of namespaces.
_NS = {
    "w": (
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ),
    "a": ("http://schemas.openxmlformats.org/drawingml/2006/main", "http://purl.oclc.org/ooxml/drawingml/main"),
    "p": (
        "http://schemas.openxmlformats.org/presentationml/2006/main",
        "http://purl.oclc.org/ooxml/presentationml/main",
    ),
    "c": ("http://schemas.openxmlformats.org/drawingml/2006/chart", "http://purl.oclc.org/ooxml/drawingml/chart"),
    "x": ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main"),
    "r": (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
    "m": (
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://purl.oclc.org/ooxml/officeDocument/math",
    ),
    "mc": ("http://schemas.openxmlformats.org/markup-compatibility/2006",),
    "rel": ("http://schemas.openxmlformats.org/package/2006/relationships",),
}


def _tags(*names):
    """{"{namespace}local", ...} for "prefix:local" names, in every namespace the prefix has."""
    tags = set()
    for name in names:
        prefix, local = name.split(":")
        tags.update(f"{{{namespace}}}{local}" for namespace in _NS[prefix])
    return frozenset(tags)


def _tag(name):
    return _tags(name)


def _attr(element, name):
    """An attribute in any of the prefix's namespaces (r:id, r:embed...)."""
    prefix, local = name.split(":")
    for namespace in _NS[prefix]:
        value = element.get(f"{{{namespace}}}{local}")
        if value is not None:
            return value
    return None


_HYPHEN = _tag("w:noBreakHyphen")  # a character written as an element
_ALTERNATE, _CHOICE, _FALLBACK = _tag("mc:AlternateContent"), _tag("mc:Choice"), _tag("mc:Fallback")


@dataclass(frozen=True)
class _Rules:
    """How to read one kind of XML part: the elements whose text is read, what to put after an
    element so words stay apart, elements skipped whole, and `skip(element)`, which may name an
    ancestor to skip from there on (a placeholder's shape, known only once its p:ph starts)."""

    text: frozenset
    after: dict
    before: dict = None
    skipped: frozenset = frozenset()
    skip: object = None
    skip_on: frozenset = frozenset()  # the tags `skip` looks at (it is called for no other)


def _separators(mapping):
    return {tag: separator for names, separator in mapping.items() for tag in _tags(*names.split())}


_SHOWING_PROMPT = _tag("w:showingPlcHdr")


def _skip_unfilled_control(element):
    """A content control nobody filled in shows its prompt ("Click or tap here to enter text."):
    w:showingPlcHdr in its w:sdtPr. Skip the whole w:sdt."""
    if element.tag in _SHOWING_PROMPT:
        properties = element.getparent()
        return properties.getparent() if properties is not None else None
    return None


_WORD = _Rules(
    # w:delText (deleted) and w:instrText (field codes) are not read; a:t is DrawingML text in
    # shapes, m:t the text of equations.
    text=_tags("w:t", "a:t", "m:t"),
    after=_separators({"w:p w:tr w:br w:cr w:txbxContent a:p": "\n", "w:tc w:tab w:ptab": "\t"}),
    before=_separators({"w:txbxContent w:tbl": "\n"}),  # a text box sits inside a paragraph
    # Deleted and moved-away text, and properties (tab stops, run marks) that hold no text.
    skipped=_tags("w:del", "w:moveFrom", "w:pPr", "w:rPr"),
    skip=_skip_unfilled_control,
    skip_on=_SHOWING_PROMPT,
)
_DRAWING_AFTER = _separators({"a:p a:br a:tr c:v": "\n", "a:tc": "\t"})
_DRAWING = _Rules(
    text=_tags("a:t", "c:v"),  # c:v: category and series names; numbers are skipped below
    after=_DRAWING_AFTER,
    skipped=_tags("c:numCache", "c:numLit", "c:numRef", "c:externalData"),
)
_PLACEHOLDER = _tag("p:ph")


def _shape_of(placeholder):
    """The p:sp (or p:pic...) that a p:ph belongs to: p:ph < p:nvPr < p:nvSpPr < p:sp."""
    non_visual = placeholder.getparent()
    properties = non_visual.getparent() if non_visual is not None else None
    return properties.getparent() if properties is not None else None


def _skip_all_placeholders(element):
    """Layouts and masters: placeholder text is a prompt ("Click to edit"), never shown."""
    return _shape_of(element) if element.tag in _PLACEHOLDER else None


_NOTES_FURNITURE = {"sldImg", "sldNum", "dt", "hdr", "ftr"}


def _skip_notes_furniture(element):
    """Notes pages: read every shape but the slide picture, number, date, header and footer."""
    if element.tag in _PLACEHOLDER and element.get("type") in _NOTES_FURNITURE:
        return _shape_of(element)
    return None


_SLIDE = _DRAWING
_NOTES = _Rules(
    text=_DRAWING.text, after=_DRAWING_AFTER, skipped=_DRAWING.skipped, skip=_skip_notes_furniture, skip_on=_PLACEHOLDER
)
_LAYOUT = _Rules(
    text=_DRAWING.text,
    after=_DRAWING_AFTER,
    skipped=_DRAWING.skipped,
    skip=_skip_all_placeholders,
    skip_on=_PLACEHOLDER,
)
_PPT_COMMENTS = _Rules(text=_tags("p:text", "a:t"), after=_separators({"p:cm a:p": "\n"}))
_SHEET_COMMENTS = _Rules(
    text=_tags("x:t"), after=_separators({"x:comment x:si": "\n"}), skipped=_tags("x:rPh", "x:phoneticPr")
)


class _Package:
    """An Office file's zip: parts by name, each relationship file read once, sizes checked."""

    def __init__(self, fileobj):
        self.zip = zipfile.ZipFile(fileobj)
        self.names = {info.filename: info for info in self.zip.infolist()}
        self.broken_links = False

    def size(self, name):
        return self.names[name].file_size

    def has(self, name):
        return name in self.names

    def small(self, name):
        """Parse a small part whole (relationships, workbook, styles); too big is damaged."""
        if self.size(name) > MAX_SMALL_PART_BYTES:
            raise _Damaged(f"{name} is too large")
        return etree.fromstring(self.zip.read(name), etree.XMLParser(**_XML))

    def open(self, name):
        """A stream of the part, cut at MAX_PART_BYTES (the parser then reports the cut)."""
        stream = self.zip.open(name)
        if self.size(name) > MAX_PART_BYTES:
            return _Capped(stream, MAX_PART_BYTES)
        return stream

    def relationships(self, source):
        """[(type, target part name)] of a part ("" for the package), internal targets only,
        in the order the relationship file lists them. Types are the last word of the URI."""
        folder, base = posixpath.split(source)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if not self.has(rels_name):
            return []
        try:
            rels = self.small(rels_name)
        except Exception as error:
            if not source:
                raise _Damaged("the package's relationships cannot be read") from error
            logger.info("Could not read %s: %r", rels_name, error)
            self.broken_links = True  # the part itself is still read; what it links to is lost
            return []
        found = []
        for rel in rels:
            if rel.get("TargetMode") == "External" or not rel.get("Target"):
                continue
            target = rel.get("Target")
            absolute = target.startswith("/")
            name = target.lstrip("/") if absolute else posixpath.normpath(posixpath.join(folder, target))
            found.append((rel.get("Id"), rel.get("Type", "").rsplit("/", 1)[-1], name))
        return found

    def related(self, source, *kinds):
        return [name for _, kind, name in self.relationships(source) if kind in kinds and self.has(name)]

    def main_part(self):
        parts = self.related("", "officeDocument")
        if not parts:
            raise _Damaged("no main part")
        return parts[0]


class _Capped:
    """A read-only stream that ends after `limit` bytes."""

    def __init__(self, stream, limit):
        self.stream, self.left = stream, limit

    def read(self, size=-1):
        if self.left <= 0:
            return b""
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        return data

    def close(self):
        self.stream.close()


def _stream(package, name, rules, out):
    """Read the text of one XML part into `out`, streaming, under `rules` (see _Rules)."""
    stream = package.open(name)
    try:
        skipping = None
        alternates = []  # per open mc:AlternateContent: [a Choice was read, text chars before it]
        for event, element in etree.iterparse(stream, events=("start", "end"), **_XML):
            if skipping is not None:
                if event == "end" and element is skipping:
                    skipping = None
                    _forget(element)
                continue
            tag = element.tag
            if event == "start":
                if rules.before and tag in rules.before:
                    out.sep(rules.before[tag])
                if tag in rules.skipped:
                    skipping = element
                elif tag in rules.skip_on and (shape := rules.skip(element)) is not None:
                    skipping = shape
                elif tag in _ALTERNATE:
                    alternates.append([False, out.chars])
                elif tag in _CHOICE and alternates:
                    if alternates[-1][0]:
                        skipping = element  # only the first Choice is read
                    alternates[-1][0] = True
                elif tag in _FALLBACK and alternates and alternates[-1][0] and out.chars > alternates[-1][1]:
                    skipping = element  # the Choice held the text already: read it once
                continue
            if tag in rules.text:
                out.add(element.text)
            elif tag in _HYPHEN:
                out.add("-")
            separator = rules.after.get(tag)
            if separator:
                out.sep(separator)
            if tag in _ALTERNATE and alternates:
                alternates.pop()
            _forget(element)
    finally:
        stream.close()


def _forget(element):
    """Free what was read: the element's content and its finished elder siblings."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


@contextlib.contextmanager
def _damage_contained(name, out, where):
    """Read part `name` inside this block: if it is damaged, `where` is noted as a problem, the text
    read from it so far is kept, and the rest of the file goes on (the text cap still stops all)."""
    try:
        yield
    except (_Full, MemoryError):
        raise
    except Exception as error:
        logger.info("Could not read %s: %r", name, error)
        out.problem(where)
    out.sep("\n\n")


def _read_part(package, name, rules, out, where):
    """Read one part; a damaged part is noted by `where` and the text read from it is kept."""
    with _damage_contained(name, out, where):
        _stream(package, name, rules, out)


def _read_drawings(package, source, out, where, seen):
    """Charts and SmartArt text hanging off a slide, document part or sheet drawing."""
    for name in package.related(source, "chart", "diagramData"):
        if name not in seen:
            seen.add(name)
            _read_part(package, name, _DRAWING, out, where)


def read_pptx(package, out):
    """Slides in presentation order, each with its charts, SmartArt, notes page and comments;
    then the non-placeholder text of the layouts and masters those slides use, once each."""
    presentation = package.main_part()
    slides = {rel_id: name for rel_id, kind, name in package.relationships(presentation) if kind == "slide"}
    order = [_attr(slide_id, "r:id") for slide_id in package.small(presentation).iter(*_tags("p:sldId"))]
    ordered = [slides[rel_id] for rel_id in order if rel_id in slides]
    ordered += [name for name in slides.values() if name not in ordered]  # listed nowhere: still read
    layouts, seen = [], set()
    for number, slide in enumerate(ordered, start=1):
        if not package.has(slide):
            out.problem(f"slide {number}")
            continue
        _read_part(package, slide, _SLIDE, out, f"slide {number}")
        _read_drawings(package, slide, out, f"a chart on slide {number}", seen)
        for notes in package.related(slide, "notesSlide"):
            _read_part(package, notes, _NOTES, out, f"the notes of slide {number}")
        for comments in package.related(slide, "comments"):
            _read_part(package, comments, _PPT_COMMENTS, out, f"the comments on slide {number}")
        for layout in package.related(slide, "slideLayout"):
            if layout not in layouts:
                layouts.append(layout)
        out.done("slide")
    masters = []
    for layout in layouts:
        masters += [master for master in package.related(layout, "slideMaster") if master not in masters]
    for part in layouts + masters:
        _read_part(package, part, _LAYOUT, out, "a slide layout")


_WORD_PARTS = ("header", "footer", "footnotes", "endnotes", "comments")


def read_docx(package, out):
    """The body, then headers, footers, footnotes, endnotes and comments (each part once,
    though every section may link the same header), with their charts and SmartArt."""
    document = package.main_part()
    seen = set()
    _read_part(package, document, _WORD, out, "the body")
    _read_drawings(package, document, out, "a chart", seen)
    done = {document}
    for _, kind, name in package.relationships(document):
        if kind in _WORD_PARTS and name not in done and package.has(name):
            done.add(name)
            _read_part(package, name, _WORD, out, f"the {kind}s" if not kind.endswith("s") else f"the {kind}")
            _read_drawings(package, name, out, "a chart", seen)


def read_xlsx(package, out):
    """Each sheet in workbook order: its name, every cell (streamed, whatever the declared
    dimension), its comments, and the text boxes and charts drawn on it."""
    workbook_name = package.main_part()
    workbook = package.small(workbook_name)
    relationships = {rel_id: (kind, name) for rel_id, kind, name in package.relationships(workbook_name)}
    strings = _shared_strings(package, workbook_name, out)
    dates, epoch = set(), CALENDAR_WINDOWS_1900
    try:
        dates = _date_styles(package, workbook_name)
        properties = next(workbook.iter(*_tags("x:workbookPr")), None)
        if properties is not None and properties.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
    except MemoryError:
        raise
    except Exception as error:  # without styles, dates read as numbers: still searchable
        logger.info("Could not read the workbook's styles: %r", error)
    seen = set()
    for sheet in workbook.iter(*_tags("x:sheet")):
        title = sheet.get("name") or ""
        kind, name = relationships.get(_attr(sheet, "r:id"), ("", ""))
        out.add(title)
        out.sep("\n")
        where = f"the sheet “{title}”"
        if kind == "worksheet" and package.has(name):
            with _damage_contained(name, out, where):
                _read_cells(package, name, strings, dates, epoch, out)
        elif not package.has(name):
            out.problem(where)
            continue
        for comments in package.related(name, "comments"):
            _read_part(package, comments, _SHEET_COMMENTS, out, f"the comments on {where}")
        for drawing in package.related(name, "drawing"):
            _read_part(package, drawing, _DRAWING, out, f"a drawing on {where}")
            _read_drawings(package, drawing, out, f"a chart on {where}", seen)
        out.done("sheet")


_SI, _T, _RPH = _tag("x:si"), _tag("x:t"), _tag("x:rPh")


def _string_item(element):
    """The text of a shared or inline string: its x:t, not its phonetic guides (x:rPh)."""
    return "".join(t.text or "" for t in element.iter(*_T) if not any(a.tag in _RPH for a in t.iterancestors()))


def _shared_strings(package, workbook_name, out):
    """The shared string table as a list, kept to a budget of text and of strings: cells whose
    string lies past it read as "" (their text could not all be kept anyway)."""
    strings, budget = [], out.limit * 2
    for name in package.related(workbook_name, "sharedStrings"):
        stream = package.open(name)
        try:
            for _, item in etree.iterparse(stream, events=("end",), tag=tuple(_SI), **_XML):
                text = _string_item(item)
                budget -= len(text)
                strings.append(text)
                _forget(item)
                if budget <= 0 or len(strings) >= MAX_SHARED_STRINGS:
                    break
        except MemoryError:
            raise
        except Exception as error:
            logger.info("Could not read %s: %r", name, error)
            out.problem("the shared text of the workbook")
        finally:
            stream.close()
    return strings


def _date_styles(package, workbook_name):
    """Indexes of the cell styles (cellXfs) whose number format shows a date."""
    formats = dict(BUILTIN_FORMATS)
    for name in package.related(workbook_name, "styles"):
        styles = package.small(name)
        for number_format in styles.iter(*_tags("x:numFmt")):
            formats[int(number_format.get("numFmtId", -1))] = number_format.get("formatCode", "")
        cell_formats = next(styles.iter(*_tags("x:cellXfs")), None)
        if cell_formats is None:
            return set()
        return {
            index
            for index, xf in enumerate(cell_formats)
            if is_date_format(formats.get(int(xf.get("numFmtId", 0)), "") or "")
        }
    return set()


_CELL, _ROW = _tag("x:c"), _tag("x:row")
_V, _F, _IS = _tags("x:v"), _tags("x:f"), _tags("x:is")


def _cell_text(cell, strings, dates, epoch):
    kind = cell.get("t", "n")
    value = next((child.text for child in cell if child.tag in _V), None)
    if kind == "inlineStr":
        inline = next((child for child in cell if child.tag in _IS), None)
        return _string_item(inline) if inline is not None else ""
    if value is None:  # no value saved: the formula's own text, if any
        return next((child.text or "" for child in cell if child.tag in _F), "")
    if kind == "s":
        index = int(value)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "b":
        return "TRUE" if value.strip() in ("1", "true") else "FALSE"
    if kind == "e":
        return ""
    if kind == "n" and int(cell.get("s", 0)) in dates:
        try:
            moment = from_excel(float(value), epoch)
            return moment.isoformat(sep=" ") if moment is not None else value
        except (ValueError, OverflowError):
            return value
    return value


def _read_cells(package, name, strings, dates, epoch, out):
    """Every cell of a sheet, whatever its declared dimension: the sheet XML is streamed."""
    stream = package.open(name)
    try:
        for _, element in etree.iterparse(stream, events=("end",), tag=tuple(_CELL | _ROW), **_XML):
            if element.tag in _CELL:
                out.add(_cell_text(element, strings, dates, epoch))
                out.sep("\t")
            else:
                out.sep("\n")
            _forget(element)
    finally:
        stream.close()


# --- PDF ---------------------------------------------------------------------------------------


_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call into it at a time per process


def read_pdf(fileobj, out):
    """Every page's text, read by PDFium (pypdfium2): it opens AES-encrypted files that need no
    password, splits ligatures, and is about six times faster than pypdf (benchmarks/)."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(fileobj)
        except pdfium.PdfiumError as error:
            if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
                raise UnreadableFile("The PDF is password-protected, so its text cannot be searched.") from error
            raise
        try:
            for number in range(len(document)):
                try:
                    page = document[number]
                    try:
                        text_page = page.get_textpage()
                        out.add(text_page.get_text_range())
                        text_page.close()
                    finally:
                        page.close()
                except (_Full, MemoryError):
                    raise
                except Exception as error:
                    logger.info("Could not read page %s: %r", number + 1, error)
                    out.problem(f"page {number + 1}")
                out.sep("\n\n")
                out.done("page")
        finally:
            document.close()
    if not out.chars and not out.problems:
        raise UnreadableFile("No text was found in the PDF (it may be a scan), so only its title is searchable.")


# --- Entry point -------------------------------------------------------------------------------

# Encrypted Office files (and old .doc/.ppt/.xls) are OLE compound files, not zips.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OFFICE_READERS = {"docx": read_docx, "pptx": read_pptx, "xlsx": read_xlsx}


def _damaged(extension):
    return (
        f"The file looks damaged or is not a real {extension.upper()} file, "
        "so its text cannot be searched. Re-export it and upload it again."
    )


def _partly(problems):
    listed = ", ".join(problems[:MAX_REASONS]) + (" and more" if len(problems) > MAX_REASONS else "")
    message = f"Part of the file could not be read ({listed}); the rest is searchable."
    return message if len(message) <= 255 else "Parts of the file could not be read; the rest is searchable."


def extract_text(fileobj, filename, limit=MAX_TEXT_CHARS, sink=None):
    """Return the text of a file, or why there is none, as Extraction(text, error).

    `fileobj` is a seekable binary file; `filename` picks the reader by its extension (pdf,
    docx, pptx, xlsx; anything else has no text to read and no error). Never raises for a bad
    file: a file that cannot be read at all gives an empty text and a reason for people; a file
    read in part gives the text read and a reason naming the parts that were not. The text is
    normalised (see normalise()) and at most `limit` characters long, and it says so when cut.

    With `sink` (a callable taking (raw text, units read whole, unit name: "page", "slide",
    "sheet" or "")), the text is handed to it as it is read instead of kept, and the returned
    Extraction's text is empty (its error is still set); join and normalise() what the sink got.
    Raises MemoryError when the process runs out of memory (content.tasks runs this in a child
    process with a memory limit and reports that).
    """
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if extension != "pdf" and extension not in OFFICE_READERS:
        return Extraction()  # images and the like: nothing to read, nothing wrong
    out = _Text(limit, sink)
    try:
        if extension == "pdf":
            read_pdf(fileobj, out)
        else:
            if fileobj.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
                raise UnreadableFile(
                    "The file is password-protected or in an old Office format, so its text cannot be "
                    f"searched. Save it as .{extension} without a password and upload it again."
                )
            fileobj.seek(0)
            package = _Package(fileobj)
            try:
                OFFICE_READERS[extension](package, out)
            finally:
                if package.broken_links:
                    out.problem("parts linked from a damaged list of links")
    except _Full:
        pass
    except _Damaged as error:
        logger.info("Could not read %s: %s", filename, error)
        return Extraction(error=_damaged(extension))
    except UnreadableFile as error:
        return Extraction(error=str(error))
    except MemoryError:
        raise  # the caller's limit was reached: content.tasks says so
    except Exception as error:  # any parser failure means a damaged or mislabelled file
        logger.info("Could not read text from %s: %r", filename, error)
        if not out.chars:
            return Extraction(error=_damaged(extension))
        out.problem("the rest of the file")
    out.flush()
    text = out.text()
    if out.problems and not (text or (sink is not None and out.chars)):
        return Extraction(error=_damaged(extension))
    if out.full:
        return Extraction(text=text, error=f"Only the first {limit:,} characters of the file are searchable.")
    return Extraction(text=text, error=_partly(out.problems) if out.problems else "")
