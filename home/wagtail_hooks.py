from axes.models import AccessAttempt

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from home.visibility import VisiblePagePermissionPolicy, hidden_in_admin

# Before anything asks for a page policy: the admin's explorer leaves out pages hidden from the user.
register_permission_policy(Page, VisiblePagePermissionPolicy(Page))


@hooks.register("insert_global_admin_css")
def wrap_long_values_in_listings():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_global_admin_js")
def name_admin_widgets():
    return format_html(
        '<script src="{}" defer></script><script src="{}" defer></script>',
        static("js/admin-field-names.js"),
        static("js/admin-token-owner.js"),
    )


class LoginLockoutPolicy(ModelPermissionPolicy):
    """Failed logins are recorded by django-axes, never typed in: one may look at them and delete them."""

    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        return super().user_has_permission(user, action)


class AccessAttemptViewSet(ModelViewSet):
    """Settings → Failed logins: superusers see who is counted and lift a lock-out by deleting its row."""

    model = AccessAttempt
    icon = "lock"
    menu_label = "Failed logins"
    add_to_settings_menu = True
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    list_filter = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    form_fields = ["username"]  # never shown: the policy refuses "change"


register_permission_policy(AccessAttempt, LoginLockoutPolicy(AccessAttempt))


@hooks.register("register_admin_viewset")
def register_access_attempt_viewset():
    return AccessAttemptViewSet("login_lockouts")


@hooks.register("construct_page_chooser_queryset")
def page_chooser_without_hidden_pages(pages, request):
    """The page chooser lists every page to anyone in the admin; not those the user may not see."""
    return pages.exclude(pk__in=hidden_in_admin(request.user))


@hooks.register("construct_explorer_page_queryset")
def explorer_without_hidden_pages(parent_page, pages, request):
    return pages.exclude(pk__in=hidden_in_admin(request.user))


class VisiblePagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """Wagtail's admin pages API (the explorer menu, choosers) without the pages the user may not see."""

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=hidden_in_admin(self.request.user))


@hooks.register("construct_admin_api", order=1)
def visible_pages_admin_api(router):
    """Replaces the endpoint wagtail.admin registered (order 0) under the same name."""
    router.register_endpoint("pages", VisiblePagesAdminAPIViewSet)
