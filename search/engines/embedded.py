"""The embedded engine: an SQLite FTS5 index in its own file, no server to run.

It lives beside the main database (SQLite or PostgreSQL alike) and can always be rebuilt
from it. Ranking is BM25 with the title and taxonomy weighted above the summary, the
summary above the body and the body above the text inside files; then how often the asset
helped (smoothed) and whether it is past review. Typos are corrected against the words
actually in the index.
"""

import dataclasses
import hashlib
import heapq
import html
import json
import logging
import operator
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from search.engines.base import FACETS, Hit, SearchResults, ranking_boost

logger = logging.getLogger(__name__)

# Column weights for bm25(): title, taxonomy, summary, body, files.
COLUMNS = ("title", "taxonomy", "summary", "body", "files")
# Chosen on the judged query set (manage.py evaluate_search); keeps title and taxonomy above the
# summary, the summary above the body and the body above the text inside files.
WEIGHTS = (5.0, 3.0, 2.0, 1.5, 1.0)
# Where a match is shown from, in order of preference, with how a rep reads it.
HIGHLIGHT_COLUMNS = {"summary": "Summary", "body": "Body", "files": "Inside the file", "taxonomy": "Tagged"}
MAX_QUERY_WORDS = 32
MIN_TYPO_LENGTH = 5
# Everyday words reps type around the real question; never "corrected" into something else.
PLAIN_WORDS = {
    "about", "after", "again", "also", "asked", "asking", "because", "before", "being", "could", "doesn",
    "doing", "going", "their", "there", "these", "thing", "think", "those", "which", "while", "would",
    "wants", "saying", "says", "said", "told", "tells", "really", "still",
}  # fmt: skip
START, END = "\x02", "\x03"  # placeholders for <mark>, escaped separately from the text
WORD = re.compile(r"\w+", re.UNICODE)
TERM = re.compile(r"[^\W_]+")  # letters and digits: the tokenizer splits on "_" too

