"""The embedded engine: a tantivy index in a folder on this machine's disk, no server to run.

A small adapter over tantivy (PyPI ``tantivy``, the Python bindings of the Rust engine): BM25 per
field with the title and taxonomy weighted above the summary, the summary above the body and the
body above the text inside files; facet counts from a terms aggregation; typo correction against
the words the index holds. Ranking is text relevance only: helped rate and freshness are applied
at query time by the search service, so a review date passing needs no re-index.

A query with understood `terms` (search/understanding.py) is read as SearchQuery's docstring says,
as the Elasticsearch engine reads it: each Term one dis_max clause (its words per weighted field,
a phrase for a mention of several words, typo corrections, the last word completed by a regex
prefix, the facet value it names), at least `minimum_should_match` of them required, the named
values, the words as a phrase and the objections adding score only. Grammar words are never
searched, so never highlighted.

One writer (tantivy allows one per index): only the process that runs the search tasks writes
(the task worker in production, the development server in development, the test process in
tests), through one long-lived ``IndexWriter``. Every other process only reads, calling
``reload()`` before each search, so a commit is visible at once. A writer that finds the lock
held waits up to ``lock_wait`` seconds, then raises IndexBusy; the service keeps the write and
retries it (search.service, search.tasks).
"""

import contextlib
import dataclasses
import json
import re
import shutil
import threading
import time
from pathlib import Path

import tantivy
from tantivy import Filter, Index, Occur, Query, SchemaBuilder, TextAnalyzerBuilder, Tokenizer

from home.text import letters_alike
from search.engines.base import (
    BOOST_WEIGHT,
    FACET_MATCH_WEIGHT,
    FACETS,
    KIND_WORDS_ELSEWHERE,
    MIN_PREFIX_LENGTH,
    MIN_TYPO_LENGTH,
    NAMED_WORDS_WEIGHT,
    OBJECTION_TAG_WEIGHT,
    PHRASE_WEIGHT,
    PLAIN_WORDS,
    PREFIX_WEIGHT,
    TIE_BREAKER,
    WORDS_WEIGHT,
    Hit,
    SearchResults,
    bare_hit,
    edits1,
)
from search.highlighting import HIGHLIGHT_SCAN, Highlighter
from search.understanding import STOP_WORDS

# Field weights, chosen on the judged query set (manage.py evaluate_search); as the Elasticsearch engine.
WEIGHTS = {"title": 5.0, "taxonomy": 3.0, "summary": 2.0, "body": 1.5, "files": 1.0}
# Where a match is shown from, in order of preference, with how a rep reads it.
HIGHLIGHT_FIELDS = {"summary": "Summary", "body": "Body", "files": "Inside the file", "taxonomy": "Tagged"}
PASSAGES = 2  # highlighted passages per hit, from the first fields above that matched
MAX_QUERY_WORDS = 32
SEP = "\x1f"
FACET_BUCKETS = 10_000
WRITER_HEAP = 50_000_000  # bytes the writer buffers before it flushes a segment
LOCK_WAIT = 2.0  # seconds a writer waits for the index lock before giving up (IndexBusy)
WORD = re.compile(r"\w+", re.UNICODE)  # also used by search.taxonomy to normalise synonyms
QUOTED = re.compile(r'"([^"]+)"')

# Named in the schema: new names when the words an index holds change (its analyzers, or the text
# given them: search.documents), so that an index made before is found unreadable and made again
# (see _open), not searched for words it lacks.
STEMMED, WORDS = "cg_stemmed_2", "cg_words_2"
PHRASE_FIELDS = ("title", "summary", "body")  # where the meaningful words together count (SearchQuery.phrase)
TERM_PHRASE_SLOP = 1  # a mention of several words ("head of security") may have one word between
PHRASE_SLOP = 2


def analyzer(stem):
    """Letters and digits, lower-cased, accents folded (NFC text, search.documents), English stems.
    What it is given has passed through home.text.letters_alike (see `Analyzer`)."""
    builder = TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(40)).filter(Filter.lowercase())
    builder = builder.filter(Filter.ascii_fold())
    return (builder.filter(Filter.stemmer("english")) if stem else builder).build()


