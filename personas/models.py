import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import Truncator, slugify

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home.roles import SectionIndexPermissionTester, SectionPagePermissionTester
from home.text import person_name, split_synonyms
from home.versions import VersionedQuerySet
from home.visibility import visible_pages
from home.vocabulary import VocabularyTerm

BRIEF_RICH_TEXT = ["bold", "italic", "ul", "ol", "link"]
NOTE_TEXT_MAX_LENGTH = 5000
NOTES_PER_PAGE = 20
NOTE_EDIT_WINDOW = datetime.timedelta(hours=24)  # reps may change or delete their own notes this long


class Objection(index.Indexed, models.Model):
    """One entry in the objection taxonomy: the teams' shared words for what buyers push back on."""

    name = models.CharField(max_length=120, unique=True, help_text="Short and plain, e.g. 'Price is too high'.")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Used in links and imports; letters, digits, dashes."
    )
    description = models.TextField(blank=True, help_text="What the buyer means when they raise it.")
    synonyms = models.TextField(
        blank=True,
        help_text="The words prospects and reps really use, one per line or comma-separated "
        "(e.g. 'too pricey, too expensive, over budget'). Search uses them.",
    )
    talk_track = RichTextField(features=BRIEF_RICH_TEXT, blank=True, help_text="What to say when it comes up.")
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("synonyms"),
        FieldPanel("talk_track"),
    ]

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("synonyms", boost=2),
        index.SearchField("description"),
        index.FilterField("slug"),
    ]

    objects = VersionedQuerySet.as_manager()  # bulk writes move the versions on (home/versions.py)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)

    @property
    def synonym_list(self):
        return split_synonyms(self.synonyms)


class Synonym(models.Model):
    """A general synonym or abbreviation reps use in search, beside the objections' own synonyms:
    "impl" means "implementation", "customer story" means "case study". Marketing edits the list
    in the admin (Field feedback → Synonyms); search expands the words before reading them
    (search/understanding.py), so a synonym of a kind's name also names that kind."""

    term = models.CharField(
        max_length=80,
        unique=True,
        help_text="What reps type, e.g. 'impl' or 'customer story'. Letters, digits and spaces; case does not matter.",
    )
    meaning = models.CharField(
        max_length=120,
        help_text="What it means, as the collateral says it, e.g. 'implementation' or 'case study'.",
    )

    panels = [FieldPanel("term"), FieldPanel("meaning")]

    objects = VersionedQuerySet.as_manager()  # bulk writes move the versions on (home/versions.py)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.meaning}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.term = " ".join(self.term.lower().split())
        self.meaning = " ".join(self.meaning.split())
        if self.term and self.term == self.meaning.lower():
            raise ValidationError({"meaning": "A word cannot be a synonym of itself."})


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(help_text="What a buyer in this role actually said.")
    source = blocks.CharBlock(required=False, help_text="Who said it, e.g. 'CFO, 400-person logistics firm'.")

    class Meta:
        icon = "openquote"
        template = "components/streamfield/blocks/quote_block.html"
        label = "Quote"
        description = "A buyer's own words"
        preview_value = {"text": "We can't sign anything that isn't SOC 2 audited.", "source": "CISO, fintech"}


class PersonaIndexPage(Page):
    intro = models.TextField(blank=True, help_text="Shown above the list of personas.")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["personas.PersonaPage"]
    max_count = 1

    def permissions_for_user(self, user):
        """Only the team that adds personas (Marketing) edits the index; see `SectionIndexPermissionTester`."""
        return SectionIndexPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["personas"] = visible_pages(PersonaPage.objects.child_of(self), request).order_by("title")
        return context


