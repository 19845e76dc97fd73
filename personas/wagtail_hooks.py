import django_filters

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from personas.admin_views import MERGE_PERMISSION, MergeObjectionView
from personas.bulk_actions import HideNotesBulkAction, RecategoriseNotesBulkAction, ShowNotesBulkAction
from personas.models import Objection, ObjectionNote, PersonaPage


class ObjectionViewSet(SnippetViewSet):
    model = Objection
    icon = "warning"
    menu_label = "Objections"
    list_display = ["name", "slug", "synonyms"]
    search_fields = ["name", "synonyms", "description"]
    ordering = ["name"]


class ObjectionNoteFilterSet(WagtailFilterSet):
    created = django_filters.DateFromToRangeFilter(label="Filed", widget=DateRangePickerWidget)

    class Meta:
        model = ObjectionNote
        fields = ["persona", "objection", "outcome", "helped", "status", "author"]


class ObjectionNoteViewSet(SnippetViewSet):
    model = ObjectionNote
    icon = "comment"
    menu_label = "Objection notes"
    list_display = ["objection", "persona", "outcome", "helped", "author", "created", "status"]
    list_export = ["objection", "persona", "text", "deal_stage", "outcome", "collateral", "helped", "author", "created"]
    search_fields = ["text"]
    filterset_class = ObjectionNoteFilterSet
    ordering = ["-created"]
    # Notes are filed on the site by reps; the admin is where marketing reviews them.
    panels = [
        FieldPanel("author", read_only=True),
        FieldPanel("persona"),
        FieldPanel("objection"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("deal_stage"), FieldPanel("outcome")]),
        FieldRowPanel([FieldPanel("collateral"), FieldPanel("helped")]),
        FieldPanel("status"),
    ]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = "Field feedback"
    menu_icon = "tag"
    menu_order = 200
    items = (ObjectionViewSet, ObjectionNoteViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("before_delete_page")
def keep_personas_with_notes(request, page):
    """Deleting a persona would orphan its notes; ask for unpublishing instead."""
    if request.method == "POST" and isinstance(page.specific, PersonaPage):
        count = ObjectionNote.objects.filter(persona=page).count()
        if count:
            messages.error(
                request,
                f"“{page.title}” has {count} objection notes, so it cannot be deleted. Unpublish it instead.",
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
