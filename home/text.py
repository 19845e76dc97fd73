import html
import re
import unicodedata

from django.utils.html import strip_tags


def split_synonyms(text):
    """'too pricey, over budget\\nexpensive' -> ['too pricey', 'over budget', 'expensive']."""
    return [word.strip() for word in re.split(r"[,\n;]", text or "") if word.strip()]


def person_name(user, missing="Nobody"):
    """A user's full name, else username; `missing` when there is no user (e.g. deleted)."""
    if user is None:
        return missing
    return user.get_full_name() or user.get_username()


def without_nul(value):
    """Text as PostgreSQL can store it: no NUL characters (None becomes "")."""
    return (value or "").replace("\x00", "")


# C0 and C1 control characters but tab, line feed and carriage return, each read as a space.
_CONTROLS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)], " ")


def without_controls(value):
    """Text with each control character (C0 and C1 but tab and line breaks: PDFs and exports
    carry them) as a space, so its length and offsets hold; None becomes "". Nobody can type
    them, and HTML may not carry them (a passage shown on a page or sent as JSON)."""
    return (value or "").translate(_CONTROLS)


# Characters nobody sees that split or reorder words: soft hyphen, zero-width space, direction
# marks and overrides, word joiner, byte order mark. Removed from what is searched and indexed.
_INVISIBLE = dict.fromkeys(
    [0xAD, 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), 0x2060, *range(0x2066, 0x206A), 0xFEFF]
)


def typed_search(value, max_length=None):
    """What someone typed into a search, as it is searched and logged: control characters as
    spaces, invisible characters removed, each run of spaces as one, trimmed (so "a  b" and "a b"
    are one search on the dashboard), cut to `max_length` characters; None becomes ""."""
    text = " ".join(without_controls(value).translate(_INVISIBLE).split())
    return text[:max_length].rstrip()


LETTERS_ALIKE = str.maketrans({"İ": "I", "ς": "σ"})


def letters_alike(text):
    """`text` with the letters lower-casing treats unevenly written one way, for the index and the
    words of a query alike: "İ" as "I" (lower-cased, "İ" is "i" and a combining dot above, which no
    folding removes, so "İstanbul" would be a word nobody types), "i" and a combining dot above as
    "i", and the final sigma "ς" as "σ" (Python lower-cases a final "Σ" to "ς", tantivy to "σ").
    Folding before lower-casing would mend "İ" but break a few capitals that fold only once
    lower-cased, such as "Ɩ"."""
    return text.translate(LETTERS_ALIKE).replace("i\u0307", "i")


def searchable(value):
    """Text as search indexes and shows it: composed (NFC: "I" and a combining dot above is "İ",
    which the index folds; a combining mark would split the word), "i" and a combining dot above
    as "i" (what lower-casing "İ" gives, with no composed form), control characters as spaces,
    invisible characters removed ("Müller\\u00adsoft" is "Müllersoft").
    NFC, not NFKC: "™" and "ﬁ" stay as written in what results show (the index folds "ﬁ")."""
    return unicodedata.normalize("NFC", without_controls(value).translate(_INVISIBLE)).replace("i\u0307", "i")


# Where an HTML element ends a line or a block on screen: the text on each side are separate words.
_BLOCK_END = re.compile(
    r"(<br\s*/?>|</(?:p|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|div|pre|table|tr|td|th|figure|figcaption)>)", re.I
)


def text_from_html(value):
    """Rich text as words for search: tags dropped like strip_tags, but a line break after each
    block (heading, paragraph, list item, cell), so "<h3>Talking points</h3><p>Move" does not
    become "Talking pointsMove". Entities are read as the characters they stand for ("R&amp;D" is
    "R&D"): the text is searched and shown as text, escaped again wherever it goes into HTML."""
    return html.unescape(strip_tags(_BLOCK_END.sub("\\1\n", value or ""))).strip()


def shorten(text, max_length):
    """`text` cut to at most `max_length` characters, ending with "…" when it was cut.

    For text built from several fields into one column (a notification quoting a reason), so
    that what the form accepts always fits where it is stored."""
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"


def counted(count, singular, plural=None):
    """ "1 note", "12 notes", "0 notes": a count with the noun in the right number (English).
    ``plural`` defaults to ``singular + "s"`` ("synonym" → "synonyms"; pass "people" for "person")."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
