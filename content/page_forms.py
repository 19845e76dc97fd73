from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from wagtail.admin.forms import WagtailAdminPageForm

from home.text import person_name


class CollateralPageForm(WagtailAdminPageForm):
    """Owners are marketers (or admins); a new asset belongs to whoever creates it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["content_owner"]
        owner.queryset = (
            get_user_model()
            .objects.filter(Q(groups__name=settings.MARKETING_GROUP) | Q(is_superuser=True), is_active=True)
            .distinct()
            .order_by("first_name", "username")
        )
        owner.label_from_instance = person_name
        if not self.instance.pk and self.for_user and not self.initial.get("content_owner"):
            self.initial["content_owner"] = self.for_user.pk
