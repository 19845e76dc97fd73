from django.conf import settings
from django.http import Http404
from django.views.static import serve

# Collateral files go through Wagtail's document view, never straight from disk.
PRIVATE_MEDIA_PREFIXES = ("documents/",)


def serve_media(request, path):
    """Images and thumbnails, for logged-in users only (the login middleware guards this view)."""
    if path.startswith(PRIVATE_MEDIA_PREFIXES):
        raise Http404("Not found")
    return serve(request, path, document_root=settings.MEDIA_ROOT)
