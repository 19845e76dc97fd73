"""Our own admin screens (the loop dashboard, imports, merging objections), titled like Wagtail's."""

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminPage(WagtailAdminTemplateMixin):
    """Wagtail's admin template mixin with the screen's own title after "Home" in the header's
    breadcrumbs, as Wagtail's generic views do (the mixin alone shows only "Home")."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]
