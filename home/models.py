from django.conf import settings
from django.db import models
from django.utils import timezone

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

HOME_LIST_SIZE = 8


class HomePage(Page):
    """The start page for reps and marketers: search, personas, newest collateral, own notes."""

    intro = models.CharField(max_length=255, blank=True, help_text="One line under the search box.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["personas.PersonaIndexPage", "content.CollateralIndexPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        """Each app fills in its part of the start page through the `construct_home_page_context`
        hook, called with (request, context): content its newest collateral, personas the
        personas and the person's own notes. So home, which every app uses, uses none of them."""
        context = super().get_context(request, *args, **kwargs)
        for fn in hooks.get_hooks("construct_home_page_context"):
            fn(request, context)
        return context


class Notification(models.Model):
    """Something a person should know, shown in the site's header until they have read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page the message names, if any: shown only while its reader may view the page.",
    )
    created = models.DateTimeField(default=timezone.now)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "read"])]

    def __str__(self):
        return self.message

    def shown_to(self, request):
        """``(message, url)`` as ``request`` may read them: a notification naming a page the reader
        may not view now (restricted or unpublished since) says so instead of the page's title."""
        from home.visibility import can_view_page

        if self.page_id is None or (self.page is not None and can_view_page(request, self.page)):
            return self.message, self.url
        return HIDDEN_PAGE_MESSAGE, "/requests/"


HIDDEN_PAGE_MESSAGE = "Your request was answered with an asset you cannot open; see your requests."


class PageVisit(models.Model):
    """When a person last opened a collateral or persona page, and which published revision they
    saw then: what "Updated 3 days ago: …" on the page and the "Updated" marker on cards compare
    against (home.visits). One row per person and page, overwritten on each visit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="page_visits")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    visited_at = models.DateTimeField(default=timezone.now)
    seen_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="one_visit_per_user_and_page")]

    def __str__(self):
        return f"{self.user} saw {self.page_id} at {self.visited_at:%Y-%m-%d %H:%M}"
