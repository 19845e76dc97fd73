"""GET /api/search: JSON for the site (session) and integrations (per-user tokens)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.test import Client

from wagtail.models import APIToken

from personas.factories import create_persona
from search import service

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(collateral):
    service.rebuild()
    return collateral


@pytest.fixture
def token(rep):
    _instance, plaintext = APIToken.create_token(user=rep, name="CRM sidebar")
    return plaintext


def test_session_user_gets_results_with_the_documented_fields(rep_client, indexed, persona, objection):
    response = rep_client.get("/api/search", {"q": "too pricey", "persona": persona.slug})

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["engine"] == "embedded" and body["took_ms"] >= 0
    hit = body["results"][0]
    assert {"id", "external_id", "title", "url", "score", "highlights", "personas", "objections", "kind", "stage",
            "stale"} <= set(hit)  # fmt: skip
    assert (hit["id"], hit["title"], hit["url"]) == (indexed.pk, "ROI one-pager", indexed.url)
    assert hit["personas"] == [{"slug": "cfo", "name": "CFO"}]
    assert hit["objections"] == [{"slug": "price", "name": "Price is too high"}]
    assert (hit["kind"], hit["stage"], hit["stale"]) == ("one_pager", "consideration", False)
    assert {"value": "price", "label": "Price is too high", "count": 1} in body["facets"]["objection"]


def test_token_authenticates_integrations_and_revoking_it_locks_them_out(indexed, token):
    integration = Client()
    response = integration.get("/api/search", {"q": "roi"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["total"] == 1

    APIToken.objects.get().revoke()
    response = integration.get("/api/search", {"q": "roi"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer wagtail_not-a-real-token", "Basic dXNlcjpwYXNz", "Token abc"])
def test_no_or_bad_credentials_get_401_json_not_a_login_page(indexed, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/search", {"q": "roi"}, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "error" in response.json()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"persona": "astronaut"}, "Unknown persona: astronaut."),
        ({"objection": "price", "kind": "spaceship"}, "Unknown kind: spaceship."),
        ({"page": "-1"}, "page must be a whole number from 1"),
        ({"page": "two"}, "page must be a whole number from 1"),
        ({"page_size": "0"}, "page_size must be a whole number from 1 to 100"),
        ({"page_size": "5000"}, "page_size must be a whole number from 1 to 100"),
    ],
)
def test_bad_parameters_get_400_with_a_message(rep_client, indexed, params, message):
    response = rep_client.get("/api/search", {"q": "roi", **params})
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_pages_past_the_end_are_empty(rep_client, indexed):
    body = rep_client.get("/api/search", {"q": "roi", "page": "50"}).json()
    assert body["total"] == 1 and body["results"] == []


def test_reps_create_and_revoke_their_own_tokens_in_the_admin(rep_client, rep, marketer):
    assert rep_client.get("/admin/api-tokens/").status_code == 200
    response = rep_client.post("/admin/api-tokens/new/", {"name": "Chat bot", "user": rep.pk})
    assert response.status_code == 200
    token = APIToken.objects.get()
    assert (token.name, token.user) == ("Chat bot", rep)
    assert token.prefix in response.text, "the new token is shown once"

    rep_client.post(f"/admin/api-tokens/delete/{token.pk}/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_rep_cannot_create_a_token_for_someone_else(rep_client, marketer):
    rep_client.post("/admin/api-tokens/new/", {"name": "Sneaky", "user": marketer.pk})
    assert not APIToken.objects.exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.one_of(st.text(max_size=300), st.just("price\x00 roi")),
    page=st.one_of(st.integers(-5, 20_000).map(str), st.text(max_size=5)),
    page_size=st.one_of(st.integers(-5, 500).map(str), st.text(max_size=5)),
    persona=st.one_of(st.just("cfo"), st.just("\x00"), st.text(max_size=20)),
)
def test_any_input_gives_200_or_a_clear_400(rep_client, indexed, q, page, page_size, persona):
    params = {"q": q, "page": page, "page_size": page_size, "persona": persona}
    response = rep_client.get("/api/search", params)
    assert response.status_code in (200, 400), response.content
    body = response.json()
    assert "results" in body if response.status_code == 200 else body["error"]


@pytest.mark.parametrize("page", ["²", "٣", "1.5", " 2"])
def test_a_page_number_that_is_not_plain_digits_is_a_clear_400(rep_client, indexed, page):
    """Python's isdigit() accepts "²" and "٣", which int() refuses (found by hypothesis)."""
    response = rep_client.get("/api/search", {"q": "price", "page": page})
    assert response.status_code == 400
    assert "page must be a whole number" in response.json()["error"]


def test_taxonomy_changes_count_at_once_though_each_worker_keeps_it_in_memory(rep_client, indexed, objection):
    """Filter values and synonyms are held per worker; a new persona, a tag, a synonym or an
    unpublished persona must change what the next search accepts and understands."""
    assert rep_client.get("/api/search", {"persona": "ciso"}).status_code == 400
    ciso = create_persona("Head of Security", slug="ciso")
    assert rep_client.get("/api/search", {"persona": "ciso"}).status_code == 200
    ciso.unpublish()
    assert rep_client.get("/api/search", {"persona": "ciso"}).status_code == 400

    assert rep_client.get("/api/search", {"tag": "roi"}).status_code == 400
    indexed.tags.add("roi")
    assert rep_client.get("/api/search", {"tag": "roi"}).status_code == 400  # not yet on a live page
    indexed.save_revision().publish()
    assert rep_client.get("/api/search", {"tag": "roi"}).status_code == 200

    assert rep_client.get("/api/search", {"q": "daylight robbery"}).json()["total"] == 0
    objection.synonyms += ", daylight robbery"
    objection.save()
    service.rebuild()
    found = rep_client.get("/api/search", {"q": "daylight robbery"}).json()["results"]
    assert [hit["title"] for hit in found] == ["ROI one-pager"]


