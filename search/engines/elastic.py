"""The Elasticsearch 8/9 and OpenSearch 2/3 engine, through elasticsearch-dsl.

Documents live in a concrete index (`<alias>-<timestamp>`) behind an alias; a rebuild fills
a new index and swaps the alias in one step, so searches never see a half-built index.
OpenSearch (and osmem-server) refuse the Elasticsearch client's vendor media types; with
`plain_json` every request says plain `application/json` instead.
"""

import dataclasses
import html
import re
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from elastic_transport import TransportError, Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl import Document, Integer, Keyword, Object, Search, Text, analyzer, token_filter
from elasticsearch.dsl import Q as Query
from elasticsearch.helpers import bulk

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
from search.engines.embedded import WORD, WORDS_ANALYZER

SEP = "\x1f"
# Printable, escape-proof markers around matches (osmem-server trims trailing control characters).
START, END = "{{cg-mark}}", "{{/cg-mark}}"
FIELD_WEIGHTS = {"title": 5, "taxonomy": 3, "summary": 2, "body": 1.5, "files": 1}  # as the embedded engine
HIGHLIGHT_FIELDS = {"summary": "Summary", "body": "Body", "files": "Inside the file", "taxonomy": "Tagged"}
WORDS_FIELDS = [f"{field}.words" for field in FIELD_WEIGHTS]  # unstemmed: typos are counted and marked there
# A word matched one edit away counts this share of the field's weight. Elasticsearch applies it to
# every word (the embedded engine only corrects words no page holds, in full), so less than 1;
# chosen on the Tessellate set (0.1 → 0.3: nDCG@10 0.980 → 0.984; 0.5 and 1.0 gave 0.984, 0.985),
# Keelson reported only (0.952 → 0.951, MRR@10 0.985 → 0.989).
FUZZY_WEIGHT = 0.3
PHRASE_FIELDS = ("title", "summary", "body")
REBUILD_TIMEOUT = 300  # seconds, for bulk requests during a rebuild
WRITES_TIMEOUT_FACTOR = 10  # a bulk write may take ten times a search's bound (big files' text)
CREATE_TIMEOUT = 30  # seconds, for creating an index (rare; loading analyzers can take seconds)
REBUILD_CHUNK = 500
MAX_QUERY_CHARS = 1000
MAX_TYPO_WORDS = 32  # words checked for typos in one search, as the embedded engine's MAX_QUERY_WORDS
CORRECTION_PAGES = 10  # the pages a typo's fuzzy match is read in for its corrections
FACET_BUCKETS = 500
# Highlighting reads at most this many characters of a field; Elasticsearch refuses (400) to
# highlight a longer field unless the index setting and the query allow it. Text extracted from
# a big file easily passes the default of one million.
MAX_ANALYZED_OFFSET = 10_000_000

english = analyzer(
    "cg_english",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", token_filter("cg_stem", type="stemmer", language="english")],
)
plain_words = analyzer("cg_words", tokenizer="standard", filter=["lowercase", "asciifolding"])


def searchable_text():
    """Stemmed for matching word forms; `.words` unstemmed, for typo-tolerant (fuzzy) matching."""
    return Text(analyzer=english, fields={"words": Text(analyzer=plain_words)})


class CollateralEntry(Document):
    """One collateral item in the Elasticsearch/OpenSearch index."""

    doc_id = Integer()
    title = searchable_text()
    taxonomy = searchable_text()
    summary = searchable_text()
    body = searchable_text()
    files = searchable_text()
    persona = Keyword(multi=True)
    objection = Keyword(multi=True)
    stage = Keyword(multi=True)
    kind = Keyword(multi=True)
    tag = Keyword(multi=True)
    facet_labels = Keyword(multi=True)  # "facet<US>value<US>label": counted and named in one aggregation
    published = Keyword()
    data = Object(enabled=False)


