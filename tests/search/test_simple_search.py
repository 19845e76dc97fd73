"""The start page's plain search over collateral titles and summaries, and persona names."""

import pytest

from content.factories import create_collateral

pytestmark = pytest.mark.django_db


def test_search_finds_collateral_by_title_and_summary_words(rep_client, collateral, persona):
    create_collateral(title="Security overview", summary="SOC 2 Type II and ISO 27001.")

    by_title = rep_client.get("/search/", {"q": "roi one-pager"}).text
    assert "ROI one-pager" in by_title and "Security overview" not in by_title

    by_summary = rep_client.get("/search/", {"q": "soc"}).text
    assert "Security overview" in by_summary and "ROI one-pager" not in by_summary

    personas = rep_client.get("/search/", {"q": "financial"}).text
    assert persona.title in personas


def test_search_with_no_match_says_so(rep_client, collateral):
    response = rep_client.get("/search/", {"q": "blockchain"})
    assert "Nothing matched" in response.text
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "query",
    ['" * ( ) : - + ~ ^ AND OR NOT', "x" * 5000, "😀 ünïcödé", "'; DROP TABLE wagtailcore_page; --", "%", "_"],
)
def test_odd_queries_never_fail(rep_client, collateral, query):
    response = rep_client.get("/search/", {"q": query, "page": "-3"})
    assert response.status_code == 200
