"""What a rep's typed words mean: the personas, kinds, stages, tags and objections they name, the
grammar words around them, and the meaningful words left to match.

"fintech customer story" is not three loose words: "customer story" is the kind Case study (through
the general synonyms marketing keeps, ``personas.Synonym``) and "fintech" is a tag. Engines use
what is recognised as boosts (never as hard filters), the search page offers each as a filter chip,
and a minimum share of the meaningful words must match (``SearchQuery.minimum_should_match``), so
"does it run on a mainframe" no longer returns the library because of "run".

Everything here is plain Python over a ``Vocabulary``; ``vocabulary()`` builds it from the database
and keeps it in memory until personas, objections, tags or synonyms change (the shared version in
search/taxonomy.py). ``understand(text, vocab)`` takes any Vocabulary, so quality evaluation can run
a library that is not in the database (search/quality.py).
"""

import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from home.text import letters_alike
from search.engines.base import MIN_PREFIX_LENGTH, Term

WORD = re.compile(r"\w+", re.UNICODE)
# A word typed as letters then digits ("soc2", "iso27001", "o365") is often written apart.
LETTERS_DIGITS = re.compile(r"([a-z]{2,})(\d+)")

# Words that only serve as grammar in what reps type: never required, never highlighted. Kept short
# and general (English function words, question words and the verbs reps wrap a worry in), not
# tuned to any query.
_STOP_WORDS_TEXT = """
    a an the and or but nor of to in on at by for with from into onto about over under than then as
    is are was were be been being am do does did doing done have has had having can could will would
    shall should may might must i me my mine we us our ours you your yours he him his she her hers it
    its they them their theirs this that these those there here what which who whom whose when where
    why how if so not no any some all each every just also very too again more most much many such
    only own same other get got gets need needs needed want wants wanted looking look find show give
    something anything someone anyone thing things stuff please hi hey ok okay say says said saying
    tell tells asked asks ask like really still yet already even way ways lot lots think thinks thought
    feel feels worried worry worries concerned
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Multi-word openers reps type before the real question; dropped whole (their words are grammar).
GRAMMAR_PHRASES = (
    "my prospect says",
    "prospect says",
    "the prospect says",
    "customer says",
    "the customer says",
    "they are worried about",
    "worried about",
    "concerned about",
    "do we have",
    "is there",
    "we have",
    "send me",
)
GRAMMAR_SEQUENCES = sorted((tuple(phrase.split()) for phrase in GRAMMAR_PHRASES), key=len, reverse=True)

# The share of meaningful words (and mentions) a result must match to be a strong match. Short
# questions need every word ("spanish version" must not match every "version"); from three words
# on, one may be missing ("sso with okta for contractors" still finds the SSO datasheet).
MINIMUM_SHARE = 0.66
# Titles in roles that buyers and reps shorten; applied to any persona's role, never per persona.
ROLE_ABBREVIATIONS = {
    "vice president": "vp",
    "senior vice president": "svp",
    "executive vice president": "evp",
    "director": "dir",
    "manager": "mgr",
}


def words_of(text):
    """Lower-case words of any text, NFKC-normalised as the index is ("ﬁntech" is "fintech");
    underscores split words; letters lower-casing treats unevenly as the index reads them
    (home.text.letters_alike: "İstanbul" is one word)."""
    text = letters_alike(unicodedata.normalize("NFKC", text or "")).lower().replace("_", " ")
    return [word for word in WORD.findall(text) if word]


def singular(word):
    """A light plural folding for recognising names: 'case studies' names 'Case study',
    'battlecards' names 'Battlecard'. Not a stemmer: engines stem the text themselves."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def key_of(words):
    return tuple(singular(word) for word in words)


def initials(words):
    return "".join(word[0] for word in words)


