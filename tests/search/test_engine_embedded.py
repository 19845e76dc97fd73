"""The engine contract on the embedded SQLite FTS5 engine."""

import random
import sqlite3
from contextlib import closing

import pytest

from search.engines import embedded
from search.engines.base import SearchQuery
from search.engines.embedded import EmbeddedEngine
from tests.search.contract import LIBRARY, EngineContract, doc


class TestEmbeddedEngine(EngineContract):
    @pytest.fixture
    def engine(self, tmp_path):
        return EmbeddedEngine(tmp_path / "index.sqlite3")


def test_every_process_sees_the_others_writes(tmp_path):
    """Gunicorn workers each hold an in-memory catalogue (facets, boosts); a write by one must
    change what the others answer at once: totals, facet counts, filters and removed assets."""
    path = tmp_path / "index.sqlite3"
    reader, writer = EmbeddedEngine(path), EmbeddedEngine(path)
    writer.rebuild(LIBRARY)
    assert reader.search(SearchQuery(text="price")).total == 2

    writer.index([doc(6, "Price calculator", summary="Work out the price.", facets={"persona": ["cfo"]})])
    results = reader.search(SearchQuery(text="price"))
    assert results.total == 3
    assert ("cfo", "Cfo", 3) in results.facets["persona"]

    writer.index([doc(6, "Price calculator", summary="Work out the price.", facets={"persona": ["ciso"]})])
    filtered = reader.search(SearchQuery(text="price", filters={"persona": ["ciso"]}))
    assert [hit.id for hit in filtered.hits] == [6]

    writer.delete([1, 6])
    results = reader.search(SearchQuery(text="price"))
    assert [hit.id for hit in results.hits] == [4]
    assert results.facets["persona"] == [("cfo", "Cfo", 1)]

    writer.rebuild(LIBRARY[1:3])
    assert reader.search(SearchQuery()).total == 2


def test_an_index_from_an_older_version_is_emptied_not_misread(tmp_path):
    path = tmp_path / "index.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript("CREATE TABLE docs (id INTEGER PRIMARY KEY, x TEXT); PRAGMA user_version = 1;")
    engine = EmbeddedEngine(path)
    assert engine.count() == 0
    engine.index(LIBRARY)
    assert engine.search(SearchQuery(text="salesforse")).hits[0].id == 3


def test_an_index_file_made_again_is_never_mistaken_for_the_old_one(tmp_path):
    """Answers and the catalogue are kept per index generation; a deleted and re-created file
    counts its writes from the start again, and must not be served the old file's answers."""
    path = tmp_path / "index.sqlite3"
    engine = EmbeddedEngine(path)
    engine.index(LIBRARY[:1])
    assert [hit.id for hit in engine.search(SearchQuery(text="pricing")).hits] == [1]
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    engine.index([doc(9, "Pricing FAQ", facets={"persona": ["cfo"]})])  # the same write number as before
    results = engine.search(SearchQuery(text="pricing"))
    assert [hit.id for hit in results.hits] == [9]
    assert results.facets["persona"] == [("cfo", "Cfo", 1)]


def test_stopping_early_ranks_exactly_as_scoring_every_match(tmp_path, monkeypatch):
    """Many matches are ranked by reading each word's postings best first and stopping once nothing
    unread can reach the page; the pages must be the very ones scoring every match gives, with the
    same scores, for common and rare words, filters, later pages and helped or stale assets."""
    rng = random.Random(3)
    words = [f"w{n}" for n in range(60)]
    weights = [1 / (rank + 1) for rank in range(len(words))]  # a few words everywhere, most rare

    def text(count):
        return " ".join(rng.choices(words, weights=weights, k=count))

    library = [
        doc(
            number,
            f"Asset {text(3)}",
            summary=text(rng.randint(5, 30)),
            body=text(rng.randint(20, 200)),
            files=text(rng.randint(0, 100)),
            facets={"persona": [rng.choice(["cfo", "ciso", "it"])]},
            helped=rng.randint(0, 5),
            not_helped=rng.randint(0, 5),
            stale=rng.random() < 0.2,
        )
        for number in range(1, 401)
    ]
    engine = EmbeddedEngine(tmp_path / "index.sqlite3", result_cache_size=0)
    engine.rebuild(library)
    queries = [
        SearchQuery(text="w0"),
        SearchQuery(text="w0 w1 w2"),
        SearchQuery(text="w1 w30", page=3, page_size=7),
        SearchQuery(text="w2 w45 w59", filters={"persona": ["cfo"]}),
        SearchQuery(text="w0 w5", filters={"persona": ["it"]}, page=2),
        SearchQuery(text="w3 w4 w5 w6 w7", page_size=50),
    ]

    def pages():
        return [[(hit.id, hit.score) for hit in engine.search(query).hits] for query in queries]

    monkeypatch.setattr(embedded, "DIRECT_SCORING", 10**9)
    every_match_scored = pages()
    monkeypatch.setattr(embedded, "DIRECT_SCORING", 0)
    monkeypatch.setattr(embedded, "CHUNK", 8)  # many rounds, so the stopping rule decides
    assert pages() == every_match_scored
    assert all(every_match_scored)
