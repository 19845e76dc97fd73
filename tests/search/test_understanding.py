"""Query understanding on both engines (the embedded tantivy index, and Elasticsearch on
osmem-server): the kinds of query in issue 11.

Each query is read by search.understanding against a vocabulary built the way the site builds it
(personas, kinds, stages, tags, objections, the shipped general synonyms), turned into a
SearchQuery by search.service.build_query, and answered through search.service.run, which flags
weak answers. Both engines read the SearchQuery fields as its docstring says.
"""

import importlib

import pytest

from content.models import BuyerStage, Kind
from search import service
from search.engines.elastic import ElasticEngine
from search.engines.embedded import EmbeddedEngine
from search.understanding import Vocabulary, understand
from tests.search.contract import doc

STARTING_SYNONYMS = importlib.import_module(
    "personas.migrations.0008_starting_synonyms_and_permissions"
).STARTING_SYNONYMS

VOCABULARY = Vocabulary.build(
    personas=[
        ("head-of-security", "Head of Security", "CISO / Head of Information Security"),
        ("cfo", "CFO", "Chief Financial Officer"),
        ("vp-sales", "VP Sales", "Vice President of Sales"),
    ],
    kinds=Kind.choices,
    stages=BuyerStage.choices,
    tags=[("fintech", "Fintech"), ("retail", "Retail"), ("salesforce", "Salesforce")],
    objections=[
        ("vendor-risk", "Third-party risk", ["vendors", "vendor risk", "supplier risk"]),
        ("price", "Price is too high", ["too pricey", "too expensive"]),
    ],
    synonyms=STARTING_SYNONYMS,
)

LIBRARY = [
    doc(1, "Invoicing automation overview", summary="How invoices go out on time, every time.",
        body="Recurring invoicing, credit notes and reminders.", facets={"kind": ["one_pager"]}),
    doc(2, "Ledgerline: fintech lender closes faster", summary="A lending platform cut its close by six days.",
        taxonomy="Fintech · CFO", facets={"kind": ["case_study"], "tag": ["fintech"], "persona": ["cfo"]}),
    doc(3, "Fintech pricing one-pager", summary="Plans for fintech companies and what a story of growth costs.",
        body="A customer can start small.", taxonomy="Fintech",
        facets={"kind": ["one_pager"], "tag": ["fintech"]}),
    doc(4, "Retail chain goes live in a month", summary="A customer story from retail.",
        taxonomy="Retail", facets={"kind": ["case_study"], "tag": ["retail"]}),
    doc(5, "Supplier assurance pack", summary="Our subprocessors, audits and insurance for your review.",
        taxonomy="Head of Security · Third-party risk",
        facets={"persona": ["head-of-security"], "objection": ["vendor-risk"], "kind": ["whitepaper"]}),
    doc(6, "Security overview", summary="Encryption, access control and monitoring.",
        body="Our vendors are reviewed every year.", facets={"kind": ["whitepaper"]}),
    doc(7, "Implementation plan: 30 days to go-live", summary="The implementation timeline, week by week.",
        facets={"kind": ["deck"], "stage": ["onboarding"]}),
    doc(8, "Product timeline and roadmap", summary="What ships this year.", body="A timeline of releases.",
        facets={"kind": ["deck"]}),
    doc(9, "Support and escalation FAQ", summary="Who to call, and how fast we answer.",
        body="Our support team runs on weekdays; a severity one outage pages the on-call engineer.",
        facets={"kind": ["faq"]}),
    doc(10, "Scattered words", summary="The implementation of reporting.", body="Another timeline elsewhere.",
        facets={"kind": ["faq"]}),
    doc(11, "Business case template", summary="Make the case to your board: a template for the business case.",
        body="Case by case, the costs of waiting.", facets={"kind": ["deck"]}),
    doc(12, "Follow-up email after a demo", summary="Copy, adapt and send.", facets={"kind": ["email_template"]}),
    doc(13, "Email deliverability datasheet", summary="How our invoices reach the inbox: email authentication.",
        body="Email, email and more email.", facets={"kind": ["datasheet"]}),
    doc(14, "ROI of automation", summary="What automating collections returns.", facets={"kind": ["one_pager"]}),
    doc(15, "Payback calculator", summary="Fill in your volumes.", facets={"kind": ["roi_calculator"]}),
]  # fmt: skip