def persona_aliases(title, role):
    """The ways reps name a persona, derived from its title and role, the same way for every persona:
    the title; the role and each part of it ("Director of IT / CIO" → "director of it", "cio");
    the initials of a role of two or more content words ("Chief Financial Officer" → "cfo",
    "Chief Information Security Officer" → "ciso"); and the role with its title words shortened
    ("Vice President, Revenue Operations" → "vp revenue operations")."""
    aliases = {" ".join(words_of(title))}
    for part in re.split(r"[/,;()|]| or ", role or ""):
        words = words_of(part)
        if not words:
            continue
        content = [word for word in words if word not in STOP_WORDS]
        if len(content) >= 2 and len(initials(content)) >= 3:
            aliases.add(initials(content))
        for variant in {" ".join(words), " ".join(content)}:
            aliases.add(variant)
            for long, short in ROLE_ABBREVIATIONS.items():
                if f" {long} " in f" {variant} ":
                    aliases.add(" ".join(f" {variant} ".replace(f" {long} ", f" {short} ").split()))
    # A role given as only its parts (e.g. title "Head of Security", role "CISO / Head of
    # Information Security"): aliases shorter than 2 letters name nothing.
    return {alias for alias in aliases if len(alias.replace(" ", "")) >= 2}


@dataclass(frozen=True)
class Mention:
    """Something the words name: a facet value, with the words that named it."""

    facet: str  # "persona", "kind", "stage", "tag", "objection"
    slug: str
    label: str
    words: str  # the words as they stood in the (expanded) query

    def as_dict(self):
        return {"facet": self.facet, "slug": self.slug, "label": self.label, "words": self.words}


@dataclass(frozen=True)
class Vocabulary:
    """Every name a query may mention and the general synonyms, ready for matching.

    names: {key (tuple of singular words) -> ((facet, slug, label), ...)}
    synonyms: {key (tuple of singular words) -> meaning (tuple of words)}
    objection_names: {objection slug -> name}, for SearchQuery.objections
    """

    names: dict = field(default_factory=dict)
    synonyms: dict = field(default_factory=dict)
    objection_names: dict = field(default_factory=dict)
    longest: int = 1

    @classmethod
    def build(cls, personas=(), kinds=(), stages=(), tags=(), objections=(), synonyms=()):
        """Build from plain values, so any library can be understood:

        personas: [(slug, title, role)]; kinds, stages, tags: [(slug, label)];
        objections: [(slug, name, [synonym, ...])]; synonyms: [(term, meaning)].
        """
        names = {}

        def add(phrase, facet, slug, label):
            key = key_of(words_of(phrase))
            if key and not all(word in STOP_WORDS for word in key):
                entries = names.setdefault(key, ())
                if (facet, slug, label) not in entries:
                    names[key] = (*entries, (facet, slug, label))

        for slug, title, role in personas:
            for alias in persona_aliases(title, role):
                add(alias, "persona", slug, title)
        for facet, values in (("kind", kinds), ("stage", stages), ("tag", tags)):
            for slug, label in values:
                add(label, facet, slug, label)
                add(slug.replace("-", " ").replace("_", " "), facet, slug, label)
        for slug, name, objection_synonyms in objections:
            add(name, "objection", slug, name)
            for synonym in objection_synonyms:
                add(synonym, "objection", slug, name)
        synonym_map = {}
        for term, meaning in synonyms:
            key, meant = key_of(words_of(term)), tuple(words_of(meaning))
            if key and meant and key != key_of(meant):
                synonym_map[key] = meant
        longest = max([len(key) for key in names] + [len(key) for key in synonym_map] + [1])
        return cls(
            names=names,
            synonyms=synonym_map,
            objection_names={slug: name for slug, name, _synonyms in objections},
            longest=longest,
        )

    def without(self, facet, slugs):
        """This vocabulary with the named values of `facet` left out (`slugs`: an iterable of
        slugs), as though they did not exist: their words are plain words then, grouped by nothing
        ("head of security" is three words when the persona it names is hidden). Self when none."""
        slugs = frozenset(slugs)
        if not slugs:
            return self
        names = {}
        for key, entries in self.names.items():
            kept = tuple(entry for entry in entries if not (entry[0] == facet and entry[1] in slugs))
            if kept:
                names[key] = kept
        longest = max([len(key) for key in names] + [len(key) for key in self.synonyms] + [1])
        return Vocabulary(names=names, synonyms=self.synonyms, objection_names=self.objection_names, longest=longest)


