from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    label = "content"

    def ready(self):
        from django.db.models.signals import pre_save

        from wagtail.documents import get_document_model

        from content.document_titles import give_new_document_a_readable_title

        pre_save.connect(
            give_new_document_a_readable_title, sender=get_document_model(), dispatch_uid="readable_document_title"
        )
