"""Signals content sends for other apps (search) to act on, so content never imports them."""

from django.dispatch import Signal

# Sent after a document's text was read (or read again) by content.tasks, with `document`: the
# collateral pages using it must be re-indexed (search.signal_handlers does).
file_text_read = Signal()

# Sent with `page_ids` (a set of collateral page ids) when a bulk write changed what search shows
# for those pages without saving them (merging objections moves their tags): search indexes them
# again after the commit (search.signal_handlers does).
collateral_changed = Signal()