@dataclass(frozen=True)
class Understanding:
    """What the typed text means. `terms` are the meaningful units to match (a mention is one unit,
    matched by its words or by the facet value); `grammar` the words dropped; `boosts` facet ->
    slugs named; `objections` names of objections named (matched as tags by the engines)."""

    text: str
    terms: tuple = ()  # search.engines.base.Term
    mentions: tuple = ()  # Mention
    grammar: tuple = ()
    expanded: tuple = ()  # (typed words, meaning) for each general synonym applied

    @property
    def boosts(self):
        boosts = {}
        for mention in self.mentions:
            slugs = boosts.setdefault(mention.facet, ())
            if mention.slug not in slugs:
                boosts[mention.facet] = (*slugs, mention.slug)
        return boosts

    @property
    def objections(self):
        return tuple(dict.fromkeys(mention.label for mention in self.mentions if mention.facet == "objection"))

    @property
    def minimum_should_match(self):
        """How many of `terms` a strong match must match (see MINIMUM_SHARE)."""
        count = len(self.terms)
        return count if count <= 2 else max(1, math.ceil(count * MINIMUM_SHARE))

    @property
    def meaningful_text(self):
        """The words searched as text, in order (a facet_only Term's words are not)."""
        return " ".join(term.text for term in self.terms if not term.facet_only)


def objection_name_words(phrase, named):
    """The meaningful words of the objections' names when `phrase` (words) named objections only,
    by one of their synonyms: ("price", "high") for "too pricey" (Price is too high), so an asset
    carrying the objection whose text speaks of it in its own words ranks above one that merely
    carries it. () when the phrase is the name itself or names anything else too (a synonym that
    is also a tag, "salesforce", is the more specific of the two)."""
    if not named or any(mention.facet != "objection" for mention in named):
        return ()
    words = []
    for mention in named:
        name = words_of(mention.label)
        if key_of(name) != key_of(phrase):
            words += [word for word in name if word not in STOP_WORDS and word not in phrase and word not in words]
    return tuple(words)


def persona_beside_objection(terms):
    """The terms with each persona mention matched by its facet alone when an objection is named
    too: in "cfo says too pricey" the objection is the need and the persona who raised it, so an
    asset for the CFO must answer the objection, and one whose title says "CFO" gains nothing
    over the others for it (the persona stays a boost, as every mention is)."""

    if not any(facet == "objection" for term in terms for facet, _slug in term.facets):
        return terms
    return [
        Term(text=term.text, facets=term.facets, facet_only=True)
        if term.facets and all(facet == "persona" for facet, _slug in term.facets)
        else term
        for term in terms
    ]


def apart(word):
    """("soc 2",) for "soc2": a word of letters then digits, as it is often written; () otherwise."""
    split = LETTERS_DIGITS.fullmatch(word)
    return (f"{split[1]} {split[2]}",) if split else ()


def expand(words, vocab):
    """Apply the general synonyms, longest phrase first: ["impl", "timeline"] → ["implementation",
    "timeline"]. A name the vocabulary knows that is longer than the synonym starting at the same
    word stays as typed ("email templates" names the kind, though "email" alone stands for it).
    Returns (words, [(typed, meaning)], {index in result: typed words})."""
    result, applied, typed_at = [], [], {}
    position = 0
    while position < len(words):
        for length in range(min(vocab.longest, len(words) - position), 0, -1):
            typed = words[position : position + length]
            if length > 1 and key_of(typed) in vocab.names:
                result.extend(typed)
                position += length
                break
            meaning = vocab.synonyms.get(key_of(typed))
            if meaning:
                applied.append((" ".join(typed), " ".join(meaning)))
                for offset in range(len(meaning)):
                    typed_at[len(result) + offset] = " ".join(typed)
                result.extend(meaning)
                position += length
                break
        else:
            result.append(words[position])
            position += 1
    return result, applied, typed_at


def without_grammar_phrases(words):
    """Drop the openers of GRAMMAR_PHRASES: (words left, words dropped)."""
    kept, dropped, position = [], [], 0
    while position < len(words):
        for sequence in GRAMMAR_SEQUENCES:
            if tuple(words[position : position + len(sequence)]) == sequence:
                dropped.extend(sequence)
                position += len(sequence)
                break
        else:
            kept.append(words[position])
            position += 1
    return kept, dropped


