"""Keep the index current: after each committed change that alters what search shows."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished

from content.models import CollateralPage
from personas.models import Objection, ObjectionNote, PersonaPage
from search import service

logger = logging.getLogger(__name__)


def reindex_after_commit(page_ids):
    page_ids = {pk for pk in page_ids if pk}

    def reindex():
        try:
            service.index_collateral(page_ids)
        except Exception:  # the database is the source of truth; rebuild_search_index repairs the index
            logger.exception("Could not index collateral %s", sorted(page_ids))

    if page_ids:
        transaction.on_commit(reindex)


def collateral_published_or_unpublished(sender, instance, **kwargs):
    reindex_after_commit([instance.pk])


def collateral_deleted(sender, instance, **kwargs):
    page_id = instance.pk
    transaction.on_commit(lambda: service.remove_collateral([page_id]))


def note_changed(sender, instance, **kwargs):
    """A note's 'helped' answer changes how its asset ranks."""
    reindex_after_commit([instance.collateral_id])


def objection_changed(sender, instance, **kwargs):
    """New names or synonyms change which words find the assets tagged with it."""
    reindex_after_commit(instance.collateral.values_list("pk", flat=True))


def persona_published(sender, instance, **kwargs):
    reindex_after_commit(instance.collateral.values_list("pk", flat=True))


def register_signal_handlers():
    page_published.connect(collateral_published_or_unpublished, sender=CollateralPage)
    page_unpublished.connect(collateral_published_or_unpublished, sender=CollateralPage)
    post_delete.connect(collateral_deleted, sender=CollateralPage)
    post_save.connect(note_changed, sender=ObjectionNote)
    post_delete.connect(note_changed, sender=ObjectionNote)
    post_save.connect(objection_changed, sender=Objection)
    page_published.connect(persona_published, sender=PersonaPage)
