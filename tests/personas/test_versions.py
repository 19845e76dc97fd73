"""Every bulk write shows at once: persona insights, helped figures and search's filter values are
cached, and each bulk path (moderation, merging, a plain queryset update) moves them on.

Each test first opens the page, so what it shows is cached, then changes rows without saving
them one by one, then opens the page again.
"""

import re

import pytest

from content.models import CollateralKind
from personas.factories import create_note, create_objection
from personas.merging import merge_objections
from personas.models import Helped, ObjectionNote
from search.taxonomy import known_values
from tests.personas.test_bulk_moderation import bulk_url

pytestmark = pytest.mark.django_db


def insight_counts(client, persona):
    """{objection slug: notes in the last 90 days} as the persona page shows them."""
    page = client.get(persona.url).text
    found = re.findall(r'data-insight="([^"]+)">.*?<strong>(\d+)</strong> in the last 90 days', page, re.S)
    return {slug: int(count) for slug, count in found}


def helped_figure(client, page):
    return re.search(r"data-helped-figure>([^<(]+)", client.get(page.url).text).group(1).strip()


@pytest.fixture
def notes(persona, objection, rep, collateral):
    return [
        create_note(persona, objection, rep, text=f"note {n}", collateral=collateral, helped=Helped.YES)
        for n in range(3)
    ]


def test_bulk_hide_and_show_change_the_persona_page_at_once(marketer_client, rep_client, persona, notes):
    assert insight_counts(rep_client, persona) == {"price": 3}
    marketer_client.post(bulk_url("hide_notes", notes[:2]), {"hidden_reason": "Names the customer."})
    assert insight_counts(rep_client, persona) == {"price": 1}
    marketer_client.post(bulk_url("show_notes", notes[:1]))
    assert insight_counts(rep_client, persona) == {"price": 2}


def test_bulk_hide_changes_the_assets_helped_figure_at_once(marketer_client, rep_client, collateral, notes):
    assert helped_figure(rep_client, collateral) == "Helped 3 of 3 times"
    marketer_client.post(bulk_url("hide_notes", notes), {"hidden_reason": "Names the customer."})
    assert helped_figure(rep_client, collateral) == "No feedback yet"


def test_bulk_recategorise_moves_the_counts_at_once(marketer_client, rep_client, persona, notes):
    security = create_objection("Security review", slug="security")
    assert insight_counts(rep_client, persona) == {"price": 3}
    marketer_client.post(bulk_url("recategorise_notes", notes[1:]), {"objection": security.pk})
    assert insight_counts(rep_client, persona) == {"security": 2, "price": 1}


def test_merging_moves_the_counts_at_once(rep_client, persona, objection, rep, notes):
    expensive = create_objection("Too expensive", slug="too-expensive")
    create_note(persona, expensive, rep, text="Costly")
    assert insight_counts(rep_client, persona) == {"price": 3, "too-expensive": 1}
    merge_objections(expensive, objection)
    assert insight_counts(rep_client, persona) == {"price": 4}


def test_any_queryset_update_of_notes_shows_at_once(rep_client, persona, notes):
    """The next bulk path cannot forget: the notes' queryset itself moves the version on."""
    assert insight_counts(rep_client, persona) == {"price": 3}
    ObjectionNote.objects.filter(pk=notes[0].pk).update(status=ObjectionNote.Status.HIDDEN)
    assert insight_counts(rep_client, persona) == {"price": 2}


def test_bulk_created_kinds_are_filter_values_at_once(db):
    assert known_values("kind", ["webinar"]) == []
    CollateralKind.objects.bulk_create([CollateralKind(label="Webinar", slug="webinar")])
    assert known_values("kind", ["webinar"]) == ["webinar"]
    CollateralKind.objects.filter(slug="webinar").update(slug="recorded-webinar")
    assert known_values("kind", ["webinar", "recorded-webinar"]) == ["recorded-webinar"]


def test_inside_remembered_each_version_is_read_once_and_a_bump_is_seen_at_once(monkeypatch):
    from django.core.cache import cache

    from home import versions

    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args: reads.append(key) or real_get(key, *args))
    first = versions.current(versions.FIELD_RECORDS)
    reads.clear()
    with versions.remembered():
        assert versions.current(versions.FIELD_RECORDS) == versions.current(versions.FIELD_RECORDS) == first
        assert reads.count(versions.FIELD_RECORDS) == 1
        versions.bump(versions.FIELD_RECORDS)
        moved = versions.current(versions.FIELD_RECORDS)
        assert moved != first
    assert versions.current(versions.FIELD_RECORDS) == moved  # and every other worker reads it too