def understand(text, vocab, *, last_word_complete=False):
    """Read the typed text against a Vocabulary. Never fails: any text gives an Understanding.

    The last word is matched as a prefix too ("invoic" finds "invoicing") unless
    `last_word_complete` (the text ended in a space). Grammar words are dropped unless nothing
    else is left (then the words themselves are the terms, so "it" still searches for "it").
    """
    words, grammar = without_grammar_phrases(words_of(text))
    words, applied, typed_at = expand(words, vocab)
    terms, mentions = [], []
    position = 0
    while position < len(words):
        matched = False
        for length in range(min(vocab.longest, len(words) - position), 0, -1):
            phrase = words[position : position + length]
            entries = vocab.names.get(key_of(phrase))
            if not entries:
                continue
            phrase_text = " ".join(phrase)
            named = tuple(Mention(facet, slug, label, phrase_text) for facet, slug, label in entries)
            mentions.extend(named)
            alternatives = tuple(
                dict.fromkeys(typed_at[index] for index in range(position, position + length) if index in typed_at)
            ) + apart(phrase_text)
            terms.append(
                Term(
                    text=phrase_text,
                    alternatives=alternatives,
                    facets=tuple((mention.facet, mention.slug) for mention in named),
                    words=tuple(word for word in phrase if word not in STOP_WORDS) if length > 1 else (),
                    named_words=objection_name_words(phrase, named),
                )
            )
            position += length
            matched = True
            break
        if matched:
            continue
        word = words[position]
        if word in STOP_WORDS or (len(word) == 1 and word.isalpha()):  # "w" for with, "u" for you
            grammar.append(word)
        else:
            typed = typed_at.get(position)
            alternatives = ((typed,) if typed and typed != word else ()) + apart(word)
            terms.append(Term(text=word, alternatives=alternatives))
        position += 1
    terms = persona_beside_objection(terms)
    unique = {}
    for term in terms:  # each term once, where it first stood
        unique.setdefault((term.text, term.facets), term)
    terms = list(unique.values())
    if not terms and grammar:  # only grammar words: search for them rather than for nothing
        terms, grammar = [Term(text=word) for word in dict.fromkeys(grammar)], []
    if terms and not last_word_complete and words and not terms[-1].facets:
        last = terms[-1]
        if len(last.text) >= MIN_PREFIX_LENGTH and " " not in last.text:
            terms[-1] = Term(text=last.text, alternatives=last.alternatives, prefix=True)
    return Understanding(
        text=text,
        terms=tuple(terms),
        mentions=tuple(dict.fromkeys(mentions)),
        grammar=tuple(grammar),
        expanded=tuple(applied),
    )


# The vocabulary of this site's database, kept in each worker's memory until it changes.

_loaded = (None, None)  # (version, Vocabulary)
_lock = threading.Lock()
_narrowed = {}  # (id of the loaded Vocabulary, frozenset of hidden persona slugs) -> Vocabulary
NARROWED_KEPT = 64  # distinct sets of hidden personas kept (a site has a handful of groups)


def vocabulary(hidden_personas=frozenset()):
    """The Vocabulary of the live personas, kinds, stages, tags (those on live pages without a view
    restriction, content.models.tags_on_open_pages), objections and general synonyms in the
    database; rebuilt when the shared taxonomy version moves (search/taxonomy.py).

    `hidden_personas`: slugs of the persona pages the searcher may not view; the vocabulary then
    knows nothing of them (Vocabulary.without), kept per set of slugs until the version moves."""
    loaded = _database_vocabulary()
    hidden_personas = frozenset(hidden_personas)
    if not hidden_personas:
        return loaded
    key = (id(loaded), hidden_personas)
    narrowed = _narrowed.get(key)
    if narrowed is None:
        if len(_narrowed) >= NARROWED_KEPT:
            _narrowed.clear()
        narrowed = _narrowed[key] = loaded.without("persona", hidden_personas)
    return narrowed


def _database_vocabulary():
    global _loaded
    from home import versions

    version = versions.current(versions.TAXONOMY)
    loaded_version, loaded = _loaded
    if loaded_version == version and loaded is not None:
        return loaded
    with _lock:
        from content.models import BuyerStage, CollateralKind, tags_on_open_pages
        from personas.models import Objection, PersonaPage, Synonym

        loaded = Vocabulary.build(
            personas=PersonaPage.objects.live().values_list("slug", "title", "role"),
            kinds=CollateralKind.choices(),  # the managed list's (slug, label), home/vocabulary.py
            stages=BuyerStage.choices,
            tags=tags_on_open_pages(),  # only tags on live pages without a view restriction
            objections=[
                (objection.slug, objection.name, objection.synonym_list)
                for objection in Objection.objects.only("slug", "name", "synonyms")
            ],
            synonyms=Synonym.objects.values_list("term", "meaning"),
        )
        _loaded = (version, loaded)
        _narrowed.clear()
    return loaded
