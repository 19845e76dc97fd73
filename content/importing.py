"""Bring a team's existing library in (and take it out): JSON, CSV, XLSX, or a ZIP holding one with its files.

Rules (issue 13; DESIGN "Vocabularies and import"):

- Nothing is lost. Kinds of collateral and note stages are matched by slug or label whatever the
  case, spaces, hyphens or underscores (`home.vocabulary.match_key`); an unknown one is created with
  ``create_missing``, else the row is imported with that field empty and a warning. A row is skipped
  only when what makes it meaningful is missing (an asset without a title, a note without text, a
  note whose persona or objection is unknown); a note pointing at a skipped asset is kept without
  the link, with a warning.
- Every value is checked against the model before saving (lengths of titles, tags, ids...); a
  value that does not fit is shortened with a warning, never left for the database to refuse.
- Each row is saved in its own savepoint: one bad row never stops the rest. Whatever happens, the
  search index is current when `Importer.run` returns (``home.bulk.bulk_writes``).
- A row whose values are all unchanged writes nothing (no new page revision).
- Dates are read and written in the site's time zone (``TIME_ZONE``), so export → import is exact.
- Writes go through the same paths as the admin and the API: Wagtail's page revisions for pages,
  `personas.notes` (the site's note form) for notes.
"""

import codecs
import csv
import datetime
import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import slugify

from taggit.models import Tag
from wagtail.actions.publish_page_revision import PublishPagePermissionError

from content.models import (
    BuyerStage,
    CollateralDocument,
    CollateralFile,
    CollateralIndexPage,
    CollateralKind,
    CollateralPage,
)
from home.bulk import bulk_writes
from home.vocabulary import match_key
from personas.models import (
    Helped,
    NoteStage,
    Objection,
    ObjectionNote,
    Outcome,
    PersonaIndexPage,
    PersonaPage,
    resolve_objection,
)
from personas.notes import HELPED_FROM_JSON as HELPED
from personas.notes import HELPED_TO_JSON, create_notes, form_errors, new_note, record_form, save_note

CSV_LIST_SEPARATOR = ";"
ROWS_PER_COMMIT = 200  # rows saved between two commits (each row has its own savepoint)
SECTIONS = ("personas", "objections", "collateral", "notes")
# Collateral columns holding a date (read by parse_day).
DATE_COLUMNS = ("published", "review_by")
TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length  # taggit: 100
PUBLISHED_AT = datetime.time(9)  # an imported publication date becomes 09:00 in the site's time zone
HELPED_WORDS = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
    "": None,
    "null": None,
    "none": None,
    "unknown": None,
    "dontknow": None,
}


class ImportFileError(ValueError):
    """The file cannot be read as an import; the message says what to change."""


class UnreadableRow(dict):
    """A row read from a file whose values cannot be used as they are (a cell too long to read):
    the importer skips it with `problem` as the reason and goes on with the next row."""

    def __init__(self, values, problem):
        super().__init__(values)
        self.problem = problem


class Skip(Exception):
    """This row cannot be imported; the message is the reason shown to the person importing."""


class SaveNotesFirst(Exception):
    """This note row names the same author and id as a note validated but not saved yet: save
    those first, then import the row again (it updates that note)."""


@dataclass
class RowResult:
    section: str
    row_id: str
    action: str  # "created" | "updated" | "unchanged" | "skipped"
    title: str = ""
    messages: list = field(default_factory=list)  # warnings, or the reason for a skip
    page_id: int | None = None


@dataclass
class Report:
    rows: list = field(default_factory=list)  # RowResult
    new_values: dict = field(default_factory=dict)  # {"kind": [label], ...}: terms created (or to create)
    dry_run: bool = False

    def count(self, section, action):
        return sum(1 for row in self.rows if row.section == section and row.action == action)

    def counts(self):
        """{section: {action: n}} for every section that had rows."""
        return {
            section: {action: self.count(section, action) for action in ("created", "updated", "unchanged", "skipped")}
            for section in SECTIONS
            if any(row.section == section for row in self.rows)
        }

    @property
    def skipped(self):
        return [row for row in self.rows if row.action == "skipped"]

    @property
    def warnings(self):
        return [(row, message) for row in self.rows if row.action != "skipped" for message in row.messages]

    def to_json(self):
        return {"rows": [asdict(row) for row in self.rows], "new_values": self.new_values, "dry_run": self.dry_run}

    @classmethod
    def from_json(cls, data):
        return cls(
            rows=[RowResult(**row) for row in data.get("rows", [])],
            new_values=data.get("new_values", {}),
            dry_run=data.get("dry_run", False),
        )


# --- Values ------------------------------------------------------------------------------------------


def paragraphs(text):
    """Plain text from an import as safe rich text."""
    return "".join(f"<p>{html.escape(part.strip())}</p>" for part in (text or "").split("\n\n") if part.strip())


def plain_text(rich_text):
    """Rich text as the plain paragraphs the import format holds."""
    return html.unescape(strip_tags((rich_text or "").replace("</p>", "</p>\n\n").replace("</li>", "</li>\n"))).strip()


def text(value):
    """A cell or JSON value as stripped text ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 12.0 is the id 12
    return str(value).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def shorten(value, limit):
    """`value` cut to at most `limit` characters, ending in "…" when cut (no limit when falsy)."""
    return value[: limit - 1].rstrip() + "…" if limit and len(value) > limit else value


def asset_id(value):
    """An asset's import id as stored in CollateralPage.external_id (at most 100 characters): the
    id itself, or "sha1:" and its digest when longer, so re-imports and notes still find it."""
    value = text(value)
    if len(value) <= CollateralPage._meta.get_field("external_id").max_length:
        return value
    return f"sha1:{hashlib.sha1(value.encode()).hexdigest()}"


def as_list(value):
    """A list from JSON, or from a cell with items separated by ';' (or ',' when there is no ';')."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        separator = CSV_LIST_SEPARATOR if CSV_LIST_SEPARATOR in value or "," not in value else ","
        return [item.strip() for item in value.replace("\x00", "").split(separator) if item.strip()]
    if isinstance(value, list | tuple):
        return [text(item) for item in value if text(item)]
    return [text(value)]


