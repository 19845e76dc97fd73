"""What every search engine must do, written once and run against each engine.

A test module subclasses EngineContract and provides an `engine` fixture giving an empty
engine. No Django models are involved: engines take IndexDocuments and SearchQuerys.
"""

from search.engines.base import IndexDocument, SearchQuery, Term


def doc(doc_id, title, **fields):
    facets = fields.pop("facets", {})
    facets.setdefault("kind", ["deck"])
    facets.setdefault("stage", ["decision"])
    labels = {facet: {value: value.replace("-", " ").title() for value in values} for facet, values in facets.items()}
    return IndexDocument(
        id=doc_id, title=title, url=f"/collateral/{doc_id}/", facets=facets, labels=labels, published="2026-01-01",
        **fields,
    )  # fmt: skip


LIBRARY = [
    doc(
        1,
        "Pricing overview",
        summary="Our plans and what they cost.",
        taxonomy="CFO · Price is too high",
        facets={"persona": ["cfo"], "objection": ["price"]},
        external_id="ext-1",
    ),
    doc(
        2,
        "Security pack",
        summary="SOC 2 Type II and ISO 27001.",
        taxonomy="CISO · Security review",
        files="Data is encrypted with AES-256 and hosted in Frankfurt.",
        facets={"persona": ["ciso"], "objection": ["security"]},
    ),
    doc(
        3,
        "Salesforce integration datasheet",
        body="What syncs between Salesforce and us, every five minutes.",
        taxonomy="RevOps · CIO · Integration",
        facets={"persona": ["revops", "cio"], "objection": ["integration"]},
    ),
    doc(
        4,
        "Old price list",
        summary="Last year's prices.",
        taxonomy="CFO · Price is too high",
        stale=True,
        facets={"persona": ["cfo"], "objection": ["price"], "kind": ["one-pager"]},
    ),
    doc(
        5,
        "Onboarding plan",
        body="Thirty days from contract to go-live; onboarding timeline week by week.",
        facets={"persona": ["cio"], "objection": ["implementation"]},
    ),
]


def titles(results):
    return [hit.title for hit in results.hits]


