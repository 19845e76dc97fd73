"""Signals content sends for other apps (search) to act on, so content never imports them."""

from django.dispatch import Signal

# Sent after a document's text was read (or read again) by content.tasks, with `document`: the
# collateral pages using it must be re-indexed (search.signal_handlers does).
file_text_read = Signal()