def max_length(model, name):
    return model._meta.get_field(name).max_length


class Row:
    """One row being imported: its values, and the warnings said about it."""

    def __init__(self, data):
        self.data = data if isinstance(data, dict) else {}
        self.messages = []

    def warn(self, message):
        self.messages.append(message)

    def get(self, name):
        return self.data.get(name)

    def fit(self, value, limit, name):
        """`value`, shortened to `limit` characters with a warning when it is longer."""
        if limit and len(value) > limit:
            self.warn(f"{name} is {len(value):,} characters; cut to {limit}")
        return shorten(value, limit)

    def date(self, name, day_first=None):
        """The column `name` as a datetime.date, or None with a warning when it holds no date
        (see parse_day; `day_first` is the column's order of slashed dates)."""
        parsed, problem = parse_day(self.get(name), day_first)
        if problem:
            self.warn(f"{name} {problem}; left empty")
        return parsed


class Vocabulary:
    """Matches values against a managed list (`home.vocabulary.VocabularyTerm`), creating unknown
    ones when asked to. One query for the whole import."""

    def __init__(self, model, name, importer):
        self.model, self.name, self.importer = model, name, importer
        self.terms = None

    def slug(self, value, row):
        """The slug of the term `value` names; None (with a warning) when there is none."""
        value = text(value)
        if not value:
            return None
        if self.terms is None:
            self.terms = self.model.by_key()
        key = match_key(value)
        term = self.terms.get(key)
        if term is None and key:
            if not self.importer.create_missing:
                row.warn(f"unknown {self.name} {value!r}: left empty (import with “create missing values” to add it)")
                self.importer.report.new_values.setdefault(f"{self.name} (not created)", [])
                missing = self.importer.report.new_values[f"{self.name} (not created)"]
                if value not in missing:
                    missing.append(value)
                return None
            label = row.fit(value, max_length(self.model, "label"), f"{self.name} {value!r}")
            term = self.model(label=label, sort_order=len({t.pk for t in self.terms.values()}) + 100)
            term.full_clean()
            term.save()
            self.terms[key] = self.terms[match_key(term.slug)] = term
            self.importer.created_in_row.append(lambda: self.forget(key, term))
            self.importer.report.new_values.setdefault(self.name, []).append(term.label)
            row.warn(f"new {self.name} “{term.label}” created")
        return term.slug if term else None

    def forget(self, key, term):
        """Forget a term created by a row whose savepoint was undone."""
        self.terms.pop(key, None)
        self.terms.pop(match_key(term.slug), None)
        self.importer.report.new_values.get(self.name, []).remove(term.label)


def choice(value, choices, name, row, default=""):
    """A value of a fixed list (buyer stage, outcome) matched like vocabularies; else `default` + warning."""
    value = text(value)
    if not value:
        return default
    key = match_key(value)
    for stored, label in choices.choices:
        if key in (match_key(stored), match_key(label)):
            return stored
    row.warn(
        f"{name} {value!r} is not one of {', '.join(choices.values)}; left {'as ' + default if default else 'empty'}"
    )
    return default


# --- Reading files -----------------------------------------------------------------------------------


