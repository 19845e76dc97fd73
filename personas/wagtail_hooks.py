import django_filters

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from home.admin_choosers import ListKeepersChooserViewSet, guarded_chooser_viewset
from home.models import HOME_LIST_SIZE
from home.text import person_name
from home.visibility import visible_pages
from personas.admin_views import MERGE_PERMISSION, MergeObjectionView
from personas.bulk_actions import HideNotesBulkAction, RecategoriseNotesBulkAction, ShowNotesBulkAction
from personas.models import NoteStage, Objection, ObjectionNote, PersonaPage, Synonym


class NoteModerationPolicy(ModelPermissionPolicy):
    """Who may do what with objection notes in the admin, which is where marketing moderates them.

    Notes are filed on the site (`note_create`) or through `POST /api/notes`, which record the
    author and apply the rate limit; so the admin never adds a note, for anyone. Filing notes is
    `personas.file_objection_notes`, a permission on persona pages, so Sales holds no permission
    on notes at all and Wagtail opens them no admin view of notes: listing, export, history, the
    chooser and the site history report need one, which only Marketing has (README, "Roles").
    """

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)


NOTE_POLICY = NoteModerationPolicy(ObjectionNote)
MODERATION_ACTIONS = ["change", "delete", "view"]
register_permission_policy(ObjectionNote, NOTE_POLICY)


class ModeratorsOnly:
    """Wagtail's choosers check no permission of their own; the notes chooser lists every note,
    hidden ones included, so only moderators may open it."""

    def dispatch(self, request, *args, **kwargs):
        if not NOTE_POLICY.user_has_any_permission(request.user, MODERATION_ACTIONS):
            raise PermissionDenied("Only marketing moderates objection notes.")
        return super().dispatch(request, *args, **kwargs)


NoteChooserViewSet = guarded_chooser_viewset("NoteChooserViewSet", ModeratorsOnly)


class ObjectionViewSet(SnippetViewSet):
    model = Objection
    icon = "warning"
    menu_label = "Objections"
    list_display = ["name", "slug", "synonyms"]
    search_fields = ["name", "synonyms", "description"]
    ordering = ["name"]


class NoteStageViewSet(SnippetViewSet):
    model = NoteStage
    icon = "list-ol"
    menu_label = "Note stages"
    list_display = ["label", "slug", "sort_order"]
    search_fields = ["label", "slug"]
    ordering = ["sort_order", "label"]
    chooser_viewset_class = ListKeepersChooserViewSet  # Marketing's list: reps get 403 (README, "Roles")


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of user, each shown by name (home.text.person_name), as the rest of the site shows people."""

    def label_from_instance(self, obj):
        return person_name(obj)


class AuthorFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class ObjectionNoteFilterSet(WagtailFilterSet):
    created = django_filters.DateFromToRangeFilter(label="Filed", widget=DateRangePickerWidget)
    author = AuthorFilter(
        label="Author",
        queryset=get_user_model().objects.filter(objection_notes__isnull=False).distinct().order_by("first_name"),
    )

    class Meta:
        model = ObjectionNote
        fields = ["persona", "objection", "deal_stage", "outcome", "helped", "status", "author"]


class ObjectionNoteViewSet(SnippetViewSet):
    model = ObjectionNote
    icon = "comment"
    menu_label = "Objection notes"
    # The author by name, as every other screen shows people (home.text.person_name).
    list_display = [
        "objection",
        "excerpt",
        "persona",
        "outcome",
        "helped",
        Column("author_name", label="Author"),
        "created",
        "status",
    ]
    # Exported with the listing's filters applied (Download → CSV or XLSX on the listing).
    list_export = [
        "objection",
        "persona",
        "text",
        "deal_stage",
        "get_outcome_display",
        "collateral",
        "get_helped_display",
        "author_name",
        "created",
        "get_status_display",
        "hidden_reason",
    ]
    # Choices as the listing shows them ("Don't know", not "unknown").
    export_headings = {
        "get_outcome_display": "Outcome",
        "get_helped_display": "Did it help?",
        "author_name": "Author",
        "created": "Filed",
        "get_status_display": "Status",
        "hidden_reason": "Why hidden",
    }
    search_fields = ["text"]
    filterset_class = ObjectionNoteFilterSet
    ordering = ["-created"]
    chooser_viewset_class = NoteChooserViewSet

    def get_queryset(self, request):
        """The listing's notes with their authors in the same query (the Author column names them)."""
        return ObjectionNote.objects.select_related("author")

    # Notes are filed on the site by reps; the admin is where marketing reviews them.
    panels = [
        FieldPanel("author", read_only=True),
        FieldPanel("persona"),
        FieldPanel("objection"),
        FieldPanel("text"),
        # A plain select: Wagtail's snippet chooser looks stages up by id, and notes link them by slug.
        FieldRowPanel([FieldPanel("deal_stage", widget=forms.Select), FieldPanel("outcome")]),
        FieldRowPanel([FieldPanel("collateral"), FieldPanel("helped")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("hidden_reason")]),
    ]


class SynonymViewSet(SnippetViewSet):
    """General synonyms and abbreviations for search ("impl → implementation"): Marketing only."""

    model = Synonym
    icon = "link"
    menu_label = "Synonyms"
    list_display = ["term", "meaning"]
    search_fields = ["term", "meaning"]
    search_backend_name = None  # a short list: the database's own lookups, no search index
    ordering = ["term"]
    chooser_viewset_class = ListKeepersChooserViewSet  # Marketing's list: reps get 403 (README, "Roles")


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Field feedback"
    menu_icon = "tag"
    menu_order = 200
    items = (ObjectionViewSet, SynonymViewSet, ObjectionNoteViewSet, NoteStageViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("before_delete_page")
def keep_personas_with_notes(request, page):
    """Deleting a persona (or a page above one) would orphan its notes; ask for unpublishing instead."""
    if request.method == "POST":
        personas = PersonaPage.objects.descendant_of(page, inclusive=True)
        count = ObjectionNote.objects.filter(persona__in=personas).count()
        if count:
            messages.error(
                request,
                f"“{page.title}” has {count} objection notes, so it cannot be deleted. Unpublish it instead."
                if isinstance(page.specific, PersonaPage)
                else f"“{page.title}” holds personas with {count} objection notes, so it cannot be deleted.",
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_delete_snippet")
def keep_objections_with_notes(request, instances):
    if request.method != "POST":
        return None
    for instance in instances:
        if isinstance(instance, Objection) and instance.notes.exists():
            messages.error(
                request,
                f"“{instance}” has objection notes, so it cannot be deleted. Rename it or merge it instead.",
            )
            return redirect("wagtailsnippets_personas_objection:list")
    return None


@hooks.register("register_admin_urls")
def merge_objection_urls():
    return [path("objections/<int:pk>/merge/", MergeObjectionView.as_view(), name="merge_objection")]


@hooks.register("register_snippet_listing_buttons")
def merge_objection_button(snippet, user, next_url=None):
    if isinstance(snippet, Objection) and user.has_perm(MERGE_PERMISSION):
        yield ListingButton("Merge into…", reverse("merge_objection", args=[snippet.pk]), priority=60)


for bulk_action in (HideNotesBulkAction, ShowNotesBulkAction, RecategoriseNotesBulkAction):
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("construct_home_page_context")
def personas_on_the_home_page(request, context):
    """The start page's personas (those this person may see) and their own latest notes."""
    context["personas"] = visible_pages(PersonaPage.objects.all(), request).order_by("title")
    context["my_notes"] = ObjectionNote.objects.by_author(request.user).select_related("persona", "objection")[
        :HOME_LIST_SIZE
    ]
