"""Thumbnails of collateral files on cards and pages (content/previews.py serves them)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from content.models import CollateralFile, CollateralPage
from home.visibility import files_shown_to

register = template.Library()


def thumbnail_url(document):
    """The thumbnail's URL, versioned by the file's SHA-256 (a replaced file gets a new URL)."""
    return f"{reverse('document_thumbnail', args=[document.pk])}?v={document.file_version[:12]}"


@register.simple_tag
def file_thumbnail(document, css_class="file-thumb", alt=""):
    """An <img> of the file's first page, or nothing while there is none."""
    if not document.thumbnail_file:
        return ""
    return format_html(
        '<img class="{}" src="{}" alt="{}" width="96" loading="lazy">', css_class, thumbnail_url(document), alt
    )


@register.simple_tag(takes_context=True)
def collateral_thumbnail(context, page, url=""):
    """The first thumbnail among the files of a collateral page (a page or its id), for its card.

    With ``url`` (the asset's page), the picture is a link to it for pointer users; the card's
    title is the same link, so this one is hidden from screen readers and skipped by Tab
    (``aria-hidden``, ``tabindex="-1"``) rather than read out twice. Only files whose collection
    lets the reader in are pictured (home.visibility.files_shown_to). Uses the page's prefetched
    files when it has them (the collateral index), else one query.
    """
    if isinstance(page, CollateralPage) and "files" in getattr(page, "_prefetched_objects_cache", {}):
        documents = [item.document for item in page.files.all()]
    else:
        page_id = page.pk if isinstance(page, CollateralPage) else page
        items = CollateralFile.objects.filter(page_id=page_id).exclude(document__thumbnail_file="")
        documents = [item.document for item in items.select_related("document__collection").order_by("sort_order")]
    request = context.get("request")
    documents = files_shown_to(request, documents) if request is not None else []  # collection privacy
    for document in documents:
        if document.thumbnail_file:
            picture = file_thumbnail(document, "card-thumb")
            if url:
                return format_html(
                    '<a class="card-thumb-link" href="{}" tabindex="-1" aria-hidden="true">{}</a>', url, picture
                )
            return picture
    return ""