class Analyzer:
    """A tantivy TextAnalyzer for the query side: `analyze(text)` reads "İ" and "ς" as the index
    does (home.text.letters_alike)."""

    def __init__(self, stem):
        self.tantivy = analyzer(stem)

    def analyze(self, text):
        return self.tantivy.analyze(letters_alike(text))


STEMMER, WORDS_ANALYZER = Analyzer(stem=True), Analyzer(stem=False)


def schema():
    builder = SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in WEIGHTS:  # searched, not stored: what a hit shows is in `data`, the long texts cut short
        builder.add_text_field(name, tokenizer_name=STEMMED)
    builder.add_text_field("words", tokenizer_name=WORDS, index_option="basic")  # unstemmed, for typos
    builder.add_text_field("facet", tokenizer_name="raw", index_option="basic")  # "facet<US>value", filters
    builder.add_text_field("facet_label", tokenizer_name="raw", fast=True)  # "facet<US>value<US>label", counts
    builder.add_integer_field("published", fast=True)  # for browsing newest first
    builder.add_bytes_field("data", stored=True)  # what a hit shows, as JSON
    builder.add_bytes_field("shown", stored=True)  # the start of each HIGHLIGHT_FIELDS field, SEP between
    return builder.build()


SCHEMA = schema()


class IndexUnavailable(Exception):
    """The index cannot answer: `reason` is "missing", "corrupt" or "busy"."""

    def __init__(self, reason, detail=""):
        super().__init__(f"search index {reason}: {detail}".strip(": "))
        self.reason = reason


class IndexBusy(IndexUnavailable):
    """Another process holds the index's writer lock (one writer per index)."""

    def __init__(self, detail=""):
        super().__init__("busy", detail)


def fatal(error):
    """Whether an exception must propagate as it is (interrupts), not be read as a damaged index."""
    return isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit)


def carrying(facets):
    """A query for the documents carrying any of `facets`: ((facet, slug), ...)."""
    return Query.term_set_query(SCHEMA, "facet", [f"{facet}{SEP}{slug}" for facet, slug in facets])


def published_number(iso):
    """An ISO date or datetime as a sortable integer (20260301...), 0 when unknown."""
    digits = re.sub(r"\D", "", iso or "")[:14]
    return int(digits.ljust(14, "0")) if digits else 0


def folder_identity(path):
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def folder_bytes(path):
    """Bytes in the files directly inside `path`. The writer's merges remove files while this
    counts, so a file that is gone by the time it is measured counts as 0, not an error."""
    total = 0
    try:
        items = list(path.iterdir())
    except FileNotFoundError:  # the folder itself went (a rebuild replacing a damaged index)
        return 0
    for item in items:
        with contextlib.suppress(FileNotFoundError):
            total += item.stat().st_size if item.is_file() else 0
    return total


def candidates_key(query):
    """What a wide pass (ids_only) and the page pass after it (only_ids) share when they are for the
    same search: everything but the page, its size and the pass's own fields."""
    return dataclasses.replace(query, page=1, page_size=1, highlight=True, ids_only=False, only_ids=None)


def same_words(key, query):
    """Whether `key` (a candidates_key) is for the same search as `query`, however many of its
    words either requires: the service's passes of one search differ only in that share."""
    return key == dataclasses.replace(candidates_key(query), minimum_should_match=key.minimum_should_match)


def looser_pass(kept, query):
    """Whether `query` is the service's looser pass (run(): the same words, fewer of them required)
    right after the wide pass `kept` (see page_of_candidates) for the same search: it then reads
    the same snapshot, without a reload. A new search never is: it starts with its strongest pass,
    which never requires fewer words than what is kept."""
    return (
        kept is not None
        and query.ids_only
        and kept[0].minimum_should_match > query.minimum_should_match
        and same_words(kept[0], query)
    )