def decode(data, name):
    """Text from CSV or JSON bytes: UTF-8 (with or without BOM); UTF-16 (Excel's "Unicode Text",
    with a BOM, or without one when every other byte is zero); else Windows-1252 (Excel's default
    "CSV" on Windows). Raises ImportFileError saying what to change."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    f"{name} starts like UTF-16 text but breaks at byte {error.start}. Save it as "
                    "“CSV UTF-8” (Excel: File → Save As → CSV UTF-8) and import it again."
                ) from error
    if b"\x00" in data[:4096]:  # text never holds zero bytes; UTF-16 without a BOM does, every other byte
        sample = data[:4096]
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if max(odd, even) >= len(sample) // 4:
            try:
                return data.decode("utf-16-le" if odd > even else "utf-16-be")
            except UnicodeDecodeError:
                pass
        raise ImportFileError(
            f"{name} holds zero bytes, so it is not text in an encoding we can tell. Save it as "
            "“CSV UTF-8” (Excel: File → Save As → CSV UTF-8) and import it again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{name} is neither UTF-8 nor Windows-1252 text (byte {data[error.start]:#04x} at position "
            f"{error.start}). Save it as “CSV UTF-8” (Excel: File → Save As → CSV UTF-8) and import it again."
        ) from error


# Dates as spreadsheets write them in CSV: 2026-03-01, 2026/03/01, 01.03.2026 (day first), and
# 01/03/2026 or 3/1/2026, whose order the column's other values decide (see iso_dates()).
ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[ T])")
DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:$|[ ,])")
SLASHED_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:$|[ ,])")


def parse_day(value, day_first=None):
    """(date, problem) from a cell's text: `date` is a datetime.date or None, `problem` says why
    there is none ("" when the cell is empty). Reads ISO dates (with or without a time), D.M.YYYY,
    and D/M/YYYY or M/D/YYYY: `day_first` True/False picks the order of a slashed date whose
    parts are both 12 or less; None leaves such a date unread, as ambiguous."""
    value = text(value)
    if not value:
        return None, ""
    if match := ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := DOTTED_DATE.match(value):
        day, month, year = match.groups()
    elif match := SLASHED_DATE.match(value):
        first, second, year = match.groups()
        if int(first) > 12 or (day_first and int(second) <= 12):
            day, month = first, second
        elif int(second) > 12 or day_first is False:
            month, day = first, second
        else:
            return None, f"{value!r} could be day/month or month/day; write it as YYYY-MM-DD"
    else:
        return None, f"{value!r} is not a date (YYYY-MM-DD)"
    try:
        return datetime.date(int(year), int(month), int(day)), ""
    except ValueError:
        return None, f"{value!r} is not a date on the calendar"


def slashed_order(values):
    """True when a column's slashed dates are day first (one of them starts above 12), False when
    month first (one has its second part above 12), None when they never say (or say both)."""
    firsts = seconds = False
    for value in values:
        if match := SLASHED_DATE.match(text(value)):
            firsts |= int(match.group(1)) > 12
            seconds |= int(match.group(2)) > 12
    return None if firsts == seconds else firsts


# A cell longer than this (characters) is not read: its row is skipped with the reason. Python's csv
# module refuses a field over 131,072 characters by default and stops the whole file there.
MAX_CELL_CHARS = 1024 * 1024
# A workbook's cells past this column are not read (a sheet may declare, or hold, 16,384 columns).
MAX_COLUMNS = 200


def max_file_bytes():
    """IMPORT_MAX_FILE_MB in bytes: the largest import file (.json, .csv, .xlsx) read whole."""
    return settings.IMPORT_MAX_FILE_MB * 1024 * 1024


def check_file_size(size, name):
    """Raise ImportFileError when an import file of `size` bytes is over IMPORT_MAX_FILE_MB."""
    if size > max_file_bytes():
        raise ImportFileError(
            f"{name} is {size / 1024 / 1024:,.1f} MB; an import file may be at most {settings.IMPORT_MAX_FILE_MB:,} MB "
            "(IMPORT_MAX_FILE_MB). Split it into smaller files and import them one after another "
            "(the files it names, in a ZIP, do not count)."
        )


def too_many_rows(count, name, more=False):
    """The ImportFileError for a file with `count` rows (more than that when `more`), over IMPORT_MAX_ROWS."""
    limit = settings.IMPORT_MAX_ROWS
    return ImportFileError(
        f"{name} has {'more than ' if more else ''}{count:,} rows; at most {limit:,} are imported at once "
        f"(IMPORT_MAX_ROWS) — split it into files of {limit:,} rows or fewer and import them one after another."
    )


def checked_row(values, number):
    """`values` (a row read from a CSV or XLSX file), or an UnreadableRow when a cell is longer than
    MAX_CELL_CHARS; `number` is the row's line in the file, for the reason."""
    for key, value in values.items():
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            kept = {k: v for k, v in values.items() if not isinstance(v, str) or len(v) <= MAX_CELL_CHARS}
            return UnreadableRow(
                kept,
                f"row {number}: {key or 'a cell'} holds {len(value):,} characters; at most {MAX_CELL_CHARS:,} are "
                "read from one cell — shorten it (or put the text in a file the row names)",
            )
    return values


def read_csv(data, name, required_column="title"):
    """Rows (dicts) from CSV bytes: any of the encodings `decode` reads, separated by ',' ';' or tab
    (or what a first line "sep=X", as Excel writes it, names), quoted newlines and CRLF line ends
    included. Raises ImportFileError saying what to change."""
    content = decode(data, name)
    header = content.split("\n", 1)[0]
    if hint := re.fullmatch(r"\s*sep=(.)\s*", header):  # Excel's "sep=;" line names the separator
        delimiter = hint.group(1)
        content = content.split("\n", 1)[1] if "\n" in content else ""
        header = content.split("\n", 1)[0]
    else:
        try:
            delimiter = csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = max(",;\t", key=header.count)
    # No field can be longer than the file: the csv module never stops on a long one (its default
    # limit is 131,072 characters); checked_row skips a row whose cell is over MAX_CELL_CHARS.
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    columns = [column.strip().lower() for column in (reader.fieldnames or header.split(delimiter))]
    if required_column not in columns:
        raise ImportFileError(
            f"{name}: no “{required_column}” column in the first row ({header[:120]!r}). The first row must name "
            "the columns (id, title, kind, summary, …), separated by commas, semicolons or tabs."
        )
    rows = []
    for row in reader:
        if not any(text(value) for value in row.values() if isinstance(value, str)):
            continue
        if len(rows) == settings.IMPORT_MAX_ROWS:  # count the rest without keeping them
            rest = sum(1 for row in reader if any(text(v) for v in row.values() if isinstance(v, str)))
            raise too_many_rows(len(rows) + 1 + rest, name)
        values = {(key or "").strip().lower(): value for key, value in row.items() if key is not None}
        rows.append(checked_row(values, reader.line_num))
    return rows


def read_xlsx(data, name):
    """{section: rows} from a workbook: a sheet per section (personas, objections, collateral, notes),
    or collateral rows on the first sheet. The first row of each sheet names the columns.

    Only the cells the file holds are read, whatever size the sheet declares (its "dimension" may be
    A1 for a full sheet, or A1:XFD100000 for one cell); cells past column MAX_COLUMNS are left out.
    Raises ImportFileError for an unreadable workbook or more than IMPORT_MAX_ROWS rows."""
    import openpyxl

    try:  # what is read is the workbook's XML (its shared strings whole): a few KB can unpack to GBs
        unpacked = sum(
            part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist() if part.filename.endswith(".xml")
        )
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"{name} is not a readable .xlsx workbook. Save it again from Excel.") from error
    if unpacked > max_file_bytes():
        raise ImportFileError(
            f"{name} unpacks to {unpacked / 1024 / 1024:,.1f} MB of sheets; at most {settings.IMPORT_MAX_FILE_MB:,} MB "
            "are read (IMPORT_MAX_FILE_MB). Split it into smaller workbooks, or save it as CSV, and import them one "
            "after another."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            f"{name} is not a readable .xlsx workbook ({error}). Save it again from Excel."
        ) from error
    sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    named = {section: sheets[section] for section in SECTIONS if section in sheets}
    if not named:
        named = {"collateral": workbook.worksheets[0]}
    try:
        return workbook_rows(named, name)
    finally:
        workbook.close()