class EngineContract:
    def search(self, engine, text="", **kwargs):
        return engine.search(SearchQuery(text=text, **kwargs))

    def test_empty_index_finds_nothing(self, engine):
        results = self.search(engine, "price")
        assert (results.total, results.hits) == (0, [])

    def test_title_matches_rank_above_body_matches(self, engine):
        engine.index([doc(10, "Salesforce notes", body="misc"), doc(11, "Misc", body="a note about salesforce")])
        assert titles(self.search(engine, "salesforce")) == ["Salesforce notes", "Misc"]

    def test_objection_synonyms_find_tagged_assets(self, engine):
        """Documents hold names only (search.documents.to_document); the service tells the engine
        which objections the words were synonyms of ("too pricey": Price is too high)."""
        engine.index(LIBRARY)
        found = titles(self.search(engine, "cfo says too pricey", objections=("Price is too high",)))
        assert set(found[:2]) == {"Pricing overview", "Old price list"}

    def test_stemming_finds_other_word_forms(self, engine):
        engine.index(LIBRARY)
        assert titles(self.search(engine, "integrations"))[0] == "Salesforce integration datasheet"

    def test_typos_still_find_the_asset(self, engine):
        engine.index(LIBRARY)
        assert titles(self.search(engine, "salesforse"))[0] == "Salesforce integration datasheet"
        assert "Security pack" in titles(self.search(engine, "encrypted frankfrut"))

    def test_a_typo_is_corrected_and_the_word_found_is_marked(self, engine):
        engine.index(LIBRARY)
        for results in (self.search(engine, "salesforse"), self.understood(engine, Term("salesforse"))):
            assert titles(results)[0] == "Salesforce integration datasheet"
            assert results.corrections == {"salesforse": ["salesforce"]}
            assert "<mark>Salesforce</mark>" in " ".join(h["html"] for h in results.hits[0].highlights)
        two = self.understood(engine, Term("encrypted"), Term("frankfrut"), Term("salesforse"))
        assert two.corrections == {"frankfrut": ["frankfurt"], "salesforse": ["salesforce"]}
        assert self.understood(engine, Term("frankfurt")).corrections == {}  # a word the library holds

    def test_a_correction_is_near_its_own_typo_wherever_the_word_is_and_whatever_the_page(self, engine):
        engine.index(LIBRARY)
        # "voices" is no typo of "invoices" (another first letter), nor "crime" of "price" (two edits
        # in a five-letter word): each typo is corrected by the words near it alone.
        assert self.understood(engine, Term("pricee"), Term("crime")).corrections == {"pricee": ["price", "prices"]}
        assert self.understood(engine, Term("datashet")).corrections == {"datashet": ["datasheet"]}  # a title's word
        other_page = self.understood(engine, Term("pricing"), Term("salesforse"), only_ids=frozenset({1}))
        assert [hit.id for hit in other_page.hits] == [1]
        assert other_page.corrections == {"salesforse": ["salesforce"]}  # the page shown holds no Salesforce
        assert self.understood(engine, Term("integrat", prefix=True)).corrections == {}  # still being typed

    def test_text_inside_files_is_found_and_highlighted(self, engine):
        engine.index(LIBRARY)
        results = self.search(engine, "frankfurt")
        assert titles(results) == ["Security pack"]
        (highlight,) = [h for h in results.hits[0].highlights if h["field"] == "Inside the file"]
        assert "<mark>Frankfurt</mark>" in highlight["html"]

    def test_highlights_are_escaped(self, engine):
        engine.index([doc(20, "Tricky", summary='<script>alert("x")</script> pricing')])
        html = self.search(engine, "pricing").hits[0].highlights[0]["html"]
        assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>pricing</mark>" in html

    def test_engines_rank_by_text_alone(self, engine):
        """Staleness and the helped figure are applied by search.service at query time; an engine
        ignores them, so a note or a passing review date needs no re-index."""
        engine.index([doc(30, "Price sheet A", summary="pricing"), doc(31, "Price sheet B", summary="pricing")])
        assert [hit.id for hit in self.search(engine, "pricing").hits] == [30, 31]
        engine.index([doc(31, "Price sheet B", summary="pricing", helped=6, stale=True)])
        assert [hit.id for hit in self.search(engine, "pricing").hits] == [30, 31]

    def test_candidates_without_highlights_then_one_pages_highlights(self, engine):
        """search.service's two passes: the candidates without highlights, then only_ids for the page."""
        engine.index(LIBRARY)
        wide = self.search(engine, "price", highlight=False, page_size=200)
        assert {hit.id for hit in wide.hits} == {1, 4} and all(hit.highlights == [] for hit in wide.hits)
        page = self.search(engine, "price", only_ids=frozenset({4}))
        assert [hit.id for hit in page.hits] == [4] and page.hits[0].highlights
        assert self.search(engine, "price", only_ids=frozenset({2})).hits == []

    def test_filters_narrow_and_facets_count(self, engine):
        engine.index(LIBRARY)
        results = self.search(engine, "", filters={"persona": ["cfo"]})
        assert set(titles(results)) == {"Pricing overview", "Old price list"} and results.total == 2
        assert ("price", "Price", 2) in results.facets["objection"]
        assert ("one-pager", "One Pager", 1) in results.facets["kind"]
        both = self.search(engine, "price", filters={"persona": ["cfo"], "kind": ["one-pager"]})
        assert titles(both) == ["Old price list"]

    def test_browsing_without_words_lists_everything(self, engine):
        engine.index(LIBRARY)
        results = self.search(engine, "")
        assert results.total == 5 and len(results.hits) == 5

    def test_paging(self, engine):
        engine.index([doc(100 + n, f"Deck {n}", summary="quarterly deck") for n in range(7)])
        first = self.search(engine, "deck", page=1, page_size=5)
        second = self.search(engine, "deck", page=2, page_size=5)
        assert first.total == second.total == 7
        assert len(first.hits) == 5 and len(second.hits) == 2
        assert not set(titles(first)) & set(titles(second))
        assert self.search(engine, "deck", page=9, page_size=5).hits == []

    def test_reindexing_replaces_and_delete_removes(self, engine):
        engine.index(LIBRARY)
        engine.index([doc(2, "Trust centre", summary="renamed")])
        assert titles(self.search(engine, "trust")) == ["Trust centre"]
        assert "Security pack" not in titles(self.search(engine, "security"))
        engine.delete([2, 999])
        assert self.search(engine, "trust").total == 0

    def test_clear_empties_the_index(self, engine):
        engine.index(LIBRARY)
        engine.clear()
        assert self.search(engine, "").total == 0

    def test_hits_carry_what_the_api_returns(self, engine):
        engine.index(LIBRARY)
        hit = self.search(engine, "pricing overview").hits[0]
        assert (hit.id, hit.url, hit.external_id, hit.stale) == (1, "/collateral/1/", "ext-1", False)
        assert hit.labels["persona"] == {"cfo": "Cfo"} and hit.score > 0

    def test_odd_input_is_just_text(self, engine):
        engine.index(LIBRARY)
        for text in ['" * ( ) : - + ~ ^ AND OR NOT', "NEAR(a b)", "title:x", "x" * 5000, "😀", "the of and"]:
            self.search(engine, text)  # no error: whatever a rep types is searched as words
        for text in ['"pricing', "pricing)", "(pricing", "pricing*", "pricing^", "+pricing", "pricing:"]:
            assert "Pricing overview" in titles(self.search(engine, text)), text

    # Pages hidden from the person searching (Wagtail page view restrictions): left out inside the query.

    def test_excluded_ids_are_in_no_hit_total_or_facet_count(self, engine):
        engine.index(LIBRARY)
        everyone = self.search(engine, "price")
        assert set(titles(everyone)) == {"Pricing overview", "Old price list"} and everyone.total == 2
        assert ("cfo", "Cfo", 2) in everyone.facets["persona"]

        hidden = self.search(engine, "price", exclude_ids=frozenset({1}))
        assert (titles(hidden), hidden.total) == (["Old price list"], 1)
        assert hidden.facets["persona"] == [("cfo", "Cfo", 1)] and hidden.facets["objection"] == [("price", "Price", 1)]
        assert ("deck", "Deck", 1) not in hidden.facets["kind"] and hidden.facets["kind"] == [
            ("one-pager", "One Pager", 1)
        ]
        # The same search by someone who may see it still finds it (no answer kept for the wrong person).
        assert self.search(engine, "price").total == 2

    def test_excluded_ids_are_left_out_of_browsing_filters_and_paging(self, engine):
        engine.index(LIBRARY)
        browsed = self.search(engine, "", exclude_ids=frozenset({2, 4}))
        assert browsed.total == 3 and {hit.id for hit in browsed.hits} == {1, 3, 5}
        assert ("ciso", "Ciso", 1) not in browsed.facets["persona"] and browsed.facets["kind"] == [("deck", "Deck", 3)]
        filtered = self.search(engine, "", filters={"persona": ["cfo"]}, exclude_ids=frozenset({4}))
        assert (titles(filtered), filtered.total) == (["Pricing overview"], 1)

        engine.index([doc(100 + n, f"Deck {n}", summary="quarterly deck") for n in range(7)])
        hidden = frozenset({101, 104})
        pages = [self.search(engine, "quarterly", page=n, page_size=3, exclude_ids=hidden) for n in (1, 2, 3)]
        assert [page.total for page in pages] == [5, 5, 5]
        found = [hit.id for page in pages for hit in page.hits]
        assert sorted(found) == [100, 102, 103, 105, 106]

    def test_an_excluded_document_gives_no_highlight_and_no_correction(self, engine):
        engine.index(LIBRARY)
        for text in ("frankfurt", "encrypted frankfrut", "encrypted aes"):
            results = self.search(engine, text, exclude_ids=frozenset({2}))
            assert (results.total, results.hits) == (0, [])
            assert all(not values for values in results.facets.values())
            assert "frankfurt" not in str(results.corrections) and "encrypted" not in str(results.corrections)
        assert titles(self.search(engine, "encrypted frankfrut")) == ["Security pack"]

    # Query understanding: how an engine reads SearchQuery's terms, minimum_should_match, boosts and
    # phrase (its docstring). search.understanding builds them; here they are given directly.

    def understood(self, engine, *terms, text=None, **kwargs):
        text = " ".join(term.text for term in terms) if text is None else text
        return engine.search(SearchQuery(text=text, terms=terms, **kwargs))

    def test_a_document_must_match_the_minimum_number_of_terms(self, engine):
        engine.index(LIBRARY)
        price, frankfurt = Term("price"), Term("frankfurt")
        assert set(titles(self.understood(engine, price, frankfurt))) == {
            "Pricing overview", "Old price list", "Security pack",
        }  # fmt: skip
        both = self.understood(engine, price, frankfurt, minimum_should_match=2)
        assert (both.total, both.hits) == (0, [])  # the engine never relaxes it by itself
        assert titles(self.understood(engine, Term("encrypted"), frankfurt, minimum_should_match=2)) == [
            "Security pack"
        ]

    def test_grammar_words_of_the_text_are_neither_searched_nor_marked(self, engine):
        engine.index(
            [
                doc(50, "Notes", summary="The end of the day."),
                doc(51, "Rollout", summary="The timeline of the rollout."),
            ]
        )
        results = self.understood(engine, Term("timeline"), text="the timeline of")
        assert titles(results) == ["Rollout"]
        marked = results.hits[0].highlights[0]["html"]
        assert (
            "<mark>timeline</mark>" in marked and "<mark>The</mark>" not in marked and "<mark>of</mark>" not in marked
        )

    def test_a_word_cut_short_completes_only_when_asked(self, engine):
        engine.index([doc(60, "Implementation guide", summary="Implementation in thirty days."), doc(61, "Other")])
        assert self.understood(engine, Term("implem")).total == 0
        results = self.understood(engine, Term("implem", prefix=True))
        assert titles(results) == ["Implementation guide"]
        assert "<mark>Implementation</mark>" in results.hits[0].highlights[0]["html"]
        assert self.understood(engine, Term("im", prefix=True)).total == 0  # too short to complete

    def test_a_mention_matches_by_its_words_its_alternatives_or_its_facet(self, engine):
        engine.index([*LIBRARY, doc(70, "Ledger story", summary="A customer story from a lender.")])
        # Doc 2 never says "chief security" but carries the persona the words named.
        named = Term("chief security", facets=(("persona", "ciso"),))
        assert titles(self.understood(engine, named)) == ["Security pack"]
        # "case study" replaced what was typed; the typed words still match as a phrase.
        story = Term("case study", alternatives=("customer story",))
        assert titles(self.understood(engine, story)) == ["Ledger story"]

    def test_named_values_boost_but_never_filter(self, engine):
        engine.index(
            [
                doc(80, "Lender one-pager", summary="fintech lending", facets={"kind": ["one_pager"]}),
                doc(81, "Lender story", summary="fintech lending", facets={"kind": ["case_study"]}),
            ]
        )
        plain = self.understood(engine, Term("lending"))
        boosted = self.understood(engine, Term("lending"), boosts={"kind": ("case_study",)})
        assert titles(plain)[0] == "Lender one-pager"  # the same text: the engine's order by id
        assert titles(boosted) == ["Lender story", "Lender one-pager"] and boosted.total == 2

    def test_the_meaningful_words_together_rank_above_the_words_scattered(self, engine):
        engine.index(
            [
                doc(90, "Plan A", summary="Timeline, then the implementation."),
                doc(91, "Plan B", summary="Our implementation timeline, week by week, with each step for your team."),
            ]
        )
        terms = (Term("implementation"), Term("timeline"))
        assert titles(self.understood(engine, *terms))[0] == "Plan A"  # shorter: plain BM25 prefers it
        assert titles(self.understood(engine, *terms, phrase="implementation timeline"))[0] == "Plan B"

    def test_a_phrase_s_meaningful_words_match_on_their_own_for_less(self, engine):
        engine.index(
            [
                doc(95, "Growth", summary="Will it scale with us? Yes: our largest customers."),
                doc(96, "Scale", summary="How we scale."),
                doc(97, "Other", summary="Nothing here."),
            ]
        )
        term = Term("will it scale with us", words=("scale",))
        assert titles(self.understood(engine, term)) == ["Growth", "Scale"]
