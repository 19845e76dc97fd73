"""Where uploaded and static files live, and why their URLs never point at the place they are in.

Uploads (documents, images, renditions) go to ``MEDIA_ROOT`` on this machine by default, or to
S3-compatible object storage when ``STORAGE_URL``/``AWS_*`` is set (``home/settings/deploy.py``).
Either way a file's URL is ``/files/<stored name>``, a view that checks permission: nothing links
to a folder or a bucket.
"""

from storages.backends.s3 import S3Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


def protected_url(name):
    """``/files/<name>``: the permission-checked view (``content.file_access.serve_image_file``).

    Raises ValueError for a file without a name, as Django's storages do.
    """
    if name is None:
        raise ValueError("This file has no name, so it has no URL.")
    return reverse("stored_file", kwargs={"name": name})


class ProtectedFileSystemStorage(FileSystemStorage):
    """Django's file system storage whose ``url()`` goes to a view that checks permission.

    Every stored file's URL is ``/files/<stored name>`` (``content.file_access.serve_image_file``),
    which serves only images and renditions, to users allowed to see them; documents are served
    by Wagtail's document view at ``/documents/<id>/<filename>``. Nothing serves ``MEDIA_ROOT``
    by path, so ``MEDIA_URL`` is only a name here.
    """

    def url(self, name):
        return protected_url(name)


class ProtectedS3Storage(S3Storage):
    """django-storages' S3 backend (boto3) whose ``url()`` is ``/files/<name>``, never the bucket's.

    The objects stay private: no ACL is sent and no signed or public URL is handed out, so a file
    reaches a browser only through our views (Wagtail's document view with
    ``WAGTAILDOCS_SERVE_METHOD = "serve_view"``, which streams it because this storage has no
    local path, and ``/files/<name>`` for images). Tested against moto's S3 server only.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return protected_url(name)


class CompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, hashed static files, which still answer before ``collectstatic``.

    After ``manage.py collectstatic`` every ``{% static %}`` URL carries a content hash, served
    with a year-long cache and gzip/brotli copies. Before it (a fresh checkout, a forgotten
    step), a name the manifest does not know is given unhashed instead of failing the page with
    "Missing staticfiles manifest entry", and whitenoise finds the file in its app
    (``WHITENOISE_USE_FINDERS``), so the admin keeps its CSS; ``manage.py check_deploy`` says
    collectstatic is missing.
    """

    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None:
                return name  # not collected yet: the plain name, which whitenoise's finders serve
            raise