@pytest.mark.parametrize("typed", ["İstanbul", "istanbul", "ISTANBUL", "İSTANBUL", "i\u0307stanbul", "I\u0307stanbul"])
def test_a_word_with_a_dotted_capital_i_is_found_however_it_is_typed(rep_client, typed):
    """ "İ" lower-cases to "i" and a combining dot: held or typed that way, "İstanbul" was a word
    nobody could find, and a search for it split in two."""
    from content.factories import create_collateral

    page = create_collateral(title="Hosting options", summary="Data stays in our İstanbul region.")
    service.rebuild()
    body = rep_client.get("/api/search", {"q": typed}).json()
    assert [hit["id"] for hit in body["results"]] == [page.pk]
    assert "<mark>İstanbul</mark>" in body["results"][0]["highlights"][0]["html"]
    assert body["corrections"] == {} and not body["weak"]


def test_control_characters_in_an_assets_text_never_reach_its_passages(rep_client):
    """PDFs and exports carry control characters; HTML may not, and nobody can type them."""
    from content.factories import create_collateral

    create_collateral(title="Price\x07 list", summary="Price\x01 list\x02 for\x1f the\x85 EMEA\tregion\x7f.")
    service.rebuild()
    hit = rep_client.get("/api/search", {"q": "price list"}).json()["results"][0]
    assert hit["title"] == "Price  list"
    html = hit["highlights"][0]["html"]
    assert html == "<mark>Price</mark>  <mark>list</mark>  for  the  EMEA\tregion ."


def test_a_corrected_word_is_named_as_it_was_typed(rep_client):
    """The index folds case and accents; "you typed" shows what the person typed."""
    from content.factories import create_collateral

    create_collateral(title="Close faster", summary="Bank reconciliation in minutes.")
    service.rebuild()
    body = rep_client.get("/api/search", {"q": "Réconcilliation"}).json()
    assert body["corrections"] == {"Réconcilliation": ["reconciliation"]}
    assert body["total"] == 1
    page = rep_client.get("/search/", {"q": "Réconcilliation"}).text
    assert "(you typed “Réconcilliation”)" in page


def test_a_dotted_capital_i_written_as_two_characters_is_one_word(rep_client):
    """ "I" and a combining dot above (as some editors and exports write "İ") is "İ"."""
    from content.factories import create_collateral

    page = create_collateral(title="Hosting options", summary="Data stays in our I\u0307zmir region.")
    service.rebuild()
    body = rep_client.get("/api/search", {"q": "izmir"}).json()
    assert [hit["id"] for hit in body["results"]] == [page.pk] and body["corrections"] == {}
    assert "<mark>İzmir</mark>" in body["results"][0]["highlights"][0]["html"]


def test_html_entities_in_rich_text_are_searched_and_shown_as_the_characters_they_stand_for(rep_client):
    from content.factories import create_collateral

    body = "<p>R&amp;D teams &quot;love&quot; it &lt;3</p>"
    page = create_collateral(title="Teams", summary="For product teams.", body=body)
    service.rebuild()
    hit = rep_client.get("/api/search", {"q": "love"}).json()["results"][0]
    assert hit["id"] == page.pk
    assert hit["highlights"][0]["html"] == "R&amp;D teams &quot;<mark>love</mark>&quot; it &lt;3"
    assert rep_client.get("/api/search", {"q": "quot"}).json()["total"] == 0


def test_control_characters_invisible_characters_and_extra_spaces_typed_into_a_search_are_not_logged(rep_client):
    from search.models import QueryLog

    rep_client.get("/api/search", {"q": "price\x01list\x1b[31m"})
    rep_client.get("/search/", {"q": "price\x07list"})
    rep_client.get("/search/", {"q": " price \t  list "})
    rep_client.get("/search/", {"q": "price\u200b\u202elist\ufeff"})
    rep_client.get("/api/search", {"q": "ab " * 1000})
    logged = sorted(QueryLog.objects.values_list("query", flat=True))
    assert logged[1:] == ["price list", "price list", "price list [31m", "pricelist"]
    assert logged[0].startswith("ab ab") and len(logged[0]) <= 200 and not logged[0].endswith(" ")


@pytest.mark.parametrize("word", ["ƖVORY", "ǄEMAL", "ΟΔΟΣ", "STRAẞE", "ÉCOLE"])
def test_a_word_in_capitals_is_found_typed_in_capitals_or_lower_case(rep_client, word):
    """Letters whose lower case is not what folding gives (Ɩ, Ǆ, a final Σ, ẞ) still make one word
    of the index's and the search's side."""
    from content.factories import create_collateral

    page = create_collateral(title="Field notes", summary=f"Met the {word} team.")
    service.rebuild()
    for typed in (word, word.lower()):
        body = rep_client.get("/api/search", {"q": typed}).json()
        assert [hit["id"] for hit in body["results"]] == [page.pk], typed


def test_a_soft_hyphen_inside_a_word_does_not_split_it(rep_client):
    from content.factories import create_collateral

    page = create_collateral(title="Partners", summary="Integrates with Müller\u00adsoft ERP.")
    service.rebuild()
    body = rep_client.get("/api/search", {"q": "mullersoft"}).json()
    assert [hit["id"] for hit in body["results"]] == [page.pk] and body["corrections"] == {}
