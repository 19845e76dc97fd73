"""What changed since a person last looked: "Updated 3 days ago: new section on Pricing".

Each time a signed-in person opens a collateral or persona page, `since_last_visit` compares the
published revision they saw on their previous visit (home.models.PageVisit) with the one live now,
then records this visit. Cards in listings and search results show an "Updated" marker for pages
the person has opened before and that were published again since (`updated_page_ids`).
The differences come from Wagtail's revisions, so nothing extra is stored when a page is edited.
"""

import re

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.timesince import timesince

from wagtail.fields import RichTextField, StreamField

from home.models import PageVisit
from home.visibility import files_shown_to

# Fields a reader notices, per page type (model name), in the order the page shows them.
WATCHED_FIELDS = {
    "collateralpage": ["title", "summary", "body", "kind", "stage", "review_by"],
    "personapage": ["title", "role", "summary", "goals", "pains", "decision_criteria", "quotes"],
}
MAX_CHANGES = 5
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)


def _headings(html):
    return [" ".join(strip_tags(heading).split()) for heading in _HEADING.findall(str(html or ""))]


def _field_change(field, old, new):
    """One sentence about how `field` differs between two versions of a page, or "" when it does not."""
    name = field.name
    before, after = getattr(old, name), getattr(new, name)
    label = str(field.verbose_name).replace("_", " ")
    if isinstance(field, StreamField):
        before_raw, after_raw = list(before.raw_data), list(after.raw_data)
        if before_raw == after_raw:
            return ""
        added = len(after_raw) - len(before_raw)
        if added > 0:
            return f"{added} new {label.rstrip('s') if added == 1 else label}"
        return f"{label.capitalize()} changed"
    if before == after:
        return ""
    if name == "title":
        return f"renamed from “{before}”"
    if isinstance(field, RichTextField):
        new_sections = [heading for heading in _headings(after) if heading and heading not in _headings(before)]
        if new_sections:
            return "new section" + ("s" if len(new_sections) > 1 else "") + " on " + ", ".join(new_sections)
        return f"{label.capitalize()} changed"
    if field.choices:
        display = dict(field.flatchoices)
        return f"{label.capitalize()} now {display.get(after, after)}"
    return f"{label.capitalize()} changed"


def describe_changes(old, new, request=None):
    """Sentences saying what differs between two versions of one page (``old`` may be None).

    With ``request``, a new file is named only when its collection lets that reader see it
    (home.visibility.files_shown_to); without one, no new file is named.

    ``old`` and ``new`` are page objects of the same specific type (a revision's ``as_object()``
    and the live page). Returns at most MAX_CHANGES short sentences, first letter upper case,
    e.g. ["New section on Pricing", "Summary changed"]; [] when nothing a reader sees changed.
    """
    if old is None:
        return []
    changes = []
    for name in WATCHED_FIELDS.get(new._meta.model_name, []):
        sentence = _field_change(new._meta.get_field(name), old, new)
        if sentence:
            changes.append(sentence[0].upper() + sentence[1:])
    if new._meta.model_name == "collateralpage":
        before = {item.document_id for item in old.files.all()}
        added = [item.document for item in new.files.select_related("document") if item.document_id not in before]
        shown = files_shown_to(request, added) if request is not None else []
        changes += [f"New file: {document.title}" for document in shown]
    return changes[:MAX_CHANGES]


def since_last_visit(request, page):
    """What changed on ``page`` since ``request.user`` last opened it, then record this visit.

    Returns None on a first visit, when nothing was published since, in previews, for anonymous
    requests and unsaved pages; else ``{"when": datetime, "ago": "3 days", "changes": [str]}``,
    ``when`` being the page's last publication. Called once per request (the answer is kept on
    the request, so a second call neither records twice nor loses the answer).
    """
    user = getattr(request, "user", None)
    if not page.pk or getattr(request, "is_preview", False) or user is None or not user.is_authenticated:
        return None
    cache = request.__dict__.setdefault("_since_last_visit", {})
    if page.pk in cache:
        return cache[page.pk]
    visit = PageVisit.objects.filter(user=user, page_id=page.pk).select_related("seen_revision").first()
    result = None
    if (
        visit is not None
        and page.last_published_at
        and page.last_published_at > visit.visited_at
        and visit.seen_revision_id != page.live_revision_id
    ):
        old = visit.seen_revision.as_object() if visit.seen_revision is not None else None
        result = {
            "when": page.last_published_at,
            "ago": timesince(page.last_published_at, depth=1),
            "changes": describe_changes(old, page, request),
        }
    PageVisit.objects.update_or_create(
        user=user, page_id=page.pk, defaults={"visited_at": timezone.now(), "seen_revision_id": page.live_revision_id}
    )
    cache[page.pk] = result
    return result


def updated_page_ids(request):
    """Ids of pages ``request.user`` opened before and that were published again since: the
    "Updated" marker on cards. One query per request (kept on the request); empty for anonymous."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return frozenset()
    if "_updated_page_ids" not in request.__dict__:
        from django.db.models import F

        request._updated_page_ids = frozenset(
            PageVisit.objects.filter(user=user, page__last_published_at__gt=F("visited_at")).values_list(
                "page_id", flat=True
            )
        )
    return request._updated_page_ids
