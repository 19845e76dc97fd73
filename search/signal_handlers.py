"""Keep the index current: after each committed change that alters what search shows, a task
(re)indexes the pages it touched (at once, or on a worker when TASK_BACKEND is "database")."""

import logging
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from modelcluster.fields import ParentalKey
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction, ReferenceIndex
from wagtail.search import signal_handlers as wagtail_search_handlers
from wagtail.search.backends import get_search_backends
from wagtail.search.index import class_is_indexed, get_indexed_models
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published, page_unpublished

from content.models import CollateralKind, CollateralPage
from content.signals import collateral_changed, file_text_read
from home import versions
from home.visibility import restricted_trees, under_any
from personas.models import Objection, PersonaPage
from search import service, tasks

logger = logging.getLogger(__name__)


class _Deferred:
    """What the saves inside `deferred_indexing()` touched: collateral page ids for our index, and
    every saved or deleted model instance for Wagtail's own search and reference index."""

    def __init__(self):
        self.pages = set()
        self.saved = defaultdict(set)  # model class -> pks
        self.deleted = []  # instances of models Wagtail's reference index covers

    def finish(self):
        """Bring each index up to date once. Each step runs whatever the others did."""
        for step in (self.wagtail_search, self.reference_index, self.our_index):
            try:
                step()
            except Exception:  # the database is the source of truth: rebuild commands repair
                logger.exception("Deferred indexing: %s failed", step.__name__)

    def our_index(self):
        if self.pages:
            service.index_collateral(self.pages)

    def wagtail_search(self):
        """Wagtail's search backends (the admin's search): one bulk write per model."""
        backends = get_search_backends(with_auto_update=True)
        for model, pks in self.saved.items():
            if not (class_is_indexed(model) and getattr(model, "search_auto_update", True)):
                continue
            instances = list(model.get_indexed_objects().filter(pk__in=pks))
            instances = [found for item in instances if (found := item.get_indexed_instance()) is not None]
            for backend in backends:
                if instances:
                    backend.add_bulk(model, instances)

    def reference_index(self):
        """Wagtail's reference index (what uses each file, snippet, page): once per object, as
        Wagtail's own save handler would, an inline child (ParentalKey) counting for its parent;
        one task for them all (search.tasks.update_reference_index)."""
        objects = defaultdict(set)
        for model, pks in self.saved.items():
            parental = next((f for f in model._meta.get_fields() if isinstance(f, ParentalKey)), None)
            if parental is not None:
                parent_model = parental.related_model
                objects[parent_model].update(
                    model._default_manager.filter(pk__in=pks).exclude(**{parental.attname: None})
                    .values_list(parental.attname, flat=True)
                )  # fmt: skip
            elif ReferenceIndex.is_indexed(model):
                objects[model].update(pks)
        for instance in self.deleted:
            ReferenceIndex.remove_for_object(instance)
            ReferenceIndex.remove_references_to(instance)
        found = [
            [model._meta.app_label, model._meta.model_name, str(pk)]
            for model, pks in objects.items()
            if ReferenceIndex.is_indexed(model)
            for pk in model._default_manager.filter(pk__in=pks).values_list("pk", flat=True)  # still there
        ]
        if found:
            tasks.update_reference_index.enqueue(found)


# While set, saves only note what they touched; deferred_indexing() indexes it all once.
_deferred = ContextVar("deferred_indexing", default=None)


@contextmanager
def deferred_indexing():
    """Index what the saves inside touch once, at the end, instead of after each save.

    For bulk work (imports, demo data). Deferred: our search index (collateral pages), Wagtail's
    search backends and reference index (``disable_reference_index_auto_update`` then one update
    per object), and cache version bumps (``home.versions.held``). Whatever happened inside (an
    error, an interrupted import), every index is current for what was saved when the block exits.
    Nested blocks leave the work to the outermost one.
    """
    if _deferred.get() is not None:
        yield
        return
    _defer_wagtail_search_handlers()
    state = _Deferred()
    token = _deferred.set(state)
    try:
        with disable_reference_index_auto_update(), versions.held():
            yield
    finally:
        _deferred.reset(token)
        state.finish()


def _note_save(sender, instance, raw=False, **kwargs):
    state = _deferred.get()
    if state is not None and not raw and instance.pk is not None:
        state.saved[sender].add(instance.pk)


def _note_delete(sender, instance, **kwargs):
    state = _deferred.get()
    if state is not None and ReferenceIndex.is_indexed(sender):
        state.deleted.append(instance)


_wagtail_search_deferrable = False


def _defer_wagtail_search_handlers():
    """Put a handler in front of Wagtail's search save handler (modelsearch's) that leaves the work to
    `deferred_indexing()` while one is open and calls Wagtail's as before otherwise. Done once, on
    first use: Wagtail connects its handler when its app is ready, after this app."""
    global _wagtail_search_deferrable
    if _wagtail_search_deferrable:
        return
    for model in get_indexed_models():
        if getattr(model, "search_auto_update", True):
            post_save.connect(_wagtail_search_on_save, sender=model, dispatch_uid=f"deferrable-search-{model._meta}")
            post_save.disconnect(wagtail_search_handlers.post_save_signal_handler, sender=model)
    _wagtail_search_deferrable = True


def _wagtail_search_on_save(sender, instance, **kwargs):
    if _deferred.get() is None:
        wagtail_search_handlers.post_save_signal_handler(instance, sender=sender, **kwargs)


def reindex_after_commit(page_ids):
    page_ids = {pk for pk in page_ids if pk}
    state = _deferred.get()
    if state is not None:
        state.pages.update(page_ids)
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
    """Published or unpublished: its name is in its assets' indexed text only while it is live
    (search.documents.unnamed_persona_ids)."""
    reindex_after_commit(instance.collateral.values_list("pk", flat=True))


def page_privacy_changed(sender, instance, **kwargs):
    """A page's view restriction was added, changed or removed: the assets tagged with a persona at
    or under that page, or under any alias of it (home.visibility.restricted_trees, as
    unnamed_persona_ids reads them), are indexed again, with or without its name."""
    trees = restricted_trees([instance.page_id])
    if not trees:  # the page itself is being deleted
        return
    personas = PersonaPage.objects.filter(under_any(trees))
    reindex_after_commit(CollateralPage.objects.filter(personas__in=personas).values_list("pk", flat=True))


def register_signal_handlers():
    post_save.connect(_note_save, dispatch_uid="deferred-indexing-saves")
    post_delete.connect(_note_delete, dispatch_uid="deferred-indexing-deletes")
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
    page_unpublished.connect(persona_published, sender=PersonaPage)
    for signal in (post_save, post_delete):
        signal.connect(page_privacy_changed, sender=PageViewRestriction)
    # The filter values and synonyms each search checks (search/taxonomy.py) follow
    # home.versions.TAXONOMY, which home/versions.py moves on.