class PersonaPage(Page):
    """A buyer persona, edited by both teams; its field insights come from objection notes."""

    role = models.CharField(max_length=120, help_text="Job title as buyers say it, e.g. 'Chief Financial Officer'.")
    summary = models.TextField(help_text="Two or three sentences a rep can read before a call.")
    goals = RichTextField(features=BRIEF_RICH_TEXT, blank=True, help_text="What this person is measured on.")
    pains = RichTextField(features=BRIEF_RICH_TEXT, blank=True, help_text="What keeps them up at night.")
    decision_criteria = RichTextField(features=BRIEF_RICH_TEXT, blank=True, help_text="How they choose a vendor.")
    quotes = StreamField([("quote", QuoteBlock())], blank=True, help_text="Buyers' own words.")

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("role"), FieldPanel("summary")], heading="Who they are"),
        FieldPanel("goals"),
        FieldPanel("pains"),
        FieldPanel("decision_criteria"),
        FieldPanel("quotes"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("role", boost=2),
        index.SearchField("summary"),
        index.SearchField("pains"),
    ]
    parent_page_types = ["personas.PersonaIndexPage"]
    subpage_types = []

    class Meta:
        # Filing objection notes is a permission of its own, not "add" on ObjectionNote: Wagtail
        # opens a model's admin screens and site history to anyone with any permission on it, and
        # the notes (hidden ones too) are Marketing's to moderate (README, "Roles").
        permissions = [("file_objection_notes", "Can file objection notes about personas")]

    def permissions_for_user(self, user):
        """Sales edits and publishes; only Marketing deletes, moves, copies, unpublishes or restricts.
        See `SectionPagePermissionTester`."""
        return SectionPagePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        """The collateral tagged with this persona that the person may see, newest first, and a
        page of its visible notes. Its insights come from personas.insights through the page's
        template tag (personas/templatetags/insights.py), so this model imports no service."""
        context = super().get_context(request, *args, **kwargs)
        if self.pk is None:  # a preview of a persona not saved yet: nothing refers to it
            notes, collateral = ObjectionNote.objects.none(), []
        else:
            notes = ObjectionNote.objects.visible().filter(persona=self)
            collateral = (
                visible_pages(self.collateral.all(), request).select_related("kind").order_by("-first_published_at")
            )
        notes = notes.select_related("objection", "author", "collateral", "deal_stage")
        context["collateral"] = collateral
        context["notes_page"] = Paginator(notes.order_by("-created", "-pk"), NOTES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return context


class NoteStage(VocabularyTerm):
    """Where the deal stood when a note was filed: a managed list marketing edits in the admin."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = "note stage"

    def is_used(self, slug):
        return ObjectionNote.objects.filter(deal_stage=slug).exists()

    @classmethod
    def default_slug(cls):
        """The stage a note gets when none is given: the first in list order, or None."""
        return cls.objects.values_list("slug", flat=True).first()


def default_note_stage():
    """A new note's stage when none is given: the first note stage in list order, or None."""
    return NoteStage.default_slug()


class DealStage(models.TextChoices):
    """The stages shipped as defaults (migration personas 0005); the list itself is `NoteStage`."""

    DISCOVERY = "discovery", "Discovery"
    DEMO = "demo", "Demo"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    CLOSING = "closing", "Closing"


class Outcome(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Helped(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Don't know"


EXCERPT_LENGTH = 90  # characters of a note's text shown in the moderation listing


class ObjectionNoteQuerySet(VersionedQuerySet):
    """Bulk moderation and merging update notes here: insights and helped figures follow at once."""

    def visible(self):
        return self.filter(status=ObjectionNote.Status.VISIBLE)

    def by_author(self, user):
        return self.filter(author=user)

    def counts_by_objection(self):
        """[{"objection__name", "objection__slug", "count"}], most frequent first."""
        return (
            self.values("objection__name", "objection__slug")
            .annotate(count=Count("pk"))
            .order_by("-count", "objection__name")
        )


class ObjectionNote(models.Model):
    """What a rep heard on a call. Never a page; marketing can hide it, never loses it."""

    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"

    persona = models.ForeignKey(PersonaPage, on_delete=models.PROTECT, related_name="notes")
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(
        "what the prospect said",
        max_length=NOTE_TEXT_MAX_LENGTH,
        help_text="Their words as close as you remember them.",
    )
    deal_stage = models.ForeignKey(
        NoteStage,
        to_field="slug",
        verbose_name="stage",
        null=True,
        blank=True,
        default=default_note_stage,
        on_delete=models.PROTECT,
        related_name="notes",
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    collateral = models.ForeignKey(
        "content.CollateralPage",
        verbose_name="collateral used",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )
    helped = models.CharField("did it help?", max_length=10, choices=Helped.choices, default=Helped.UNKNOWN)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="objection_notes"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True)
    hidden_reason = models.CharField(
        "why it was hidden",
        max_length=300,
        blank=True,
        help_text="Shown to the rep who filed it, on their notes page, while the note is hidden.",
    )
    external_id = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        help_text="Id in the system it was imported from; unique per author (an integration's idempotency key).",
    )

    objects = ObjectionNoteQuerySet.as_manager()
    # Notes are many and cheap: Wagtail's reference index would cost a task per note filed, and
    # what refers to a persona or an asset is already one query away (persona.notes, page.notes).
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["persona", "objection", "created"]),
            # content.effectiveness counts answers per asset at query time from this index alone.
            models.Index(fields=["collateral", "status", "helped"], name="note_answers_by_asset"),
        ]
        constraints = [
            # One user's retry finds their own note; another user's id is theirs to reuse.
            models.UniqueConstraint(
                fields=["author", "external_id"],
                condition=models.Q(external_id__isnull=False) & ~models.Q(external_id=""),
                name="unique_external_id_per_author",
            )
        ]

    def __str__(self):
        return f"{self.objection} — {self.persona} ({self.created:%Y-%m-%d})" if self.created else str(self.objection)

    def save(self, *args, **kwargs):
        """Save; a note naming an objection merged away while it was being written is filed under
        the objection it was merged into (`resolve_objection`), rather than lost."""
        if self.objection_id and not Objection.objects.filter(pk=self.objection_id).exists():
            self.objection = resolve_objection(pk=self.objection_id) or self.objection
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
        except IntegrityError:
            survivor = resolve_objection(pk=self.objection_id)
            if survivor is None or survivor.pk == self.objection_id:
                raise
            self.objection = survivor
            super().save(*args, **kwargs)

    def get_deal_stage_display(self):
        """The stage's label, or "" when none is set."""
        return self.deal_stage.label if self.deal_stage_id else ""

    @property
    def author_name(self):
        return person_name(self.author, missing="Former colleague")

    def excerpt(self):
        """The note's text shortened to EXCERPT_LENGTH characters, for listings and confirmations."""
        return Truncator(" ".join(self.text.split())).chars(EXCERPT_LENGTH)

    excerpt.short_description = "What was said"

    @property
    def is_hidden(self):
        return self.status == self.Status.HIDDEN

    @property
    def editable_by_author(self):
        return self.created is not None and timezone.now() - self.created < NOTE_EDIT_WINDOW