class PlainJsonNode(Urllib3HttpNode):
    """Sends plain application/json, which OpenSearch and osmem-server accept."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        headers = dict(headers or {})
        for name in list(headers):
            if name.lower() in ("accept", "content-type"):
                headers[name] = "application/json"
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def marked_html(fragment):
    return html.escape(fragment).replace(START, "<mark>").replace(END, "</mark>")


MARKED = re.compile(f"{START}(.*?){END}", re.DOTALL)


def typo_candidates(query):
    """{word: whether it is the last word, still being typed} for the words of `query` that may be
    typos, folded as the `.words` fields hold them: each single word a Term is (or, with no Terms,
    each word of the text) at least MIN_TYPO_LENGTH long, not an everyday word (PLAIN_WORDS) and
    naming no facet value, as the embedded engine decides; at most MAX_TYPO_WORDS of them."""
    if query.terms:
        typed = [(term.text, term.prefix) for term in query.terms if not term.facet_only and not term.facets]
    else:
        typed = [(word, False) for word in WORD.findall(query.text[:MAX_QUERY_CHARS])]
    candidates = {}
    for words, prefix in typed:
        folded = WORDS_ANALYZER.analyze(words)
        if len(folded) == 1 and len(folded[0]) >= MIN_TYPO_LENGTH and folded[0] not in PLAIN_WORDS:
            candidates.setdefault(folded[0], prefix)
    return dict(list(candidates.items())[:MAX_TYPO_WORDS])


def held_words(search, candidates, hidden):
    """Add to `search` (an elasticsearch-dsl Search, changed in place) the aggregation "held": how
    many pages outside `hidden` (must_not clauses) hold each word of `candidates` (typo_candidates)
    in a `.words` field, or, for the word still being typed, a word starting with it ("invoic"),
    whatever the query matched (a global aggregation: no extra request)."""
    fields = WORDS_FIELDS
    filters = {}
    for word, prefix in candidates.items():
        ways = [Query("multi_match", query=word, fields=fields)]
        ways += [Query("prefix", **{field: word}) for field in fields] if prefix else []
        filters[word] = Query("bool", should=ways, minimum_should_match=1).to_dict()
    visible = Query("bool", must_not=hidden).to_dict()
    search.aggs.bucket("held", "global").bucket("visible", "filter", visible).bucket(
        "words", "filters", filters=filters
    )


def fuzzy_match(typo, word):
    """Whether Elasticsearch's fuzzy query for `typo` (fuzziness AUTO, prefix_length 1) matches
    `word`: the same first letter and at most one edit (Damerau: a swap counts one) for a word of
    up to five letters, two for a longer one (the AUTO rule in Elasticsearch's "fuzziness" docs)."""
    if word == typo or word[:1] != typo[:1]:
        return False
    near = edits1(typo, first=1)
    return word in near or (len(typo) > 5 and bool(near & edits1(word, first=1)))


# Query understanding (search/understanding.py; the rules are in SearchQuery's docstring).


def term_clause(term):
    """One meaningful Term as a clause scored by its best way of matching (dis_max, so a word is
    not counted twice): its words in the weighted fields (stemmed; a phrase in order, or its words
    anywhere for less), a small typo rescue (not for a word naming a facet value), the words of
    the objection it names by a synonym, a prefix completion when asked, or the facet values it
    names; a `facet_only` Term by its facet values alone."""
    fields = [f"{field}^{weight}" for field, weight in FIELD_WEIGHTS.items()]
    fuzzy_fields = [f"{field}.words^{weight * FUZZY_WEIGHT}" for field, weight in FIELD_WEIGHTS.items()]
    ways = []
    for words in () if term.facet_only else (term.text, *term.alternatives):
        if " " in words:
            ways.append(Query("multi_match", query=words, fields=fields, type="phrase", slop=1))
        else:
            ways.append(Query("multi_match", query=words, fields=fields, type="most_fields"))
            if not term.facets:  # a word the vocabulary knows is no typo
                ways.append(Query("multi_match", query=words, fields=fuzzy_fields, fuzziness="AUTO", prefix_length=1))
    if term.words and not term.facet_only:
        apart = Query("multi_match", query=" ".join(term.words), fields=fields, type="most_fields")
        kinds = [Query("term", **{facet: slug}) for facet, slug in term.kinds]  # in full on those (Term.kinds)
        ways.append(
            Query("bool", must=[apart], filter=[Query("bool", should=kinds)] if kinds else [], boost=WORDS_WEIGHT)
        )
        if kinds:
            ways.append(Query("bool", must=[apart], boost=WORDS_WEIGHT * KIND_WORDS_ELSEWHERE))
    if term.named_words and term.facets:  # only where the document carries what the term names
        named = Query("multi_match", query=" ".join(term.named_words), fields=fields, type="most_fields")
        carries = [Query("term", **{facet: slug}) for facet, slug in term.facets]
        ways.append(Query("bool", must=[named], filter=[Query("bool", should=carries)], boost=NAMED_WORDS_WEIGHT))
    if term.prefix and not term.facet_only and len(term.text) >= MIN_PREFIX_LENGTH:
        ways += [
            Query("prefix", **{f"{field}.words": {"value": term.text, "boost": weight * PREFIX_WEIGHT}})
            for field, weight in FIELD_WEIGHTS.items()
        ]
    for facet, slug in term.facets:
        ways.append(Query("constant_score", filter=Query("term", **{facet: slug}), boost=FACET_MATCH_WEIGHT))
    return Query("dis_max", queries=ways, tie_breaker=TIE_BREAKER)


def understood_query(query):
    """A document must match `minimum_should_match` of the Terms; the named facet values, the
    phrase and the objections the words used add to its score but require nothing."""
    required = Query(
        "bool",
        should=[term_clause(term) for term in query.terms],
        minimum_should_match=max(1, min(query.minimum_should_match, len(query.terms))),
    )
    extra = [
        Query("constant_score", filter=Query("terms", **{facet: list(slugs)}), boost=BOOST_WEIGHT)
        for facet, slugs in query.boosts.items()
        if facet in FACETS and slugs
    ]
    if query.phrase and " " in query.phrase:
        phrase = {"query": query.phrase, "fields": list(PHRASE_FIELDS), "type": "phrase", "slop": 2}
        extra.append(Query("multi_match", **phrase, boost=PHRASE_WEIGHT))
    extra += [
        Query("constant_score", filter=Query("match_phrase", taxonomy=name), boost=OBJECTION_TAG_WEIGHT)
        for name in query.objections
    ]
    return Query("bool", must=[required], should=extra)


def highlight_query(query, tagged=False):
    """What passages mark: the meaningful words (never grammar words) and the word cut short; with
    `tagged` (for the taxonomy field), also the words of a Term matched by its facet values alone,
    so an asset found through that tag says "Tagged: CFO" while no other passage marks the word."""
    words = [
        words for term in query.terms if tagged or not term.facet_only for words in (term.text, *term.alternatives)
    ]
    should = [Query("multi_match", query=words, fields=list(HIGHLIGHT_FIELDS)) for words in words]
    should += [
        Query("prefix", **{field: {"value": term.text}})
        for term in query.terms
        if term.prefix and len(term.text) >= MIN_PREFIX_LENGTH
        for field in HIGHLIGHT_FIELDS
    ]
    return Query("bool", should=should, minimum_should_match=1)


class ElasticEngine:
    name = "elasticsearch"

    def __init__(self, url, alias="commonground", plain_json=False, timeout=1.0):
        """`timeout`: seconds a search, count or alias check may take; bulk writes get
        WRITES_TIMEOUT_FACTOR times it, creating an index CREATE_TIMEOUT, a rebuild's loads
        REBUILD_TIMEOUT. No retries: a hung server costs one timeout, then search.service answers
        from the embedded index and its circuit breaker skips the server for a while."""
        options = {"node_class": PlainJsonNode} if plain_json else {}
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0, **options)
        self.writer = self.client.options(request_timeout=timeout * WRITES_TIMEOUT_FACTOR)
        self.alias = alias
        # The highlight query's cap on characters analysed: Elasticsearch's name; OpenSearch (which
        # needs plain_json) spells it max_analyzer_offset and refuses the other (400).
        self.offset_parameter = "max_analyzer_offset" if plain_json else "max_analyzed_offset"
        self._alias_ready = False  # checked once, not before every request

    # Index management

    def create_index(self):
        name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        index = CollateralEntry._index.clone(name=name)
        index.settings(highlight={"max_analyzed_offset": MAX_ANALYZED_OFFSET})
        index.create(using=self.client.options(request_timeout=CREATE_TIMEOUT))
        return name

    @contextmanager
    def server_call(self):
        """After any failure the server may have restarted empty: check the alias again next time."""
        try:
            yield
        except (TransportError, ApiError):
            self._alias_ready = False
            raise

    def ensure_index(self):
        if self._alias_ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            self.client.indices.put_alias(index=self.create_index(), name=self.alias)
        self._alias_ready = True

    def concrete_indexes(self):
        try:
            return list(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    # Writing

    def entry(self, doc):
        entry = CollateralEntry(
            meta={"id": doc.id},
            doc_id=doc.id,
            title=doc.title,
            taxonomy=doc.taxonomy,
            summary=doc.summary,
            body=doc.body,
            files=doc.files,
            facet_labels=[
                f"{facet}{SEP}{value}{SEP}{doc.labels.get(facet, {}).get(value, value)}"
                for facet, values in doc.facets.items()
                for value in values
            ],
            published=doc.published,
            data=doc.stored_fields(),
        )
        for facet in FACETS:
            setattr(entry, facet, list(doc.facets.get(facet, [])))
        return entry

    def _bulk(self, index, actions):
        bulk(self.writer, actions, index=index, refresh=True, raise_on_error=True)

    def index(self, documents):
        documents = list(documents)
        if not documents:
            return
        with self.server_call():
            self.ensure_index()
            self._bulk(self.alias, (self.entry(doc).to_dict(include_meta=True) for doc in documents))

    def delete(self, ids):
        ids = list(ids)
        if not ids:
            return
        actions = ({"_op_type": "delete", "_id": doc_id} for doc_id in ids)
        with self.server_call():
            self.ensure_index()
            bulk(self.writer, actions, index=self.alias, refresh=True, raise_on_error=False)

    def clear(self):
        self.rebuild([])

    def rebuild(self, documents):
        """Fill a new index, then point the alias at it in one step and drop the old ones."""
        new_index = self.create_index()
        # Bulk loading takes longer than a search may: a generous timeout, one refresh at the end.
        client = self.client.options(request_timeout=REBUILD_TIMEOUT)
        entries = (self.entry(doc).to_dict(include_meta=True) for doc in documents)
        bulk(client, entries, index=new_index, chunk_size=REBUILD_CHUNK, refresh=False, raise_on_error=True)
        client.indices.refresh(index=new_index)
        old = self.concrete_indexes()
        actions = [{"add": {"index": new_index, "alias": self.alias}}]
        actions += [{"remove": {"index": name, "alias": self.alias}} for name in old]
        self.client.indices.update_aliases(actions=actions)
        self._alias_ready = True
        for name in old:
            self.client.indices.delete(index=name)
        return self.count()

    # Reading

    def count(self):
        """How many documents the index holds (creating an empty index when there is none)."""
        with self.server_call():
            self.ensure_index()
            try:
                return self.client.count(index=self.alias)["count"]
            except NotFoundError:  # the server lost the index (restarted empty): make a new, empty one
                self._alias_ready = False
                self.ensure_index()
                return 0

    def search(self, query):
        with self.server_call():
            return self._search(query)

    def _search(self, query):
        started = time.perf_counter()
        self.ensure_index()
        text = query.text.strip()[:MAX_QUERY_CHARS]
        page_size = max(1, query.page_size)
        offset = (max(1, query.page) - 1) * page_size
        if query.terms:
            matching = understood_query(query)
        elif text:
            fields = [f"{field}^{weight}" for field, weight in FIELD_WEIGHTS.items()]
            # Typo rescue only: small, or exact words would count twice (stemmed and unstemmed).
            fuzzy_fields = [f"{field}.words^{weight * FUZZY_WEIGHT}" for field, weight in FIELD_WEIGHTS.items()]
            matching = Query(
                "bool",
                should=[
                    Query("multi_match", query=text, fields=fields, type="most_fields"),
                    Query("multi_match", query=text, fields=fuzzy_fields, fuzziness="AUTO", prefix_length=1),
                    # tagged with an objection whose synonyms the rep used
                    *[Query("match_phrase", taxonomy={"query": name, "boost": 2}) for name in query.objections],
                ],
                minimum_should_match=1,
            )
        else:
            matching = Query("match_all")
        filters = [Query("term", **{facet: value}) for facet, values in query.filters.items() for value in values]
        # Pages the person may not see are left out inside the query, so the total, the facet
        # aggregation, the page and its highlights never include them.
        hidden = [Query("terms", doc_id=sorted(query.exclude_ids))] if query.exclude_ids else []
        if query.only_ids is not None:
            filters.append(Query("terms", doc_id=sorted(query.only_ids)))
        # Text relevance only: helped rate and freshness are applied by search.service at query time.
        scored = Query("bool", must=[matching], filter=filters, must_not=hidden)
        search = (
            Search(using=self.client, index=self.alias)
            .query(scored)
            .sort({"_score": {"order": "desc"}}, {"published": {"order": "desc"}}, {"doc_id": {"order": "asc"}})
            .extra(from_=offset, size=page_size, track_total_hits=True)
        )
        search.aggs.bucket("facets", "terms", field="facet_labels", size=FACET_BUCKETS)
        if query.ids_only:  # the service's wide pass: no stored text sent back
            search = search.source(["doc_id"])
        candidates = []  # words that may be typos: corrected and marked on the page (typo_highlights)
        if text and query.highlight and not query.ids_only:
            candidates = typo_candidates(query)
            if candidates:
                held_words(search, candidates, hidden)
            options = {}
            if query.terms:  # mark the meaningful words only, never grammar words
                options["highlight_query"] = highlight_query(query).to_dict()
            marking = self.marking()
            search = search.highlight(*HIGHLIGHT_FIELDS, **marking)
            if options:
                search = search.highlight_options(**options)
            if any(term.facet_only for term in query.terms):
                tagged = highlight_query(query, tagged=True).to_dict()
                search = search.highlight("taxonomy", **marking, highlight_query=tagged)
        response = search.execute()
        hits = [bare_hit(hit.doc_id, hit.meta.score) if query.ids_only else self._hit(hit) for hit in response.hits]
        corrections = {}
        if candidates:
            held = response.aggregations.held.visible.words.buckets
            hits, corrections = self.typo_highlights(hits, {word: held[word] for word in candidates}, hidden)
        return SearchResults(
            hits=hits,
            total=response.hits.total.value,
            facets=self._facets(response.aggregations.facets.buckets),
            took_ms=(time.perf_counter() - started) * 1000,
            engine=self.name,
            corrections=corrections,
        )

    def marking(self):
        """Highlight options: one passage of about 160 characters per field, marked START…END."""
        return {
            "pre_tags": [START],
            "post_tags": [END],
            "fragment_size": 160,
            "number_of_fragments": 1,
            self.offset_parameter: MAX_ANALYZED_OFFSET,
        }

    def typo_highlights(self, hits, held, hidden):
        """The page's hits with passages for the typos the fuzzy rescue matched, and the corrections
        ({typed word folded: [words found for it]}), as the embedded engine gives them.

        `held`: {candidate word: its bucket of the page request's "held" aggregation (held_words)}.
        A candidate is a typo when no page the searcher may view holds it (pages in `hidden` are
        left out of the count, so a word only hidden pages hold is corrected as any unknown word is
        and says nothing of them). For each typo, one request marks the words its fuzzy match
        (`.words` fields, fuzziness AUTO, prefix_length 1) finds in the CORRECTION_PAGES visible
        pages it matches best, titles included: those words are its corrections, the same on
        every page of results. Then one request marks the page's hits that no passage explains.
        No typo, no request."""
        typos = [word for word, bucket in held.items() if not bucket.doc_count]
        if not typos or not hits:
            return hits, {}
        fields = WORDS_FIELDS

        def fuzzy(words):
            return [
                Query("multi_match", query=word, fields=fields, fuzziness="AUTO", prefix_length=1) for word in words
            ]

        def marked(search, where):
            search = search.query(Query("bool", should=where, minimum_should_match=1, must_not=hidden))
            return search.source(["doc_id"]).highlight(*fields, **self.marking()).execute().hits

        corrections = {}
        for typo in typos:
            found = marked(Search(using=self.client, index=self.alias).extra(size=CORRECTION_PAGES), fuzzy([typo]))
            words = {
                folded
                for hit in found
                for fragments in (hit.meta.highlight.to_dict() if "highlight" in hit.meta else {}).values()
                for word in MARKED.findall(" ".join(fragments))
                for folded in WORDS_ANALYZER.analyze(word)
                if fuzzy_match(typo, folded)
            }
            if words:
                corrections[typo] = sorted(words)
        unexplained = [hit.id for hit in hits if not hit.highlights]
        if not unexplained:
            return hits, corrections
        search = Search(using=self.client, index=self.alias).filter("terms", doc_id=unexplained)
        passages = {}
        for hit in marked(search.extra(size=len(unexplained)), fuzzy(typos)):
            found = hit.meta.highlight.to_dict() if "highlight" in hit.meta else {}
            passages[hit.doc_id] = [
                {"field": label, "html": marked_html(found[f"{field}.words"][0])}
                for field, label in HIGHLIGHT_FIELDS.items()
                if found.get(f"{field}.words")
            ]
        hits = [dataclasses.replace(hit, highlights=passages[hit.id]) if passages.get(hit.id) else hit for hit in hits]
        return hits, corrections

    def _hit(self, hit):
        data = hit.data.to_dict()
        found = hit.meta.highlight.to_dict() if "highlight" in hit.meta else {}
        highlights = [
            {"field": label, "html": marked_html(found[field][0])}
            for field, label in HIGHLIGHT_FIELDS.items()
            if found.get(field)
        ]
        return Hit(
            id=hit.doc_id,
            title=data["title"],
            url=data["url"],
            score=round(hit.meta.score or 0.0, 6),
            highlights=highlights,
            labels=data["labels"],
            stale=False,
            external_id=data["external_id"],
        )

    def _facets(self, buckets):
        facets = {facet: [] for facet in FACETS}
        for bucket in buckets:
            facet, value, label = bucket.key.split(SEP, 2)
            facets.setdefault(facet, []).append((value, label, bucket.doc_count))
        for values in facets.values():
            values.sort(key=lambda item: (-item[2], item[1]))
        return facets
