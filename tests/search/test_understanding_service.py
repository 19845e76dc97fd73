"""Query understanding through the search service, the API, the page and the dashboard, on both
engines (the default embedded index, and Elasticsearch on osmem-server) with the site's own
vocabulary: personas, objections, tags, kinds and the general synonyms Marketing keeps
(personas.Synonym, shipped by a data migration)."""

import pytest

from content.factories import create_collateral
from content.models import BuyerStage, Kind
from personas.factories import create_objection, create_persona
from personas.models import Synonym
from search import service
from search.models import QueryLog

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["embedded", "elasticsearch"])
def library(request, settings):
    """The same library on the default embedded engine and on Elasticsearch (osmem-server)."""
    settings.SEARCH_ENGINE = request.param
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = request.getfixturevalue("osmem_clone").url
        settings.ELASTICSEARCH_INDEX = "understanding"
        settings.ELASTICSEARCH_PLAIN_JSON = True
    security = create_persona("Head of Security", slug="head-of-security", role="CISO / Head of Information Security")
    cfo = create_persona("CFO", slug="cfo", role="Chief Financial Officer")
    vendors = create_objection("Third-party risk", slug="vendor-risk", synonyms="vendors, vendor risk")
    create_collateral(
        title="Invoicing automation overview", summary="How invoices go out on time.", kind=Kind.ONE_PAGER
    )
    create_collateral(
        title="Ledgerline: a lender closes faster",
        summary="A lending platform cut its close by six days.",
        kind=Kind.CASE_STUDY,
        personas=[cfo],
        tags=["fintech"],
    )
    create_collateral(
        title="Fintech pricing one-pager", summary="Plans for fintech companies.", kind=Kind.ONE_PAGER, tags=["fintech"]
    )
    create_collateral(
        title="Supplier assurance pack",
        summary="Subprocessors, audits and insurance for your review.",
        kind=Kind.WHITEPAPER,
        personas=[security],
        objections=[vendors],
    )
    create_collateral(
        title="Implementation plan: 30 days to go-live",
        summary="The implementation timeline, week by week.",
        kind=Kind.DECK,
        stage=BuyerStage.ONBOARDING,
    )
    create_collateral(title="Product roadmap", summary="What ships this year, on a timeline.", kind=Kind.DECK)
    service.rebuild()
    return {"security": security, "cfo": cfo, "engine": request.param}


def search(text, **filters):
    return service.search(text, filters, exclude_ids=frozenset())


def titles(results):
    return [hit.title for hit in results.hits]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("invoic", "Invoicing automation overview"),
        ("fintech customer story", "Ledgerline: a lender closes faster"),
        ("head of security worried about vendors", "Supplier assurance pack"),
        ("ciso", "Supplier assurance pack"),
        ("impl timeline", "Implementation plan: 30 days to go-live"),
    ],
)
def test_the_issue_s_kinds_of_query_find_the_asset_first(library, query, first):
    results = search(query)
    assert results.engine == library["engine"]
    assert titles(results)[0] == first
    assert results.weak is False


def test_a_question_no_asset_answers_is_weak(library):
    results = search("does it run on a mainframe")
    assert results.weak is True


def test_a_synonym_marketing_adds_is_used_at_once(library):
    assert search("rdmap").weak is True
    Synonym.objects.create(term="rdmap", meaning="roadmap")
    results = search("rdmap")
    assert titles(results)[0] == "Product roadmap" and results.weak is False


def test_the_shipped_list_has_the_issue_s_examples():
    meanings = dict(Synonym.objects.values_list("term", "meaning"))
    assert meanings["impl"] == "implementation"
    assert meanings["mgmt"] == "management"
    assert meanings["customer story"] == "case study"


def test_a_persona_the_searcher_may_not_see_is_not_recognised(library):
    results = service.search("ciso", {}, exclude_ids=frozenset({library["security"].pk}))
    assert all(mention.facet != "persona" for mention in results.mentions)


def test_the_api_says_weak_and_the_dashboard_counts_it(library, rep_client, marketer_client):
    strong = rep_client.get("/api/search", {"q": "impl timeline"}).json()
    assert strong["weak"] is False and strong["results"][0]["title"] == "Implementation plan: 30 days to go-live"
    weak = rep_client.get("/api/search", {"q": "does it run on a mainframe"}).json()
    assert weak["weak"] is True
    log = QueryLog.objects.get(query="does it run on a mainframe")
    assert log.weak  # counted as a gap, guesses or not
    page = marketer_client.get("/admin/reports/loop/").text
    assert "Searches that found nothing useful (1)" in page
    assert "/search/?q=does+it+run+on+a+mainframe" in page


