import re


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


def shorten(text, max_length):
    """`text` cut to at most `max_length` characters, ending with "…" when it was cut.

    For text built from several fields into one column (a notification quoting a reason), so
    that what the form accepts always fits where it is stored."""
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"
