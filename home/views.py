from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.static import serve

# Collateral files go through Wagtail's document view, never straight from disk.
PRIVATE_MEDIA_PREFIXES = ("documents/",)


def serve_media(request, path):
    """Images and thumbnails, for logged-in users only (the login middleware guards this view)."""
    if path.startswith(PRIVATE_MEDIA_PREFIXES):
        raise Http404("Not found")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@login_not_required
def healthz(request):
    """For load balancers: the process answers. Says nothing else, so it needs no login."""
    return HttpResponse("ok", content_type="text/plain")
