"""Uploaded files stay on local disk, and their URLs never point at the folder they are in."""

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class ProtectedFileSystemStorage(FileSystemStorage):
    """Django's file system storage whose ``url()`` goes to a view that checks permission.

    Every stored file's URL is ``/files/<stored name>`` (``content.file_access.serve_image_file``),
    which serves only images and renditions, to users allowed to see them; documents are served
    by Wagtail's document view at ``/documents/<id>/<filename>``. Nothing serves ``MEDIA_ROOT``
    by path, so ``MEDIA_URL`` is only a name here.
    """

    def url(self, name):
        if name is None:
            raise ValueError("This file has no name, so it has no URL.")
        return reverse("stored_file", kwargs={"name": name})
