"""The embedded engine: an SQLite FTS5 index in its own file, no server to run.

It lives beside the main database (SQLite or PostgreSQL alike) and can always be rebuilt
from it. Ranking is BM25 with the title and taxonomy weighted above the summary, the
summary above the body and the body above the text inside files; then how often the asset
helped (smoothed) and whether it is past review. Typos are corrected against the words
actually in the index.

FTS5 finds what matches (for the total and the facet counts) and makes the highlights; the
ranking reads its own impact-ordered postings, best first, and stops as soon as no unread
document can reach the page asked for, so a word found in every asset costs what the first
page costs, not what scoring ten thousand matches costs.
"""

import dataclasses
import hashlib
import heapq
import html
import json
import logging
import math
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

from search.engines.base import FACETS, Hit, SearchResults

logger = logging.getLogger(__name__)

# Column weights for bm25(): title, taxonomy, summary, body, files.
COLUMNS = ("title", "taxonomy", "summary", "body", "files")
# Chosen on the judged query set (manage.py evaluate_search); keeps title and taxonomy above the
# summary, the summary above the body and the body above the text inside files.
WEIGHTS = (5.0, 3.0, 2.0, 1.5, 1.0)
# Where a match is shown from, in order of preference, with how a rep reads it.
HIGHLIGHT_COLUMNS = {"summary": "Summary", "body": "Body", "files": "Inside the file", "taxonomy": "Tagged"}
PASSAGES = 2  # highlighted passages per hit, from the first fields above that matched
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
COMBINING = re.compile(f"[{''.join(chr(c) for c in range(0x300, 0x10000) if unicodedata.combining(chr(c)))}]")

# BM25's constants, as in FTS5's bm25() and Lucene; k1 is per engine (see EmbeddedEngine.k1).
K1, B = 1.2, 0.75
CHUNK = 256  # postings read at a time from each word's best-first list
DIRECT_SCORING = 1000  # fewer matches than this are scored one by one instead
SCORE_BATCH = 64  # documents scored in full at a time
RENORMALISE_DRIFT = 0.25  # re-weigh every posting when the average length moved this much

# Bumped when the tables change; an index file from an older version is emptied and rebuilt.
SCHEMA_VERSION = 8
KEEP_CHANGES = 1000  # a process further behind than this many writes reloads its catalogue
RESULT_CACHE_SIZE = 256  # answers kept per process; 0 turns the cache off
# Each document's rows, by table and the column holding its id; labels and vocabulary are shared.
DOCUMENT_ROWS = (("docs", "id"), ("facets", "doc_id"), ("fts", "rowid"))
TABLES = (*(table for table, _column in DOCUMENT_ROWS), "labels", "vocabulary", "postings", "term_documents", "totals")

