"""The engine contract on the embedded tantivy engine."""

import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.engines.base import IndexDocument, SearchQuery
from search.engines.embedded import EmbeddedEngine, IndexUnavailable
from tests.search.contract import LIBRARY, EngineContract, doc


class TestEmbeddedEngine(EngineContract):
    @pytest.fixture
    def engine(self, tmp_path):
        engine = EmbeddedEngine(tmp_path / "index")
        engine.clear()  # an empty index, as a fresh install has after migrate + rebuild
        yield engine
        engine.close()


def test_quoted_words_must_appear_together(tmp_path):
    engine = EmbeddedEngine(tmp_path / "index")
    engine.rebuild(
        [
            doc(40, "Month end close guide", summary="month end close in three days"),
            doc(41, "Close the month", summary="end of the month, close fast"),
        ]
    )
    assert [hit.title for hit in engine.search(SearchQuery(text='"month end close"')).hits] == ["Month end close guide"]
    assert engine.search(SearchQuery(text="month end close")).total == 2


READER = """
import sys
from search.engines.base import IndexDocument, SearchQuery
from search.engines.embedded import EmbeddedEngine
engine = EmbeddedEngine(sys.argv[1])
for line in sys.stdin:
    results = engine.search(SearchQuery(text=line.strip()))
    print(results.total, ",".join(str(hit.id) for hit in results.hits), flush=True)
"""


def test_another_process_sees_each_commit_at_once(tmp_path, settings):
    """Web workers only read, with reload() before each search: a write by the one writer shows in
    their very next search (totals, removals, a rebuild)."""
    path = tmp_path / "index"
    writer = EmbeddedEngine(path)
    writer.rebuild(LIBRARY)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path)],
        cwd=settings.BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def ask(text):
        reader.stdin.write(text + "\n")
        reader.stdin.flush()
        return reader.stdout.readline().split()

    try:
        assert ask("price")[0] == "2"
        writer.index([doc(6, "Price calculator", summary="Work out the price.", facets={"persona": ["cfo"]})])
        assert ask("calculator") == ["1", "6"]
        writer.delete([6])
        assert ask("calculator") == ["0"]
        writer.rebuild(LIBRARY[1:3])
        assert ask("price") == ["0"] and ask("salesforce")[0] == "1"
    finally:
        reader.stdin.close()
        reader.wait(timeout=10)


def test_a_rebuild_replaces_a_damaged_index(tmp_path):
    path = tmp_path / "index"
    engine = EmbeddedEngine(path)
    engine.rebuild(LIBRARY)
    engine.close()
    (path / "meta.json").write_text("garbage")
    with pytest.raises(IndexUnavailable) as problem:
        engine.search(SearchQuery(text="price"))
    assert problem.value.reason == "corrupt"
    assert engine.rebuild(LIBRARY[:2]) == 2
    assert [hit.id for hit in engine.search(SearchQuery(text="pricing")).hits] == [1]


def unused_files(path):
    """Files in the index folder that no segment of the last commit uses."""
    meta = (path / "meta.json").read_text().replace("-", "")
    return [
        item.name
        for item in path.iterdir()
        if item.is_file() and item.name[0] != "." and item.name != "meta.json" and item.name.split(".")[0] not in meta
    ]


def test_merges_keep_the_segments_few_and_leave_no_files_behind(tmp_path):
    """One long-lived writer: a commit per write, merged in the background, and the files a merge
    frees are removed at the next commit. How far the merges lag depends on the machine's load, so
    the test waits (with a bound) for them to end, committing meanwhile as the task worker would."""
    path = tmp_path / "index"
    engine = EmbeddedEngine(path)
    engine.rebuild(LIBRARY)
    for n in range(120):
        engine.index([doc(1000 + n % 10, f"Asset {n}", summary=f"version {n}")])
    assert engine.stats()["documents"] == len(LIBRARY) + 10
    deadline = time.monotonic() + 60
    while (engine.stats()["segments"] > 8 or unused_files(path)) and time.monotonic() < deadline:
        time.sleep(0.1)
        engine.delete([999_999])  # a commit that changes nothing
    assert engine.stats()["segments"] <= 8  # 121 commits, each its own segment until merged
    assert unused_files(path) == []
    assert engine.stats()["documents"] == len(LIBRARY) + 10


