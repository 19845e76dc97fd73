"""Readable document titles: "Q3 pricing deck v2", not "q3_pricing-deck_v2".

Wagtail's upload forms fill a new document's title with its file name (without the extension);
marketers rarely change it, and reps then see file names on every asset. A new document whose
title is still its file name gets a readable one instead; a title someone typed is kept.
"""

import os
import re

_SEPARATORS = re.compile(r"[\s_\-.]+")


def readable_title(filename):
    """A title from a file name: extension and folders dropped, "_", "-" and "." read as spaces,
    runs of spaces collapsed, the first letter upper case. "q3_pricing-deck_v2.pdf" → "Q3 pricing
    deck v2". Returns "" for a name with no letters or digits."""
    stem = os.path.splitext(os.path.basename(filename or ""))[0]
    words = _SEPARATORS.sub(" ", stem).strip()
    return words[:1].upper() + words[1:]


def give_new_document_a_readable_title(sender, instance, **kwargs):
    """pre_save for the document model: a new document titled with its file name (with or without
    the extension) is titled readable_title(file name) instead."""
    if instance.pk or not instance.file:
        return
    name = os.path.basename(instance.file.name or "")
    title = (instance.title or "").strip()
    if title in (name, os.path.splitext(name)[0]) or not title:
        instance.title = readable_title(name) or title
