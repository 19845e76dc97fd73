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
import datetime
import functools
import re
from numbers import Number

from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d[\d,.]*")


def spreadsheet_datetime(value):
    """``value`` (a datetime, aware or naive) in the site's time zone (``TIME_ZONE``), naive:
    what a spreadsheet should show. A naive value is taken as already local."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def spreadsheet_date_text(value):
    """A date or datetime as text Excel, LibreOffice and Google Sheets read as one: ``2026-05-04``
    for a date, ``2026-05-04 12:00:00`` (site time zone, whole seconds, no offset) for a datetime.
    Anything else is returned unchanged."""
    if isinstance(value, datetime.datetime):
        return spreadsheet_datetime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def safe_cell(value):
    """The text a CSV cell should hold for ``value``: ``None`` is empty, numbers stay numbers,
    dates and datetimes are ISO text in the site's time zone (``spreadsheet_date_text``), and
    text a spreadsheet would run as a formula gets a leading ``'``.

    A negative number written as text ("-12.5") is left alone: spreadsheets read it as a number.
    """
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    if isinstance(value, datetime.date):
        return spreadsheet_date_text(value)
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
    """Make Wagtail's ``SpreadsheetExportMixin`` pass every CSV cell through :func:`safe_cell`,
    and write datetimes in the site's time zone (CSV and XLSX alike) rather than in UTC.

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
        if isinstance(value, datetime.datetime):  # Wagtail writes UTC; people read the site's time
            value = spreadsheet_datetime(value)
        value = original(self, field, value, export_format)
        return safe_cell(value) if export_format == self.FORMAT_CSV else value

    preprocess_field_value.quotes_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
