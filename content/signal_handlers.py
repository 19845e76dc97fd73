"""What a document's save and delete set off, connected in ``ContentConfig.ready``: a new file's
text and previews are made by tasks after the commit (content.tasks), a deleted file's previews
go with it, and a new document gets a readable title (content.document_titles)."""

from django.db.models.signals import post_delete, post_save, pre_save

from content.document_titles import give_new_document_a_readable_title
from content.models import CollateralDocument, FileWork
from content.tasks import delete_after_commit, start_file_work


def forget_the_old_files_work(sender, instance, **kwargs):
    """pre_save: a new file (an upload, or a replaced file) starts "Reading the file…" with no
    text and no previews; the old file's previews are deleted after the commit (post_save)."""
    if not instance.file or getattr(instance.file, "_committed", True):
        return
    instance._stale_previews = [name for name in (instance.thumbnail_file.name, instance.preview_file.name) if name]
    instance.extracted_text = instance.extraction_error = instance.preview_note = instance.file_version = ""
    instance.thumbnail_file = instance.preview_file = None
    instance.extraction_state = instance.preview_state = FileWork.PENDING


def start_the_new_files_work(sender, instance, **kwargs):
    """post_save: queue reading the new file and making its previews, after the commit."""
    stale = instance.__dict__.pop("_stale_previews", None)
    if stale is not None:
        start_file_work(instance, delete=stale)


def delete_previews(sender, instance, **kwargs):
    """post_delete: a deleted file's thumbnail and PDF preview go with it (after the commit)."""
    delete_after_commit([instance.thumbnail_file.name, instance.preview_file.name])


def register_signal_handlers():
    post_delete.connect(delete_previews, sender=CollateralDocument, dispatch_uid="content-delete-previews")
    pre_save.connect(
        give_new_document_a_readable_title, sender=CollateralDocument, dispatch_uid="readable_document_title"
    )
    pre_save.connect(forget_the_old_files_work, sender=CollateralDocument, dispatch_uid="content-new-file")
    post_save.connect(start_the_new_files_work, sender=CollateralDocument, dispatch_uid="content-new-file-work")
