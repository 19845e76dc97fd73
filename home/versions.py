"""Shared version numbers and counters in the cache: whoever changes something moves its version
on, and every worker's copy of what depended on it is retired at once (no timeouts to wait out);
rate limits count in the same shared place.

This module is the one place that says which versions there are and what moves each on
(`ROWS`, `PUBLISHING`). Saves and deletes move them through signals connected here (`connect`, from
``HomeConfig.ready``); bulk writes move them through `VersionedQuerySet`, the queryset of every
watched model whose rows are bulk-updated, so no bulk path can forget.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished

# Each asset's helped counts and review-by date, and the persona insights built on them
# (content.effectiveness, personas.insights).
FIELD_RECORDS = "field-record-version"
# The filter values and objection synonyms every search checks (search.taxonomy).
TAXONOMY = "search-taxonomy-version"

# What moves each version on. ROWS: any save, delete or bulk write of the model's rows;
# PUBLISHING: a page of the model published, unpublished or deleted. ONLY_IF: rows that count.
ROWS = {
    "personas.ObjectionNote": (FIELD_RECORDS,),
    "personas.Objection": (FIELD_RECORDS, TAXONOMY),
    "content.CollateralEvent": (FIELD_RECORDS,),
    "personas.PersonaPage": (TAXONOMY,),
    "personas.Synonym": (TAXONOMY,),
    "content.CollateralKind": (TAXONOMY,),
    "taggit.Tag": (TAXONOMY,),
    # The tags query understanding and the tag filter know: those on live pages nobody is kept from
    # (content.models.tags_on_open_pages).
    "content.CollateralPageTag": (TAXONOMY,),
    "wagtailcore.PageViewRestriction": (TAXONOMY,),
}
PUBLISHING = {"content.CollateralPage": (FIELD_RECORDS, TAXONOMY), "personas.PersonaPage": (TAXONOMY,)}
ONLY_IF = {"content.CollateralEvent": lambda event: event.type in event.FEEDBACK}  # views and downloads do not

# While set (a set of keys), bump() only notes the key; held() moves each one on once at the end.
_held = ContextVar("held_version_bumps", default=None)


# While set (a dict), current() reads each key from the shared cache once and remembers it here.
_read = ContextVar("versions_read", default=None)


def current(key):
    """This key's version, set now if no worker has set it yet (inside `remembered()`, read once)."""
    read = _read.get()
    if read is not None and key in read:
        return read[key]
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        cache.add(key, version, None)
        version = cache.get(key, version)  # another worker's, if it was first
    if read is not None:
        read[key] = version
    return version


@contextmanager
def remembered():
    """Each version read once inside the block, however often asked (one search reads the
    taxonomy's and the field records' several times: each read is a trip to the shared cache).
    A bump inside the block is seen at once; one from another process, by the next block."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def bump(key):
    """Move this key's version on (every worker's copy of what depended on it is retired), or, inside
    `held()`, once when the block ends."""
    keys = _held.get()
    if keys is not None:
        keys.add(key)
        return
    version = time.time_ns()
    cache.set(key, version, None)
    read = _read.get()
    if read is not None:
        read[key] = version


@contextmanager
def held():
    """Bumps made inside move each key on once, when the block ends (however it ends).

    For bulk work (an import saving thousands of rows): one cache write per key instead of one per
    saved row. Nested blocks leave the bumps to the outermost one."""
    if _held.get() is not None:
        yield
        return
    keys = set()
    token = _held.set(keys)
    try:
        yield
    finally:
        _held.reset(token)
        for key in sorted(keys):
            bump(key)


def changed(model, instance=None):
    """Rows of `model` (a model class) changed: move on every version `ROWS` says watches them.

    `instance`: the one row saved or deleted, checked against `ONLY_IF`; None for a bulk write.
    """
    label = model._meta.label
    if instance is not None and not ONLY_IF.get(label, lambda row: True)(instance):
        return
    for key in ROWS.get(label, ()):
        bump(key)


class VersionedQuerySet(models.QuerySet):
    """A queryset whose bulk writes (``update``, ``bulk_create``, ``bulk_update``) move on the
    versions watching its model, as ``save`` and ``delete`` do through signals."""

    def update(self, **kwargs):
        count = super().update(**kwargs)
        changed(self.model)
        return count

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        changed(self.model)
        return created

    def bulk_update(self, *args, **kwargs):
        count = super().bulk_update(*args, **kwargs)
        changed(self.model)
        return count


def _row_changed(sender, instance, **kwargs):
    changed(sender, instance)


def _page_changed(sender, **kwargs):
    for key in PUBLISHING[sender._meta.label]:
        bump(key)


def connect():
    """Connect the signals that move versions on for single saves, deletes and publishing
    (``HomeConfig.ready``). Models are named by label, so home imports no app."""
    for label in ROWS:
        model, uid = apps.get_model(label), f"versions-{label}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for label in PUBLISHING:
        model, uid = apps.get_model(label), f"versions-{label}-page"
        page_published.connect(_page_changed, sender=model, dispatch_uid=f"{uid}-published")
        page_unpublished.connect(_page_changed, sender=model, dispatch_uid=f"{uid}-unpublished")
        post_delete.connect(_page_changed, sender=model, dispatch_uid=f"{uid}-deleted")


def count(key, timeout):
    """Add one to a counter every worker shares and return the new count (1 for a new key).

    The key lives ``timeout`` seconds from its first count. On Redis (``CACHE_URL``) add and incr
    are atomic, so concurrent workers never lose a count; the folder cache is exact for one process.
    """
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1
