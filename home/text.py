import re


def split_synonyms(text):
    """'too pricey, over budget\\nexpensive' -> ['too pricey', 'over budget', 'expensive']."""
    return [word.strip() for word in re.split(r"[,\n;]", text or "") if word.strip()]