class EmbeddedEngine:
    name = "embedded"
    weights = WEIGHTS
    objection_weight = WEIGHTS["taxonomy"]  # a tag with an objection whose synonym was typed
    correct_typos = True

    def __init__(self, path, lock_wait=LOCK_WAIT, **_ignored):
        self.path = Path(path)
        self.lock_wait = lock_wait
        self._index = None
        self._identity = None  # the folder the open index lives in: a folder made again is re-opened
        self._writer = None
        self._lock = threading.RLock()
        # Per thread (a threaded server shares this engine): what the service's wide pass left for
        # the passes after it in the same search, `words_for_page` (its candidates_key and the words'
        # clauses) and `candidates` (for page_of_candidates).
        self._pass = threading.local()

    # Opening

    def _open(self, create=False):
        """The index at `path`, opened (or, for the writer, created). Raises IndexUnavailable."""
        identity = folder_identity(self.path)
        if self._index is not None and identity == self._identity:
            return self._index
        self._drop_writer()
        self._index = None
        if not (self.path / "meta.json").exists():
            if not create:
                raise IndexUnavailable("missing", str(self.path))
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise IndexUnavailable("unwritable", str(error)) from error
        try:
            index = Index(SCHEMA, path=str(self.path), reuse=True)
            index.register_tokenizer(STEMMED, STEMMER.tantivy)
            index.register_tokenizer(WORDS, WORDS_ANALYZER.tantivy)
        except BaseException as error:
            if fatal(error):
                raise
            raise IndexUnavailable("corrupt", str(error)) from error
        self._index, self._identity = index, folder_identity(self.path)
        return index

    def searcher(self):
        """A searcher on the latest commit (reload() first: another process may have written)."""
        with self._lock:
            index = self._open()
            try:
                index.reload()
                return index.searcher()
            except BaseException as error:
                if fatal(error):
                    raise
                self._index = None
                raise IndexUnavailable("corrupt", str(error)) from error

    def close(self):
        """Let go of the writer (and its lock) and the open index."""
        with self._lock:
            self._drop_writer()
            self._index = None

    def _drop_writer(self):
        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.rollback()
                writer.__exit__(None, None, None)  # releases the lock file now, not when collected
            except BaseException as error:  # a writer on a damaged index: it goes anyway
                if fatal(error):
                    raise
            del writer

    # Writing

    def writer(self, create=False):
        """This process's one writer, opened on first use and kept. Waits up to `lock_wait` seconds
        for another writer to let go, then raises IndexBusy; a missing index (unless `create`, as a
        rebuild does) or a damaged one raises IndexUnavailable: a write into a new, empty index would
        hide that every other document is missing."""
        index = self._open(create=create)
        if self._writer is not None:
            return self._writer
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                self._writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
                return self._writer
            except BaseException as error:
                if fatal(error):
                    raise
                if "LockBusy" not in str(error):
                    raise IndexUnavailable("unwritable", str(error)) from error
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"another process writes to {self.path}") from error
                time.sleep(0.05)

    def _write(self, change, create=False):
        with self._lock:
            writer = self.writer(create)
            try:
                change(writer)
                writer.commit()
                self._index.reload()
            except BaseException as error:
                if fatal(error):
                    raise
                self._drop_writer()
                self._index = None
                raise IndexUnavailable("unwritable", str(error)) from error

    def _add(self, writer, doc, replace=True):
        if replace:
            writer.delete_documents_by_term("id", doc.id)
        data = {**doc.stored_fields(), "stale": doc.stale}
        fields = {name: getattr(doc, name) for name in WEIGHTS}
        searched = {name: letters_alike(text) for name, text in fields.items()}
        facets = [(facet, value) for facet, values in doc.facets.items() for value in values]
        labels = doc.labels
        writer.add_document(
            tantivy.Document(
                id=doc.id,
                **searched,
                words=" ".join(searched.values()),
                facet=[f"{facet}{SEP}{value}" for facet, value in facets],
                facet_label=[
                    f"{facet}{SEP}{value}{SEP}{labels.get(facet, {}).get(value, value)}" for facet, value in facets
                ],
                published=published_number(doc.published),
                data=json.dumps(data).encode(),
                # Highlights look at each field's first HIGHLIGHT_SCAN characters only, so only those
                # are stored: a hit on a 500-page PDF reads 20,000 characters, not 2,000,000.
                shown=SEP.join(fields[name][:HIGHLIGHT_SCAN].replace(SEP, " ") for name in HIGHLIGHT_FIELDS).encode(),
            )
        )

    def index(self, documents):
        """Add or replace documents (by id), in one commit."""
        documents = list(documents)
        if documents:
            self._write(lambda writer: [self._add(writer, doc) for doc in documents])

    def delete(self, ids):
        ids = sorted(set(ids))
        if ids:
            self._write(lambda writer: [writer.delete_documents_by_term("id", doc_id) for doc_id in ids])

    def rebuild(self, documents):
        """Replace everything in one commit (readers see the old index until then). A damaged index
        is removed and made again; a path that is not an index folder (a file) is left alone."""
        with self._lock:
            try:
                self.writer(create=True)
            except IndexBusy:
                raise
            except IndexUnavailable:
                if not self.path.is_dir():
                    raise
                self.close()
                shutil.rmtree(self.path)
            self._write(
                # Not delete_all_documents(): after earlier commits by the same writer, it also dropped
                # the documents added after it (tantivy 0.27), leaving an empty index.
                lambda writer: [
                    writer.delete_documents_by_query(Query.all_query()),
                    *(self._add(writer, doc, replace=False) for doc in documents),
                ],
                create=True,
            )
            self._writer.wait_merging_threads()  # merge into few segments, then a fresh writer
            self._writer = None
            self._open().reload()
            return self.count()

    def clear(self):
        self.rebuild([])

    def count(self):
        return self.searcher().num_docs

    def stats(self):
        """{"documents", "segments", "bytes"}: for the benchmark and the health check."""
        searcher = self.searcher()
        return {"documents": searcher.num_docs, "segments": searcher.num_segments, "bytes": folder_bytes(self.path)}

    # Reading

    def search(self, query):
        started = time.perf_counter()
        kept, self._pass.candidates = getattr(self._pass, "candidates", None), None
        if query.only_ids is not None and kept is not None:
            shown = self.page_of_candidates(query, kept, started)
            if shown is not None:
                return shown
        searcher = kept[1] if looser_pass(kept, query) else self.searcher()
        page_size = max(1, query.page_size)
        offset = (max(1, query.page) - 1) * page_size
        corrections, stems, starts = {}, [], ()
        clauses = []
        if query.terms or query.text.strip():
            words_query, corrections, stems, starts = self.words(searcher, query)
            clauses.append((Occur.Must, words_query))
        else:
            clauses.append((Occur.Must, Query.all_query()))
        for facet, values in query.filters.items():
            for value in values:
                clauses.append((Occur.Must, Query.term_query(SCHEMA, "facet", f"{facet}{SEP}{value}")))
        if query.exclude_ids:
            clauses.append((Occur.MustNot, Query.term_set_query(SCHEMA, "id", sorted(query.exclude_ids))))
        if query.only_ids is not None:  # search.service's second pass: the shown page's highlights
            clauses.append((Occur.Must, Query.term_set_query(SCHEMA, "id", sorted(query.only_ids))))
        final = Query.boolean_query(clauses)
        if query.text.strip():
            found = searcher.search(final, limit=page_size, offset=offset, count=True)
        else:  # browsing: newest first
            found = searcher.search(final, limit=page_size, offset=offset, count=True, order_by_field="published")
        if query.ids_only:  # ids from the id column: no stored document is read
            ids = searcher.fast_field_values("id", [address for _score, address in found.hits])
            hits = [bare_hit(doc_id, score) for doc_id, (score, _address) in zip(ids, found.hits, strict=True)]
            self._pass.candidates = (
                candidates_key(query),
                searcher,
                {doc_id: address for doc_id, (_score, address) in zip(ids, found.hits, strict=True)},
                (stems, starts, corrections),
            )
        else:
            highlighters = self.highlighters(query, stems, starts)
            hits = [self._hit(searcher, score, address, highlighters, query.highlight) for score, address in found.hits]
        return SearchResults(
            hits=hits,
            total=found.count,
            # The highlights pass (only_ids) shows no facets: search.service keeps the first pass's.
            facets={} if query.only_ids is not None else self.facet_counts(searcher, final, found.count),
            took_ms=(time.perf_counter() - started) * 1000,
            engine=self.name,
            corrections=corrections,
        )

    def page_of_candidates(self, query, kept, started):
        """The service's page pass (only_ids) straight after its wide pass (ids_only) for the same
        query: the shown hits read from the wide pass's own snapshot at the addresses it found, with
        their highlights, without running the query again. None when `kept` (the wide pass's key,
        searcher, {id: address} and highlighting terms) is for another query or lacks an id."""
        key, searcher, addresses, (stems, starts, corrections) = kept
        if key != candidates_key(query) or not query.only_ids <= addresses.keys():
            return None
        highlighters = self.highlighters(query, stems, starts)
        shown = sorted(query.only_ids)
        hits = [self._hit(searcher, 0.0, addresses[doc_id], highlighters, query.highlight) for doc_id in shown]
        return SearchResults(
            hits=hits,
            total=len(hits),
            facets={},
            took_ms=(time.perf_counter() - started) * 1000,
            engine=self.name,
            corrections=corrections,
        )

    def words(self, searcher, query):
        """(the words' query, corrections, stems, word starts) for `query`: understood_query's
        answer, or text_query's with no starts. The service's page pass (only_ids) right after its
        wide pass (ids_only) for the same words reuses the wide pass's: typo corrections cost the
        most of it, and both passes then search exactly the same words."""
        remembered, self._pass.words_for_page = getattr(self._pass, "words_for_page", None), None
        again = remembered is not None and same_words(remembered[0], query)
        if query.terms:
            # The service's looser pass (run(): the same words, fewer of them required) right after
            # its strong one reuses the terms' clauses too. A new search never does: it starts with
            # its strongest pass, which never requires fewer words than what is remembered.
            if again and (
                query.only_ids is not None or remembered[0].minimum_should_match > query.minimum_should_match
            ):
                clauses = remembered[1]
            else:
                clauses = self.term_clauses(searcher, query)
            answer = self.understood_query(query, *clauses)
            if query.ids_only or query.only_ids is not None:
                self._pass.words_for_page = (candidates_key(query), clauses)
            return answer
        if query.only_ids is not None and again:
            return remembered[1]
        answer = (*self.text_query(searcher, query.text, query.objections, query.exclude_ids), ())
        if query.ids_only:
            self._pass.words_for_page = (candidates_key(query), answer)
        return answer

    # Query understanding (search/understanding.py; the rules are in SearchQuery's docstring, and
    # search/engines/elastic.py does the same on a server).

    def fields_query(self, stems):
        """Any of the stems in any weighted field, each field's BM25 times its weight, summed (a
        word found in the title and the summary counts for both)."""
        return Query.boolean_query(
            [
                (Occur.Should, Query.boost_query(Query.term_query(SCHEMA, field, stem), weight))
                for stem in stems
                for field, weight in self.weights.items()
                if weight
            ]
        )

    def phrase_in_fields(self, tokens, fields, slop):
        """The stemmed tokens together (within `slop` gaps) in the best of the fields, by its weight."""
        return Query.disjunction_max_query(
            [
                Query.boost_query(Query.phrase_query(SCHEMA, field, tokens, slop), weight)
                for field, weight in fields.items()
                if weight
            ]
        )

    def term_clause(self, searcher, term, excluded, corrections):
        """One Term as a clause scored by its best way of matching plus TIE_BREAKER times the others
        (a dis_max): its text or an alternative in the weighted fields (a phrase when several words),
        the corrections of a word the index does not hold (not for a word naming a facet value),
        its meaningful words apart (WORDS_WEIGHT), the words of the objection it names by a synonym
        (NAMED_WORDS_WEIGHT), a completion of the word typed (`prefix`), or a facet value it names
        (FACET_MATCH_WEIGHT); a `facet_only` Term by its facet values alone.

        Returns (query, stems to highlight, prefixes to highlight); fills `corrections`."""
        ways, marked, starts = [], [], []
        for position, words in enumerate(() if term.facet_only else (term.text, *term.alternatives)):
            tokens = STEMMER.analyze(words)
            if len(tokens) > 1:
                ways.append(self.phrase_in_fields(tokens, self.weights, TERM_PHRASE_SLOP))
                if words.replace(" ", "") != term.text:  # "soc 2" for "soc2": its parts alone are no match
                    marked += [
                        token
                        for word in words.split()
                        if word not in STOP_WORDS
                        for token in STEMMER.analyze(word)
                        if not token.isdigit()
                    ]
                continue
            if not tokens:
                continue
            ways.append(self.fields_query(tokens))
            marked += tokens
            folded = WORDS_ANALYZER.analyze(words)
            # A word the vocabulary knows (the term names a facet value) is no typo: no rescue.
            if position == 0 and not term.facets and len(folded) == 1 and self.typo(searcher, folded[0], excluded):
                close = sorted(self.held(searcher, folded[0]))
                close = [word for word in close if self._visible(searcher, word, excluded)]
                if close:
                    corrections[folded[0]] = close
                    stems = list(dict.fromkeys(stem for word in close for stem in STEMMER.analyze(word)))
                    ways.append(self.fields_query(stems))
                    marked += stems
        if term.words and not term.facet_only:
            stems = [stem for word in term.words for stem in STEMMER.analyze(word)]
            if stems:
                apart = self.fields_query(stems)
                if term.kinds:  # in full only on assets of the kind named (Term.kinds)
                    kinds = carrying(term.kinds)
                    ways.append(Query.boost_query(apart, WORDS_WEIGHT * KIND_WORDS_ELSEWHERE))
                    apart = Query.boolean_query([(Occur.Must, kinds), (Occur.Must, apart)])
                ways.append(Query.boost_query(apart, WORDS_WEIGHT))
        stems = [stem for word in term.named_words for stem in STEMMER.analyze(word)]
        if stems and term.facets:  # only where the asset carries what the term names
            carries = carrying(term.facets)
            named = Query.boolean_query([(Occur.Must, carries), (Occur.Must, self.fields_query(stems))])
            ways.append(Query.boost_query(named, NAMED_WORDS_WEIGHT))
            # Marked too: an asset found through the objection says why ("Tagged: Price is too high").
            marked += stems
        folded = WORDS_ANALYZER.analyze(term.text)
        if (
            term.prefix
            and not term.facet_only
            and len(folded) == 1
            and len(folded[0]) >= MIN_PREFIX_LENGTH
            and folded[0].isalnum()
            # A word a page the searcher may view holds is taken as typed (stemming finds its other
            # forms); completing it too would cost a scan of every word it starts, for little. Only
            # pages they may view count: were the hidden ones counted, "secret" would answer nothing
            # where "secre" finds "secretariat", saying a hidden page holds "secret".
            and not self.held_where_visible(searcher, folded[0], excluded)
        ):
            # Tokens are ASCII-folded, so an ASCII start continues in ASCII letters and digits: that
            # automaton builds ten times faster than `.*` (0.02 ms against 0.23 ms per field).
            rest = "[a-z0-9]*" if folded[0].isascii() else ".*"
            pattern = re.escape(folded[0]) + rest
            # The stemmed fields hold stems ("invoic" for "invoicing"); the unstemmed words field
            # completes what runs past a stem ("implementat"), at the lowest field's weight. Only
            # fields holding a word that starts so get a regex (a word nothing completes, most
            # often a new one, costs a look at each term list instead of six automatons).
            lowest = min(weight for weight in self.weights.values() if weight)
            completing = [
                (field, weight * PREFIX_WEIGHT)
                for field, weight in (*self.weights.items(), ("words", lowest))
                if weight and searcher.terms_with_prefix(field, folded[0], limit=1)
            ]
            ways += [
                Query.boost_query(Query.regex_query(SCHEMA, field, pattern), weight) for field, weight in completing
            ]
            if completing:
                starts.append(folded[0])
        for facet, slug in term.facets:
            ways.append(
                Query.const_score_query(Query.term_query(SCHEMA, "facet", f"{facet}{SEP}{slug}"), FACET_MATCH_WEIGHT)
            )
        if len(ways) < 2:  # nothing to choose between
            return (ways[0] if ways else Query.empty_query()), marked, starts
        return Query.disjunction_max_query(ways, TIE_BREAKER), marked, starts

    def term_clauses(self, searcher, query):
        """(one clause per Term of `query`, {typo: [words searched instead]}, stems to highlight,
        prefixes to highlight): what the words mean in this index, before how many must match."""
        corrections, stems, starts, required = {}, [], [], []
        for term in query.terms:
            clause, marked, started = self.term_clause(searcher, term, query.exclude_ids, corrections)
            required.append((Occur.Should, clause))
            stems += marked
            starts += started
        return required, corrections, stems, starts

    def understood_query(self, query, required, corrections, stems, starts):
        """(query, {typo: [words searched instead]}, stems to highlight, prefixes to highlight) for a
        SearchQuery with `terms`, given its term_clauses: at least `minimum_should_match` of the
        Terms must match; the facet values the words named (`boosts`), the meaningful words as a
        phrase and the objections whose synonyms were used add to the score and require nothing.
        Grammar words of `text` are never searched, so never highlighted."""
        matching = Query.boolean_query(required, max(1, min(query.minimum_should_match, len(required))))
        extra = [
            Query.const_score_query(
                Query.term_set_query(SCHEMA, "facet", [f"{facet}{SEP}{slug}" for slug in slugs]), BOOST_WEIGHT
            )
            for facet, slugs in query.boosts.items()
            if facet in FACETS and slugs
        ]
        tokens = STEMMER.analyze(query.phrase)
        if len(tokens) > 1:
            fields = dict.fromkeys(PHRASE_FIELDS, 1.0)
            extra.append(Query.boost_query(self.phrase_in_fields(tokens, fields, PHRASE_SLOP), PHRASE_WEIGHT))
        for name in query.objections:
            tokens = STEMMER.analyze(name)
            if tokens:
                tagged = (
                    Query.phrase_query(SCHEMA, "taxonomy", tokens)
                    if len(tokens) > 1
                    else Query.term_query(SCHEMA, "taxonomy", tokens[0])
                )
                extra.append(Query.const_score_query(tagged, OBJECTION_TAG_WEIGHT))
        final = Query.boolean_query([(Occur.Must, matching), *((Occur.Should, clause) for clause in extra)])
        return final, corrections, list(dict.fromkeys(stems)), tuple(dict.fromkeys(starts))

    def text_query(self, searcher, text, objections, excluded):
        """(the query for what a person typed, {typo: [words searched instead]}, stems searched).

        Every word may match, in any field, weighted by field; a word the index does not hold is
        replaced by the words one edit away that it does hold in a page the searcher may see. Words
        in double quotes must appear together. Nothing typed reaches tantivy as syntax."""
        words = list(dict.fromkeys(WORDS_ANALYZER.analyze(text)))[:MAX_QUERY_WORDS]
        corrections, searched = {}, []
        for word in words:
            options = [word]
            if self.typo(searcher, word, excluded):
                close = sorted(self.held(searcher, word))
                close = [c for c in close if self._visible(searcher, c, excluded)]
                if close:
                    corrections[word], options = close, close
            searched += options
        stems = list(dict.fromkeys(stem for word in searched for stem in STEMMER.analyze(word)))
        should = [
            Query.boost_query(Query.term_query(SCHEMA, field, stem), weight)
            for stem in stems
            for field, weight in self.weights.items()
            if weight
        ]
        for name in objections:  # tagged with an objection whose synonym they used
            tokens = STEMMER.analyze(name)
            if tokens and self.objection_weight:
                tagged = (
                    Query.phrase_query(SCHEMA, "taxonomy", tokens)
                    if len(tokens) > 1
                    else Query.term_query(SCHEMA, "taxonomy", tokens[0])
                )
                should.append(Query.boost_query(tagged, self.objection_weight))
                stems += tokens
        if not should:
            return Query.empty_query(), corrections, stems
        clauses = [(Occur.Should, clause) for clause in should]
        phrase = Query.boolean_query(clauses)
        musts = []
        for quoted in QUOTED.findall(text):
            tokens = STEMMER.analyze(quoted)
            if len(tokens) > 1:
                musts.append(
                    Query.boolean_query(
                        [(Occur.Should, Query.phrase_query(SCHEMA, field, tokens)) for field in self.weights]
                    )
                )
        if musts:
            phrase = Query.boolean_query([(Occur.Must, phrase), *((Occur.Must, must) for must in musts)])
        return phrase, corrections, stems

    def typo(self, searcher, word, excluded=frozenset()):
        """Whether to look for corrections of `word`: long enough, not an everyday word, held by no
        page the searcher may view (`excluded`: page ids kept from them; a word only those hold is
        corrected as any unknown word is, so whether it is corrected says nothing of them)."""
        return (
            self.correct_typos
            and len(word) >= MIN_TYPO_LENGTH
            and word not in PLAIN_WORDS
            and not self.held_where_visible(searcher, word, excluded)
        )

    @staticmethod
    def held(searcher, word):
        """The words one edit away from `word` (edits1) that the index holds (deleted documents'
        too: _visible checks). Those keeping its first two letters are read from the index's term
        list in one call; the few others (an edit in the first two letters) are asked one by one."""
        keep = 2
        listed = {term for term, _count in searcher.terms_with_prefix("words", word[:keep])}
        same_start = edits1(word, first=keep) & listed
        return same_start | {c for c in edits1(word, last=keep - 1) if searcher.doc_freq("words", c)}

    @classmethod
    def held_where_visible(cls, searcher, word, excluded):
        """Whether a live document outside `excluded` (page ids) holds `word` in the words field:
        the index's own count first (no document holds it, or none is excluded), a query only
        when some pages are kept from the searcher and the index holds the word."""
        if not searcher.doc_freq("words", word):
            return False
        return cls._visible(searcher, word, excluded) if excluded else True

    @staticmethod
    def _visible(searcher, word, excluded):
        """Whether a live document the searcher may see holds `word` (a typo's candidate correction):
        a correction must not reveal a word only a hidden page contains."""
        query = Query.term_query(SCHEMA, "words", word)
        if excluded:
            query = Query.boolean_query(
                [(Occur.Must, query), (Occur.MustNot, Query.term_set_query(SCHEMA, "id", sorted(excluded)))]
            )
        return searcher.search(query, limit=1, count=True).count > 0

    @staticmethod
    def facet_counts(searcher, query, matches=None):
        """facet -> [(value, label, count)], most frequent first, over every match of the query
        (`matches`: how many there are, when known; with none, nothing is counted)."""
        if matches == 0:
            return {facet: [] for facet in FACETS}
        answer = searcher.aggregate(query, {"f": {"terms": {"field": "facet_label", "size": FACET_BUCKETS}}})
        facets = {facet: [] for facet in FACETS}
        for bucket in answer["f"]["buckets"]:
            facet, value, label = bucket["key"].split(SEP, 2)
            facets.setdefault(facet, []).append((value, label, bucket["doc_count"]))
        for values in facets.values():
            values.sort(key=lambda item: (-item[2], item[1]))
        return facets

    @staticmethod
    def highlighters(query, stems, starts):
        """{field: Highlighter} for the hits of `query`: the stems and word starts searched, and in
        the taxonomy also the words of a Term matched by its facet values alone (`facet_only`: "cfo"
        in "cfo says too pricey"), so an asset found through that tag says "Tagged: CFO" while
        no other passage marks the word."""
        tagged = [
            stem
            for term in query.terms
            if term.facet_only
            for words in (term.text, *term.alternatives)
            for stem in STEMMER.analyze(words)
        ]
        text = Highlighter(stems, starts, stem=STEMMER.analyze)
        tags = Highlighter([*stems, *tagged], starts, stem=STEMMER.analyze) if tagged else text
        return {field: tags if field == "taxonomy" else text for field in HIGHLIGHT_FIELDS}

    def _hit(self, searcher, score, address, highlighters, highlight):
        stored = searcher.doc(address)
        data = json.loads(bytes(stored.get_first("data")))
        highlights = []
        if highlight and any(highlighter.searched for highlighter in highlighters.values()):  # else nothing to mark
            texts = bytes(stored.get_first("shown")).decode().split(SEP)
            for text, (field, label) in zip(texts, HIGHLIGHT_FIELDS.items(), strict=True):
                passage = highlighters[field].passage(text)
                if passage:
                    highlights.append({"field": label, "html": passage})
                    if len(highlights) == PASSAGES:
                        break
        return Hit(
            id=stored.get_first("id"),
            title=data["title"],
            url=data["url"],
            score=round(float(score), 6) if isinstance(score, float) else 0.0,
            highlights=highlights,
            labels=data["labels"],
            stale=bool(data.get("stale")),
            external_id=data["external_id"],
            helped=data["helped"],
            not_helped=data["not_helped"],
        )


class PlainBM25Engine(EmbeddedEngine):
    """The baseline the ranking is measured against: BM25 over the asset's own text, all fields
    alike; no taxonomy, no synonyms, no typo correction."""

    name = "plain BM25"
    weights = {"title": 1.0, "taxonomy": 0.0, "summary": 1.0, "body": 1.0, "files": 1.0}
    objection_weight = 0.0
    correct_typos = False
