"""A page number far past the results never makes an engine collect billions of hits: tantivy
aborted the whole process on /search/?page=999999999 (an attacker's find). Pages are bounded by
search.service.MAX_RESULT_WINDOW on the site page, the API and the service."""

import pytest

from search import service

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(collateral):
    service.rebuild()
    return collateral


@pytest.mark.parametrize("page", ["999999999", "999999999999999999999", "9" * 5000, "-3", "x"])
def test_a_huge_or_odd_page_number_on_the_search_page_answers_calmly(rep_client, indexed, page):
    for params in ({"q": "roi", "page": page}, {"page": page}):
        response = rep_client.get("/search/", params, follow=True)
        assert response.status_code == 200
        # A page past the end goes to the last one (newcomer trial, session 7: it said "1 found"
        # above "Nothing matched").
        assert "ROI one-pager" in response.text and "Nothing matched" not in response.text
    # The server still answers afterwards (the process was not killed).
    assert "ROI one-pager" in rep_client.get("/search/", {"q": "roi"}).text


def test_the_api_refuses_a_page_past_the_result_window_with_a_clear_400(rep_client, indexed):
    response = rep_client.get("/api/search", {"q": "roi", "page": "101", "page_size": "100"})
    assert response.status_code == 400 and "page must be a whole number from 1 to 100" in response.json()["error"]
    assert rep_client.get("/api/search", {"q": "roi", "page": "100", "page_size": "100"}).json()["results"] == []


def test_the_service_itself_keeps_inside_the_window(indexed):
    results = service.search("roi", page=10**12, page_size=10, exclude_ids=frozenset())
    assert results.hits == [] and results.total >= 1
