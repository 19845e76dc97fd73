from axes.models import AccessAttempt

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy


@hooks.register("insert_global_admin_js")
def name_admin_widgets():
    return format_html('<script src="{}" defer></script>', static("js/admin-field-names.js"))


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