class MergedObjection(models.Model):
    """An objection that was merged into another: where its notes went, and how late arrivals
    that still name it (an open form, an integration's cached slug) find the survivor."""

    former_id = models.PositiveIntegerField(unique=True)
    former_slug = models.SlugField(max_length=120, db_index=True)
    former_name = models.CharField(max_length=120)
    merged_into = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="merged_from")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    notes_moved = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.former_name} → {self.merged_into}"

    @classmethod
    def survivor(cls, former_id=None, former_slug=None):
        """The objection a merged one lives on as (following merges of merges), or None."""
        merged = (
            cls.objects.filter(
                models.Q(former_id=former_id) if former_id is not None else models.Q(former_slug=former_slug)
            )
            .select_related("merged_into")
            .first()
        )
        return merged.merged_into if merged else None


def resolve_objection(pk=None, slug=None):
    """The objection an id or slug names now: itself, or the one it was merged into (following
    merges of merges), or None. The one place that follows merges: the note form, the API, the
    importer and `ObjectionNote.save` all ask here. `pk` is an int or digits; `slug` is text."""
    if pk is not None:
        if not str(pk).strip().isdecimal():
            return None
        found = Objection.objects.filter(pk=int(pk)).first()
        return found or MergedObjection.survivor(former_id=int(pk))
    if slug is None or "\x00" in str(slug):
        return None
    return Objection.objects.filter(slug=slug).first() or MergedObjection.survivor(former_slug=slug)
