"""Suggestions for the header search box: an objection whose name has a word starting with what
was typed is offered first, even when many others mention the letters in their synonyms."""

import pytest

from personas.factories import create_objection

pytestmark = pytest.mark.django_db


def labels(client, text):
    response = client.get("/api/suggest", {"q": text})
    assert response.status_code == 200
    return [item["label"] for item in response.json()["suggestions"] if item["type"] == "objection"]


def test_pri_offers_price_is_too_high_first(rep_client, objection):
    for name in ("Security review", "Not a priority", "Data privacy", "Integration"):
        create_objection(name, synonyms="pricing of audits, enterprise pricing, surprise costs")
    create_objection("Privacy", slug="privacy-only")
    # Names starting with "pri" first, then names with a later word starting so, then synonyms.
    assert labels(rep_client, "pri") == ["Price is too high", "Privacy", "Data privacy"]
    assert labels(rep_client, "too hi") == ["Price is too high"]
    assert labels(rep_client, "p") == []  # two letters at least


def test_suggestions_from_the_taxonomy_are_kept_until_it_changes(rep_client, objection, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def suggested(text):
        with CaptureQueriesContext(connection) as queries:
            response = rep_client.get("/api/suggest", {"q": text})
        return [item["label"] for item in response.json()["suggestions"]], len(queries)

    first, first_queries = suggested("pri")
    again, again_queries = suggested("pri")
    assert first == again == ["Price is too high"]
    assert again_queries < first_queries  # the objections and personas were not read again
    # Renaming an objection or a persona moves the taxonomy version on: the next answer shows it.
    objection.name = "Pricing questions"
    objection.save()
    assert suggested("pri")[0] == ["Pricing questions"]
    persona.title = "Principal CFO"
    persona.save_revision().publish()
    assert "Principal CFO" in suggested("pri")[0]
