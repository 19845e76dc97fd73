"""Highlights: the passage of a field that shows why a hit matched, with the searched words marked.

Made in Python from the stored text rather than by the engine: tantivy's snippets cost about 1 ms per
field, and a page shows up to 20 hits of four fields. A word is marked when its stem is one the
query searched (or it starts with a word cut short); the engine passes its own stemmer, so a word
is marked exactly when the index would match it.
"""

import functools
import html
import itertools
import re
import unicodedata

PASSAGE_CHARS = 160
HIGHLIGHT_SCAN = 20_000  # characters of a field searched for a passage to show (and all the index keeps)


def word_start(stem):
    """How every word with this English stem begins: the stem itself, or the stem less its last
    letter when that is an i, e or l ("compani" for "company", "price" for "pricing", "reliabl" for
    "reliability"): Snowball's English stemmer changes only those. Checked over the 200,000 words of
    Python's and this project's sources: 3 exceptions ("tying", "lying", "dying"). Never under two
    letters. A Highlighter searches for these starts, then checks each word's stem."""
    return stem[: max(2, len(stem) - 1)] if stem[-1:] in ("i", "e", "l") else stem


WORD_REST = re.compile(r"\w*")


# Letters the index folds (tantivy's ascii_fold) that have no decomposition, lower and upper case:
# to one letter, and to two ("ß" is "ss"), as the index reads them.
OTHER_FOLDS = {
    "o": "øØ", "d": "đĐðÐ", "l": "łŁŀĿ", "h": "ħĦ", "i": "ı", "t": "ŧŦ", "n": "ŋŊ",
    "ss": "ßẞ", "ae": "æÆ", "oe": "œŒ", "th": "þÞ",
}  # fmt: skip
FOLDED = str.maketrans({letter.lower(): folded for folded, letters in OTHER_FOLDS.items() for letter in letters})


def accented_letters():
    """{ASCII letter: the Latin letters with accents that fold to it ("é", "É", "ê" … for "e")}:
    those whose canonical decomposition (NFD) is the letter and combining marks, from Latin-1 to
    Latin Extended-B and Latin Extended Additional, and the single letters of OTHER_FOLDS. The
    index folds them all (tantivy's ascii_fold)."""
    letters = {}
    for code in itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(code))
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            letters.setdefault(decomposed[0].lower(), []).append(chr(code))
    for letter, others in OTHER_FOLDS.items():
        if len(letter) == 1:
            letters[letter] += others
    return {letter: "".join(accented) for letter, accented in letters.items()}


ACCENTED = accented_letters()
PAIRS = {folded: letters for folded, letters in OTHER_FOLDS.items() if len(folded) == 2}
HAS_ACCENTED = re.compile("[" + "".join(ACCENTED.values()) + "".join(PAIRS.values()) + "]")


