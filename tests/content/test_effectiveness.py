"""One helped figure per asset, read at query time: every screen shows the same words, a passing
review date demotes an asset with no re-index, and notes and clicks write nothing to an index."""

import datetime
import html

import pytest

from django.utils import timezone

from content import effectiveness
from content.factories import create_collateral
from content.models import CollateralEvent, CollateralPage
from personas.factories import create_note, create_persona
from personas.models import Helped, ObjectionNote
from search import service

pytestmark = pytest.mark.django_db

FIGURE = "Helped 3 of 4 times"


@pytest.fixture
def answered(collateral, persona, objection, rep, marketer):
    """The ROI one-pager, answered in every way there is: 3 helped and 1 did not, once counted."""
    other = create_persona("CTO", slug="cto", role="Chief Technology Officer")
    create_note(persona, objection, rep, collateral=collateral, helped=Helped.YES)
    create_note(other, objection, rep, collateral=collateral, helped=Helped.YES)  # another persona counts too
    create_note(persona, objection, rep, collateral=collateral, helped=Helped.NO)
    create_note(persona, objection, rep, collateral=collateral, helped=Helped.UNKNOWN)  # no answer
    create_note(
        persona, objection, rep, collateral=collateral, helped=Helped.YES, status=ObjectionNote.Status.HIDDEN
    )  # hidden by a moderator: not counted
    CollateralEvent.objects.create(collateral=collateral, type=CollateralEvent.Type.HELPED, user=marketer)
    CollateralEvent.objects.create(collateral=collateral, type=CollateralEvent.Type.VIEW, user=marketer)
    service.rebuild()
    return collateral


def test_every_screen_shows_the_same_figure_in_the_same_words(answered, rep_client, marketer_client, persona):
    effect = effectiveness.for_page(answered.pk)
    assert (effect.helped, effect.not_helped, effect.label) == (3, 1, FIGURE)

    search_page = rep_client.get("/search/", {"q": "roi"}).text
    api = rep_client.get("/api/search", {"q": "roi"}).json()["results"][0]
    asset_page = rep_client.get(answered.url).text
    persona_page = rep_client.get(persona.url).text
    dashboard = html.unescape(marketer_client.get("/admin/reports/loop/").text)
    assert FIGURE in search_page
    assert (api["helped"], api["not_helped"], api["helped_label"]) == (3, 1, FIGURE)
    assert FIGURE in asset_page
    assert FIGURE in persona_page
    assert FIGURE in dashboard
    for text in (search_page, asset_page, persona_page, dashboard):
        assert "1 said it helped" not in text and "80%" not in text


def test_the_figure_has_words_for_no_answers_and_one_answer():
    assert effectiveness.helped_label(0, 0) == "No feedback yet"
    assert effectiveness.helped_label(1, 0) == "Helped 1 of 1 time"
    assert effectiveness.helped_label(0, 2) == "Helped 0 of 2 times"


def test_for_pages_reads_any_number_of_assets_in_three_queries_then_from_the_cache(
    answered, persona, rep, objection, django_assert_num_queries
):
    others = [create_collateral(title=f"Deck {number}", personas=[persona]) for number in range(20)]
    ids = [answered.pk, *(page.pk for page in others)]
    with django_assert_num_queries(3):
        effects = effectiveness.for_pages(ids)
    assert effects[answered.pk].label == FIGURE
    assert {effects[page.pk].label for page in others} == {"No feedback yet"}
    with django_assert_num_queries(0):
        assert effectiveness.for_pages(ids) == effects
    # A new answer moves the shared version on: the next read counts it.
    create_note(persona, objection, rep, collateral=others[0], helped=Helped.YES)
    with django_assert_num_queries(3):
        assert effectiveness.for_pages(ids)[others[0].pk].label == "Helped 1 of 1 time"


def test_staleness_starts_the_day_after_the_review_date():
    today = datetime.date(2026, 11, 30)
    due_today = effectiveness.Effectiveness(1, review_by=today, today=today)
    assert not due_today.stale
    assert effectiveness.Effectiveness(1, review_by=today, today=today + datetime.timedelta(days=1)).stale
    assert due_today.factor == pytest.approx(1.0)
    assert effectiveness.Effectiveness(1, 6, 0, review_by=today, today=today + datetime.timedelta(days=1)).factor < 1