def test_the_index_size_is_measured_while_merges_remove_files(tmp_path):
    """stats() lists the folder while the writer's merges delete files from it: a file gone
    between the listing and its size is not an error."""
    path = tmp_path / "index"
    engine = EmbeddedEngine(path)
    engine.rebuild(LIBRARY)
    done = threading.Event()

    def write():
        for n in range(150):
            engine.index([doc(1000 + n % 10, f"Asset {n}", summary=f"version {n}")])
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    sizes = []
    try:
        while not done.is_set():
            sizes.append(EmbeddedEngine(path).stats()["bytes"])
    finally:
        writer.join()
    assert sizes and min(sizes) > 0


def test_browsing_lists_the_newest_first(tmp_path):
    engine = EmbeddedEngine(tmp_path / "index")
    dated = [
        IndexDocument(id=1, title="Oldest", url="/1/", published="2025-01-05T10:00:00+00:00"),
        IndexDocument(id=2, title="Newest", url="/2/", published="2026-03-01T09:00:00+00:00"),
        IndexDocument(id=3, title="Middle", url="/3/", published="2025-11-20T00:00:00+00:00"),
    ]
    engine.rebuild(dated)
    assert [hit.title for hit in engine.search(SearchQuery()).hits] == ["Newest", "Middle", "Oldest"]
    assert [hit.title for hit in engine.search(SearchQuery(page=2, page_size=2)).hits] == ["Oldest"]


def strong_pass(*words):
    """The service's wide, strong pass for `words`: every one required, candidates' ids only."""
    from search.engines.base import Term

    return SearchQuery(
        text=" ".join(words),
        terms=tuple(Term(text=word) for word in words),
        minimum_should_match=len(words),
        ids_only=True,
        page_size=200,
    )


def test_a_search_repeated_after_a_write_is_worked_out_afresh(tmp_path):
    """A weak search (the strong pass finds nothing, the looser pass reuses its terms) leaves what it
    worked out behind; the same search again, after a write, must not reuse the old corrections."""
    engine = EmbeddedEngine(tmp_path / "index")
    engine.rebuild([doc(50, "Salesforce sync datasheet", summary="Two-way Salesforce sync.")])
    strong = strong_pass("salesforse", "zorblax")

    def search_as_the_service_does():
        first = engine.search(strong)  # the strong pass: nothing has both words
        assert first.total == 0
        return engine.search(replace(strong, minimum_should_match=1))  # the looser pass

    assert search_as_the_service_does().corrections == {"salesforse": ["salesforce"]}
    engine.index([doc(51, "Salesforse field guide", summary="Spelled as the partner spells it.")])
    again = search_as_the_service_does()
    assert again.corrections == {} and {hit.id for hit in again.hits} == {51}


def test_both_passes_of_one_search_read_one_commit(tmp_path):
    """The looser pass right after a strong pass that found nothing reads the strong pass's
    snapshot: a write landing between them shows in the next search, not half-way through one."""
    engine = EmbeddedEngine(tmp_path / "index")
    engine.rebuild([doc(60, "Salesforce sync datasheet", summary="Two-way Salesforce sync.")])
    strong = strong_pass("salesforce", "zorblax")
    assert engine.search(strong).total == 0
    engine.index([doc(61, "Salesforce field guide", summary="Salesforce, field by field.")])
    looser = engine.search(replace(strong, minimum_should_match=1))
    assert {hit.id for hit in looser.hits} == {60}
    assert engine.search(strong).total == 0  # the next search starts afresh and sees the write
    assert {hit.id for hit in engine.search(replace(strong, minimum_should_match=1)).hits} == {60, 61}