def workbook_rows(named, name):
    """{section: rows} from the sheets `named` ({section: worksheet}) of a read-only workbook."""
    result = {}
    count = 0
    for section, sheet in named.items():
        # Read-only mode pads every row to the declared dimension and stops at its last row: forget it,
        # and read at most MAX_COLUMNS columns (openpyxl docs, "Read-only mode: worksheet dimensions").
        sheet.reset_dimensions()
        header = None
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if header is None:
                header = [text(cell).lower() for cell in row]
                result[section] = []
                continue
            if row.count(None) == len(row) or not any(cell not in (None, "") for cell in row):
                continue  # (the first test is quick for the empty rows read-only mode fills gaps with)
            count += 1
            if count > settings.IMPORT_MAX_ROWS:
                raise too_many_rows(settings.IMPORT_MAX_ROWS, name, more=True)
            values = {header[i]: value for i, value in enumerate(row) if i < len(header) and header[i]}
            result[section].append(checked_row(values, f"{number} of sheet {sheet.title}"))
    return result


def read_bytes(data, name):
    """{section: rows} from a .json, .csv or .xlsx file's bytes. Raises ImportFileError for a file
    over IMPORT_MAX_FILE_MB or IMPORT_MAX_ROWS rows, or one that cannot be read."""
    check_file_size(len(data), name)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return {"collateral": read_csv(data, name)}
    if suffix == ".xlsx":
        return read_xlsx(data, name)
    if suffix == ".json":
        objects = 0

        def counted(values):  # a row is an object: stop a file of millions of tiny ones early
            nonlocal objects
            objects += 1
            if objects > 2 * settings.IMPORT_MAX_ROWS + 1:  # rows are counted exactly once parsed
                raise too_many_rows(settings.IMPORT_MAX_ROWS, name, more=True)
            return values

        try:
            parsed = json.loads(decode(data, name), object_hook=counted)
        except json.JSONDecodeError as error:
            raise ImportFileError(f"{name} is not valid JSON: {error}") from error
        if not isinstance(parsed, dict):
            raise ImportFileError(f"{name} must hold an object with personas, objections, collateral and notes.")
        count = sum(len(rows) for section in SECTIONS if isinstance(rows := parsed.get(section), list))
        if count > settings.IMPORT_MAX_ROWS:
            raise too_many_rows(count, name)
        return parsed
    raise ImportFileError(f"{name}: import a .json, .csv or .xlsx file, or a .zip holding one with its files.")


IMPORT_SUFFIXES = (".json", ".csv", ".xlsx")