# Bumped when the tables change; an index file from an older version is emptied and rebuilt.
SCHEMA_VERSION = 5
KEEP_CHANGES = 1000  # a process further behind than this many writes reloads its catalogue
RESULT_CACHE_SIZE = 256  # answers kept per process; 0 turns the cache off
# Each document's rows, by table and the column holding its id; labels and vocabulary are shared.
DOCUMENT_ROWS = (("docs", "id"), ("facets", "doc_id"), ("fts", "rowid"))
TABLES = (*(table for table, _column in DOCUMENT_ROWS), "labels", "vocabulary")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    stale INTEGER NOT NULL,
    boost REAL NOT NULL,  -- helped rate and freshness, applied after text relevance
    published TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS facets (
    doc_id INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (doc_id, facet, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS labels (
    facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (facet, value)
) WITHOUT ROWID;
-- Every word people really wrote, unstemmed, so a typo can be corrected into one of them.
CREATE TABLE IF NOT EXISTS vocabulary (term TEXT PRIMARY KEY) WITHOUT ROWID;
-- One row per write, naming the documents it touched (NULL: all of them), so each process can
-- bring its catalogue up to date by reading only what changed.
CREATE TABLE IF NOT EXISTS changes (generation INTEGER PRIMARY KEY, doc_ids TEXT);
-- A random name for this index file: a file deleted and made again starts counting afresh.
CREATE TABLE IF NOT EXISTS identity (name TEXT NOT NULL);
INSERT INTO identity SELECT lower(hex(randomblob(16))) WHERE NOT EXISTS (SELECT 1 FROM identity);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {", ".join(COLUMNS)},
    filters,  -- one opaque token per facet value, so filters narrow the match before it is ranked
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


@dataclass(frozen=True)
class Catalogue:
    """What ranking, filters and facet counts need of every document, held in memory.

    Full-text matching and BM25 stay in SQLite; counting the facets of ten thousand matches and
    keeping the best few is faster here than in SQL. Reloaded when any process has written.
    """

    generation: tuple  # (the index file's identity, the number of its latest write)
    boost: dict  # id -> helped rate and freshness factor
    published: dict  # id -> ISO date
    combination: dict  # id -> number of its combination of facet values (many documents share one)
    combinations: dict  # combination -> its number, and number -> combination: ((facet, value), ...)
    postings: dict  # (facet, value) -> frozenset of ids
    labels: dict  # (facet, value) -> display name

    @classmethod
    def load(cls, connection, generation):
        empty = cls(generation, {}, {}, {}, {}, {}, {})
        return empty.updated(connection, generation, None)

    def updated(self, connection, generation, doc_ids):
        """A new catalogue with these documents read again (all of them when doc_ids is None).
        Copies rather than changes this one, which other threads may be reading."""
        if doc_ids is None:
            boost, published, combination, combinations, postings = {}, {}, {}, {}, {}
            where, params = "", []
        else:
            boost, published, combination = dict(self.boost), dict(self.published), dict(self.combination)
            combinations, postings = dict(self.combinations), dict(self.postings)
            for doc_id in doc_ids:
                boost.pop(doc_id, None), published.pop(doc_id, None)
                for key in combinations.get(combination.pop(doc_id, None), ()):
                    postings[key] = postings[key] - {doc_id}
            doc_ids = list(doc_ids)
            where, params = f"WHERE {{column}} IN ({', '.join('?' * len(doc_ids))})", doc_ids
        keys = {}
        for doc_id, doc_boost, doc_published in connection.execute(
            f"SELECT id, boost, published FROM docs {where.format(column='id')}", params
        ):
            boost[doc_id], published[doc_id], keys[doc_id] = doc_boost, doc_published, []
        for doc_id, facet, value in connection.execute(
            f"SELECT doc_id, facet, value FROM facets {where.format(column='doc_id')}", params
        ):
            keys[doc_id].append((facet, value))
        added = {}
        for doc_id, pairs in keys.items():
            pairs = tuple(sorted(pairs))
            if pairs not in combinations:
                combinations[pairs] = number = len(combinations)
                combinations[number] = pairs
            combination[doc_id] = combinations[pairs]
            for key in pairs:
                added.setdefault(key, set()).add(doc_id)
        for key, ids in added.items():
            postings[key] = postings.get(key, frozenset()) | ids
        labels = {(facet, value): label for facet, value, label in connection.execute("SELECT * FROM labels")}
        return Catalogue(generation, boost, published, combination, combinations, postings, labels)

    def allowed(self, filters):
        """Ids having every filter value, or None when nothing is filtered."""
        keys = [(facet, value) for facet, values in filters.items() for value in values]
        if not keys:
            return None
        sets = sorted((self.postings.get(key, frozenset()) for key in keys), key=len)
        return sets[0].intersection(*sets[1:])

    def facet_counts(self, ids):
        counts = Counter()
        for number, documents in Counter(map(self.combination.__getitem__, ids)).items():
            for key in self.combinations[number]:
                counts[key] += documents
        facets = {facet: [] for facet in FACETS}
        for (facet, value), count in counts.items():
            facets.setdefault(facet, []).append((value, self.labels.get((facet, value), value), count))
        for values in facets.values():
            values.sort(key=lambda item: (-item[2], item[1]))
        return facets


def terms(text):
    """Lower-case words without accents, as the full-text tokenizer sees them (before stemming)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return TERM.findall("".join(char for char in decomposed if not unicodedata.combining(char)))


def edits1(word):
    """Every string one deletion, swap, replacement or insertion away from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def file_identity(path):
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def result_key(generation, query):
    filters = tuple(sorted((facet, tuple(values)) for facet, values in query.filters.items()))
    return generation, query.text, filters, query.objections, query.page, query.page_size


def with_filters(expression, filters):
    """Filters go into the full-text query (weighted 0 in ranking), so only the matching documents
    that pass them are ranked: a filtered search costs what its filtered matches cost."""
    tokens = [filter_token(facet, value) for facet, values in filters.items() for value in values]
    if not tokens:
        return expression
    return f"({expression}) AND " + " AND ".join(f"filters : {token}" for token in tokens)


def filter_token(facet, value):
    """A word that stands for one facet value in the full-text index, and can't be typed by chance."""
    return "f" + hashlib.sha1(f"{facet}\x1f{value}".encode()).hexdigest()[:16]


def fts_string(word):
    return '"' + word.replace('"', '""') + '"'


def marked_html(snippet):
    return html.escape(snippet).replace(START, "<mark>").replace(END, "</mark>")


class EmbeddedEngine:
    name = "embedded"
    weights = WEIGHTS
    use_boosts = True  # helped rate and freshness
    correct_typos = True

    def __init__(self, path, result_cache_size=RESULT_CACHE_SIZE):
        self.path = Path(path)
        self._catalogue = None
        # Like Solr's queryResultCache: answers kept per index generation, so any write retires them.
        self._results = OrderedDict()
        self._results_lock = threading.Lock()
        self.result_cache_size = result_cache_size
        self._local = threading.local()

    @contextmanager
    def connection(self):
        """This thread's connection, kept open: closing the last connection to an SQLite file in
        WAL mode copies the whole log back into it, which made every write pay for a checkpoint.
        A connection to a file that was deleted or replaced since is dropped for a new one."""
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.file != file_identity(self.path):
            connection.close()
            connection = None
        if connection is None:
            connection = local.connection = self.connect()
            local.file = file_identity(self.path)
        try:
            yield connection
        finally:
            if connection.in_transaction:
                connection.rollback()  # a read's snapshot must not outlive the read

    def close(self):
        """Close this thread's connection (the next use opens a new one)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        # WAL commits without waiting for the disk; a crash can lose the last writes, which
        # rebuild_search_index restores from the database (the source of truth).
        connection.execute("PRAGMA synchronous=NORMAL")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            connection.execute("PRAGMA journal_mode=WAL")
            old_tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            if version:
                logger.warning("Search index %s is from an older version: emptied; run rebuild_search_index", self.path)
            with connection:
                for table in old_tables:
                    connection.execute(f'DROP TABLE IF EXISTS "{table}"')
                connection.executescript(SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
        return connection

    # Writing

    @contextmanager
    def writing(self, doc_ids):
        """A transaction that records which documents it changed (None: all of them), so every
        process's catalogue catches up with it."""
        with self.connection() as connection, connection:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute(
                "INSERT INTO changes (doc_ids) VALUES (?)", [None if doc_ids is None else json.dumps(sorted(doc_ids))]
            )
            connection.execute(
                "DELETE FROM changes WHERE generation < (SELECT MAX(generation) FROM changes) - ?", [KEEP_CHANGES]
            )

    def index(self, documents):
        """Add or replace documents."""
        documents = list(documents)
        if not documents:
            return
        with self.writing({doc.id for doc in documents}) as connection:
            self._index(connection, documents)

    def rebuild(self, documents):
        """Replace everything in one transaction: readers see the old index until it commits."""
        with self.writing(None) as connection:
            for table in TABLES:
                connection.execute(f"DELETE FROM {table}")
            self._index(connection, documents)
        return self.count()

    def _index(self, connection, documents):
        for doc in documents:
            self._delete(connection, doc.id)
            connection.execute(
                "INSERT INTO docs (id, stale, boost, published, data) VALUES (?, ?, ?, ?, ?)",
                (
                    doc.id,
                    int(doc.stale),
                    ranking_boost(doc.helped, doc.not_helped, doc.stale),
                    doc.published,
                    json.dumps(doc.stored_fields()),
                ),
            )
            fields = (doc.title, doc.taxonomy, doc.summary, doc.body, doc.files)
            connection.execute(
                f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}, filters) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id,
                    *fields,
                    " ".join(filter_token(facet, value) for facet, values in doc.facets.items() for value in values),
                ),
            )
            connection.executemany(
                "INSERT OR IGNORE INTO vocabulary (term) VALUES (?)",
                [(term,) for term in set(terms(" ".join(fields)))],
            )
            connection.executemany(
                "INSERT OR IGNORE INTO facets (doc_id, facet, value) VALUES (?, ?, ?)",
                [(doc.id, facet, value) for facet, values in doc.facets.items() for value in values],
            )
            connection.executemany(
                "INSERT OR REPLACE INTO labels (facet, value, label) VALUES (?, ?, ?)",
                [(facet, value, label) for facet, names in doc.labels.items() for value, label in names.items()],
            )

    def delete(self, ids):
        """Remove documents. Their words stay in the vocabulary until the next rebuild: a typo
        corrected into a word nobody uses any more simply finds nothing."""
        ids = set(ids)
        if not ids:
            return
        with self.writing(ids) as connection:
            for doc_id in ids:
                self._delete(connection, doc_id)

    def clear(self):
        self.rebuild([])

    def _delete(self, connection, doc_id):
        for table, column in DOCUMENT_ROWS:
            connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (doc_id,))

    # Reading

    def count(self):
        with self.connection() as connection:
            return connection.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def catalogue(self, connection):
        """This process's catalogue, brought up to date with what other writes changed."""
        generation = connection.execute(
            "SELECT (SELECT name FROM identity), COALESCE(MAX(generation), 0) FROM changes"
        ).fetchone()
        catalogue = self._catalogue
        if catalogue is not None and catalogue.generation == generation:
            return catalogue
        same_file = catalogue is not None and catalogue.generation[0] == generation[0]
        changes = []
        if same_file:
            changes = connection.execute(
                "SELECT doc_ids FROM changes WHERE generation > ? ORDER BY generation", [catalogue.generation[1]]
            ).fetchall()
        if not same_file or len(changes) != generation[1] - catalogue.generation[1] or (None,) in changes:
            catalogue = Catalogue.load(connection, generation)  # first use, a rebuild, or too far behind
        else:
            catalogue = catalogue.updated(connection, generation, {i for (ids,) in changes for i in json.loads(ids)})
        self._catalogue = catalogue
        return catalogue

    def known_terms(self, connection, candidates):
        candidates = list(candidates)
        found = set()
        for start in range(0, len(candidates), 500):  # SQLite limits the number of parameters
            batch = candidates[start : start + 500]
            placeholders = ", ".join("?" * len(batch))
            found.update(
                term
                for (term,) in connection.execute(f"SELECT term FROM vocabulary WHERE term IN ({placeholders})", batch)
            )
        return found

    def match_expression(self, connection, text, objections=()):
        """An FTS5 expression from what a person typed: any word may match, typos are corrected
        into words the index holds.

        Nothing the user types reaches FTS5 as syntax: every word is quoted.
        """
        words = list(dict.fromkeys(terms(text)))[:MAX_QUERY_WORDS]
        known = self.known_terms(connection, words) if self.correct_typos else set(words)
        alternatives, corrections = [], {}
        for word in words:
            options = [word]
            if word not in known and len(word) >= MIN_TYPO_LENGTH and word not in PLAIN_WORDS:
                close = sorted(self.known_terms(connection, edits1(word)))
                if close:
                    corrections[word] = close
                    options = close
            alternatives.extend(options)
        expression = []
        if alternatives:
            expression.append(f"{{{' '.join(COLUMNS)}}} : ({' OR '.join(map(fts_string, alternatives))})")
        expression += [f"taxonomy : {fts_string(name)}" for name in objections]  # tagged with what they named
        return " OR ".join(expression), corrections

    def search(self, query):
        started = time.perf_counter()
        page_size = max(1, query.page_size)
        offset = (max(1, query.page) - 1) * page_size
        with self.connection() as connection:
            connection.execute("BEGIN")  # one snapshot for the catalogue, the matches and the hits
            catalogue = self.catalogue(connection)
            key = result_key(catalogue.generation, query)
            cached = self.cached_result(key)
            if cached is not None:
                return dataclasses.replace(cached, took_ms=(time.perf_counter() - started) * 1000)
            allowed = catalogue.allowed(query.filters)
            expression, corrections = self.match_expression(connection, query.text, query.objections)
            if query.text.strip() and not expression:
                scores = {}
            elif expression:
                expression = with_filters(expression, query.filters)
                scores = self._text_scores(connection, catalogue, expression, allowed)
            else:
                scores = self._browse_scores(catalogue, allowed)
            # Only the page asked for is ordered: the best offset + page_size, never every match.
            ranked = zip(scores.values(), map(operator.neg, scores), strict=True)  # ties: the older id first
            best = [(-negative_id, score) for score, negative_id in heapq.nlargest(offset + page_size, ranked)[offset:]]
            hits = self._hits(connection, expression, best)
        results = SearchResults(
            hits=hits,
            total=len(scores),
            facets=catalogue.facet_counts(scores),
            took_ms=(time.perf_counter() - started) * 1000,
            engine=self.name,
            corrections=corrections,
        )
        self.keep_result(key, results)
        return results

    def cached_result(self, key):
        with self._results_lock:
            results = self._results.get(key)
            if results is not None:
                self._results.move_to_end(key)
            return results

    def keep_result(self, key, results):
        if not self.result_cache_size:
            return
        with self._results_lock:
            self._results[key] = results
            while len(self._results) > self.result_cache_size:
                self._results.popitem(last=False)

    def _text_scores(self, connection, catalogue, expression, allowed):
        """id -> score for every match: BM25 with field weights, times helped rate and freshness."""
        if allowed is not None and not allowed:
            return {}
        weights = ", ".join(str(weight) for weight in (*self.weights, 0.0))
        rows = connection.execute(f"SELECT rowid, -bm25(fts, {weights}) FROM fts WHERE fts MATCH ?", [expression])
        boost = catalogue.boost if self.use_boosts else dict.fromkeys(catalogue.boost, 1.0)
        within = boost.keys() if allowed is None else allowed & boost.keys()
        return {doc_id: score * boost[doc_id] for doc_id, score in rows if doc_id in within}

    def _browse_scores(self, catalogue, allowed):
        """No words, maybe filters: the most helpful current assets first, then the newest."""
        ids = catalogue.boost if allowed is None else allowed
        boost = catalogue.boost if self.use_boosts else dict.fromkeys(catalogue.boost, 1.0)
        return {doc_id: (boost[doc_id], catalogue.published[doc_id]) for doc_id in ids}

    def _hits(self, connection, expression, best):
        """Stored fields and highlighted passages, for the page of results only."""
        if not best:
            return []
        ids = [doc_id for doc_id, _key in best]
        placeholders = ", ".join("?" * len(ids))
        stored = {
            doc_id: (json.loads(data), stale)
            for doc_id, data, stale in connection.execute(
                f"SELECT id, data, stale FROM docs WHERE id IN ({placeholders})", ids
            )
        }
        snippets = {}
        if expression:
            columns = ", ".join(
                f"snippet(fts, {COLUMNS.index(column)}, '{START}', '{END}', '…', 16)" for column in HIGHLIGHT_COLUMNS
            )
            # "+rowid": check the page's ids while scanning the matches once; handed to FTS5 as a
            # constraint, each id would restart the match from the start of its word lists.
            for doc_id, *passages in connection.execute(
                f"SELECT rowid, {columns} FROM fts WHERE fts MATCH ? AND +rowid IN ({placeholders})", [expression, *ids]
            ):
                snippets[doc_id] = [
                    {"field": label, "html": marked_html(passage)}
                    for label, passage in zip(HIGHLIGHT_COLUMNS.values(), passages, strict=True)
                    if passage and START in passage
                ]
        return [self._hit(doc_id, score, *stored[doc_id], snippets.get(doc_id, [])) for doc_id, score in best]

    def _hit(self, doc_id, score, data, stale, highlights):
        if isinstance(score, tuple):  # browsing: (boost, published)
            score = score[0]
        return Hit(
            id=doc_id,
            title=data["title"],
            url=data["url"],
            score=round(score, 6),
            highlights=highlights,
            labels=data["labels"],
            stale=bool(stale),
            external_id=data["external_id"],
            helped=data["helped"],
            not_helped=data["not_helped"],
        )


class PlainBM25Engine(EmbeddedEngine):
    """The baseline the ranking is measured against: BM25 over the asset's own text, all fields
    alike; no taxonomy synonyms, no typo correction, no helped rate or freshness."""

    name = "plain BM25"
    weights = (1.0, 0.0, 1.0, 1.0, 1.0)
    use_boosts = False
    correct_typos = False
