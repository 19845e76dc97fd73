"""Marketing's flat listing of collateral in the admin, with usage per asset (issue 15, item 7):
views, downloads, copied links and the helped figure over 30 and 90 days, from content.effectiveness."""

from django.core.exceptions import PermissionDenied

from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.choose_parent import ChooseParentView
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet

from content import effectiveness
from content.admin_views import MarketingMenuItem
from content.models import CollateralPage
from home.roles import can_publish_collateral


def usage_cell(name):
    """A cell showing "30-day count / 90-day count" for one kind of use."""

    def value(page):
        usage = getattr(page, "usage", None)
        if usage is None:
            return ""
        counts = getattr(usage, name)
        return f"{counts[30]} / {counts[90]}"

    return value


def helped_cell(page):
    usage = getattr(page, "usage", None)
    return usage.effect.label if usage else ""


def helped_90_cell(page):
    usage = getattr(page, "usage", None)
    return usage.helped_label(90) if usage else ""


class MarketingOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_publish_collateral(request.user):
            raise PermissionDenied("The collateral usage listing is for marketing.")
        return super().dispatch(request, *args, **kwargs)


class CollateralUsageIndexView(MarketingOnlyMixin, IndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pages = list(context["object_list"])
        usage = effectiveness.usage_for_pages([page.pk for page in pages])  # one batch for the page shown
        for page in pages:
            page.usage = usage[page.pk]
        return context


class CollateralChooseParentView(MarketingOnlyMixin, ChooseParentView):
    pass


class CollateralUsageViewSet(PageListingViewSet):
    """Admin → Collateral: every collateral page, with usage columns (30 / 90 days)."""

    model = CollateralPage
    name = "collateral_usage"
    icon = "doc-full"
    menu_label = "Collateral"
    menu_order = 190
    add_to_admin_menu = True
    index_view_class = CollateralUsageIndexView
    choose_parent_view_class = CollateralChooseParentView
    columns = [
        *IndexView.base_columns,
        Column("views", label="Views (30 / 90 days)", accessor=usage_cell("views")),
        Column("downloads", label="Downloads (30 / 90 days)", accessor=usage_cell("downloads")),
        Column("copies", label="Links copied (30 / 90 days)", accessor=usage_cell("copies")),
        Column("helped_90", label="Did it help? (90 days)", accessor=helped_90_cell),
        Column("helped", label="Did it help? (all time)", accessor=helped_cell),
    ]

    @property
    def menu_item_class(self):
        return MarketingMenuItem