def without_accents(word):
    """`word` (lower-case) as the index folds it: without combining marks (NFD), and the letters of
    OTHER_FOLDS as their folds: "zürich" is "zurich", "københavn" "kobenhavn". One word at a time."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).translate(FOLDED)


def accent_blind(prefix):
    """A regex for `prefix` (lower-case) that also matches it written with accents ("cafe" finds
    "café", "kobenh" "Københ", "strasse" "Straße"), for use with re.I."""
    parts, position = [], 0
    while position < len(prefix):
        pair = prefix[position : position + 2]
        if pair in PAIRS:
            parts.append(f"(?:{letter_class(pair[0])}{letter_class(pair[1])}|[{PAIRS[pair]}])")
            position += 2
        else:
            parts.append(letter_class(prefix[position]))
            position += 1
    return "".join(parts)


def letter_class(char):
    return f"[{char}{ACCENTED[char]}]" if char in ACCENTED else re.escape(char)


def words_starting(lowered, text, prefix, begin=0, end=None):
    """(start, end, word) of each word of `text` beginning with `prefix`, in order, lazily: `lowered`
    is `text` lower-cased, of the same length (so offsets hold); a word is a run of \\w characters.
    With `begin` and `end`, only the words lying wholly between them."""
    end = len(text) if end is None else end
    position = lowered.find(prefix, begin, end)
    while position != -1:
        before = lowered[position - 1] if position else " "
        if before.isalnum() or before == "_":  # inside a word
            position = lowered.find(prefix, position + 1, end)
            continue
        finish = WORD_REST.match(lowered, position + len(prefix)).end()
        if finish > end:
            return
        yield position, finish, text[position:finish]
        position = lowered.find(prefix, finish, end)


class Highlighter:
    """Passages with the searched words marked, made in Python from the stored text: a word is
    marked when its stem is one the query searched (tantivy's snippets cost about 1 ms per field)."""

    def __init__(self, stems, prefixes=(), *, stem):
        self.stem = stem  # str -> [stems]: the index's own stemmer, so a word matches as it was indexed
        self.stems = set(stems)
        self.starts = tuple(prefixes)  # a word starting with one of these matches too (a word cut short)
        prefixes = {word_start(searched) for searched in self.stems} | set(self.starts)
        self._prefixes = sorted(prefixes, key=len, reverse=True)
        self.searched = bool(prefixes)
        # Lower-cased ASCII starts are looked for with str.find in the lower-cased text (a fast
        # substring search, and no regex to compile for each search); others with `pattern`.
        self._ascii = all(prefix.isascii() and prefix == prefix.lower() for prefix in prefixes)
        self._known = {}

    @functools.cached_property
    def pattern(self):
        """The case- and accent-blind search on any text, compiled when a start is not lower-case
        ASCII, lower-casing a text changes its length (rarely) or the text holds accented letters,
        which the index folds: "naive" is marked in "naïve"."""
        return re.compile(r"\b(?:" + "|".join(map(accent_blind, self._prefixes)) + r")\w*", re.I)

    def occurrences(self, text):
        """(start, end, word) of each word of `text` that begins with one of the starts, in order,
        lazily (the case-blind regex, for what str.find cannot do: see `pattern`)."""
        return ((match.start(), match.end(), match.group()) for match in self.pattern.finditer(text))

    def matches(self, word):
        """Whether the index would match `word`: its stem was searched, or it starts with a word
        cut short ("zuri" for "Zürich": compared without accents, as the index folds them)."""
        key = word.lower()
        if key not in self._known:
            self._known[key] = (bool(self.starts) and without_accents(key).startswith(self.starts)) or any(
                token in self.stems for token in self.stem(word)
            )
        return self._known[key]

    def passage(self, text):
        """Escaped HTML around the first match, with every match in it in <mark>; "" when none.
        Looks at the first HIGHLIGHT_SCAN characters only (a file's text may hold 500,000)."""
        if not self.searched:
            return ""
        text = text[:HIGHLIGHT_SCAN]
        lowered = text.lower()
        if self._ascii and len(lowered) == len(text) and (text.isascii() or not HAS_ACCENTED.search(text)):
            # Each start looked for with str.find in the lower-cased text: the first matching word
            # of each, then the matching words inside the passage only. Offsets hold when lower-
            # casing kept the length (it does but for "İ"): curly quotes and the taxonomy's "·" need
            # no regex; accented letters do, as str.find would not see "naive" in "naïve".
            firsts = [
                next((word for word in words_starting(lowered, text, prefix) if self.matches(word[2])), None)
                for prefix in self._prefixes
            ]
            firsts = [word for word in firsts if word is not None]
            if not firsts:
                return ""
            start, end = passage_bounds(text, min(firsts)[0])
            marks = sorted(
                {
                    word
                    for prefix in self._prefixes
                    for word in words_starting(lowered, text, prefix, start, end)
                    if self.matches(word[2])
                }
            )
        else:
            found = (match for match in self.occurrences(text) if self.matches(match[2]))
            first = next(found, None)
            if first is None:
                return ""
            start, end = passage_bounds(text, first[0])
            marks = itertools.takewhile(lambda match: match[1] <= end, itertools.chain([first], found))
        parts, position = [], start
        for begin, finish, word in marks:
            parts += [html.escape(text[position:begin]), "<mark>", html.escape(word), "</mark>"]
            position = finish
        parts.append(html.escape(text[position:end]))
        return ("…" if start else "") + "".join(parts).strip() + ("…" if end < len(text) else "")


def passage_bounds(text, first):
    """(start, end) of the PASSAGE_CHARS-long passage of `text` showing the match at `first`: a
    quarter of it before the match, both ends at a space where one is near."""
    start = max(0, first - PASSAGE_CHARS // 4)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + PASSAGE_CHARS)
    if end < len(text) and (space := text.find(" ", end)) != -1 and space - end < 20:
        end = space
    return start, end
