"""The weekly nudge: each owner hears about their assets due for review and overdue requests."""

import contextlib
import datetime
import logging
import smtplib
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection, send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from content.models import CollateralPage, ContentRequest
from content.reports import edit_url
from home.text import person_name
from home.visibility import hidden_page_ids

logger = logging.getLogger(__name__)

DUE_SOON = datetime.timedelta(days=14)


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def digests(today=None):
    """{user: {"assets": [...], "requests": [...]}} for everyone with something to act on.

    An asset is listed for its owner only while the owner may view it (Wagtail's view
    restrictions, home.visibility); requests go to their owner or to every marketer."""
    today = today or timezone.localdate()
    found = {}
    hidden = {}  # owner id -> pages a view restriction keeps from them (home.visibility)
    for page in (
        CollateralPage.objects.live()
        .filter(review_by__lte=today + DUE_SOON, content_owner__isnull=False, content_owner__is_active=True)
        .select_related("content_owner")
        .order_by("review_by", "title")
    ):
        owner = page.content_owner
        if owner.pk not in hidden:
            hidden[owner.pk] = hidden_page_ids(SimpleNamespace(user=owner, session={}))
        if page.pk in hidden[owner.pk]:
            continue  # an owner who may not view the page (restricted since) is not mailed its title
        found.setdefault(owner, {"assets": [], "requests": []})["assets"].append(page)
    overdue = ContentRequest.objects.overdue(today).select_related("persona", "objection", "owner", "requested_by")
    marketers = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=settings.MARKETING_GROUP) | Q(is_superuser=True))
        .distinct()
    )
    for item in overdue:
        for user in [item.owner] if item.owner and item.owner.is_active else marketers:
            found.setdefault(user, {"assets": [], "requests": []})["requests"].append(item)
    return {user: items for user, items in found.items() if user.email}


def digest_text(user, items, today):
    lines = [f"Hello {person_name(user)},", ""]
    if items["assets"]:
        lines.append("Collateral you own that is due for review:")
        for page in items["assets"]:
            when = "past due since" if page.review_by < today else "due"
            lines.append(f"  - {page.title} ({when} {page.review_by:%-d %b %Y}): {absolute(edit_url(page.pk))}")
        lines.append("")
    if items["requests"]:
        lines.append("Content requests past their due date:")
        for item in items["requests"]:
            edit = reverse("wagtailsnippets_content_contentrequest:edit", args=[item.pk])
            lines.append(
                f"  - {item} for {item.requester_name}, due {item.due:%-d %b %Y}"
                f"{'' if item.owner else ' (nobody has taken it)'}: {absolute(edit)}"
            )
        lines.append("")
    lines.append("Common Ground")
    return "\n".join(lines)


class MailServerUnavailable(Exception):
    """The mail server could not be reached or refused us; ``sent`` digests went out before it failed."""

    def __init__(self, reason, sent):
        super().__init__(reason)
        self.sent = sent


def send_digests(today=None):
    """Send each person one email over one connection; returns ``(sent, refused)``.

    ``refused`` lists the addresses the mail server would not take (a typo in a user's email),
    each logged as a warning; the others still get theirs. Raises ``MailServerUnavailable`` with
    the server's address and reason when the server cannot be reached or rejects the login
    (EMAIL_URL / EMAIL_HOST settings), so the command can say so instead of a traceback.
    """
    today = today or timezone.localdate()
    sent, refused = 0, []
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for user, items in digests(today).items():
            count = len(items["assets"]) + len(items["requests"])
            subject = f"Common Ground: {count} thing{'s' if count != 1 else ''} need{'' if count != 1 else 's'} you"
            try:
                sent += send_mail(subject, digest_text(user, items, today), None, [user.email], connection=connection)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
                logger.warning("Digest for user %s not sent: the mail server refused it (%s)", user.pk, error)
                refused.append(user.email)
    except (OSError, smtplib.SMTPException) as error:
        raise MailServerUnavailable(f"mail server {server}: {type(error).__name__}: {error}", sent) from error
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return sent, refused