@pytest.fixture(params=["embedded", "elasticsearch"])
def engine(request, tmp_path):
    """The library in each engine: the embedded tantivy index (the default) and Elasticsearch on osmem-server."""
    if request.param == "embedded":
        engine = EmbeddedEngine(tmp_path / "index")
        engine.rebuild(LIBRARY)
        yield engine
        engine.close()
        return
    osmem_clone = request.getfixturevalue("osmem_clone")
    engine = ElasticEngine(osmem_clone.url, alias="understanding", plain_json=True)
    engine.index(LIBRARY)
    yield engine


def ask(engine, text, **filters):
    query, mentions = service.build_query(text, filters, page_size=10, exclude_ids=frozenset(), vocab=VOCABULARY)
    return service.run(engine.search, query), mentions


def titles(results):
    return [hit.title for hit in results.hits]


def test_a_word_cut_short_finds_by_prefix(engine):
    results, _ = ask(engine, "invoic")
    assert titles(results)[0] == "Invoicing automation overview"
    assert not results.weak


def test_kind_and_tag_words_rank_tagged_case_studies_first(engine):
    results, mentions = ask(engine, "fintech customer story")
    found = titles(results)
    assert found[0] == "Ledgerline: fintech lender closes faster"
    # The one-pager only shares a word; a retail case study is the kind but not the industry.
    assert "Fintech pricing one-pager" not in found[:1]
    assert "Retail chain goes live in a month" not in found[:1]
    assert {(m.facet, m.slug) for m in mentions} == {("kind", "case_study"), ("tag", "fintech")}
    assert not results.weak


@pytest.mark.parametrize("text", ["case studies", "customer stories", "email templates", "email template"])
def test_words_naming_a_kind_find_that_kind_before_assets_sharing_a_word_of_its_name(engine, text):
    """A kind's name says what form an asset takes: "case" in a business case template, or
    "email" in a datasheet about email, is no reason to rank them above the case studies or the
    email templates (Term.kinds). "email templates" names the kind though "email" alone also
    stands for it (search.understanding.expand)."""
    results, mentions = ask(engine, text)
    kind = "email_template" if "email" in text else "case_study"
    assert [(m.facet, m.slug) for m in mentions] == [("kind", kind)]
    expected = {
        "case_study": {"Ledgerline: fintech lender closes faster", "Retail chain goes live in a month"},
        "email_template": {"Follow-up email after a demo"},
    }[kind]
    assert set(titles(results)[: len(expected)]) == expected
    assert not results.weak


def test_a_kind_s_words_still_find_other_assets_about_them_after_that_kind(engine):
    results, _ = ask(engine, "roi calculator")
    assert titles(results)[:2] == ["Payback calculator", "ROI of automation"]


def test_a_persona_named_by_role_and_an_objection_synonym_find_their_assets(engine):
    results, mentions = ask(engine, "head of security worried about vendors")
    assert titles(results)[0] == "Supplier assurance pack"
    assert ("persona", "head-of-security") in {(m.facet, m.slug) for m in mentions}
    # The abbreviation, derived from the role's words, names the same persona.
    results, mentions = ask(engine, "ciso")
    assert titles(results)[0] == "Supplier assurance pack"
    assert [m.label for m in mentions] == ["Head of Security"]


def test_an_abbreviation_is_expanded_and_the_phrase_ranks_above_scattered_words(engine):
    results, _ = ask(engine, "impl timeline")
    found = titles(results)
    assert found[0] == "Implementation plan: 30 days to go-live"
    assert found.index("Implementation plan: 30 days to go-live") < found.index("Scattered words")
    assert "Product timeline and roadmap" not in found[:1]
    assert not results.weak


def test_a_question_nothing_answers_is_weak_with_a_few_guesses(engine):
    results, _ = ask(engine, "does it run on a mainframe")
    assert results.weak
    # Nothing says mainframe: at most the loose guesses, never the whole library.
    assert results.total < len(LIBRARY)


def test_grammar_words_are_never_highlighted(engine):
    results, _ = ask(engine, "the implementation of the timeline")
    marked = " ".join(h["html"] for hit in results.hits for h in hit.highlights)
    assert "<mark>timeline</mark>" in marked.lower() or "<mark>implementation</mark>" in marked.lower()
    assert "<mark>the</mark>" not in marked.lower() and "<mark>of</mark>" not in marked.lower()


def test_one_common_word_does_not_return_the_library(engine):
    results, _ = ask(engine, "spanish version of the overview")
    assert results.weak  # "overview" alone is not what was asked


