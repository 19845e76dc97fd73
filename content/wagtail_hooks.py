import django_filters

from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet, SnippetChosenView
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from content.admin_views import LoopDashboardView, MarketingMenuItem, create_asset_for_gap, read_file_again
from content.file_access import check_document_access
from content.import_views import ImportJobView, ImportStartView, confirm_import, import_status
from content.models import CollateralKind, CollateralPage, ContentRequest
from content.requests import tell_requester
from content.views import record_download
from home.admin_choosers import ListKeepersChooserViewSet
from home.models import HOME_LIST_SIZE
from home.text import person_name
from home.visibility import hidden_in_admin, visible_pages
from personas.models import PersonaPage

# Before Wagtail's own check_view_restrictions (order 0): a file the user may not see is a 404.
hooks.register("before_serve_document", check_document_access, order=-1)
# After every check: only a download that happens is recorded.
hooks.register("before_serve_document", record_download, order=1)


class PermittedItemsMixin:
    """Wagtail's admin API lists every document or image outside a restricted collection, to anyone
    who can open the admin. List only those the user may choose or change (Wagtail's permission
    policy for the model, by collection): nothing for Sales, everything for Marketing."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        permitted = policy.instances_user_has_any_permission_for(self.request.user, ["choose", "change"])
        return super().get_queryset().filter(pk__in=permitted.values("pk"))


class PermittedDocumentsAdminAPIViewSet(PermittedItemsMixin, DocumentsAdminAPIViewSet):
    pass


class PermittedImagesAdminAPIViewSet(PermittedItemsMixin, ImagesAdminAPIViewSet):
    pass


@hooks.register("construct_admin_api", order=1)
def permitted_admin_api_endpoints(router):
    """Replace the endpoints wagtail.documents and wagtail.images registered (order 0) at the same names."""
    router.register_endpoint("documents", PermittedDocumentsAdminAPIViewSet)
    router.register_endpoint("images", PermittedImagesAdminAPIViewSet)


@hooks.register("register_admin_urls")
def loop_dashboard_urls():
    return [
        path("reports/loop/", LoopDashboardView.as_view(), name="loop_dashboard"),
        path("reports/loop/create-asset/", create_asset_for_gap, name="loop_create_asset"),
        path("documents/<int:document_id>/read-again/", read_file_again, name="document_read_again"),
        path("collateral-import/", ImportStartView.as_view(), name="collateral_import"),
        path("collateral-import/<int:pk>/", ImportJobView.as_view(), name="collateral_import_job"),
        path("collateral-import/<int:pk>/status/", import_status, name="collateral_import_status"),
        path("collateral-import/<int:pk>/confirm/", confirm_import, name="collateral_import_confirm"),
    ]


@hooks.register("register_admin_menu_item")
def loop_dashboard_menu_item():
    return MarketingMenuItem("Where the loop breaks", reverse("loop_dashboard"), icon_name="warning", order=205)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return MarketingMenuItem("Import a library", reverse("collateral_import"), icon_name="upload", order=206)


@hooks.register("register_admin_viewset")
def collateral_usage_viewset():
    from content.usage_listing import CollateralUsageViewSet

    return CollateralUsageViewSet()


class RequestQueuePolicy(ModelPermissionPolicy):
    """Requests are made on the site (with the requester recorded) and never deleted, only declined."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class ContentRequestFilterSet(WagtailFilterSet):
    overdue = django_filters.BooleanFilter(label="Overdue", method="filter_overdue")

    class Meta:
        model = ContentRequest
        fields = ["status", "owner", "persona", "objection"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People by name in the owner filter, as in the listing.
        self.filters["owner"].field.label_from_instance = lambda user: person_name(user)
        # Only personas the admin shows this person: a rep never reads a restricted persona's title here.
        user = getattr(self.request, "user", None)
        hidden = hidden_in_admin(user) if user is not None else frozenset()
        self.filters["persona"].queryset = PersonaPage.objects.exclude(pk__in=hidden).order_by("title")

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue)


def requests_shown_to(user, queryset):
    """``queryset`` (content requests) less those about a persona the admin keeps from ``user``
    (``hidden_in_admin``: a view restriction a rep fails): their titles would name it."""
    return queryset.exclude(persona__in=hidden_in_admin(user))


