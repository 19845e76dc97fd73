import datetime
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from content.page_forms import CollateralPageForm
from home.models import Notification
from home.roles import SectionIndexPermissionTester, can_give_feedback
from home.text import person_name, shorten
from home.visibility import can_view_page, files_shown_to, restricted_trees, under_any, visible_pages
from home.vocabulary import VocabularyTerm

COLLATERAL_PER_PAGE = 24


class FileWork(models.TextChoices):
    """Where the background work on a file stands (content/tasks.py)."""

    PENDING = "pending", "Reading the file…"
    DONE = "done", "Done"


class CollateralDocument(AbstractDocument):
    """A collateral file with the text read from inside it, so search can look there too, and
    a preview: a thumbnail of its first page and, for Office files, a PDF to view in the browser.

    Text and previews are made after the upload is saved, by tasks (content/tasks.py) in a
    child process with limits; until then ``extraction_state`` is PENDING ("Reading the file…").
    """

    extracted_text = models.TextField(blank=True, editable=False)
    extraction_error = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="Why no text (or not all of it) could be read from the file, if so.",
    )
    extraction_state = models.CharField(max_length=10, choices=FileWork.choices, default=FileWork.DONE, editable=False)
    file_version = models.CharField(
        max_length=64, blank=True, editable=False, help_text="SHA-256 of the file the text and previews come from."
    )
    preview_state = models.CharField(max_length=10, choices=FileWork.choices, default=FileWork.DONE, editable=False)
    thumbnail_file = models.FileField(blank=True, editable=False, max_length=255, upload_to="previews/")
    preview_file = models.FileField(
        blank=True, editable=False, max_length=255, upload_to="previews/", help_text="An Office file as PDF."
    )
    preview_note = models.CharField(
        max_length=255, blank=True, editable=False, help_text="Why there is no preview (or no PDF to view), if so."
    )

    # AbstractDocument leaves the admin form's fields to the concrete model; keep Wagtail's.
    admin_form_fields = Document.admin_form_fields

    def clean(self):
        """Wagtail's check of the file's extension (``WAGTAILDOCS_EXTENSIONS``), when there is a file.

        When the form refused the upload (too big, empty) the instance has no file, and Wagtail's
        check would add a second, wrong error: "File extension “” is not allowed".
        """
        if self.file:
            super().clean()

    @property
    def is_reading(self):
        return self.extraction_state == FileWork.PENDING

    @property
    def is_pdf(self):
        return self.file_extension.lower() == "pdf"

    @property
    def viewable_pdf(self):
        """Whether the browser can show this file as a PDF: a PDF, or an Office file LibreOffice converted."""
        return self.is_pdf or bool(self.preview_file)

    @property
    def extension_label(self):
        return self.file_extension.upper() or "FILE"


def past_review(review_by, today=None):
    """Whether an asset with review-by date `review_by` (a date or None) is past it on `today`
    (default the site's today): from the day after the date. The one staleness rule."""
    return bool(review_by and review_by < (today or timezone.localdate()))


