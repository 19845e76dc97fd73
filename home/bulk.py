"""Bulk writes (an import, the demo loader): what each save would do at once (indexing, Wagtail's
reference index, cache versions) is held and done once when the block ends.

Apps register what they hold (``register``, from their ``AppConfig.ready``), so the code that
writes in bulk depends only on home, never on the apps that react to its writes: search registers
``search.signal_handlers.deferred_indexing``.
"""

from contextlib import ExitStack, contextmanager

_holders = []


def register(holder):
    """Add `holder`, a callable taking no arguments that returns a context manager, to what
    ``bulk_writes()`` enters. Registering the same callable twice adds it once."""
    if holder not in _holders:
        _holders.append(holder)


@contextmanager
def bulk_writes():
    """Enter every registered holder (in the order registered) around the block, and leave them
    whatever happens inside, so each does its held work once when the block ends. Nested blocks
    leave the work to the outermost one (each holder sees to that)."""
    with ExitStack() as stack:
        for holder in _holders:
            stack.enter_context(holder())
        yield