class RequestChooseView(ChooseView):
    def get_object_list(self):
        return requests_shown_to(self.request.user, super().get_object_list())


class RequestChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return requests_shown_to(self.request.user, super().get_object_list())


class RequestChosenView(SnippetChosenView):
    def get_object(self, pk):
        return requests_shown_to(self.request.user, ContentRequest.objects.all()).get(pk=pk)


class RequestChooserViewSet(SnippetChooserViewSet):
    choose_view_class = RequestChooseView
    choose_results_view_class = RequestChooseResultsView
    chosen_view_class = RequestChosenView


def due_with_state(item):
    """ "12 Jan 2027", or "12 Jan 2027 (overdue)" for an open request past its date."""
    due = date_format(item.due, "j M Y") if item.due else "No date"
    return f"{due} (overdue)" if item.is_overdue else due


class ContentRequestEditView(EditView):
    """Marketing works a request; delivering or declining it tells the requester."""

    def save_instance(self):
        instance = super().save_instance()  # inside the view's transaction
        tell_requester(instance, self.form.initial.get("status"))
        return instance


class ContentRequestViewSet(SnippetViewSet):
    model = ContentRequest
    edit_view_class = ContentRequestEditView
    icon = "help"
    menu_label = "Content requests"
    menu_order = 210
    add_to_admin_menu = True
    # Names as people know them, not usernames; "overdue" said next to the date it passed.
    list_display = [
        "__str__",  # Wagtail links it to the edit view
        Column("requester_name", label="Asked by"),
        Column("status", label="Status", accessor="get_status_display"),
        Column("owner", label="Owner", accessor=lambda item: person_name(item.owner, missing="Nobody yet")),
        Column("due", label="Due", accessor=due_with_state),
        Column("created", label="Asked on", accessor=lambda item: date_format(timezone.localtime(item.created))),
    ]
    list_export = [
        "persona",
        "objection",
        "stage",
        "description",
        "requester_name",
        "status",
        "owner",
        "due",
        "created",
    ]
    filterset_class = ContentRequestFilterSet
    chooser_viewset_class = RequestChooserViewSet
    search_fields = ["description"]
    ordering = ["due"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("persona", read_only=True),
                FieldPanel("objection", read_only=True),
                FieldPanel("stage", read_only=True),
                FieldPanel("description", read_only=True),
                FieldPanel("requested_by", read_only=True),
            ],
            heading="The request",
        ),
        FieldRowPanel([FieldPanel("status"), FieldPanel("owner"), FieldPanel("due")]),
        FieldPanel("delivered_asset"),
        FieldPanel("decline_reason"),
    ]

    def get_queryset(self, request):
        """The queue (listing and its CSV/XLSX) without requests about a persona kept from the person."""
        return requests_shown_to(request.user, ContentRequest.objects.all())


class CollateralKindViewSet(SnippetViewSet):
    """Kinds of collateral: marketing's list (issue 13), shown as a facet in search."""

    model = CollateralKind
    icon = "doc-full"
    menu_label = "Kinds of collateral"
    menu_order = 215
    add_to_admin_menu = True
    list_display = ["label", "slug", "sort_order"]
    search_fields = ["label", "slug"]
    ordering = ["sort_order", "label"]
    chooser_viewset_class = ListKeepersChooserViewSet  # Marketing's list: reps get 403 (README, "Roles")


register_snippet(CollateralKindViewSet)
register_permission_policy(ContentRequest, RequestQueuePolicy(ContentRequest))
register_snippet(ContentRequestViewSet)


@hooks.register("before_create_page")
def no_autosave_for_new_pages(request, parent_page, page_class):
    """A new page is created only by Save draft or Publish, never by autosave (a tab opened before
    templates/wagtailadmin/pages/create.html turned it off): an abandoned form leaves no draft."""
    if request.method == "POST" and not request.accepts("text/html"):
        return JsonResponse(
            {
                "success": False,
                "error_code": "autosave_off_for_new_pages",
                "error_message": "New pages are saved when you choose Save draft or Publish.",
            },
            status=400,
        )
    return None


@hooks.register("construct_home_page_context")
def collateral_on_the_home_page(request, context):
    """The start page's newest collateral this person may see."""
    context["newest_collateral"] = (
        visible_pages(CollateralPage.objects.all(), request).newest_first().with_taxonomy()[:HOME_LIST_SIZE]
    )
