"""See a file in the browser: its preview page, its thumbnail, and the file as a PDF shown inline.

Each view is behind exactly the permission of the file itself: Wagtail's ``before_serve_document``
hooks run first, as for a download (content.file_access's check, a 404 for a file the user may
not see; Wagtail's password form for a collection behind a shared password). The thumbnail and the
PDF made from an Office file are read through Django's default storage (local disk or S3), never
by a path, and nothing under MEDIA_URL is routed.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from wagtail import hooks

from content.models import CollateralDocument

# Most characters of a file's text shown when it cannot be shown as pages.
TEXT_SHOWN = 20_000


def document_for(request, document_id):
    """``(document, None)`` when ``request`` may open the file, else ``(None, response)`` (a
    password form) or Http404: the same hooks as Wagtail's document download."""
    document = get_object_or_404(CollateralDocument, pk=document_id)
    for hook in hooks.get_hooks("before_serve_document"):
        if getattr(hook, "__name__", "") == "record_download":
            continue  # looking at a preview is not a download
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return None, result
    return document, None


def _file_response(stored, content_type, filename=None):
    response = FileResponse(stored.open("rb"), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    # As Wagtail's document view: never run as a page, never sniffed.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@never_cache
def thumbnail(request, document_id):
    """The PNG of the file's first page (or of the image), for whoever may open the file; else 404."""
    document, refusal = document_for(request, document_id)
    if refusal is not None:
        return refusal
    if not document.thumbnail_file:
        raise Http404("No thumbnail yet.")
    return _file_response(document.thumbnail_file, "image/png")


@require_safe
@never_cache
@xframe_options_sameorigin  # shown in the preview page's frame
def view_pdf(request, document_id):
    """The file as a PDF, inline (the browser's own viewer): a PDF itself, or the PDF LibreOffice
    made of an Office file. 404 when there is none or the user may not open the file."""
    document, refusal = document_for(request, document_id)
    if refusal is not None:
        return refusal
    stored = document.file if document.is_pdf else document.preview_file
    if not stored:
        raise Http404("This file cannot be shown as a PDF.")
    return _file_response(stored, "application/pdf", f"{slugify(document.title)[:80] or 'file'}.pdf")


@require_safe
def preview(request, document_id):
    """The preview page: the file's pages in the browser's PDF viewer, or (for an Office file
    without LibreOffice, or one it could not convert) the text read from it and why."""
    document, refusal = document_for(request, document_id)
    if refusal is not None:
        return refusal
    text = document.extracted_text
    context = {
        "document": document,
        "text": text[:TEXT_SHOWN],
        "text_cut": len(text) > TEXT_SHOWN,
        "collateral": request.GET.get("collateral", "") if request.GET.get("collateral", "").isdigit() else "",
    }
    return TemplateResponse(request, "content/preview.html", context)
