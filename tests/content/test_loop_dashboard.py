"""Marketing's dashboard of where the loop breaks: gaps, failed searches, neglected assets, what helps."""

import csv
import datetime
import io

import pytest

from django.utils import timezone

from content.factories import create_collateral
from content.models import CollateralEvent, CollateralPage, ContentRequest
from personas.factories import create_note
from personas.models import Helped
from search.models import QueryLog

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/reports/loop/"


def csv_rows(client, report):
    response = client.get(DASHBOARD, {"report": report, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_gap_is_listed_and_the_asset_is_created_from_it(marketer_client, marketer, rep, persona, objection):
    for _ in range(3):
        create_note(persona, objection, rep, outcome="lost")
    page = marketer_client.get(DASHBOARD).text
    assert "Content gaps (1)" in page and "No asset answers it" in page
    create = f"/admin/reports/loop/create-asset/?persona={persona.pk}&amp;objection={objection.pk}"
    assert create in page
    assert csv_rows(marketer_client, "gaps")[1] == ["CFO", "Price is too high", "3", "3", "No asset answers it"]

    response = marketer_client.post(create.replace("&amp;", "&"))
    draft = CollateralPage.objects.get()
    assert response.url == f"/admin/pages/{draft.pk}/edit/"
    assert not draft.live and draft.content_owner == marketer
    assert list(draft.personas.all()) == [persona] and list(draft.objections.all()) == [objection]
    editor = marketer_client.get(response.url).text
    assert "Price is too high — for CFO" in editor


def test_an_asset_that_helps_closes_the_gap_and_one_that_rarely_helps_does_not(
    marketer_client, rep, persona, objection
):
    flop = create_collateral(title="Old deck", objections=[objection])
    for _ in range(4):
        create_note(persona, objection, rep, collateral=flop, helped=Helped.NO)
    assert "Best asset rarely helps: “Old deck”, helped 0 of 4 times" in marketer_client.get(DASHBOARD).text
    good = create_collateral(title="ROI sheet", objections=[objection])
    for _ in range(3):
        create_note(persona, objection, rep, collateral=good, helped=Helped.YES)
    page = marketer_client.get(DASHBOARD).text
    assert "Content gaps (0)" in page
    effectiveness = csv_rows(marketer_client, "effectiveness")
    # The one figure, in the words every screen uses (content.effectiveness).
    assert effectiveness[0] == ["Objection", "Asset", "Helped", "Verdict"]
    assert effectiveness[1] == ["Price is too high", "ROI sheet", "Helped 3 of 3 times", "helps most"]
    assert effectiveness[2] == ["Price is too high", "Old deck", "Helped 0 of 4 times", "helps least"]


def test_searches_that_found_nothing_most_frequent_first_with_who_searched(marketer_client, rep, marketer):
    for user, query in [(rep, "blockchain"), (marketer, "blockchain"), (rep, "=HYPERLINK(evil)"), (rep, "pricing")]:
        QueryLog.objects.create(
            query=query, result_count=0 if query != "pricing" else 4, user=user, engine="embedded", took_ms=1
        )
    rows = csv_rows(marketer_client, "searches")
    assert [row[0] for row in rows[1:]] == ["blockchain", "'=HYPERLINK(evil)"]
    assert rows[1][1] == "2" and rows[1][3] == "Morgan, Riley"
    page = marketer_client.get(DASHBOARD).text
    assert "Searches that found nothing useful (2)" in page and "/search/?q=blockchain" in page


def test_assets_with_the_same_helped_figure_get_the_same_verdict(marketer_client, rep, persona, objection):
    """A newcomer saw two assets "Helped 3 of 4 times" marked one "helps most", the other "helps least"."""
    for title in ("Alpha deck", "Beta deck", "Gamma deck", "Delta deck"):
        asset = create_collateral(title=title, objections=[objection])
        for helped in (Helped.YES, Helped.YES, Helped.YES, Helped.NO):
            create_note(persona, objection, rep, collateral=asset, helped=helped)
    rows = csv_rows(marketer_client, "effectiveness")[1:]
    assert len(rows) >= 3 and {row[2] for row in rows} == {"Helped 3 of 4 times"}
    assert {row[3] for row in rows} == {"helps most"}


def test_assets_past_review_or_unviewed_are_listed_by_owner(marketer_client, rep_client, marketer):
    stale = create_collateral(
        title="Stale deck", review_by=timezone.localdate() - datetime.timedelta(days=1), content_owner=marketer
    )
    CollateralPage.objects.filter(pk=stale.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=100))
    fresh = create_collateral(title="Fresh deck", review_by=timezone.localdate() + datetime.timedelta(days=30))
    rep_client.get(fresh.url)  # a view
    create_collateral(title="Just published", review_by=timezone.localdate() + datetime.timedelta(days=30))
    rows = {row[1]: row for row in csv_rows(marketer_client, "neglected")[1:]}
    assert rows["Stale deck"][0] == "Morgan"
    assert "Past review date" in rows["Stale deck"][2] and "No views in 90 days" in rows["Stale deck"][2]
    assert "Fresh deck" not in rows
    assert "Just published" not in rows, "an asset published this week has not had 90 days to be viewed"
    assert CollateralEvent.objects.filter(collateral=fresh, type="view").exists()


def test_overdue_requests_are_on_the_dashboard(marketer_client, rep, persona, objection):
    ContentRequest.objects.create(
        persona=persona,
        objection=objection,
        description="x",
        requested_by=rep,
        due=timezone.localdate() - datetime.timedelta(days=2),
    )
    assert "Overdue requests (1)" in marketer_client.get(DASHBOARD).text


def test_only_marketing_sees_the_dashboard(client, rep_client, persona, objection):
    assert rep_client.get(DASHBOARD).status_code in (302, 403)
    assert "Where the loop breaks" not in rep_client.get("/admin/").text
    create = f"/admin/reports/loop/create-asset/?persona={persona.pk}&objection={objection.pk}"
    assert rep_client.post(create).status_code in (302, 403)
    assert not CollateralPage.objects.exists()
    assert client.get(DASHBOARD).status_code == 302


def test_bad_links_get_404_not_500(marketer_client, persona):
    assert marketer_client.post("/admin/reports/loop/create-asset/?persona=abc&objection=").status_code == 404
    assert marketer_client.get(DASHBOARD, {"report": "nope", "format": "csv"}).status_code == 404
    assert marketer_client.get("/admin/reports/loop/create-asset/").status_code == 405


def test_one_search_typed_in_other_case_or_with_curly_quotes_is_one_row(marketer_client, rep, marketer):
    """Phones type curly apostrophes and quotes, people capitals: still one search to write for."""
    for user, query in [
        (rep, "Customer’s “SOC 2” report"),
        (marketer, 'customer\'s "soc 2" report'),
        (rep, 'CUSTOMER\'S "SOC 2" REPORT'),
        (rep, "customer reports"),
    ]:
        QueryLog.objects.create(query=query, result_count=0, user=user, engine="embedded", took_ms=1)
    rows = csv_rows(marketer_client, "searches")
    assert len(rows) == 3
    assert rows[1][0].lower().replace("’", "'").replace("“", '"').replace("”", '"') == 'customer\'s "soc 2" report'
    assert rows[1][1] == "3" and rows[1][3] == "Morgan, Riley"
    assert rows[2][:2] == ["customer reports", "1"]