def test_understanding_never_requires_grammar_words():
    understood = understand("my prospect says the cfo thinks it is too pricey", VOCABULARY)
    assert [term.text for term in understood.terms] == ["cfo", "too pricey"]
    assert {"my", "prospect", "says", "the", "it", "is"} <= set(understood.grammar)
    assert understood.boosts == {"persona": ("cfo",), "objection": ("price",)}
    assert understand("vp sales", VOCABULARY).boosts == {"persona": ("vp-sales",)}


def test_words_are_read_as_the_index_reads_them_and_counted_once():
    # NFKC, as extracted text is: a ligature or full-width letters name the same tag.
    assert understand("ﬁntech ＣＡＳＥ-STUDIES", VOCABULARY).boosts == {"tag": ("fintech",), "kind": ("case_study",)}
    # A word typed twice is one meaningful term, so it cannot satisfy the minimum share alone.
    understood = understand("impl impl mainframe", VOCABULARY)
    assert [term.text for term in understood.terms] == ["implementation", "mainframe"]
    assert understood.minimum_should_match == 2


# How a mention's kind weighs against the others (issue 11: general rules, no query's own).

NEEDS = Vocabulary.build(
    personas=[("cfo", "CFO", "Chief Financial Officer")],
    tags=[("salesforce", "Salesforce")],
    objections=[
        ("price", "Price is too high", ["too pricey", "too expensive"]),
        ("integration", "Integration with our stack", ["integraton", "salesforce"]),
    ],
)
NEEDS_LIBRARY = [
    # Listed first, with the shortest taxonomy and the persona in its title: it won every tie before.
    doc(51, "Customer video: a CFO on growth", summary="Three minutes with a CFO on the board's reaction.",
        taxonomy="CFO · Price is too high", facets={"persona": ["cfo"], "objection": ["price"]}),
    doc(52, "Plans and pricing explained", summary="What each plan includes and costs.",
        taxonomy="CFO · Controller · Procurement · Chief Financial Officer · Price is too high · pricing",
        facets={"persona": ["cfo"], "objection": ["price"]}),
    doc(53, "HubSpot integration datasheet", summary="What syncs with HubSpot.",
        taxonomy="Integration with our stack", facets={"objection": ["integration"]}),
    doc(54, "Salesforce integration datasheet", summary="What syncs with Salesforce.",
        taxonomy="Integration with our stack · Salesforce",
        facets={"objection": ["integration"], "tag": ["salesforce"]}),
    doc(55, "Parts maker live in a month", summary="Connected Salesforce and went live in 27 days.",
        taxonomy="Integration with our stack · Salesforce",
        facets={"objection": ["integration"], "tag": ["salesforce"]}),
]  # fmt: skip


def ask_needs(engine, text):
    engine.index(NEEDS_LIBRARY)
    query, _mentions = service.build_query(text, page_size=10, exclude_ids=frozenset(), vocab=NEEDS)
    return service.run(engine.search, query)


def test_an_objection_outweighs_a_persona_named_beside_it(engine):
    """ "cfo says too pricey": the price objection is the need, the CFO who raised it. Of the assets
    for the CFO that answer it, the one speaking of price comes first, not the one whose title
    names the CFO; an asset for the CFO that does not answer the objection is no strong match."""
    results = ask_needs(engine, "cfo says too pricey")
    found = titles(results)
    assert found[0] == "Plans and pricing explained"
    assert found.index("Plans and pricing explained") < found.index("Customer video: a CFO on growth")
    assert "Ledgerline: fintech lender closes faster" not in found[: results.strong or len(found)]
    # The persona is matched by its tag, not the words: only the Tagged passage marks it, and an
    # asset found through the tag alone says so.
    texts = " ".join(h["html"] for hit in results.hits for h in hit.highlights if h["field"] != "Tagged")
    assert "<mark>CFO</mark>" not in texts
    ledgerline = next(hit for hit in results.hits if hit.title == "Ledgerline: fintech lender closes faster")
    assert [h["field"] for h in ledgerline.highlights] == ["Tagged"]
    assert "<mark>CFO</mark>" in ledgerline.highlights[0]["html"]


def test_a_word_the_vocabulary_knows_is_not_corrected(engine):
    """ "integraton" is a synonym Marketing listed for the Integration objection: it means the
    objection, so it is not "corrected" to "integration" (which would count the objection twice
    and lift every asset titled "integration" over those that name Salesforce)."""
    results = ask_needs(engine, "integraton w salesforce")
    found = titles(results)
    assert "integraton" not in results.corrections
    assert found[0] == "Salesforce integration datasheet"
    assert found.index("Parts maker live in a month") < found.index("HubSpot integration datasheet")
    assert not results.weak
