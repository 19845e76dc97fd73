"""Keep the index current: after each committed change that alters what search shows, a task
(re)indexes the pages it touched (at once, or on a worker when TASK_BACKEND is "database")."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.models import Collection, CollectionViewRestriction
from wagtail.signals import page_published, page_unpublished

from content.models import CollateralKind, CollateralPage
from content.signals import collateral_changed, file_text_read
from personas.models import Objection, PersonaPage
from search import service, tasks

logger = logging.getLogger(__name__)


# While set, changes only collect the affected pages; deferred_indexing() indexes them once.
_deferred = ContextVar("deferred_indexing", default=None)


@contextmanager
def deferred_indexing():
    """Index every page the changes inside touch once, at the end, instead of after each save.

    For bulk work (imports, demo data): the index is current when the block exits.
    """
    pending = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        # Whatever happened inside (an error, an interrupted import): what was saved is indexed.
        _deferred.reset(token)
        if pending:
            service.index_collateral(pending)


def reindex_after_commit(page_ids):
    page_ids = {pk for pk in page_ids if pk}
    pending = _deferred.get()
    if pending is not None:
        pending.update(page_ids)
        return

    def enqueue():
        try:
            tasks.index_collateral.enqueue(sorted(page_ids))
        except Exception:  # the database is the source of truth; rebuild_search_index repairs the index
            logger.exception("Could not index collateral %s", sorted(page_ids))

    if page_ids:
        transaction.on_commit(enqueue)


def collateral_published_or_unpublished(sender, instance, **kwargs):
    reindex_after_commit([instance.pk])


def collateral_deleted(sender, instance, **kwargs):
    reindex_after_commit([instance.pk])  # a page that is gone is removed from the index


def file_text_read_handler(sender, document, **kwargs):
    """A file's text was read (after its upload, or again): the pages using it now find it by it."""
    reindex_after_commit(CollateralPage.objects.filter(files__document=document).values_list("pk", flat=True))


def collateral_changed_handler(sender, page_ids, **kwargs):
    reindex_after_commit(page_ids)


def collection_privacy_changed(sender, instance, **kwargs):
    """A collection's privacy changed: the pages with files under it are indexed again, with or
    without those files' text (search.documents.restricted_collection_ids)."""
    collection = instance.collection
    under = Collection.objects.filter(path__startswith=collection.path)
    reindex_after_commit(
        CollateralPage.objects.filter(files__document__collection__in=under).values_list("pk", flat=True)
    )


def objection_changed(sender, instance, **kwargs):
    """New names or synonyms change which words find the assets tagged with it."""
    reindex_after_commit(instance.collateral.values_list("pk", flat=True))


def kind_changed(sender, instance, **kwargs):
    """A renamed kind changes the label its assets show in results and facets."""
    reindex_after_commit(instance.collateral.values_list("pk", flat=True))


def persona_published(sender, instance, **kwargs):
    reindex_after_commit(instance.collateral.values_list("pk", flat=True))


def register_signal_handlers():
    page_published.connect(collateral_published_or_unpublished, sender=CollateralPage)
    page_unpublished.connect(collateral_published_or_unpublished, sender=CollateralPage)
    post_delete.connect(collateral_deleted, sender=CollateralPage)
    # Notes and one-click feedback are not indexed: search reads the helped figure at query time
    # (content.effectiveness), so they write nothing to any index.
    post_save.connect(objection_changed, sender=Objection)
    file_text_read.connect(file_text_read_handler, dispatch_uid="search-file-text-read")
    collateral_changed.connect(collateral_changed_handler, dispatch_uid="search-collateral-changed")
    for signal in (post_save, post_delete):
        signal.connect(collection_privacy_changed, sender=CollectionViewRestriction)
    post_save.connect(kind_changed, sender=CollateralKind)
    page_published.connect(persona_published, sender=PersonaPage)
    # The filter values and synonyms each search checks (search/taxonomy.py) follow
    # home.versions.TAXONOMY, which home/versions.py moves on.
