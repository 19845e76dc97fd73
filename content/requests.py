"""What happens when marketing answers a content request: the requester is told."""

from home.models import Notification


def tell_requester(content_request, status_before):
    """Notify the requester of `content_request` (saved, its new status set) that it was
    delivered or declined, when its status was `status_before` (a ContentRequest.Status value, or
    None for a new request) and is now one of those; any other change tells nobody.

    Returns the new `home.models.Notification`, or None. Call it in the transaction that saved
    the request, so the two land together.
    """
    if not content_request.requested_by_id or status_before == content_request.status:
        return None
    if not content_request.is_answered:
        return None
    return Notification.objects.create(user_id=content_request.requested_by_id, **content_request.outcome_message())