def unpack_zip(path, folder):
    """Extract a ZIP into `folder` (never outside it) and return the import file inside it (a Path).
    Raises ImportFileError, before unpacking anything, for a ZIP over IMPORT_MAX_ENTRIES entries or
    IMPORT_MAX_UNPACKED_MB, or whose import file is over IMPORT_MAX_FILE_MB."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = Path(folder).resolve()
            members = archive.infolist()
            limit_mb = settings.IMPORT_MAX_UNPACKED_MB
            if len(members) > settings.IMPORT_MAX_ENTRIES:
                raise ImportFileError(
                    f"{Path(path).name} holds {len(members):,} entries; at most "
                    f"{settings.IMPORT_MAX_ENTRIES:,} are imported (IMPORT_MAX_ENTRIES)."
                )
            if sum(member.file_size for member in members) > limit_mb * 1024 * 1024:
                raise ImportFileError(
                    f"{Path(path).name} unpacks to more than {limit_mb:,} MB (IMPORT_MAX_UNPACKED_MB)."
                )
            for member in members:
                target = (root / member.filename).resolve()
                if root not in target.parents and target != root:
                    raise ImportFileError(f"{Path(path).name}: {member.filename} would land outside the import folder.")
            sources = sorted(
                (
                    member
                    for member in members
                    if not member.is_dir()
                    and Path(member.filename).suffix.lower() in IMPORT_SUFFIXES
                    and "__MACOSX" not in Path(member.filename).parts
                ),
                key=lambda member: (len(Path(member.filename).parts), Path(member.filename).name),
            )
            if sources:  # the file read whole, before anything is unpacked
                check_file_size(sources[0].file_size, f"{Path(path).name}: {sources[0].filename}")
            archive.extractall(root)
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"{Path(path).name} is not a readable ZIP file.") from error
    candidates = sorted(
        (
            p
            for p in Path(folder).rglob("*")
            if p.suffix.lower() in IMPORT_SUFFIXES and "__MACOSX" not in p.parts and p.is_file()
        ),
        key=lambda p: (len(p.parts), p.name),
    )
    if not candidates:
        raise ImportFileError(f"{Path(path).name} holds no .json, .csv or .xlsx file to import.")
    return candidates[0]


def read(path):
    """{section: rows} from an import file (.json, .csv, .xlsx). Raises FileNotFoundError or ImportFileError
    (a file over IMPORT_MAX_FILE_MB is refused from its size on disk, before it is read)."""
    path = Path(path)
    check_file_size(path.stat().st_size, path.name)
    return read_bytes(path.read_bytes(), path.name)


# --- Importing ---------------------------------------------------------------------------------------


class Importer:
    """Imports {section: rows}. File paths in rows are relative to `base_dir`.

    `create_missing`: create unknown kinds, note stages and objections named by rows.
    `user`: who the page revisions and log entries are attributed to (None on the command line).
    `progress(done, total)`: called after each row.
    """

    def __init__(self, base_dir, create_missing=False, user=None, progress=None):
        self.base_dir = Path(base_dir)
        self.create_missing = create_missing
        self.user = user
        self.progress = progress or (lambda done, total: None)
        self.report = Report()
        self.kinds = Vocabulary(CollateralKind, "kind", self)
        self.stages = Vocabulary(NoteStage, "note stage", self)
        self.skipped_assets = set()
        self.created_in_row = []  # how to forget what the current row created, should it be undone
        self.dry_run = False
        self.day_first = dict.fromkeys(DATE_COLUMNS)
        self.new_notes = []  # [(unsaved note, its RowResult)]: validated, saved together (save_new_notes)
        self.result = None  # the RowResult of the row being imported

    def run(self, data, dry_run=False):
        """Import everything; with `dry_run`, work it all out and keep nothing (no file is stored).
        Returns the Report."""
        self.dry_run = self.report.dry_run = dry_run
        data = data if isinstance(data, dict) else {}
        rows = [(section, row) for section in SECTIONS for row in (data.get(section) or [])]
        collateral = [row for section, row in rows if section == "collateral" and isinstance(row, dict)]
        self.day_first = {name: slashed_order(row.get(name) for row in collateral) for name in DATE_COLUMNS}
        # Wagtail's per-save work (search backends, reference index) and ours (search index, cached
        # versions) is done once for everything at the end, whatever happens inside.
        with bulk_writes():
            if dry_run:
                with transaction.atomic():
                    self._run(rows)
                    transaction.set_rollback(True)
            else:
                self._run(rows)
        return self.report

    def _run(self, rows):
        self.pages = {
            page.external_id: page
            for page in CollateralPage.objects.filter(external_id__isnull=False).prefetch_related(
                "personas", "objections", "tags", "files"
            )
        }
        self.personas = {}
        for persona in PersonaPage.objects.live():
            self.personas.setdefault(match_key(persona.slug), persona)
            self.personas.setdefault(match_key(persona.title), persona)
        self.users = {}
        self.objections = {}
        self.notes = {
            (note.author_id, note.external_id): note
            for note in ObjectionNote.objects.exclude(external_id=None).exclude(external_id="")
        }
        handlers = {
            "personas": self.persona,
            "objections": self.objection,
            "collateral": self.collateral,
            "notes": self.note,
        }
        for start in range(0, len(rows), ROWS_PER_COMMIT):
            # One commit per ROWS_PER_COMMIT rows (a commit costs a disk sync), each row in a
            # savepoint of its own inside it: a row that fails is undone alone and the rest is kept.
            with transaction.atomic():
                for done, (section, data) in enumerate(rows[start : start + ROWS_PER_COMMIT], start=start + 1):
                    self.report.rows.append(self._row(handlers[section], section, data, done))
                    self.progress(done, len(rows))
                self.save_new_notes()

    def save_new_notes(self):
        """Save the notes validated since the last call in one insert (personas.notes.create_notes);
        a note that cannot be saved turns its row into a skipped one, with the reason."""
        pending, self.new_notes = self.new_notes, []
        for position, note, error in create_notes([note for note, _ in pending]):
            result = pending[position][1]
            if error is None:  # already filed under that author and id by another save
                result.action = "unchanged"
                self.notes[(note.author_id, note.external_id)] = note
            else:
                result.action, result.messages = "skipped", [f"could not be saved ({type(error).__name__}: {error})"]
                self.notes.pop((note.author_id, note.external_id), None)

    def _row(self, handler, section, data, number):
        row = Row(data)
        self.created_in_row = []
        result = self.result = RowResult(section, text(row.get("id") or row.get("slug")) or f"row {number}", "skipped")
        try:
            if isinstance(data, UnreadableRow):
                raise Skip(data.problem)
            try:
                with transaction.atomic():
                    result.action, result.title, result.page_id = handler(row)
            except SaveNotesFirst:
                for forget in self.created_in_row:  # undone with the savepoint; made again below
                    forget()
                self.created_in_row = []
                self.save_new_notes()
                row = Row(data)
                with transaction.atomic():
                    result.action, result.title, result.page_id = handler(row)
        except Skip as reason:
            row.messages = [str(reason)]
            if section == "collateral" and text(row.get("id")):
                self.skipped_assets.add(asset_id(row.get("id")))
        except ValidationError as error:
            row.messages = ["; ".join(f"{name}: {' '.join(messages)}" for name, messages in error_dict(error).items())]
        except Exception as error:  # noqa: BLE001 — one bad row never stops the rest; it is reported
            row.messages = [f"could not be saved ({type(error).__name__}: {error})"]
        if result.action == "skipped":  # its savepoint undid the terms it created: forget them too
            for forget in self.created_in_row:
                forget()
        result.messages = row.messages
        return result

    def publish(self, page, revision):
        """Publish `revision` of `page` as the admin does. A preview (dry run) only makes the check
        publishing makes (may the importing user publish it?): publishing there, undone with the
        rest, cost about 60% of a preview's time per row (saving and validating the page again, log
        entries, signals). Raises PublishPagePermissionError as publishing would."""
        if not self.dry_run:
            revision.publish(user=self.user)
        elif self.user is not None and not page.permissions_for_user(self.user).can_publish():
            raise PublishPagePermissionError("You do not have permission to publish this page.")

    # personas -----------------------------------------------------------------------------------------

    def persona(self, row):
        name = text(row.get("name") or row.get("title"))
        slug = slugify(text(row.get("slug")) or name)[: max_length(PersonaPage, "slug")]
        if not name or not slug:
            raise Skip("name is missing")
        values = {
            "title": row.fit(name, max_length(PersonaPage, "title"), "name"),
            "role": row.fit(text(row.get("role")), max_length(PersonaPage, "role"), "role"),
            "summary": text(row.get("summary")),
            "goals": paragraphs(text(row.get("goals"))),
            "pains": paragraphs(text(row.get("pains"))),
        }
        if not values["role"]:
            values["role"] = shorten(values["title"], max_length(PersonaPage, "role"))
            row.warn("role is missing; the name stands in for it")
        if not values["summary"]:
            values["summary"] = values["title"]
            row.warn("summary is missing; the name stands in for it")
        index = PersonaIndexPage.objects.get()
        persona = PersonaPage.objects.child_of(index).filter(slug=slug).first()
        action = "created" if persona is None else "updated"
        if persona is not None and all(getattr(persona, n) == v for n, v in values.items()) and persona.live:
            action = "unchanged"
        else:
            if persona is None:
                persona = index.add_child(instance=PersonaPage(slug=slug, **values))
            else:
                for name_, value in values.items():
                    setattr(persona, name_, value)
            self.publish(persona, persona.save_revision(user=self.user, log_action=not self.dry_run))
        self.personas[match_key(persona.slug)] = self.personas[match_key(persona.title)] = persona
        return action, persona.title, persona.pk

    # objections ---------------------------------------------------------------------------------------

    def objection(self, row):
        name = row.fit(text(row.get("name")), max_length(Objection, "name"), "name")
        slug = slugify(text(row.get("slug")) or name)[: max_length(Objection, "slug")]
        if not name or not slug:
            raise Skip("name is missing")
        if Objection.objects.filter(name=name).exclude(slug=slug).exists():
            raise Skip(f"another objection is already called {name!r}")
        values = {
            "name": name,
            "description": text(row.get("description")),
            "synonyms": ", ".join(as_list(row.get("synonyms"))),
        }
        objection = Objection.objects.filter(slug=slug).first()
        if objection is not None and all(getattr(objection, n) == v for n, v in values.items()):
            return "unchanged", objection.name, None
        action = "created" if objection is None else "updated"
        objection = objection or Objection(slug=slug)
        for name_, value in values.items():
            setattr(objection, name_, value)
        objection.full_clean()
        objection.save()
        return action, objection.name, None

    # collateral ---------------------------------------------------------------------------------------

    def collateral(self, row):
        title = text(row.get("title"))
        if not title:
            raise Skip("title is missing")
        external_id = asset_id(row.get("id"))
        id_limit = max_length(CollateralPage, "external_id")
        if external_id != text(row.get("id")):
            row.warn(f"id is {len(text(row.get('id')))} characters; kept as “{external_id}”, which notes find too")
        if not external_id:
            external_id = f"title:{slugify(title)[: id_limit - 6]}"
            row.warn(f"id is missing; “{external_id}” is used, so a re-import updates this asset")
        title_limit = max_length(CollateralPage, "title")
        body = text(row.get("body"))
        if len(title) > title_limit:
            body = f"{title}\n\n{body}" if body else title  # the whole title stays readable on the page
            title = row.fit(title, title_limit, "title")
            row.messages[-1] += " (the whole title opens the body)"
        summary = text(row.get("summary"))
        if not summary:
            summary = title
            row.warn("summary is missing; the title stands in for it")
        values = {
            "title": title,
            "summary": summary,
            "body": paragraphs(body),
            "kind_id": self.kinds.slug(row.get("kind"), row),
            "stage": choice(row.get("stage"), BuyerStage, "buyer stage", row),
            "review_by": row.date("review_by", self.day_first["review_by"]),
            "content_owner_id": self.owner(row),
        }
        personas = self.named_personas(row)
        objections = self.named_objections(row)
        tags = self.tags(row)
        files = [found for path in as_list(row.get("files")) if (found := self.document(row, external_id, path))]
        published = row.date("published", self.day_first["published"])

        page = self.pages.get(external_id)
        if page is not None and self.unchanged(page, values, personas, objections, tags, files, published):
            return "unchanged", page.title, page.pk
        action = "created" if page is None else "updated"
        if page is None:
            page = CollateralPage(slug=self.free_slug(title), external_id=external_id, **values)
            CollateralIndexPage.objects.get().add_child(instance=page)
        else:
            for name, value in values.items():
                setattr(page, name, value)
        page.personas.set(personas)
        page.objections.set(objections)
        page.tags.set(tags)
        stored = [self.stored(document) for document in files]
        page.files.set([CollateralFile(document=document) for document in stored if document is not None])
        # A new page was just validated by add_child's save (the relations set since are not part of
        # full_clean): cleaning it again for the revision would only repeat those queries.
        self.publish(page, page.save_revision(user=self.user, log_action=not self.dry_run, clean=action == "updated"))
        if published:
            moment = timezone.make_aware(datetime.datetime.combine(published, PUBLISHED_AT))
            CollateralPage.objects.filter(pk=page.pk).update(first_published_at=moment)
            page.first_published_at = moment
        self.pages[external_id] = page
        return action, page.title, page.pk

    def unchanged(self, page, values, personas, objections, tags, files, published):
        """Whether saving these values would change nothing a person can see."""
        if not page.live or page.has_unpublished_changes:
            return False
        if any(getattr(page, name) != value for name, value in values.items()):
            return False
        if {p.pk for p in page.personas.all()} != {p.pk for p in personas}:
            return False
        if {o.pk for o in page.objections.all()} != {o.pk for o in objections}:
            return False
        if sorted(t.name for t in page.tags.all()) != sorted(tags):
            return False
        if [item.document_id for item in page.files.all()] != [getattr(doc, "pk", None) for doc in files]:
            return False
        first = page.first_published_at
        return not published or bool(first and timezone.localtime(first).date() == published)

    def named_personas(self, row):
        found = []
        for value in as_list(row.get("personas")):
            persona = self.personas.get(match_key(value))
            if persona is None:
                row.warn(f"unknown persona {value!r}: left out (add it in the personas section or the admin)")
            elif persona not in found:
                found.append(persona)
        return found

    def named_objections(self, row):
        found = []
        for value in as_list(row.get("objections")):
            objection = self.find_objection(value, row)
            if objection is not None and objection not in found:
                found.append(objection)
        return found

    def find_objection(self, value, row):
        """The objection `value` names (slug or name, following merges), created with
        `create_missing`; None with a warning otherwise."""
        if value in self.objections:
            return self.objections[value]
        objection = resolve_objection(slug=slugify(value)) or Objection.objects.filter(name__iexact=value).first()
        if objection is None and self.create_missing:
            name = row.fit(value, max_length(Objection, "name"), f"objection {value!r}")
            objection = Objection(name=name, slug=slugify(name)[: max_length(Objection, "slug")])
            objection.full_clean()
            objection.save()
            self.report.new_values.setdefault("objection", []).append(name)

            def forget():
                self.objections.pop(value, None)
                self.report.new_values["objection"].remove(name)

            self.created_in_row.append(forget)
            row.warn(f"new objection “{name}” created")
        elif objection is None:
            row.warn(f"unknown objection {value!r}: left out (import with “create missing values” to add it)")
            return None
        self.objections[value] = objection
        return objection

    def tags(self, row):
        tags = []
        for value in as_list(row.get("tags")):
            tag = row.fit(value, TAG_MAX_LENGTH, f"tag {value[:30]!r}")
            if match_key(tag) not in {match_key(t) for t in tags}:
                tags.append(tag)
        return tags

    def owner(self, row):
        """The user an `owner` cell (username or email) names; None with a warning when nobody."""
        value = text(row.get("owner"))
        if not value:
            return None
        if value not in self.users:
            user = (
                get_user_model()
                .objects.filter(Q(username__iexact=value) | Q(email__iexact=value), is_active=True)
                .order_by("pk")
                .first()
            )
            self.users[value] = user.pk if user else None
        if self.users[value] is None:
            row.warn(f"owner {value!r} is nobody here (a username or email): left empty")
        return self.users[value]

    def free_slug(self, title):
        base = slugify(title)[:200] or "collateral"
        slug, number = base, 1
        while CollateralPage.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def document(self, row, external_id, relative_path):
        """The file a row names: an existing CollateralDocument when unchanged, else a new unsaved
        one (stored only when the row is saved). None, with a warning, for a file that cannot be used."""
        path = (self.base_dir / relative_path).resolve()
        problem = None
        extension = path.suffix.lower().lstrip(".")
        if self.base_dir.resolve() not in path.parents:
            problem = "is outside the import folder"
        elif not path.is_file():
            problem = "does not exist"
        elif extension not in settings.WAGTAILDOCS_EXTENSIONS:
            problem = f": .{extension} files are not allowed"
        elif path.stat().st_size > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:
            problem = f"is larger than {settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:,} bytes"
        if problem:
            row.warn(f"file {relative_path} {problem}".replace(" :", ":") + "; left out")
            return None
        data = path.read_bytes()
        title = row.fit(f"{path.stem} ({external_id})", max_length(CollateralDocument, "title"), "file title")
        existing = CollateralDocument.objects.filter(title=title).first()
        if existing and existing.get_file_hash() == hashlib.sha1(data).hexdigest():
            return existing  # unchanged: keep the file and its extracted text
        return (existing, title, path.name, data)

    def stored(self, document):
        """A saved CollateralDocument for what `document` returned, saved as the admin's upload
        view saves one; None in a preview (dry run), which stores no file."""
        if isinstance(document, CollateralDocument):
            return document
        existing, title, filename, data = document
        if self.dry_run:
            return None
        document = existing or CollateralDocument(title=title)
        if document.pk and document.file:
            document.file.delete(save=False)
        document.file = ContentFile(data, name=filename)
        document._set_document_file_metadata()  # size and hash, as Wagtail's upload view does
        document.save()
        return document

    # notes --------------------------------------------------------------------------------------------

    def note(self, row):
        note_text = text(row.get("text"))
        if not note_text:
            raise Skip("text is missing")
        persona_value, objection_value = text(row.get("persona")), text(row.get("objection"))
        persona = self.personas.get(match_key(persona_value))
        if persona is None:
            raise Skip(f"unknown persona {persona_value!r}" if persona_value else "persona is missing")
        if not objection_value:
            raise Skip("objection is missing")
        objection = self.find_objection(objection_value, row)
        if objection is None:
            raise Skip(row.messages.pop())
        stage_value = text(row.get("stage"))
        if not stage_value:
            if not hasattr(self, "default_stage"):
                self.default_stage = NoteStage.default_slug()
            stage_value = self.default_stage or ""
        stage = self.stages.slug(stage_value, row) if stage_value else None
        collateral = None
        named_id = asset_id(row.get("collateral"))
        if named_id:
            collateral = self.pages.get(named_id)
            if collateral is None:
                why = "was skipped" if named_id in self.skipped_assets else "is not in this import or the library"
                row.warn(f"asset {text(row.get('collateral'))} {why}: the note is kept without the link")
        helped = row.get("helped")
        if isinstance(helped, str) or isinstance(helped, int) and not isinstance(helped, bool):
            key = match_key(helped)
            if key not in HELPED_WORDS:
                row.warn(f"helped {helped!r} is not true, false or empty; kept as “Don't know”")
            helped = HELPED_WORDS.get(key)
        elif not isinstance(helped, bool | None):
            row.warn(f"helped {helped!r} is not true, false or empty; kept as “Don't know”")
            helped = None
        if helped is not None and collateral is None:
            row.warn("“did it help?” needs an asset; kept as “Don't know”")
            helped = None
        created = None
        created_value = text(row.get("created"))
        if created_value:
            try:
                created = parse_datetime(created_value)
            except ValueError:  # well formed, but not on the calendar
                created = None
            if created is None and (day := parse_day(created_value)[0]):
                created = datetime.datetime.combine(day, datetime.time(12))
            if created is None:
                row.warn(f"created {created_value!r} is not a date and time; the import's time is used")
            elif timezone.is_naive(created):
                created = timezone.make_aware(created)
        external_id = text(row.get("id"))
        if not external_id:
            digest = hashlib.sha1("\x1f".join([persona.slug, objection.slug, note_text, created_value]).encode())
            external_id = f"sha1:{digest.hexdigest()[:32]}"
        outcome = choice(row.get("outcome"), Outcome, "outcome", row, default=Outcome.OPEN)
        author = self.author(row.get("author"), row)
        external_id = external_id[: max_length(ObjectionNote, "external_id")]
        existing = self.notes.get((author.pk if author else None, external_id))
        if existing is not None and existing.pk is None:
            raise SaveNotesFirst()
        values = (persona.pk, objection.pk, note_text, stage, outcome, getattr(collateral, "pk", None), HELPED[helped])
        if existing is not None and note_values(existing) == values and created in (None, existing.created):
            return "unchanged", note_text[:80], None  # the values the form accepted when it was saved
        form = record_form(
            {
                "persona": persona.slug,
                "objection": objection.slug,
                "text": note_text,
                "stage": stage or "",
                "outcome": outcome,
                "collateral": collateral.pk if collateral else None,
                "helped": helped,
            },
            default_stage="",
            known={
                "persona": {persona.slug: persona},
                "objection": {objection.slug: objection},
                "collateral": {str(collateral.pk): collateral} if collateral else {},
                "deal_stage": {stage: self.stages.terms[match_key(stage)]} if stage and self.stages.terms else {},
            },
        )
        if not form.is_valid():
            raise Skip("; ".join(f"{name}: {' '.join(messages)}" for name, messages in form_errors(form).items()))
        if existing is None:  # validated like every note; saved with the others (save_new_notes)
            note = new_note(form, author, external_id, created=created)
            self.new_notes.append((note, self.result))
            self.notes[(note.author_id, external_id)] = note
            return "created", note_text[:80], None
        note, action = save_note(form, author, external_id, update=True, created=created, existing=existing)
        self.notes[(note.author_id, external_id)] = note
        return action, note_text[:80], None

    def author(self, value, row):
        """The existing user a note's author names (username or email), or None.

        Naming a note's author writes in that person's name, so only the command line (run by
        whoever holds the server) or a superuser may; a Marketing import in the admin files the
        note without an author and says whom the file named. No import ever creates a user
        (users are the superuser's: README "Roles"; attack trial, session 5)."""
        value = text(value)[: max_length(get_user_model(), "username")]
        if not value:
            return None
        key = ("author", value)
        if key not in self.users:
            User = get_user_model()
            named = Q(username__iexact=value) | Q(email__iexact=value)
            self.users[key] = User.objects.filter(named).order_by("pk").first()
        user = self.users[key]
        if user is None:
            row.warn(f"author {value!r} is no user here; filed without an author")
        elif self.user is not None and not self.user.is_superuser:
            row.warn(f"author {value!r} kept out: only a superuser's import files notes in someone's name")
            return None
        return user


def note_values(note):
    """What an import compares to tell an unchanged note: (persona, objection, text, stage, outcome,
    collateral, helped) as stored."""
    return (
        note.persona_id,
        note.objection_id,
        note.text,
        note.deal_stage_id,
        note.outcome,
        note.collateral_id,
        note.helped,
    )


def error_dict(error):
    if hasattr(error, "error_dict"):
        return {
            name: [message for item in errors for message in item.messages] for name, errors in error.error_dict.items()
        }
    return {"row": error.messages}


# --- Exporting ---------------------------------------------------------------------------------------


def export_id(page):
    """The id a page was imported with, or one made from its primary key."""
    return page.external_id or f"page-{page.pk}"


def local_date(moment):
    """The date of an aware datetime in the site's time zone (what a person there calls that day)."""
    return timezone.localtime(moment).date().isoformat() if moment else None


def export(path):
    """Write everything in the import format, with the files copied beside it.

    Dates are the site's (``TIME_ZONE``): importing the file again gives the same dates."""
    path = Path(path)
    files_dir = path.parent / f"{path.stem}-files"
    files_dir.mkdir(parents=True, exist_ok=True)
    collateral = []
    pages = CollateralPage.objects.live().select_related("content_owner")
    for page in pages.prefetch_related("personas", "objections", "tags", "files__document"):
        page_id = export_id(page)
        files = []
        for item in page.files.all():
            target = files_dir / page_id.replace("/", "_") / Path(item.document.file.name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            with item.document.open_file() as source:
                target.write_bytes(source.read())
            files.append(str(target.relative_to(path.parent)))
        collateral.append(
            {
                "id": page_id,
                "title": page.title,
                "kind": page.kind_id,
                "stage": page.stage,
                "summary": page.summary,
                "body": plain_text(page.body),
                "personas": [p.slug for p in page.personas.all()],
                "objections": [o.slug for o in page.objections.all()],
                "tags": [t.name for t in page.tags.all()],
                "files": files,
                "owner": page.content_owner.get_username() if page.content_owner else None,
                "published": local_date(page.first_published_at),
                "review_by": page.review_by.isoformat() if page.review_by else None,
            }
        )
    data = {
        "personas": [
            {
                "slug": p.slug,
                "name": p.title,
                "role": p.role,
                "summary": p.summary,
                "goals": plain_text(p.goals),
                "pains": plain_text(p.pains),
            }
            for p in PersonaPage.objects.live().order_by("title")
        ],
        "objections": [
            {"slug": o.slug, "name": o.name, "description": o.description, "synonyms": o.synonym_list}
            for o in Objection.objects.order_by("name")
        ],
        "collateral": collateral,
        "notes": [
            {
                "id": note.external_id or f"note-{note.pk}",
                "persona": note.persona.slug,
                "objection": note.objection.slug,
                "text": note.text,
                "stage": note.deal_stage_id,
                "outcome": note.outcome,
                "collateral": export_id(note.collateral) if note.collateral else None,
                "helped": HELPED_TO_JSON.get(note.helped),
                "author": note.author.get_username() if note.author else None,
                "created": timezone.localtime(note.created).isoformat(),
            }
            for note in ObjectionNote.objects.select_related("persona", "objection", "collateral", "author")
        ],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return {section: len(rows) for section, rows in data.items()}


__all__ = ["Importer", "ImportFileError", "Report", "export", "read", "read_bytes", "unpack_zip", "Helped"]
