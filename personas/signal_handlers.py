"""Persona insights are cached; anything that could change them moves the cache on at once."""

from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished

from content.models import CollateralEvent, CollateralPage
from personas.insights import invalidate
from personas.models import Objection, ObjectionNote


def feedback_changed(sender, instance, **kwargs):
    if instance.type in CollateralEvent.FEEDBACK:
        invalidate()


def register_signal_handlers():
    for model in (ObjectionNote, Objection):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"insights-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"insights-delete-{model.__name__}")
    post_save.connect(feedback_changed, sender=CollateralEvent, dispatch_uid="insights-feedback")
    post_delete.connect(feedback_changed, sender=CollateralEvent, dispatch_uid="insights-feedback-delete")
    page_published.connect(invalidate, sender=CollateralPage, dispatch_uid="insights-published")
    page_unpublished.connect(invalidate, sender=CollateralPage, dispatch_uid="insights-unpublished")
    post_delete.connect(invalidate, sender=CollateralPage, dispatch_uid="insights-page-deleted")
