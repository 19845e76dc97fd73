"""Every CSV the site writes goes through here, so no cell runs as a spreadsheet formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``= + - @`` (or a tab or
carriage return before one) as a formula, so a note or a search typed by anyone could
become ``=HYPERLINK(...)`` in a marketer's spreadsheet. OWASP's advice ("CSV Injection"):
start such a cell with a single quote, which spreadsheets show as text.

Wagtail's maintainers leave this to the consumer (wagtail ``docs/contributing/security.md``,
"CSV export security considerations"), so :func:`quote_formulas_in_admin_exports` makes
every admin export built on Wagtail's ``SpreadsheetExportMixin`` (snippet listings with
``list_export``, Wagtail's own reports) quote its CSV cells too. XLSX needs nothing: Wagtail
already stores a cell that openpyxl would take for a formula as a string.
"""

import csv
import functools
import re
from numbers import Number

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d[\d,.]*")


def safe_cell(value):
    """The text a CSV cell should hold for ``value``: ``None`` is empty, numbers stay numbers,
    and text a spreadsheet would run as a formula gets a leading ``'``.

    A negative number written as text ("-12.5") is left alone: spreadsheets read it as a number.
    """
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` whose rows pass through :func:`safe_cell`; same ``writerow``/``writerows``."""

    def __init__(self, csvfile, **fmtparams):
        self.writer = csv.writer(csvfile, **fmtparams)

    def writerow(self, row):
        return self.writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(csvfile, **fmtparams):
    """A CSV writer for anything a person will open in a spreadsheet (same arguments as ``csv.writer``)."""
    return SafeWriter(csvfile, **fmtparams)


def quote_formulas_in_admin_exports():
    """Make Wagtail's ``SpreadsheetExportMixin`` pass every CSV cell through :func:`safe_cell`.

    Called once from ``HomeConfig.ready()``; calling it again changes nothing. It wraps
    ``preprocess_field_value``, the one step every CSV row of every Wagtail export takes
    (``write_csv_row``), so the notes and content request exports, Wagtail's reports (site
    history, locked and aging pages, workflows) and form submissions are all covered.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "quotes_formulas", False):
        return

    @functools.wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return safe_cell(value) if export_format == self.FORMAT_CSV else value

    preprocess_field_value.quotes_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