def pricing_pair(persona):
    first = create_collateral(title="Pricing sheet A", summary="pricing", personas=[persona])
    second = create_collateral(title="Pricing sheet B", summary="pricing", personas=[persona])
    service.rebuild()
    return first, second


def titles(results):
    return [hit.title for hit in results.hits]


def test_a_review_date_passing_demotes_the_asset_with_no_write_to_the_index(persona, monkeypatch):
    today = timezone.localdate()
    first = create_collateral(title="Pricing sheet A", summary="pricing", personas=[persona], review_by=today)
    create_collateral(title="Pricing sheet B", summary="pricing", personas=[persona])
    service.rebuild()
    results = service.search("pricing", exclude_ids=frozenset())
    assert titles(results) == ["Pricing sheet A", "Pricing sheet B"] and not results.hits[0].stale
    assert first.pk == results.hits[0].id
    writes = []
    monkeypatch.setattr(service.embedded_engine(), "index", writes.append)
    # Tomorrow: nothing was saved, no task ran, nothing was indexed.
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))
    results = service.search("pricing", exclude_ids=frozenset())
    assert titles(results) == ["Pricing sheet B", "Pricing sheet A"]  # demoted, never hidden
    assert [hit.stale for hit in results.hits] == [False, True]
    assert writes == []


def test_notes_and_clicks_reindex_nothing_yet_rerank_at_once(
    persona, objection, rep, marketer, monkeypatch, django_capture_on_commit_callbacks
):
    first, second = pricing_pair(persona)
    queued = []
    monkeypatch.setattr(service, "index_collateral", queued.append)  # what the indexing task calls
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            create_note(persona, objection, rep, collateral=second, helped=Helped.YES)
        CollateralEvent.objects.create(collateral=first, type=CollateralEvent.Type.NOT_HELPED, user=marketer)
    assert queued == []
    hits = service.search("pricing", exclude_ids=frozenset()).hits
    assert [(hit.title, hit.helped_label) for hit in hits] == [
        ("Pricing sheet B", "Helped 3 of 3 times"),
        ("Pricing sheet A", "Helped 0 of 1 time"),
    ]


def test_relevance_comes_before_the_helped_figure(persona, objection, rep):
    title_match = create_collateral(title="Pricing", summary="What it costs.", personas=[persona])
    body_match = create_collateral(
        title="Customer stories", summary="Ten customers.", body="<p>One mentions pricing.</p>", personas=[persona]
    )
    service.rebuild()
    for _ in range(6):
        create_note(persona, objection, rep, collateral=title_match, helped=Helped.NO)
        create_note(persona, objection, rep, collateral=body_match, helped=Helped.YES)
    assert titles(service.search("pricing", exclude_ids=frozenset())) == ["Pricing", "Customer stories"]
    assert title_match.pk < body_match.pk


def test_pages_past_the_reranked_candidates_show_each_asset_once(persona, monkeypatch):
    monkeypatch.setattr(service, "CANDIDATES", 3)
    pages = [create_collateral(title=f"Quarterly deck {n}", summary="quarterly", personas=[persona]) for n in range(7)]
    service.rebuild()
    CollateralPage.objects.filter(pk=pages[0].pk).update(review_by=timezone.localdate() - datetime.timedelta(days=3))
    seen = []
    for number in (1, 2, 3, 4):
        results = service.search("quarterly", page=number, page_size=2, exclude_ids=frozenset())
        assert results.total == 7
        seen += [hit.id for hit in results.hits]
    assert sorted(seen) == sorted(page.pk for page in pages)


def test_the_shown_page_has_highlights_and_browsing_puts_helpful_current_assets_first(persona, objection, rep):
    first, second = pricing_pair(persona)
    create_note(persona, objection, rep, collateral=first, helped=Helped.YES)
    CollateralPage.objects.filter(pk=second.pk).update(review_by=timezone.localdate() - datetime.timedelta(days=1))
    (hit, _other) = service.search("pricing", exclude_ids=frozenset()).hits
    assert hit.highlights and "<mark>pricing</mark>" in hit.highlights[0]["html"]
    browsed = service.search("", exclude_ids=frozenset())
    assert titles(browsed)[0] == "Pricing sheet A" and browsed.hits[-1].stale