class CollateralKind(VocabularyTerm):
    """A kind of collateral (deck, case study, ...): a managed list marketing edits in the admin."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = "kind of collateral"
        verbose_name_plural = "kinds of collateral"

    def is_used(self, slug):
        return CollateralPage.objects.filter(kind=slug).exists()


class Kind(models.TextChoices):
    """The kinds shipped as defaults (migration content 0005); the list itself is `CollateralKind`."""

    CASE_STUDY = "case_study", "Case study"
    BATTLECARD = "battlecard", "Battlecard"
    WHITEPAPER = "whitepaper", "Whitepaper"
    ONE_PAGER = "one_pager", "One-pager"
    DECK = "deck", "Deck"
    ROI_CALCULATOR = "roi_calculator", "ROI calculator"
    FAQ = "faq", "FAQ"
    EMAIL_TEMPLATE = "email_template", "Email template"
    DATASHEET = "datasheet", "Datasheet"
    VIDEO = "video", "Video"


class BuyerStage(models.TextChoices):
    AWARENESS = "awareness", "Awareness"
    CONSIDERATION = "consideration", "Consideration"
    DECISION = "decision", "Decision"
    ONBOARDING = "onboarding", "Onboarding"


class CollateralIndexPage(Page):
    intro = models.TextField(blank=True, help_text="Shown above the library.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["content.CollateralPage"]
    max_count = 1

    def permissions_for_user(self, user):
        """Marketing edits the index; only a superuser deletes, moves or copies it (`SectionIndexPermissionTester`)."""
        return SectionIndexPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = visible_pages(CollateralPage.objects.child_of(self), request).newest_first().with_taxonomy()
        context["collateral_page"] = Paginator(items, COLLATERAL_PER_PAGE).get_page(request.GET.get("page"))
        return context


class CollateralPageTag(TaggedItemBase):
    content_object = ParentalKey("content.CollateralPage", on_delete=models.CASCADE, related_name="tagged_items")


class CollateralPageQuerySet(PageQuerySet):
    def newest_first(self):
        return self.order_by("-first_published_at", "-pk")

    def with_taxonomy(self):
        return self.select_related("kind").prefetch_related("personas", "objections", "tags", "files__document")


class CollateralPage(Page):
    """One piece of sales collateral: a deck, case study, battlecard... and its files."""

    summary = models.TextField(help_text="One or two sentences: what it is and when to use it.")
    body = RichTextField(blank=True, help_text="The talking points, proof and details.")
    kind = models.ForeignKey(
        CollateralKind,
        to_field="slug",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collateral",
        help_text="What sort of asset this is (Marketing keeps the list: Kinds of collateral, in the admin menu).",
    )
    stage = models.CharField("buyer stage", max_length=20, choices=BuyerStage.choices, blank=True, db_index=True)
    personas = ParentalManyToManyField(
        "personas.PersonaPage", blank=True, related_name="collateral", help_text="Who this is for."
    )
    objections = ParentalManyToManyField(
        "personas.Objection", blank=True, related_name="collateral", help_text="The objections it answers."
    )
    tags = ClusterTaggableManager(
        through=CollateralPageTag, blank=True, help_text="Free tags: industry, product, competitor."
    )
    thumbnail = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="owner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_collateral",
        help_text="Who keeps this asset accurate.",
    )
    review_by = models.DateField(null=True, blank=True, help_text="After this date the asset is marked as stale.")
    external_id = models.CharField(
        max_length=100, unique=True, null=True, blank=True, help_text="Id in the system it was imported from."
    )

    objects = PageManager.from_queryset(CollateralPageQuerySet)()
    base_form_class = CollateralPageForm

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("files", label="Files", heading="Files"),
        MultiFieldPanel(
            [
                # A plain select: Wagtail's snippet chooser looks terms up by id, and kinds link by slug.
                FieldRowPanel([FieldPanel("kind", widget=forms.Select), FieldPanel("stage")]),
                FieldPanel("personas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("objections", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Tagging",
        ),
        MultiFieldPanel(
            [FieldPanel("content_owner"), FieldPanel("review_by"), FieldPanel("thumbnail")],
            heading="Ownership",
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("stage"),
    ]
    parent_page_types = ["content.CollateralIndexPage"]
    subpage_types = []
    # An id from another system names one page; a copy is a new page (Wagtail's Copy action).
    exclude_fields_in_copy = ["external_id"]

    class Meta:
        verbose_name = "collateral"
        verbose_name_plural = "collateral"

    @property
    def owner_name(self):
        return person_name(self.content_owner, missing="Nobody yet")

    def get_kind_display(self):
        """The kind's label, or "" when none is set."""
        return self.kind.label if self.kind_id else ""

    @property
    def is_stale(self):
        """Past its review-by date (`past_review`, the rule content.effectiveness uses too)."""
        return past_review(self.review_by)

    def get_context(self, request, *args, **kwargs):
        """The files this person may see, the note count and whether they may give feedback.
        The helped figure and usage come from content.effectiveness through the page's template
        tags (content/templatetags/figures.py), so this model imports no service."""
        context = super().get_context(request, *args, **kwargs)
        context["files"] = files_shown_to(request, [item.document for item in self.files.select_related("document")])
        # A preview of a page not yet saved has no notes (and no pk to look them up by).
        context["note_count"] = self.notes.visible().count() if self.pk else 0
        context["can_give_feedback"] = bool(self.pk) and can_give_feedback(request.user)
        return context

    def serve(self, request, *args, **kwargs):
        """Serve the page, counting a view by a signed-in person (not a preview)."""
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            CollateralEvent.objects.create(collateral=self, type=CollateralEvent.Type.VIEW, user=request.user)
        return super().serve(request, *args, **kwargs)


