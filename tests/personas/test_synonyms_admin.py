"""General search synonyms are a snippet Marketing edits beside the objections; Sales may not."""

import pytest

from personas.models import Synonym

pytestmark = pytest.mark.django_db

LISTING = "/admin/snippets/personas/synonym/"
ADD = "/admin/snippets/personas/synonym/add/"


def test_marketing_lists_and_adds_synonyms(marketer_client):
    listing = marketer_client.get(LISTING)
    assert listing.status_code == 200
    assert "customer story" in listing.text and "case study" in listing.text  # the shipped list
    response = marketer_client.post(ADD, {"term": "  Rdmap ", "meaning": "roadmap"})
    assert response.status_code == 302
    assert Synonym.objects.get(term="rdmap").meaning == "roadmap"


def test_a_word_cannot_mean_itself_and_a_term_is_listed_once(marketer_client):
    response = marketer_client.post(ADD, {"term": "Roadmap", "meaning": "roadmap"})
    assert response.status_code == 200 and "A word cannot be a synonym of itself." in response.text
    response = marketer_client.post(ADD, {"term": "impl", "meaning": "implant"})
    assert response.status_code == 200 and not Synonym.objects.filter(meaning="implant").exists()


def test_sales_can_neither_see_nor_change_the_list(rep_client):
    impl = Synonym.objects.get(term="impl")
    for url in (LISTING, ADD, f"{LISTING}edit/{impl.pk}/", f"{LISTING}delete/{impl.pk}/"):
        response = rep_client.get(url)
        assert response.status_code in (302, 403), url
        assert "/admin/" in response.get("Location", "/admin/")
    rep_client.post(ADD, {"term": "impl", "meaning": "impala"})
    rep_client.post(f"{LISTING}edit/{impl.pk}/", {"term": "impl", "meaning": "impala"})
    rep_client.post(f"{LISTING}delete/{impl.pk}/")
    impl.refresh_from_db()
    assert impl.meaning == "implementation"
    menu = rep_client.get("/admin/").text
    assert LISTING not in menu
