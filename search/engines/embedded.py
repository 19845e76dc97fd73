"""The embedded engine: an SQLite FTS5 index in its own file, no server to run.

It lives beside the main database (SQLite or PostgreSQL alike) and can always be rebuilt
from it. Ranking is BM25 with the title and taxonomy weighted above the summary, the
summary above the body and the body above the text inside files; then how often the asset
helped (smoothed) and whether it is past review. Typos are corrected against the words
actually in the index.
"""

import html
import json
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from search.engines.base import FACETS, Hit, SearchResults, ranking_boost

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

# Each document's rows, by table and the column holding its id; labels are shared by all documents.
DOCUMENT_ROWS = (("docs", "id"), ("facets", "doc_id"), ("fts", "rowid"), ("words", "rowid"))
TABLES = (*(table for table, _column in DOCUMENT_ROWS), "labels")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    stale INTEGER NOT NULL,
    boost REAL NOT NULL,  -- helped rate and freshness, applied after text relevance
    published TEXT NOT NULL,
    data TEXT NOT NULL
);
-- Clustered by document: counting the facets of thousands of matches reads them in order.
CREATE TABLE IF NOT EXISTS facets (
    doc_id INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (doc_id, facet, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_by_value ON facets (facet, value);
CREATE TABLE IF NOT EXISTS labels (
    facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (facet, value)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {", ".join(COLUMNS)}, tokenize = 'porter unicode61 remove_diacritics 2'
);
-- The same words unstemmed, so a typo can be matched against words people really wrote.
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS words_vocab USING fts5vocab(words, 'row');
"""

# Counts per facet value among the matching documents; {doc_ids} is a subquery.
FACET_COUNTS = """
    SELECT facets.facet, facets.value, COALESCE(labels.label, facets.value), COUNT(*)
    FROM facets LEFT JOIN labels ON labels.facet = facets.facet AND labels.value = facets.value
    WHERE facets.doc_id IN ({doc_ids})
    GROUP BY facets.facet, facets.value
"""


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


def fts_string(word):
    return '"' + word.replace('"', '""') + '"'


def marked_html(snippet):
    return html.escape(snippet).replace(START, "<mark>").replace(END, "</mark>")


class EmbeddedEngine:
    name = "embedded"
    weights = WEIGHTS
    use_boosts = True  # helped rate and freshness
    correct_typos = True

    def __init__(self, path):
        self.path = Path(path)
        self._vocabulary = None

    # Writing

    def connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
        return connection

    def index(self, documents):
        """Add or replace documents."""
        with closing(self.connect()) as connection, connection:
            self._index(connection, documents)
        self._vocabulary = None

    def rebuild(self, documents):
        """Replace everything in one transaction: readers see the old index until it commits."""
        with closing(self.connect()) as connection, connection:
            for table in TABLES:
                connection.execute(f"DELETE FROM {table}")
            self._index(connection, documents)
        self._vocabulary = None
        return self.count()

    def _index(self, connection, documents):
        for doc in documents:
            self._delete(connection, doc.id)
            data = doc.stored_fields()
            connection.execute(
                "INSERT INTO docs (id, stale, boost, published, data) VALUES (?, ?, ?, ?, ?)",
                (
                    doc.id,
                    int(doc.stale),
                    ranking_boost(doc.helped, doc.not_helped, doc.stale),
                    doc.published,
                    json.dumps(data),
                ),
            )
            connection.execute(
                f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                (doc.id, doc.title, doc.taxonomy, doc.summary, doc.body, doc.files),
            )
            connection.execute(
                "INSERT INTO words (rowid, text) VALUES (?, ?)",
                (doc.id, " ".join((doc.title, doc.taxonomy, doc.summary, doc.body, doc.files))),
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
        with closing(self.connect()) as connection, connection:
            for doc_id in ids:
                self._delete(connection, doc_id)
        self._vocabulary = None

    def clear(self):
        self.rebuild([])

    def _delete(self, connection, doc_id):
        for table, column in DOCUMENT_ROWS:
            connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (doc_id,))

    # Reading

    def count(self):
        with closing(self.connect()) as connection:
            return connection.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def vocabulary(self, connection):
        if self._vocabulary is None:
            self._vocabulary = {term for (term,) in connection.execute("SELECT term FROM words_vocab")}
        return self._vocabulary

    def may_be_typo(self, word, vocabulary):
        return (
            self.correct_typos and word not in vocabulary and len(word) >= MIN_TYPO_LENGTH and word not in PLAIN_WORDS
        )

    def match_expression(self, connection, text, objections=()):
        """An FTS5 expression from what a person typed: any word may match, typos are corrected.

        Nothing the user types reaches FTS5 as syntax: every word is quoted.
        """
        words = [word.lower() for word in WORD.findall(text)][:MAX_QUERY_WORDS]
        vocabulary = self.vocabulary(connection)
        alternatives, corrections = [], {}
        for word in dict.fromkeys(words):
            options = [word]
            if self.may_be_typo(word, vocabulary):
                close = sorted(edits1(word) & vocabulary)
                if close:
                    corrections[word] = close
                    options = close
            alternatives.extend(options)
        terms = [fts_string(word) for word in alternatives]
        terms += [f"taxonomy : {fts_string(name)}" for name in objections]  # tagged with what they named
        return " OR ".join(terms), corrections

    def filter_clause(self, filters):
        clauses, params = [], []
        for facet, values in filters.items():
            for value in values:
                clauses.append("docs.id IN (SELECT doc_id FROM facets WHERE facet = ? AND value = ?)")
                params += [facet, value]
        return clauses, params

    def search(self, query):
        started = time.perf_counter()
        page_size = max(1, query.page_size)
        offset = (max(1, query.page) - 1) * page_size
        with closing(self.connect()) as connection:
            expression, corrections = self.match_expression(connection, query.text, query.objections)
            clauses, params = self.filter_clause(query.filters)
            if query.text.strip() and not expression:
                rows, total, facet_rows = [], 0, []
            elif expression:
                rows, total, facet_rows = self._text_search(connection, expression, clauses, params, offset, page_size)
            else:
                rows, total, facet_rows = self._browse(connection, clauses, params, offset, page_size)
        return SearchResults(
            hits=[self._hit(row) for row in rows],
            total=total,
            facets=self._facets(facet_rows),
            took_ms=(time.perf_counter() - started) * 1000,
            engine=self.name,
            corrections=corrections,
        )

    def boost_sql(self):
        return "docs.boost" if self.use_boosts else "1.0"

    def _text_search(self, connection, expression, clauses, params, offset, limit):
        where = " AND ".join(["fts MATCH ?", *clauses])
        weights = ", ".join(str(weight) for weight in self.weights)
        snippets = ", ".join(
            f"snippet(fts, {COLUMNS.index(column)}, '{START}', '{END}', '…', 16)" for column in HIGHLIGHT_COLUMNS
        )
        matches = f"SELECT docs.id FROM fts JOIN docs ON docs.id = fts.rowid WHERE {where}"
        rows = connection.execute(
            f"""
            SELECT docs.id, docs.data, docs.stale,
                   -bm25(fts, {weights}) * {self.boost_sql()} AS score,
                   {snippets}
            FROM fts JOIN docs ON docs.id = fts.rowid
            WHERE {where}
            ORDER BY score DESC, docs.id
            LIMIT ? OFFSET ?
            """,
            [expression, *params, limit, offset],
        ).fetchall()
        total = connection.execute(f"SELECT COUNT(*) FROM ({matches})", [expression, *params]).fetchone()[0]
        facet_rows = connection.execute(FACET_COUNTS.format(doc_ids=matches), [expression, *params]).fetchall()
        return rows, total, facet_rows

    def _browse(self, connection, clauses, params, offset, limit):
        """No words, maybe filters: the most helpful current assets first, then the newest."""
        where = " AND ".join(clauses) or "1"
        rows = connection.execute(
            f"""
            SELECT docs.id, docs.data, docs.stale,
                   {self.boost_sql()} AS score,
                   {", ".join("''" for _ in HIGHLIGHT_COLUMNS)}
            FROM docs WHERE {where}
            ORDER BY score DESC, docs.published DESC, docs.id
            LIMIT ? OFFSET ?
            """,
            [*params, limit, offset],
        ).fetchall()
        total = connection.execute(f"SELECT COUNT(*) FROM docs WHERE {where}", params).fetchone()[0]
        facet_rows = connection.execute(
            FACET_COUNTS.format(doc_ids=f"SELECT docs.id FROM docs WHERE {where}"), params
        ).fetchall()
        return rows, total, facet_rows

    def _hit(self, row):
        doc_id, data, stale, score, *snippets = row
        data = json.loads(data)
        highlights = [
            {"field": label, "html": marked_html(snippet)}
            for label, snippet in zip(HIGHLIGHT_COLUMNS.values(), snippets, strict=True)
            if snippet and START in snippet
        ]
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

    def _facets(self, facet_rows):
        facets = {facet: [] for facet in FACETS}
        for facet, value, label, count in facet_rows:
            facets.setdefault(facet, []).append((value, label, count))
        for values in facets.values():
            values.sort(key=lambda item: (-item[2], item[1]))
        return facets


class PlainBM25Engine(EmbeddedEngine):
    """The baseline the ranking is measured against: BM25 over the asset's own text, all fields
    alike; no taxonomy synonyms, no typo correction, no helped rate or freshness."""

    name = "plain BM25"
    weights = (1.0, 0.0, 1.0, 1.0, 1.0)
    use_boosts = False
    correct_typos = False