# Built after the postings when rebuilding everything: one sort instead of millions of inserts.
IMPACT_ORDER = "CREATE INDEX IF NOT EXISTS postings_by_impact ON postings (term, impact DESC, doc_id);"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    stale INTEGER NOT NULL,
    boost REAL NOT NULL,  -- helped rate and freshness (1 for an engine without them)
    published TEXT NOT NULL,
    length INTEGER NOT NULL,  -- words in all its fields, for BM25's length normalisation
    terms TEXT NOT NULL,  -- its postings' terms (JSON), to remove them
    data TEXT NOT NULL
);
-- Each term's documents with the term's BM25 weight in each (idf aside, which changes with every
-- write), readable best first: the ranking stops reading once the rest cannot reach the page.
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL, doc_id INTEGER NOT NULL,
    weighted REAL NOT NULL,  -- occurrences times their field's weight
    columns INTEGER NOT NULL,  -- the fields it is in, one bit each (bit 0: title), to pick highlights
    impact REAL NOT NULL,  -- weighted, saturated, length-normalised, times the boost (BM25 but the idf)
    PRIMARY KEY (term, doc_id)
) WITHOUT ROWID;
{IMPACT_ORDER}
CREATE TABLE IF NOT EXISTS term_documents (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID;
-- Number of documents, their total length, and the average length the impacts were computed with.
CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facets (
    doc_id INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (doc_id, facet, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS labels (
    facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (facet, value)
) WITHOUT ROWID;
-- Every word people really wrote, unstemmed, so a typo can be corrected into one of them.
-- With the write that first used it, so each process adds only the words it has not seen.
CREATE TABLE IF NOT EXISTS vocabulary (term TEXT PRIMARY KEY, generation INTEGER NOT NULL) WITHOUT ROWID;
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

# A scratch table in this connection's memory, to ask FTS5 for the stems of words.
STEMMER = """
CREATE VIRTUAL TABLE temp.stemmer USING fts5(word, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE temp.stemmer_terms USING fts5vocab(temp, stemmer, instance);
"""
STEM_CACHE_SIZE = 200_000


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
    vocabulary: frozenset  # every word written in the index, unstemmed, to correct typos into

    @classmethod
    def load(cls, connection, generation):
        empty = cls(generation, {}, {}, {}, {}, {}, {}, frozenset())
        return empty.updated(connection, generation, None)

    def updated(self, connection, generation, doc_ids):
        """A new catalogue with these documents read again (all of them when doc_ids is None).
        Copies rather than changes this one, which other threads may be reading."""
        if doc_ids is None:
            boost, published, combination, combinations, postings = {}, {}, {}, {}, {}
            where, params = "", []
            vocabulary = frozenset(term for (term,) in connection.execute("SELECT term FROM vocabulary"))
        else:
            new_words = connection.execute("SELECT term FROM vocabulary WHERE generation > ?", [self.generation[1]])
            vocabulary = self.vocabulary.union(term for (term,) in new_words)
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
        return Catalogue(generation, boost, published, combination, combinations, postings, labels, vocabulary)

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


def impact(weighted, length, average_length, k1):
    """A term's BM25 weight in one document, idf aside: saturated in the occurrences, normalised for
    the document's length (as FTS5's bm25() does)."""
    return weighted * (k1 + 1) / (weighted + k1 * (1 - B + B * length / average_length))


def idf(documents, total):
    """FTS5's bm25() idf: a word in more than half the documents counts next to nothing."""
    value = math.log((total - documents + 0.5) / (documents + 0.5))
    return value if value > 0 else 1e-6


def objection_term(name):
    """The term an asset tagged with this objection carries (it can't be typed: it starts with \x01)."""
    return "\x01" + " ".join(terms(name))


def document_token(doc_id):
    """A word only this document has, so highlights are made for the page of results alone."""
    return filter_token("id", str(doc_id))


def terms(text):
    """Lower-case words without accents, as the full-text tokenizer sees them (before stemming)."""
    text = text.lower()
    if not text.isascii():
        text = COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return TERM.findall(text)


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
    """What an answer is kept under: the same search by people who may see different pages is
    a different answer (the excluded ids are part of the key)."""
    filters = tuple(sorted((facet, tuple(values)) for facet, values in query.filters.items()))
    return (
        *(generation, query.text, filters, query.objections, query.page, query.page_size, query.exclude_ids),
        *(query.highlight, query.only_ids),
    )


def with_filters(expression, filters):
    """Filters go into the full-text query (weighted 0 in ranking), so only the matching documents
    that pass them are ranked: a filtered search costs what its filtered matches cost."""
    tokens = [filter_token(facet, value) for facet, values in filters.items() for value in values]
    if not tokens:
        return expression
    return f"({expression}) AND " + " AND ".join(tokens)


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
    # Field weights multiply the occurrences before BM25 saturates them (BM25F), so k1 grows with
    # them: a word in the title saturates as a word does in plain BM25. With FTS5's 1.2, a product
    # name in the title barely beat the same name once in a tag list (manage.py evaluate_search,
    # nDCG@10 / MRR: 0.900 / 0.949 at 1.2, 0.920 / 0.956 at 3.0, 0.952 / 1.000 at 6.0).
    k1 = K1 * max(WEIGHTS)
    # A tag with an objection whose synonym was typed: weighed like a match in the taxonomy field.
    objection_weight = WEIGHTS[COLUMNS.index("taxonomy")]
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
        self._stems = {}  # word -> FTS5's stem of it

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
        connection.execute("PRAGMA cache_size=-16000")  # 16 MB of pages rather than 2
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
        connection.executescript(STEMMER)
        return connection

    # Writing

    @contextmanager
    def writing(self, doc_ids):
        """A transaction that records which documents it changed (None: all of them), so every
        process's catalogue catches up with it. Yields the connection and the index's totals."""
        with self.connection() as connection, connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO changes (doc_ids) VALUES (?)", [None if doc_ids is None else json.dumps(sorted(doc_ids))]
            )
            totals = Counter(dict(connection.execute("SELECT name, value FROM totals")))
            yield connection, totals
            if totals["documents"] and abs(totals["length"] / totals["documents"] / totals["reference"] - 1) > (
                RENORMALISE_DRIFT
            ):
                self._renormalise(connection, totals)
            connection.executemany("INSERT OR REPLACE INTO totals (name, value) VALUES (?, ?)", totals.items())
            connection.execute(
                "DELETE FROM changes WHERE generation < (SELECT MAX(generation) FROM changes) - ?", [KEEP_CHANGES]
            )

    def index(self, documents):
        """Add or replace documents."""
        documents = list(documents)
        if not documents:
            return
        with self.writing({doc.id for doc in documents}) as (connection, totals):
            self._index(connection, totals, documents)

    def rebuild(self, documents):
        """Replace everything in one transaction: readers see the old index until it commits."""
        with self.writing(None) as (connection, totals):
            for table in TABLES:
                connection.execute(f"DELETE FROM {table}")
            connection.execute("DROP INDEX postings_by_impact")
            totals.clear()
            self._index(connection, totals, documents, fresh=True)
            self._renormalise(connection, totals)  # for the final average length
            connection.execute(IMPACT_ORDER)
        return self.count()

    def _index(self, connection, totals, documents, fresh=False):
        """Write the documents. `fresh`: into emptied tables, so nothing to replace first."""
        term_documents, vocabulary = Counter(), set()
        for doc in documents:
            if not fresh:
                self._delete(connection, totals, doc.id)
            length, weighted, words = self.weighted_terms(connection, doc)
            term_documents.update(weighted.keys())
            vocabulary |= words
            boost = 1.0  # helped rate and freshness: at query time (search.service, content.effectiveness)
            totals["documents"] += 1
            totals["length"] += length
            totals["reference"] = totals["reference"] or length  # the average length impacts assume
            connection.execute(
                "INSERT INTO docs (id, stale, boost, published, length, terms, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id,
                    int(doc.stale),
                    boost,
                    doc.published,
                    length,
                    json.dumps(list(weighted)),
                    json.dumps(doc.stored_fields()),
                ),
            )
            connection.executemany(
                "INSERT INTO postings (term, doc_id, weighted, columns, impact) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        term,
                        doc.id,
                        value,
                        columns,
                        impact(value, length, totals["reference"], self.k1) * boost,
                    )
                    for term, (value, columns) in weighted.items()
                ],
            )
            fields = (doc.title, doc.taxonomy, doc.summary, doc.body, doc.files)
            tokens = [filter_token(facet, value) for facet, values in doc.facets.items() for value in values]
            connection.execute(
                f"INSERT INTO fts (rowid, {', '.join(COLUMNS)}, filters) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, *fields, " ".join([*tokens, document_token(doc.id)])),
            )
            connection.executemany(
                "INSERT OR IGNORE INTO facets (doc_id, facet, value) VALUES (?, ?, ?)",
                [(doc.id, facet, value) for facet, values in doc.facets.items() for value in values],
            )
            connection.executemany(
                "INSERT OR REPLACE INTO labels (facet, value, label) VALUES (?, ?, ?)",
                [(facet, value, label) for facet, names in doc.labels.items() for value, label in names.items()],
            )
        connection.executemany(
            "INSERT INTO term_documents (term, documents) VALUES (?, ?)"
            " ON CONFLICT (term) DO UPDATE SET documents = documents + excluded.documents",
            term_documents.items(),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO vocabulary (term, generation) SELECT ?, MAX(generation) FROM changes",
            [(word,) for word in vocabulary],
        )

    def weighted_terms(self, connection, doc):
        """The document's length in words, and each of its terms (FTS5's stems, and the objections
        it is tagged with): (its occurrences times their field's weight, the fields it is in); and its
        words as written."""
        occurrences = Counter()
        for column, text in enumerate((doc.title, doc.taxonomy, doc.summary, doc.body, doc.files)):
            occurrences.update((word, column) for word in terms(text))
        stem = self.stems(connection, {word for word, _column in occurrences})
        weighted, columns = Counter(), Counter()
        for (word, column), count in occurrences.items():
            weighted[stem[word]] += self.weights[column] * count
            columns[stem[word]] |= 1 << column
        for name in doc.labels.get("objection", {}).values():
            weighted[objection_term(name)] += self.objection_weight
            columns[objection_term(name)] |= 1 << COLUMNS.index("taxonomy")
        found = {term: (value, columns[term]) for term, value in weighted.items() if value > 0}
        return sum(occurrences.values()), found, set(stem)

    def stems(self, connection, words):
        """word -> the stem FTS5's porter tokenizer makes of it, asked of FTS5 itself (a scratch table
        in memory) so the ranking's terms are exactly the index's; remembered per engine."""
        missing = [word for word in words if word not in self._stems]
        if missing:
            if len(self._stems) + len(missing) > STEM_CACHE_SIZE:
                self._stems.clear()
            connection.executemany("INSERT INTO temp.stemmer (rowid, word) VALUES (?, ?)", enumerate(missing))
            for number, stem in connection.execute("SELECT doc, term FROM temp.stemmer_terms"):
                self._stems[missing[number]] = stem
            connection.execute("DELETE FROM temp.stemmer")
        return {word: self._stems.get(word, word) for word in words}

    def _renormalise(self, connection, totals):
        """Weigh every posting again for today's average length (BM25's avgdl). Runs when the average
        moved by more than RENORMALISE_DRIFT since they were weighed: rare once the index is large."""
        if not totals["documents"]:
            return
        average = totals["length"] / totals["documents"]
        connection.execute(
            "UPDATE postings SET impact = doc.boost * weighted * ? / (weighted + ? * (? + ? * doc.length / ?))"
            " FROM docs AS doc WHERE doc.id = postings.doc_id",
            [self.k1 + 1, self.k1, 1 - B, B, average],
        )
        totals["reference"] = average

    def delete(self, ids):
        """Remove documents. Their words stay in the vocabulary until the next rebuild: a typo
        corrected into a word nobody uses any more simply finds nothing."""
        ids = set(ids)
        if not ids:
            return
        with self.writing(ids) as (connection, totals):
            for doc_id in ids:
                self._delete(connection, totals, doc_id)

    def clear(self):
        self.rebuild([])

    def _delete(self, connection, totals, doc_id):
        row = connection.execute("SELECT length, terms FROM docs WHERE id = ?", (doc_id,)).fetchone()
        if row is not None:
            length, doc_terms = row[0], json.loads(row[1])
            connection.executemany(
                "DELETE FROM postings WHERE term = ? AND doc_id = ?", [(t, doc_id) for t in doc_terms]
            )
            connection.executemany(
                "UPDATE term_documents SET documents = documents - 1 WHERE term = ?", [(term,) for term in doc_terms]
            )
            totals["documents"] -= 1
            totals["length"] -= length
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

    def match_expression(self, catalogue, text, objections=(), visible_word=None):
        """An FTS5 expression from what a person typed: any word may match, typos are corrected
        into words the index holds (and, with `visible_word`, only into words it accepts: a
        correction must not reveal a word that only a page hidden from the searcher contains).

        Nothing the user types reaches FTS5 as syntax: every word is quoted.
        """
        words = list(dict.fromkeys(terms(text)))[:MAX_QUERY_WORDS]
        known = catalogue.vocabulary.intersection(words) if self.correct_typos else set(words)
        alternatives, corrections = [], {}
        for word in words:
            options = [word]
            if word not in known and len(word) >= MIN_TYPO_LENGTH and word not in PLAIN_WORDS:
                close = sorted(catalogue.vocabulary.intersection(edits1(word)))
                if visible_word is not None:
                    close = [candidate for candidate in close if visible_word(candidate)]
                if close:
                    corrections[word] = close
                    options = close
            alternatives.extend(options)
        expression = []
        if alternatives:
            # No column filter: checking columns made FTS5 decode every position list (a third slower),
            # and the only other column holds tokens nobody can type by chance.
            expression.append(" OR ".join(map(fts_string, alternatives)))
        expression += [f"taxonomy : {fts_string(name)}" for name in objections]  # tagged with what they named
        return " OR ".join(expression), corrections, alternatives

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
            excluded = query.exclude_ids
            expression, corrections, words = self.match_expression(
                catalogue,
                query.text,
                query.objections,
                visible_word=(lambda word: self._found_outside(connection, word, excluded)) if excluded else None,
            )
            weights, fields = {}, Counter()  # term -> idf; id -> the fields its searched words are in
            if (query.text.strip() and not expression) or (allowed is not None and not allowed):
                matches, best = set(), []
            elif expression:
                # Excluded before ranking: the total, the facet counts, the page and its highlights
                # are all made from what is left.
                matches = self._matches(connection, catalogue, with_filters(expression, query.filters)) - excluded
                matches = matches if query.only_ids is None else matches & query.only_ids
                weights = self._term_weights(connection, catalogue, words, query.objections)
                best = self._ranked(connection, weights, matches, offset + page_size, fields)[offset:]
            else:
                matches = catalogue.boost.keys() if allowed is None else allowed
                if excluded:
                    matches = matches - excluded
                matches = matches if query.only_ids is None else matches & query.only_ids
                best = self._browsed(catalogue, matches, offset + page_size)[offset:]
            hits = self._hits(connection, expression, best, fields if query.highlight else Counter())
        results = SearchResults(
            hits=hits,
            total=len(matches),
            facets=catalogue.facet_counts(matches),
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

    def _matches(self, connection, catalogue, expression):
        """Ids of every published document matching the expression (filters included)."""
        rows = connection.execute("SELECT rowid FROM fts WHERE fts MATCH ?", [expression])
        return {doc_id for (doc_id,) in rows if doc_id in catalogue.boost}

    def _found_outside(self, connection, word, excluded):
        """Whether some document not in `excluded` contains `word` (a typo correction's candidate).
        Asked only of the few candidates a typo has, and only when something is excluded."""
        placeholders = ", ".join("?" * len(excluded))
        row = connection.execute(
            f"SELECT 1 FROM fts WHERE fts MATCH ? AND rowid NOT IN ({placeholders}) LIMIT 1",
            [fts_string(word), *excluded],
        ).fetchone()
        return row is not None

    def _term_weights(self, connection, catalogue, words, objections):
        """term -> its idf, for the stems of the words searched and the objections named as tags."""
        wanted = list({*self.stems(connection, words).values(), *map(objection_term, objections)})
        placeholders = ", ".join("?" * len(wanted))
        documents = connection.execute(
            f"SELECT term, documents FROM term_documents WHERE term IN ({placeholders}) AND documents > 0", wanted
        )
        return {term: idf(count, len(catalogue.boost)) for term, count in documents}

    def _ranked(self, connection, weights, matches, count, fields):
        """The best `count` matches as (id, score), best first. The score is BM25 with field weights
        (as FTS5's bm25() computes it) times the helped rate and freshness, which every posting
        carries; ties go to the older id.

        Few matches are scored one by one. Otherwise each term's postings are read best first, a chunk
        at a time, until the count-th best score beats the most any document not yet seen could score
        (Fagin's threshold algorithm). Either way the answer is the same; only the second stops early.
        Every document scored leaves in `fields` the fields its searched words are in, for highlights."""

        def scored(ids):
            scores = dict.fromkeys(ids, 0.0)
            for doc_id, term, value, columns in self._impacts(connection, weights, list(scores)):
                scores[doc_id] += weights[term] * value
                fields[doc_id] |= columns
            return [(score, -doc_id) for doc_id, score in scores.items()]

        if len(matches) <= DIRECT_SCORING or not weights:
            best = heapq.nlargest(count, scored(matches))
        else:
            best = self._threshold_top(connection, weights, matches, count, scored)
        return [(-negative_id, score) for score, negative_id in best]

    def _threshold_top(self, connection, weights, matches, count, scored):
        cursors = {
            term: connection.execute("SELECT impact, doc_id FROM postings WHERE term = ? ORDER BY impact DESC", [term])
            for term in weights
        }
        frontier, seen, best = {}, set(), []
        while cursors:
            found = {}  # match first seen in this round -> {term: its impact there}
            for term, cursor in list(cursors.items()):
                rows = cursor.fetchmany(CHUNK)
                frontier[term] = rows[-1][0] if len(rows) == CHUNK else 0.0  # the most an unread posting weighs
                if len(rows) < CHUNK:
                    del cursors[term]
                for value, doc_id in rows:
                    if doc_id in matches and doc_id not in seen:
                        found.setdefault(doc_id, {})[term] = value
            seen.update(found)
            # Only what could still reach the page is scored in full, most promising first: a term not
            # read for a document weighs at most that term's frontier.
            bounds = sorted(
                (
                    (sum(w * known.get(term, frontier[term]) for term, w in weights.items()), doc_id)
                    for doc_id, known in found.items()
                ),
                reverse=True,
            )
            for start in range(0, len(bounds), SCORE_BATCH):
                batch = bounds[start : start + SCORE_BATCH]
                if len(best) == count:
                    batch = [(bound, doc_id) for bound, doc_id in batch if bound >= best[0][0]]
                    if not batch:
                        break
                for item in scored([doc_id for _bound, doc_id in batch]):
                    if len(best) < count:
                        heapq.heappush(best, item)
                    elif item > best[0]:
                        heapq.heapreplace(best, item)
            ceiling = sum(weights[term] * frontier[term] for term in weights)
            if len(best) == count and best[0][0] > ceiling:
                for cursor in cursors.values():
                    cursor.close()  # the rest of each list stays unread
                return sorted(best, reverse=True)
        # Every list read: matches in none of them (found by FTS5 alone) score nothing.
        return heapq.nlargest(count, best + [(0.0, -doc_id) for doc_id in matches - seen])

    def _impacts(self, connection, weights, ids):
        """(id, term, impact, the fields it is in) for these documents and terms."""
        asked = list(weights)
        for start in range(0, len(ids), 2000):
            batch = ids[start : start + 2000]
            yield from connection.execute(
                f"SELECT doc_id, term, impact, columns FROM postings WHERE term IN ({', '.join('?' * len(asked))})"
                f" AND doc_id IN ({', '.join('?' * len(batch))})",
                [*asked, *batch],
            )

    def _browsed(self, catalogue, ids, count):
        """No words, maybe filters: the most helpful current assets first, then the newest."""
        ranked = (((catalogue.boost[doc_id], catalogue.published[doc_id]), -doc_id) for doc_id in ids)
        return [(-negative_id, key) for key, negative_id in heapq.nlargest(count, ranked)]

    def _hits(self, connection, expression, best, fields):
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
        snippets = self._highlights(connection, expression, ids, fields)
        return [self._hit(doc_id, score, *stored[doc_id], snippets.get(doc_id, [])) for doc_id, score in best]

    def _highlights(self, connection, expression, ids, fields):
        """id -> up to PASSAGES highlighted passages, from the first fields (in HIGHLIGHT_COLUMNS' order)
        the postings say the words are in: FTS5 makes a snippet only where one will show."""
        shown = {
            doc_id: [column for column in HIGHLIGHT_COLUMNS if fields[doc_id] & 1 << COLUMNS.index(column)][:PASSAGES]
            for doc_id in ids
        }
        passages, parameters = [], []
        for number in range(PASSAGES):
            cases = [
                (doc_id, COLUMNS.index(columns[number])) for doc_id, columns in shown.items() if len(columns) > number
            ]
            if cases:
                # One snippet call per row and passage; a document without this passage asks for the
                # short filters column, and that answer is dropped.
                passages.append(
                    f"snippet(fts, CASE rowid {' '.join('WHEN ? THEN ?' for _ in cases)} ELSE {len(COLUMNS)} END,"
                    f" '{START}', '{END}', '…', 16)"
                )
                parameters += [value for case in cases for value in case]
        if not passages:
            return {}
        # The page's own tokens narrow the match to its documents inside FTS5, which skips to them;
        # "rowid IN (...)" would restart the match for each id, "+rowid IN" would read every match.
        page_only = f"({expression}) AND ({' OR '.join(map(document_token, ids))})"
        snippets = {}
        for doc_id, *texts in connection.execute(
            f"SELECT rowid, {', '.join(passages)} FROM fts WHERE fts MATCH ?", [*parameters, page_only]
        ):
            snippets[doc_id] = [
                {"field": HIGHLIGHT_COLUMNS[column], "html": marked_html(text)}
                for column, text in zip(shown[doc_id], texts, strict=False)
                if text and START in text
            ]
        return snippets

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
    k1 = K1
    objection_weight = 0.0
    use_boosts = False
    correct_typos = False