def test_highlights_in_text_with_curly_quotes_and_accents_mark_the_searched_words():
    from search.engines.embedded import STEMMER
    from search.highlighting import Highlighter

    highlighter = Highlighter(STEMMER.analyze("invoicing"), stem=STEMMER.analyze)
    text = "Zürich’s “Invoicing” guide · the café’s invoices, not “invoker”"
    assert highlighter.passage(text) == (
        "Zürich’s “<mark>Invoicing</mark>” guide · the café’s <mark>invoices</mark>, not “invoker”"
    )


@pytest.mark.parametrize(
    ("typed", "marked"),
    [
        ("naive", "naïve"),
        ("zurich", "Zürich"),
        ("Zürich", "Zürich"),
        ("resume", "RÉSUMÉ"),
        ("lodz", "Łódź"),
        ("kobenhavn", "København"),
        ("strasse", "Straße"),
        ("aesop", "Æsop"),
    ],
)
def test_a_word_found_through_its_accents_is_marked_as_it_is_written(typed, marked):
    """The index folds accents, so "naive" finds "naïve": the passage must mark it too, or the
    result shows no reason for matching."""
    from search.engines.embedded import STEMMER
    from search.highlighting import Highlighter

    highlighter = Highlighter(STEMMER.analyze(typed), stem=STEMMER.analyze)
    text = "A naïve buyer in Zürich asked for the RÉSUMÉ of the naive plan (Łódź, København, Straße, Æsop)."
    assert f"<mark>{marked}</mark>" in highlighter.passage(text)


def test_a_word_cut_short_marks_its_accented_completion():
    """ "zuri" completes to "Zürich" in the index (accents folded): the passage marks it too."""
    from search.engines.embedded import STEMMER
    from search.highlighting import Highlighter

    highlighter = Highlighter([], ["zuri", "koben"], stem=STEMMER.analyze)
    assert highlighter.passage("Opening the Zürich office") == "Opening the <mark>Zürich</mark> office"
    assert highlighter.passage("Opening in København") == "Opening in <mark>København</mark>"


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [
                "invoice",
                "Invoices",
                "café",
                "CAFÉ",
                "“pricing”",
                "price-list",
                "Straße",
                "İstanbul",
                "·",
                "naïve",
                "x_invoice",
                "2026",
            ]
        ),
        max_size=60,
    ).map(" ".join),
    words=st.lists(
        st.sampled_from(["invoice", "pricing", "cafe", "istanbul", "strasse", "naive"]), min_size=1, max_size=3
    ),
)
def test_the_fast_highlight_path_marks_what_the_regex_would(text, words):
    """Starts looked for with str.find in the lower-cased text give the passage the case-blind regex
    gives, whatever the text holds (offsets hold only while lower-casing keeps the length)."""
    from search.engines.embedded import STEMMER
    from search.highlighting import Highlighter

    stems = [stem for word in words for stem in STEMMER.analyze(word)]
    fast, regex = Highlighter(stems, stem=STEMMER.analyze), Highlighter(stems, stem=STEMMER.analyze)
    regex._ascii = False  # the regex path, as for a start that is not lower-case ASCII
    assert fast.passage(text) == regex.passage(text)


def test_a_huge_file_is_searched_whole_and_highlighted_from_its_start(tmp_path):
    """Every word of a file's text is searchable; a passage is shown from its first HIGHLIGHT_SCAN
    characters, which are all a hit reads back (not the 2,000,000 characters extraction may keep)."""
    from search.highlighting import HIGHLIGHT_SCAN

    filler = "quarterly figures " * (2_000_000 // 18)
    text = "Frankfurt hosting. " + filler + " Reykjavik failover."
    engine = EmbeddedEngine(tmp_path / "index")
    engine.rebuild([doc(70, "Hosting report", files=text)])
    start = engine.search(SearchQuery(text="frankfurt")).hits[0]
    assert start.highlights == [{"field": "Inside the file", "html": start.highlights[0]["html"]}]
    assert "<mark>Frankfurt</mark>" in start.highlights[0]["html"]
    end = engine.search(SearchQuery(text="reykjavik"))
    assert [hit.id for hit in end.hits] == [70] and end.hits[0].highlights == []
    assert len(text) > 100 * HIGHLIGHT_SCAN
