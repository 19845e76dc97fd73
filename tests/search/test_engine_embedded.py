"""The engine contract on the embedded tantivy engine."""

import subprocess
import sys

import pytest

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


def test_merges_keep_the_segments_few_and_leave_no_files_behind(tmp_path):
    """One long-lived writer: a commit per write, merged in the background, old files removed."""
    path = tmp_path / "index"
    engine = EmbeddedEngine(path)
    engine.rebuild(LIBRARY)
    for n in range(120):
        engine.index([doc(1000 + n % 10, f"Asset {n}", summary=f"version {n}")])
    stats = engine.stats()
    assert stats["documents"] == len(LIBRARY) + 10
    assert stats["segments"] <= 12
    meta = (path / "meta.json").read_text().replace("-", "")
    stray = [
        item.name
        for item in path.iterdir()
        if item.is_file() and item.name[0] != "." and item.name.split(".")[0] not in meta and item.name != "meta.json"
    ]
    assert len(stray) <= 8, stray  # at most one merge's worth waits for the next clean-up


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


def test_a_search_repeated_after_a_write_is_worked_out_afresh(tmp_path):
    """A weak search (the strong pass finds nothing, the looser pass reuses its terms) leaves what it
    worked out behind; the same search again, after a write, must not reuse the old corrections."""
    from dataclasses import replace

    from search.engines.base import Term

    engine = EmbeddedEngine(tmp_path / "index")
    engine.rebuild([doc(50, "Salesforce sync datasheet", summary="Two-way Salesforce sync.")])
    strong = SearchQuery(
        text="salesforse zorblax",
        terms=(Term(text="salesforse"), Term(text="zorblax")),
        minimum_should_match=2,
        ids_only=True,
        page_size=200,
    )

    def search_as_the_service_does():
        first = engine.search(strong)  # the strong pass: nothing has both words
        assert first.total == 0
        return engine.search(replace(strong, minimum_should_match=1))  # the looser pass

    assert search_as_the_service_does().corrections == {"salesforse": ["salesforce"]}
    engine.index([doc(51, "Salesforse field guide", summary="Spelled as the partner spells it.")])
    again = search_as_the_service_does()
    assert again.corrections == {} and {hit.id for hit in again.hits} == {51}