def test_the_page_says_no_strong_match_and_offers_a_request_and_chips(library, rep_client):
    # Weak, and no asset holds any of the words: no guesses to promise, one message.
    page = rep_client.get("/search/", {"q": "does it run on a mainframe"}).text
    assert "Nothing matched “does it run on a mainframe”." in page
    assert "No strong match" not in page and "closest guesses" not in page
    assert "/requests/new/?q=does%20it%20run%20on%20a%20mainframe" in page
    # Weak with guesses: said so above them.
    page = rep_client.get("/search/", {"q": "mainframe pricing"}).text
    assert "No strong match for “mainframe pricing”." in page and "Fintech pricing one-pager" in page
    assert "/requests/new/?q=mainframe%20pricing" in page
    page = rep_client.get("/search/", {"q": "fintech customer story"}).text
    assert "No strong match" not in page
    assert ">Case study</a>" in page and ">fintech</a>" in page
    page = rep_client.get("/search/", {"q": "fintech customer story", "kind": "case_study"}).text
    assert ">Case study ×</a>" in page
    # One asset has both words; the roadmap, with "timeline" alone, follows under a line saying so.
    page = rep_client.get("/search/", {"q": "impl timeline"}).text
    assert "No strong match" not in page
    assert page.index("Implementation plan: 30 days") < page.index("These match only some of your words")
    assert page.index("These match only some of your words") < page.index("Product roadmap")


def cfo_notes(library, rep, *texts):
    """Notes by `rep` on the CFO persona, one per text, under one objection."""
    from personas.factories import create_note

    objection = create_objection("Too slow", slug="too-slow")
    for text in texts:
        create_note(library["cfo"], objection, rep, text=text)


def test_grammar_words_do_not_pull_in_notes_or_personas(library, rep, rep_client):
    cfo_notes(library, rep, "They said the rollout would take all year.", "Asked whether it runs on a mainframe.")
    page = rep_client.get("/search/", {"q": "does the mainframe"}).text
    assert "Asked whether it runs on a mainframe." in page
    assert "They said the rollout would take all year." not in page


def test_notes_are_found_for_a_corrected_typo_too(library, rep, rep_client):
    cfo_notes(library, rep, "Asked for sample invoices in German.")
    page = rep_client.get("/search/", {"q": "invoces"}).text
    assert "<strong>invoices</strong> (you typed “invoces”)" in page
    assert "<mark>invoices</mark>" in page  # the passage marks the word found for the typo
    assert "Asked for sample invoices in German." in page


def test_notes_and_personas_match_words_not_parts_of_words(library, rep, rep_client):
    """ "form" is the start of "form" and "formal", not a part of "information" or "performance"."""
    cfo_notes(library, rep, "Worried about performance at month end.", "Wants the order form in German.")
    page = rep_client.get("/search/", {"q": "form"}).text
    assert "Wants the order form in German." in page
    assert "Worried about performance at month end." not in page
    assert "Head of Information Security</span>" not in page  # the persona's role
    page = rep_client.get("/search/", {"q": "perf inform"}).text
    assert "Worried about performance at month end." in page
    assert "Head of Information Security</span>" in page


def test_few_strong_matches_then_looser_ones_page_as_one_list(library, rep_client):
    """Three assets hold both words, six hold one: the API pages through all nine, in the order one
    big page gives them, with the same total whatever the page size, one included (the newcomer got
    5 of 17; a later trial saw the total change between page sizes 11 and 12)."""
    strong = {"Quarterly onboarding checklist", "Onboarding checklist for IT", "Checklist: onboarding a team"}
    for title in strong:
        create_collateral(title=title, summary="Every step, ticked.")
    for number in range(4):
        create_collateral(title=f"Checklist number {number}", summary="A list of things to check.")
    for number in range(2):
        create_collateral(title=f"Onboarding story {number}", summary="How a team got started.")
    service.rebuild()

    def page(number, size):
        answer = rep_client.get("/api/search", {"q": "onboarding checklist", "page": number, "page_size": size})
        assert answer.status_code == 200
        return answer.json()

    whole = page(1, 20)
    everything = [hit["title"] for hit in whole["results"]]
    assert set(everything[:3]) == strong and whole["strong"] == 3
    assert len(everything) == whole["total"] >= 9
    for size in (1, 2, 3, 5):
        answers = [page(number, size) for number in range(1, 1 + -(-whole["total"] // size))]
        assert {answer["total"] for answer in answers} == {whole["total"]}
        assert [hit["title"] for answer in answers for hit in answer["results"]] == everything
        assert [answer["strong"] for answer in answers] == [
            min(size, max(0, 3 - number * size)) for number in range(len(answers))
        ]
    kinds = {value["value"]: value["count"] for value in whole["facets"]["kind"]}
    assert sum(kinds.values()) == whole["total"]  # the filter counts count the looser matches too


def test_an_asset_found_by_the_kind_the_words_named_says_so(library, rep_client):
    """Ledgerline's text says nothing of a customer story: it is found because it is a case study,
    and its result says "Tagged: Case study" rather than nothing (the newcomer's case studies
    showed no reason)."""
    answer = rep_client.get("/api/search", {"q": "customer story"}).json()
    (ledgerline,) = [hit for hit in answer["results"] if hit["title"].startswith("Ledgerline")]
    assert ledgerline["highlights"] == [{"field": "Tagged", "html": "<mark>Case study</mark>"}]
    page = rep_client.get("/search/", {"q": "customer story"}).text
    assert '<span class="muted">Tagged:</span> <mark>Case study</mark>' in page
