"""What every search engine takes and gives back. Views and commands only see these types."""

from dataclasses import dataclass, field
from typing import NamedTuple

FACETS = ("persona", "objection", "stage", "kind", "tag")
# Typo correction, as both engines do it: a word this long that no page the searcher may view holds.
MIN_TYPO_LENGTH = 5
# Everyday words reps type around the real question; never "corrected" into something else.
PLAIN_WORDS = {
    "about", "after", "again", "also", "asked", "asking", "because", "before", "being", "could", "doesn",
    "doing", "going", "their", "there", "these", "thing", "think", "those", "which", "while", "would",
    "wants", "saying", "says", "said", "told", "tells", "really", "still",
}  # fmt: skip


def edits1(word, first=0, last=None):
    """Every string one deletion, swap, replacement or insertion away from `word`, made at a
    position from `first` to `last` (default: the end; both count characters from 0)."""
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    last = len(word) if last is None else min(last, len(word))
    splits = [(word[:i], word[i:]) for i in range(first, last + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


@dataclass(frozen=True)
class IndexDocument:
    """One collateral item as the index sees it."""

    id: int
    title: str
    url: str
    summary: str = ""
    body: str = ""
    files: str = ""  # text read from inside the attached files
    taxonomy: str = ""  # persona and objection names, the objections' synonyms, tags
    facets: dict = field(default_factory=dict)  # facet name -> list of slugs
    labels: dict = field(default_factory=dict)  # facet name -> {slug: display name}
    # Not indexed: staleness and the helped figure change without any write to the asset, so
    # search reads them at query time from content.effectiveness. Engines ignore these three.
    stale: bool = False
    helped: int = 0
    not_helped: int = 0
    external_id: str | None = None
    published: str = ""  # ISO date, for browsing newest first

    def stored_fields(self):
        """What an engine keeps to show a hit without asking the database."""
        return {
            "title": self.title,
            "url": self.url,
            "labels": self.labels,
            "external_id": self.external_id,
            "helped": self.helped,
            "not_helped": self.not_helped,
        }


@dataclass(frozen=True)
class Term:
    """One meaningful unit of a query (search/understanding.py): a word, or the words of a mention.

    A document matches the term when any of `text` and `alternatives` matches its text fields
    (stemmed, typo-tolerant), or, for a mention, when it carries one of `facets`; with `prefix`,
    also when a word of it starts with `text` (the last word typed, or a word cut short).
    """

    text: str  # a word or phrase, lower case: "implementation", "head of security"
    alternatives: tuple = ()  # what the rep typed before a general synonym replaced it: ("impl",)
    facets: tuple = ()  # ((facet, slug), ...) the words name: (("persona", "head-of-security"),)
    prefix: bool = False
    # For a term of several words: its meaningful ones (no grammar words), each of which matches
    # on its own for less than the whole phrase: ("scale",) for "will it scale with us".
    words: tuple = ()
    # For an objection named by one of its synonyms: the meaningful words of the objection's own
    # name, which count a little (NAMED_WORDS_WEIGHT): ("price", "high") for "too pricey".
    named_words: tuple = ()
    # True: matched only by carrying one of `facets`, never by the words (a persona named beside
    # an objection: who raised it, not what to find; search/understanding.py).
    facet_only: bool = False

    @property
    def kinds(self):
        """The kinds of asset the term names (("kind", "case_study"),), or (). A kind's name says
        what form an asset takes, not what it is about: the `words` of "case study" or "email
        template" apart ("case", "email") count in full only on assets of that kind, and
        KIND_WORDS_ELSEWHERE of that elsewhere (both engines)."""
        return tuple((facet, slug) for facet, slug in self.facets if facet == "kind")


@dataclass(frozen=True)
class SearchQuery:
    """What to search for. Built by search.service.build_query; engines only read it.

    How an engine must treat the understanding fields (both engines do: search/engines/elastic.py
    and search/engines/embedded.py; tests/search/contract.py holds each to it):

    - `terms` empty: search `text` as before (browse when it is empty too).
    - `terms` given: ignore the grammar words of `text`. Each Term is one clause that matches a
      document when any of its `text`/`alternatives` matches the weighted text fields (title 5,
      taxonomy 3, summary 2, body 1.5, files 1; stemmed, plus a small typo-tolerant rescue; a text
      of several words as a phrase), when any of its `words` does (for WORDS_WEIGHT of the score),
      when a word of the document starts with `text` if `prefix` is set (and `text` has 3+
      letters), or when the document carries one of the Term's `facets` (FACET_MATCH_WEIGHT). A
      Term scores by its best way of matching plus TIE_BREAKER times the others (a dis_max), so a
      word found exactly and by typo tolerance does not count twice. A Term with `facets` is a
      word the vocabulary knows, so it gets no typo rescue ("integraton", a synonym of an
      objection, means that objection, not every asset saying "integration"). Its `named_words`
      match the weighted fields of a document carrying one of its `facets`, for
      NAMED_WORDS_WEIGHT. A `facet_only` Term matches only by its facets.
    - `minimum_should_match` (0 = 1): a document must match at least this many Terms to be
      returned. search.service asks again with 1 when none does and reports the answer as weak,
      so an engine never relaxes it by itself.
    - `boosts` {facet: (slug, ...)}: documents carrying any of these values score higher
      (an additive should clause, weight BOOST_WEIGHT each); never a filter.
    - `objections`: a document with one of these names as a phrase in its taxonomy scores
      OBJECTION_TAG_WEIGHT more, the same for each such document (a constant: how long the
      taxonomy text is, how many personas and tags it lists, says nothing of the objection).
    - `phrase`: the meaningful words in order; a document with them as a phrase (slop 2) in the
      title, summary or body scores higher (PHRASE_WEIGHT), so "implementation timeline"
      together beats the two words scattered.
    - Highlights mark only words of `terms` (never grammar words).
    """

    text: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> list of slugs, all must match
    objections: tuple = ()  # names of objections whose synonyms the text used; matched as tags
    page: int = 1
    page_size: int = 20
    # Ids the person searching may not see (Wagtail page view restrictions, home.visibility): an
    # engine leaves them out inside the query, so no total, facet count, page, highlight or
    # correction ever reflects them.
    exclude_ids: frozenset = frozenset()
    terms: tuple = ()  # Term, the meaningful words and mentions (search/understanding.py)
    minimum_should_match: int = 0  # how many of `terms` a document must match; 0 means one
    boosts: dict = field(default_factory=dict)  # facet name -> tuple of slugs the words named
    phrase: str = ""  # the meaningful words in order, for phrase matching
    # False: hits without highlights (the service's first, wide pass over the candidates).
    highlight: bool = True
    # True: each hit needs only its id and score, the rest may be left empty (the service's wide
    # pass re-ranks 200 candidates by id and reads what it shows in its second pass).
    ids_only: bool = False
    # Not None: only these ids may match (the service's second pass, for the page it shows).
    only_ids: frozenset | None = None


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    url: str
    score: float
    highlights: list  # [{"field": where it matched, "html": escaped text with <mark> around matches}]
    labels: dict
    stale: bool  # search.service sets it, helped and not_helped from content.effectiveness
    external_id: str | None
    helped: int = 0
    not_helped: int = 0
    helped_label: str = ""  # content.effectiveness's words for the figure, set by search.service


class BareHit(NamedTuple):
    """A hit as SearchQuery.ids_only asks for it: its id and score only. A tuple, not a Hit: a
    search's wide pass makes 200 of them, and a frozen dataclass costs five times as much to make."""

    id: int
    score: float


def bare_hit(doc_id, score):
    """A BareHit: the id and the score (rounded; 0.0 when not a float)."""
    return BareHit(doc_id, round(float(score), 6) if isinstance(score, float) else 0.0)


@dataclass(frozen=True)
class SearchResults:
    hits: list
    total: int
    facets: dict  # facet name -> [(slug, label, count)], most frequent first
    took_ms: float
    engine: str
    corrections: dict = field(default_factory=dict)  # typed word -> words searched for it as well
    notice: str = ""  # said to the person searching, e.g. when the fallback engine answered
    # No result matched the meaningful words well (search.service): the hits are best guesses.
    weak: bool = False
    mentions: tuple = ()  # search.understanding.Mention: what the words named, offered as filters
    # Not None: only the first `strong` hits match the meaningful words well; the hits after them
    # match fewer of the words (search.service.run fills a short first page with them).
    strong: int | None = None


# Understanding weights, read by every engine (see SearchQuery). Tuned on the Tessellate judged set
# only (search/quality.py); the Keelson set is reported, never tuned on.
BOOST_WEIGHT = 1.5  # per facet value the words named, e.g. kind "case_study" for "customer story"
PHRASE_WEIGHT = 2.0  # the meaningful words together, in order (slop 2)
FACET_MATCH_WEIGHT = 2.0  # a document carrying what a mention names matches that term
WORDS_WEIGHT = 1.0  # a phrase's meaningful words present, but not as the phrase
TIE_BREAKER = 0.3  # the other ways a term matched add this share of their score
# The words of an objection's name when a synonym named it ("price" for "too pricey"), counted only
# for assets carrying the objection: enough to order them by whether their text speaks of it, too
# little to outweigh the synonym's own words ("pen test" over the name's "security").
NAMED_WORDS_WEIGHT = 0.2
# The words of a kind's name apart ("roi" of "roi calculator") on an asset of another kind: a little,
# so "ROI of automation" still answers "roi calculator", after the calculators (Term.kinds).
KIND_WORDS_ELSEWHERE = 0.1
# An objection the words named, found as a phrase in a document's taxonomy text (a constant; it
# stood at 2 × BM25 of the phrase, about 7-8 on the demo, which varied with the taxonomy's length).
OBJECTION_TAG_WEIGHT = 8.0
PREFIX_WEIGHT = 0.5  # a word completed from what was typed counts half the field's weight
MIN_PREFIX_LENGTH = 3  # shorter words are not completed