class CollateralFile(Orderable):
    page = ParentalKey(CollateralPage, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(settings.WAGTAILDOCS_DOCUMENT_MODEL, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("document")]

    def __str__(self):
        return str(self.document)


class CollateralEvent(models.Model):
    """One thing a person did with an asset: opened, downloaded, copied its link, or said whether
    it helped. One cheap row each; ranking, persona pages and reports aggregate them."""

    class Type(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        COPY_LINK = "copy_link", "Copied the link"
        HELPED = "helped", "Helped"
        NOT_HELPED = "not_helped", "Did not help"

    FEEDBACK = (Type.HELPED, Type.NOT_HELPED)
    USAGE = (Type.VIEW, Type.DOWNLOAD, Type.COPY_LINK)

    collateral = models.ForeignKey(CollateralPage, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=12, choices=Type.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(blank=True, max_length=1000)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["collateral", "type", "created"])]

    def __str__(self):
        return f"{self.get_type_display()}: {self.collateral_id}"


def add_working_days(start, days):
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


class ContentRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=ContentRequest.OPEN_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due__lt=today or timezone.localdate())


class ContentRequest(models.Model):
    """A rep's request for an asset for one persona, answering one objection (or none in particular);
    marketing's queue."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        DECLINED = "declined", "Declined"

    OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS)

    persona = models.ForeignKey("personas.PersonaPage", on_delete=models.PROTECT, related_name="content_requests")
    objection = models.ForeignKey(
        "personas.Objection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="content_requests",
        help_text="Optional: a rep may ask for an asset for a persona (and stage) without one objection in mind.",
    )
    stage = models.CharField(
        "buyer stage",
        max_length=20,
        choices=BuyerStage.choices,
        blank=True,
        help_text="Optional: the stage the asset is for.",
    )
    description = models.TextField(
        "what would help", max_length=2000, help_text="The situation, and what the asset should say or show."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="content_requests"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_content_requests",
        limit_choices_to={"groups__name": settings.MARKETING_GROUP},
        help_text="The marketer making it.",
    )
    due = models.DateField(help_text="Set from the service level when the request is made.")
    decline_reason = models.TextField(blank=True, max_length=1000, help_text="Required when declining.")
    delivered_asset = models.ForeignKey(
        CollateralPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="answered_requests"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = ContentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self):
        if not self.persona_id:
            return "Content request"
        return f"{self.objection if self.objection_id else 'An asset'} for {self.persona}"

    def save(self, *args, **kwargs):
        """Fill in the due date (working days from today) and when it was delivered; telling the
        requester is content.requests.tell_requester's, called by the queue's edit view."""
        if not self.due:
            self.due = add_working_days(timezone.localdate(), settings.CONTENT_REQUEST_SLA_DAYS)
        if self.status == self.Status.DELIVERED and not self.delivered_at:
            self.delivered_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_answered(self):
        """Delivered or declined: the requester has been (or is being) told."""
        return self.status in (self.Status.DELIVERED, self.Status.DECLINED)

    def outcome_message(self):
        """The requester's notification: {"message", "url", "page"}, each fitting its column in
        `home.models.Notification` (a long reason is cut with "…"; the request keeps it whole).

        It names the delivered asset (and the persona) only when the requester may view it now
        (live, no view restriction they fail: home.visibility); otherwise it says "an asset you
        cannot open", links to /requests/ and ``page`` is None. ``page`` is the asset named, so the
        notifications list can hide the title should the asset be restricted or unpublished later.
        """

        reader = SimpleNamespace(user=self.requested_by or AnonymousUser(), session={})
        persona = self.persona if self.persona_id and can_view_page(reader, self.persona) else None
        what = self.objection if self.objection_id else "an asset"
        asked = f"{what} for {persona.title if persona else 'a persona you cannot open'}"
        page = None
        if self.status == self.Status.DELIVERED:
            asset = self.delivered_asset
            if asset.pk and can_view_page(reader, asset):
                answers = f"answers {asked}" if self.objection_id else asked.removeprefix("an asset ")
                message, url, page = f"Your request is delivered: “{asset.title}” {answers}.", asset.url or "", asset
            else:  # a draft, or a page restricted to others: its title is not the requester's to read
                message, url = f"Your request for {asked} is delivered with an asset you cannot open.", "/requests/"
        else:
            message, url = f"Your request for {asked} was declined: {self.decline_reason}", "/requests/"
        if len(url) > Notification._meta.get_field("url").max_length:
            url = "/requests/"
        message = shorten(message, Notification._meta.get_field("message").max_length)
        return {"message": message, "url": url, "page": page}

    def clean(self):
        errors = {}
        if self.status == self.Status.DECLINED and not self.decline_reason.strip():
            errors["decline_reason"] = "Say why, so the requester knows what to do instead."
        if self.status == self.Status.DELIVERED and not self.delivered_asset_id:
            errors["delivered_asset"] = "Choose the asset that answers the request."
        if errors:
            raise ValidationError(errors)

    @property
    def is_overdue(self):
        return self.status in self.OPEN_STATUSES and self.due < timezone.localdate()

    @property
    def requester_name(self):
        return person_name(self.requested_by, missing="Former colleague")

    @property
    def overdue_label(self):
        return "Overdue" if self.is_overdue else ""


class ImportJob(models.Model):
    """One library import started in the admin: the uploaded file, its preview (a dry run), then
    the import itself, each run as a task (content.import_tasks) that reports its progress here."""

    class State(models.TextChoices):
        PREVIEWING = "previewing", "Working out the preview"
        PREVIEWED = "previewed", "Preview ready"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    RUNNING = (State.PREVIEWING, State.IMPORTING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    folder = models.CharField(max_length=500, help_text="Where the upload was unpacked, on the task worker's disk.")
    create_missing = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PREVIEWING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(null=True, blank=True, help_text="The dry run's report (content.importing.Report).")
    result = models.JSONField(null=True, blank=True, help_text="The import's report.")
    error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Import of {self.filename} ({self.get_state_display()})"

    @property
    def percent(self):
        return int(100 * self.done / self.total) if self.total else 0


def tags_on_open_pages():
    """The tags anyone who searches may see: (slug, name) pairs, by name, of the tags used on a
    live collateral page outside every page view restriction by group or password (its own or an
    ancestor's). A login restriction keeps nothing from a searcher: everyone who searches is logged
    in. A tag used only on drafts or on group- or password-restricted pages is left out, so query
    understanding and the tag filter neither name nor confirm it. Callers cache it under
    home.versions.TAXONOMY, which publishing, tagging and view restrictions move on."""

    from taggit.models import Tag
    from wagtail.models import PageViewRestriction

    restrictions = PageViewRestriction.objects.exclude(restriction_type=PageViewRestriction.LOGIN)
    # Aliases of a restricted page, at any depth, carry its tags and are closed with it.
    trees = restricted_trees(restrictions.values_list("page_id", flat=True))
    pages = CollateralPage.objects.live().exclude(under_any(trees))
    used = CollateralPageTag.objects.filter(content_object__in=pages).values("tag_id")
    return list(Tag.objects.filter(pk__in=used).order_by("name").values_list("slug", "name"))
