from django.apps import AppConfig
from django.db.models.signals import post_delete, pre_save


def delete_previews(sender, instance, **kwargs):
    """A deleted file's thumbnail and PDF preview go with it (after the commit)."""
    from content.tasks import delete_after_commit

    delete_after_commit([instance.thumbnail_file.name, instance.preview_file.name])


class ContentConfig(AppConfig):
    name = "content"
    label = "content"

    def ready(self):
        from content.document_titles import give_new_document_a_readable_title
        from content.models import CollateralDocument

        post_delete.connect(delete_previews, sender=CollateralDocument, dispatch_uid="content-delete-previews")
        pre_save.connect(
            give_new_document_a_readable_title, sender=CollateralDocument, dispatch_uid="readable_document_title"
        )
