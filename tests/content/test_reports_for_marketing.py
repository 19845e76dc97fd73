"""Reports marketing reads and downloads (issue 15, item 9): every report downloads, the notes
export follows the listing's filters, headings say what a screen is, people appear by name."""

import csv
import datetime
import io
import re

import openpyxl
import pytest

from django.utils import timezone

from content.models import ContentRequest
from personas.factories import create_note, create_objection
from personas.models import ObjectionNote
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/reports/loop/"
NOTES = "/admin/snippets/personas/objectionnote/"


@pytest.fixture
def overdue(rep, marketer, persona, objection):
    return ContentRequest.objects.create(
        persona=persona,
        objection=objection,
        description="A one-pager on payback for CFOs",
        requested_by=rep,
        owner=marketer,
        due=timezone.localdate() - datetime.timedelta(days=2),
    )


def test_the_overdue_requests_csv_downloads_with_names(marketer_client, overdue):
    dashboard = marketer_client.get(DASHBOARD).text
    assert "?report=overdue-requests&amp;format=csv" in dashboard
    response = marketer_client.get(DASHBOARD, {"report": "overdue-requests", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert rows[0] == ["Request", "Details", "Asked by", "Owner", "Status", "Due"]
    assert rows[1][1:5] == ["A one-pager on payback for CFOs", "Riley", "Morgan", "New"]
    assert len(rows) == 2


def body(response):
    """The bytes of a response, streamed or not (Wagtail streams its listing exports)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_every_csv_column_has_a_name(marketer_client):
    for report in ("content-gaps", "failed-searches", "neglected-assets", "effectiveness", "overdue-requests"):
        response = marketer_client.get(DASHBOARD, {"report": report, "format": "csv"})
        if response.status_code == 404:  # a report of another name; the dashboard's links are checked below
            continue
        header = next(csv.reader(io.StringIO(body(response).decode())))
        assert all(name.strip() for name in header), (report, header)
    for slug in [part.split("&")[0] for part in marketer_client.get(DASHBOARD).text.split("?report=")[1:]]:
        response = marketer_client.get(DASHBOARD, {"report": slug, "format": "csv"})
        assert response.status_code == 200, slug
        header = next(csv.reader(io.StringIO(body(response).decode())))
        assert all(name.strip() for name in header), (slug, header)


def test_notes_export_as_csv_and_xlsx_with_the_listing_filters(marketer_client, rep, persona, objection):
    security = create_objection("Security review", slug="security")
    create_note(persona, objection, rep, text="Twice what Ledgerly quoted.")
    hidden = create_note(persona, security, rep, text="Wants the SOC 2 report.")
    ObjectionNote.objects.filter(pk=hidden.pk).update(status="hidden", hidden_reason="Duplicate")

    response = marketer_client.get(NOTES, {"export": "csv", "objection": objection.pk})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(body(response).decode())))
    assert "Author" in rows[0] and "Why hidden" in rows[0], rows[0]
    assert [row[rows[0].index("What the prospect said")] for row in rows[1:]] == ["Twice what Ledgerly quoted."]
    assert rows[1][rows[0].index("Author")] == "Riley"

    response = marketer_client.get(NOTES, {"export": "xlsx", "status": "hidden"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and "Wants the SOC 2 report." in values[1] and "Duplicate" in values[1]


def test_dashboard_heading_says_what_it_is(marketer_client):
    html = marketer_client.get("/admin/").text
    heading = re.search(r'<h1 class="w-h1 w-mt-0">(.*?)</h1>', html, re.DOTALL).group(1)
    assert " ".join(heading.split()) == "Common Ground dashboard"


def test_request_queue_shows_names_and_no_raw_overdue_column(marketer_client, overdue):
    make_user("nameless", None)
    html = marketer_client.get("/admin/snippets/content/contentrequest/").text
    assert "Overdue label" not in html and "Overdue_label" not in html
    assert "Morgan" in html and ">marketer<" not in html
    assert "(overdue)" in html


def test_exports_write_dates_in_the_site_time_zone_as_spreadsheets_read_them(
    settings, marketer_client, rep, persona, objection, overdue
):
    """No raw timestamps (UTC, microseconds, "+00:00"): local ISO dates and times Excel takes as dates."""
    settings.TIME_ZONE = "Europe/Berlin"
    filed = datetime.datetime(2026, 7, 1, 22, 30, 15, 123456, tzinfo=datetime.UTC)  # 00:30 on 2 July in Berlin
    create_note(persona, objection, rep, text="Twice what Ledgerly quoted.", created=filed)
    ContentRequest.objects.filter(pk=overdue.pk).update(created=filed)

    rows = list(csv.reader(io.StringIO(body(marketer_client.get(NOTES, {"export": "csv"})).decode())))
    assert rows[1][rows[0].index("Filed")] == "2026-07-02 00:30:15"
    queue = body(marketer_client.get("/admin/snippets/content/contentrequest/", {"export": "csv"})).decode()
    rows = list(csv.reader(io.StringIO(queue)))
    created, due = rows[1][rows[0].index("Created")], rows[1][rows[0].index("Due")]
    assert created == "2026-07-02 00:30:15" and due == overdue.due.isoformat()
    sheet = openpyxl.load_workbook(io.BytesIO(body(marketer_client.get(NOTES, {"export": "xlsx"})))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][values[0].index("Filed")].replace(microsecond=0) == datetime.datetime(2026, 7, 2, 0, 30, 15)
    report = body(marketer_client.get(DASHBOARD, {"report": "overdue-requests", "format": "csv"})).decode()
    assert list(csv.reader(io.StringIO(report)))[1][-1] == overdue.due.isoformat()
