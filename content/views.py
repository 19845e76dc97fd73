"""One-click feedback and usage events on collateral: cheap rows, aggregated elsewhere."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView

from content.forms import ContentRequestForm, request_initial
from content.models import CollateralEvent, CollateralPage, ContentRequest
from home.forms import id_in_range
from home.models import Notification
from home.roles import REQUEST_ADD_PERMISSION, can_give_feedback
from home.text import without_nul
from home.visibility import hidden_page_ids, visible_pages

MAX_COMMENT_LENGTH = 1000
# A second click within this time replaces the first: one person's opinion counts once a day.
FEEDBACK_WINDOW = timedelta(hours=24)


def answer(request, page, message, status=200):
    """Scripts get a status; a form without JavaScript goes back to the page with a message."""
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if status >= 400:
        messages.error(request, message)
    else:
        messages.success(request, message)
    return redirect(page.url)


@require_POST
def record_event(request, page_id):
    """Feedback ("helped" / "did not help") or a "Copy link" click on a collateral page.

    404 for a page that is not live or that the request may not view (Wagtail's page view
    restrictions, home.visibility), as if it did not exist; 403 for a user who may not give
    feedback (only Sales and Marketing: can_give_feedback); 400 for an unknown type.
    """
    page = get_object_or_404(visible_pages(CollateralPage.objects.all(), request), pk=page_id)
    event_type = request.POST.get("type", "")
    comment = without_nul(request.POST.get("comment")).strip()
    if event_type in CollateralEvent.FEEDBACK:
        if not can_give_feedback(request.user):
            return HttpResponseForbidden("Only sales and marketing can say whether an asset helped.")
        if len(comment) > MAX_COMMENT_LENGTH:
            return answer(request, page, f"Keep the comment under {MAX_COMMENT_LENGTH:,} characters.", status=400)
        CollateralEvent.objects.filter(
            collateral=page,
            user=request.user,
            type__in=CollateralEvent.FEEDBACK,
            created__gte=timezone.now() - FEEDBACK_WINDOW,
        ).delete()
        CollateralEvent.objects.create(collateral=page, type=event_type, user=request.user, comment=comment)
        thanks = "helped" if event_type == CollateralEvent.Type.HELPED else "did not help"
        return answer(request, page, f"Thanks: you said “{page.title}” {thanks}.")
    if event_type == CollateralEvent.Type.COPY_LINK:
        if not can_give_feedback(request.user):
            return HttpResponseForbidden("Only sales and marketing record copied links.")
        CollateralEvent.objects.create(collateral=page, type=event_type, user=request.user)
        return answer(request, page, "Link copied.")
    return HttpResponseBadRequest("Unknown event type.")


def record_download(document, request):
    """Wagtail's before_serve_document hook: a file opened from a collateral page (?collateral=id)."""
    page_id = request.GET.get("collateral", "")
    if id_in_range(page_id):
        pages = visible_pages(CollateralPage.objects.filter(pk=page_id, files__document=document), request)
        page = pages.first()
        if page is not None:
            CollateralEvent.objects.create(collateral=page, type=CollateralEvent.Type.DOWNLOAD, user=request.user)


class RequestCreateView(PermissionRequiredMixin, CreateView):
    """Ask marketing for an asset: from a persona page, a content gap or a search that found nothing."""

    permission_required = REQUEST_ADD_PERMISSION
    raise_exception = True
    form_class = ContentRequestForm
    template_name = "content/request_form.html"

    def get_initial(self):
        initial, self.problems = request_initial(self.request.GET, hidden_page_ids(self.request))
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hidden_page_ids": hidden_page_ids(self.request)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problems"] = getattr(self, "problems", [])
        context["sla_days"] = settings.CONTENT_REQUEST_SLA_DAYS
        return context

    def form_valid(self, form):
        content_request = form.save(commit=False)
        content_request.requested_by = self.request.user
        content_request.save()
        messages.success(
            self.request,
            f"Request sent: {content_request}. Marketing aims to answer by {content_request.due:%A %-d %B}.",
        )
        return redirect("my_requests")


class MyRequestsView(ListView):
    template_name = "content/my_requests.html"
    context_object_name = "requests"
    paginate_by = 20

    def get_queryset(self):
        return (
            ContentRequest.objects.filter(requested_by=self.request.user)
            .select_related("persona", "objection", "delivered_asset", "owner")
            .order_by("-created", "-pk")
        )


class NotificationsView(ListView):
    """The person's notifications, newest first; opening the list marks them read."""

    template_name = "home/notifications.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user).select_related("page")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_ids"] = {item.pk for item in context["notifications"] if not item.read}
        context["shown"] = [(item, *item.shown_to(self.request)) for item in context["notifications"]]
        Notification.objects.filter(user=self.request.user, pk__in=context["unread_ids"]).update(read=True)
        return context
