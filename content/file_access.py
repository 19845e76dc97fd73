"""Who may open which uploaded file: collateral documents, images and their renditions.

Files are never served by path. A document is served by Wagtail's document view
(``/documents/<id>/<filename>``), which runs the ``before_serve_document`` hooks; an image
file (an original or a rendition) by ``serve_image_file`` (``/files/<stored name>``), which
finds the one database record stored under exactly that name and asks this module about it.
Nothing under ``MEDIA_URL`` is routed at all.

The rule, for documents (issue 9; the README's role table is the contract):

- Wagtail's collection view restrictions always apply, to everyone: a group or login
  restriction the request fails answers 404 here; a shared-password restriction is left to
  Wagtail's own hook, which asks for the password.
- Whoever may change the document under Wagtail's document permission policy (Marketing,
  through its collection permission; superusers) may open it, draft or not.
- Anyone else (Sales, a user with no group) may open it only when it is a file of at least
  one live collateral page they may view (``home.visibility``), or when its collection's view
  restriction explicitly names one of their groups.

Images follow the same rule with Wagtail's image permission policy ("choose" or "change")
in place of "change", and "the thumbnail of, or an image in the body of, a live collateral
page they may view" in place of "a file of".
"""

import mimetypes

from django.http import FileResponse, Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, CollectionViewRestriction
from wagtail.permissions import policy_registry

from content.models import CollateralPage
from home.visibility import visible_pages

# Wagtail's own hook answers these with its password form; every other kind is ours to refuse.
RESTRICTIONS_WAGTAIL_ASKS_FOR = (BaseViewRestriction.PASSWORD,)


def fails_collection_restriction(request, collection):
    """Whether a group or login view restriction on ``collection`` (or an ancestor) rejects ``request``.

    Password restrictions are not counted: Wagtail's ``check_view_restrictions`` hook shows
    its password form for those.
    """
    return any(
        not restriction.accept_request(request)
        for restriction in collection.get_view_restrictions()
        if restriction.restriction_type not in RESTRICTIONS_WAGTAIL_ASKS_FOR
    )


def collection_open_to_groups_of(user, collection):
    """Whether a group view restriction on ``collection`` (or an ancestor) names one of ``user``'s groups."""
    return CollectionViewRestriction.objects.filter(
        collection__in=collection.get_ancestors(inclusive=True),
        restriction_type=BaseViewRestriction.GROUPS,
        groups__in=user.groups.all(),
    ).exists()


def can_open_document(request, document):
    """Whether ``request`` may download ``document`` (a Wagtail document of the project's model).

    Collection view restrictions are checked separately (see ``check_document_access``);
    this answers the rest of the rule in the module docstring.
    """
    user = request.user
    if not user.is_authenticated:
        return False
    policy = policy_registry.get_by_type(type(document))
    if policy.user_has_permission_for_instance(user, "change", document):
        return True
    pages = visible_pages(CollateralPage.objects.filter(files__document=document), request)
    return pages.exists() or collection_open_to_groups_of(user, document.collection)


def check_document_access(document, request):
    """Wagtail's ``before_serve_document`` hook: 404 for a file ``request`` may not see.

    Runs before Wagtail's own ``check_view_restrictions`` (which would redirect a logged-in
    user to the login page for a group restriction, and tells the user the file exists), and
    before the download is recorded. Raises ``Http404``; returns None when the file may be served.
    """
    if fails_collection_restriction(request, document.collection) or not can_open_document(request, document):
        raise Http404("No such file.")


def image_in_visible_page(request, image):
    """Whether ``image`` is the thumbnail of, or embedded in the body of, a live collateral page ``request`` may see."""
    pages = visible_pages(CollateralPage.objects.all(), request)
    if pages.filter(thumbnail=image).exists():
        return True
    # Rich text stores an image as <embed embedtype="image" id="…"/>; the database narrows the
    # candidates and Wagtail's own reference extraction confirms each one.
    body = CollateralPage._meta.get_field("body")
    image_model, image_id = type(image), str(image.pk)
    for text in pages.filter(body__contains=f'id="{image.pk}"').values_list("body", flat=True):
        for model, object_id, *_ in body.extract_references(text):
            if issubclass(image_model, model) and str(object_id) == image_id:
                return True
    return False


def can_open_image(request, image):
    """Whether ``request`` may see ``image`` (an original or any rendition of it). Same rule as documents."""
    user = request.user
    if not user.is_authenticated:
        return False
    # Every kind of restriction counts: images have no password form (documents get Wagtail's).
    if any(not restriction.accept_request(request) for restriction in image.collection.get_view_restrictions()):
        return False
    policy = policy_registry.get_by_type(type(image))
    if policy.user_has_any_permission_for_instance(user, ["choose", "change"], image):
        return True
    return image_in_visible_page(request, image) or collection_open_to_groups_of(user, image.collection)


def find_stored_image(name):
    """``(image, file)`` for the image whose original or rendition is stored under exactly ``name``.

    ``file`` is that record's FieldFile (the original, or the rendition in its own storage).
    Returns ``(None, None)`` when no image record has that name (documents included).
    """
    Image = get_image_model()
    image = Image.objects.filter(file=name).select_related("collection").first()
    if image is not None:
        return image, image.file
    rendition = Image.get_rendition_model().objects.filter(file=name).select_related("image__collection").first()
    if rendition is not None:
        return rendition.image, rendition.file
    return None, None


@require_safe
@never_cache
def serve_image_file(request, name):
    """Stream an image file (original or rendition) to a user allowed to see that image, else 404.

    ``name`` must be the exact stored name of an image or rendition record; nothing is looked up
    on disk by a path taken from the URL, so ``..``, ``//`` or encoded separators match no record.
    Documents stored alongside are never served here (404): they go through ``/documents/``.
    """
    # No stored name holds NUL, and PostgreSQL refuses it in a query (found by the property test).
    image, stored = find_stored_image(name) if "\x00" not in name else (None, None)
    if image is None or not can_open_image(request, image):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    # As Wagtail's own image and document views: never run as a page, never sniffed.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
