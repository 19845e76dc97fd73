from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
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

from content.extraction import extract_text
from content.page_forms import CollateralPageForm
from home.text import person_name

COLLATERAL_PER_PAGE = 24


class CollateralDocument(AbstractDocument):
    """A collateral file with the text read from inside it, so search can look there too."""

    extracted_text = models.TextField(blank=True, editable=False)
    extraction_error = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="Why no text could be read from the file, if it could not.",
    )

    # AbstractDocument leaves the admin form's fields to the concrete model; keep Wagtail's.
    admin_form_fields = Document.admin_form_fields

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            self.read_text()
        super().save(*args, **kwargs)

    def read_text(self):
        """Read the text out of the (new) file; never raises for a bad file."""
        self.file.seek(0)
        result = extract_text(self.file, self.file.name)
        self.file.seek(0)
        self.extracted_text = result.text
        self.extraction_error = result.error

    @property
    def extension_label(self):
        return self.file_extension.upper() or "FILE"


class Kind(models.TextChoices):
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = CollateralPage.objects.live().child_of(self).newest_first().with_taxonomy()
        context["collateral_page"] = Paginator(items, COLLATERAL_PER_PAGE).get_page(request.GET.get("page"))
        return context


class CollateralPageTag(TaggedItemBase):
    content_object = ParentalKey("content.CollateralPage", on_delete=models.CASCADE, related_name="tagged_items")


class CollateralPageQuerySet(PageQuerySet):
    def newest_first(self):
        return self.order_by("-first_published_at", "-pk")

    def with_taxonomy(self):
        return self.prefetch_related("personas", "objections", "tags")


class CollateralPage(Page):
    """One piece of sales collateral: a deck, case study, battlecard... and its files."""

    summary = models.TextField(help_text="One or two sentences: what it is and when to use it.")
    body = RichTextField(blank=True, help_text="The talking points, proof and details.")
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    stage = models.CharField("buyer stage", max_length=20, choices=BuyerStage.choices, db_index=True)
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
                FieldRowPanel([FieldPanel("kind"), FieldPanel("stage")]),
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

    class Meta:
        verbose_name = "collateral"
        verbose_name_plural = "collateral"

    @property
    def owner_name(self):
        return person_name(self.content_owner, missing="Nobody yet")

    @property
    def is_stale(self):
        return bool(self.review_by and self.review_by < timezone.localdate())

    def get_context(self, request, *args, **kwargs):
        from content.views import can_give_feedback

        context = super().get_context(request, *args, **kwargs)
        context["files"] = [item.document for item in self.files.select_related("document")]
        # A preview of a page not yet saved has no notes (and no pk to look them up by).
        context["note_count"] = self.notes.visible().count() if self.pk else 0
        context["can_give_feedback"] = bool(self.pk) and can_give_feedback(request.user)
        if self.pk:
            context.update(
                self.events.aggregate(
                    helped_clicks=Count("pk", filter=Q(type=CollateralEvent.Type.HELPED)),
                    not_helped_clicks=Count("pk", filter=Q(type=CollateralEvent.Type.NOT_HELPED)),
                )
            )
        return context

    def serve(self, request, *args, **kwargs):
        from content.views import record_view

        record_view(request, self)
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
