"""Persona pages that learn from the field: counts, trend, lost share, quotes, assets that helped."""

import pytest

from wagtail.models import APIToken

from content.factories import create_collateral
from content.models import CollateralEvent
from personas.factories import create_note, create_objection, days_ago
from personas.insights import persona_insights
from personas.models import Helped, ObjectionNote, Outcome
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_notes(persona, objection, rep):
    """Price: 3 notes in the last 90 days (1 lost), 1 in the 90 before, 1 older. Security: 1 recent."""
    security = create_objection("Security review", slug="security")
    for days, outcome in [
        (1, Outcome.LOST),
        (10, Outcome.WON),
        (80, Outcome.OPEN),
        (100, Outcome.LOST),
        (400, Outcome.OPEN),
    ]:
        create_note(persona, objection, rep, text=f"Price, {days} days ago", created=days_ago(days), outcome=outcome)
    create_note(persona, security, rep, text="Is it SOC 2?", created=days_ago(3))
    create_note(persona, security, rep, text="hidden", created=days_ago(2), status=ObjectionNote.Status.HIDDEN)
    return security


def test_objections_are_ranked_by_the_last_90_days_with_change_and_lost_share(persona, field_notes):
    price, security = persona_insights(persona, frozenset()).objections
    assert (price.slug, price.count_90d, price.count_prev_90d, price.count_all) == ("price", 3, 1, 5)
    assert price.change == 2
    assert price.lost_share == pytest.approx(1 / 3, abs=0.001)
    assert (security.slug, security.count_90d, security.count_all, security.lost_share) == ("security", 1, 1, 0)
    assert [quote["text"] for quote in price.quotes] == [
        "Price, 1 days ago",
        "Price, 10 days ago",
        "Price, 80 days ago",
    ]
    assert [quote["text"] for quote in security.quotes] == ["Is it SOC 2?"]  # hidden notes never show


def test_assets_that_helped_most_come_first_with_the_evidence(persona, objection, rep, marketer, field_notes):
    proven = create_collateral(title="ROI calculator", objections=[objection])
    untried = create_collateral(title="Price list", objections=[objection])
    flop = create_collateral(title="Discount policy")  # not tagged, but reps used it against price
    for helped in (Helped.YES, Helped.YES, Helped.NO):
        create_note(persona, objection, rep, collateral=proven, helped=helped)
    for _ in range(2):
        create_note(persona, objection, rep, collateral=flop, helped=Helped.NO)
    CollateralEvent.objects.create(collateral=proven, type="helped", user=marketer)

    price = persona_insights(persona, frozenset()).objections[0]
    assert [(asset.title, asset.helped, asset.not_helped) for asset in price.top_assets] == [
        ("ROI calculator", 3, 1),
        ("Price list", 0, 0),
        ("Discount policy", 0, 2),
    ]
    assert untried.pk in [asset.id for asset in price.top_assets]
    assert persona_insights(persona, frozenset()).objections[1].top_assets == []  # nothing answers security


def test_the_persona_page_shows_insights_a_gap_and_a_request_button(rep_client, persona, field_notes):
    page = rep_client.get(persona.url).text
    assert "What they object to now" in page
    assert "<strong>3</strong> in the last 90 days" in page
    assert "up 2" in page and "33% of these deals lost" in page
    assert "No asset answers this yet." in page
    assert f"/requests/new/?persona={persona.slug}&amp;objection=security" in page
    assert '<svg viewBox="0 0 480 160" role="img"' in page
    assert "<title>Security review: 1 in the week of" in page


def test_a_new_note_shows_at_once_even_though_insights_are_cached(rep_client, rep, persona, objection):
    assert "No notes filed for this persona yet" in rep_client.get(persona.url).text
    create_note(persona, objection, rep, text="Too pricey for this year")
    assert "<strong>1</strong> in the last 90 days" in rep_client.get(persona.url).text
    create_note(persona, objection, rep, text="Again")
    assert "<strong>2</strong> in the last 90 days" in rep_client.get(persona.url).text


def test_insights_json_for_integrations(client, persona, objection, rep, field_notes):
    _token, secret = APIToken.create_token(user=rep, name="crm")
    response = client.get(f"/api/personas/{persona.slug}/insights", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    data = response.json()
    assert data["persona"]["slug"] == "cfo"
    price = data["objections"][0]
    assert {key: price[key] for key in ("slug", "name", "count_90d", "count_prev_90d", "count_all")} == {
        "slug": "price",
        "name": "Price is too high",
        "count_90d": 3,
        "count_prev_90d": 1,
        "count_all": 5,
    }
    assert price["lost_share"] == 0.333
    assert price["quotes"][0]["text"] == "Price, 1 days ago"
    assert price["top_assets"] == []


def test_insights_json_refuses_strangers_and_unknown_personas(client, rep_client, persona):
    assert client.get(f"/api/personas/{persona.slug}/insights").status_code == 401
    missing = rep_client.get("/api/personas/nobody/insights")
    assert missing.status_code == 404
    assert "nobody" in missing.json()["error"]


def test_quotes_are_escaped(rep_client, rep, persona, objection):
    create_note(persona, objection, rep, text='<script>alert("x")</script> too pricey')
    page = rep_client.get(persona.url).text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_a_rep_without_a_team_sees_the_gap_but_no_request_button(persona, field_notes):
    from tests.conftest import client_for

    page = client_for(make_user("visitor")).get(persona.url).text
    assert "No asset answers this yet." in page
    assert "/requests/new/" not in page
