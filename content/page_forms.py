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

    def clean(self):
        """Wagtail reports a slug already used by a sibling only on the Promote tab; say it where
        the editor is looking too, naming the page that holds it."""
        cleaned = super().clean()
        if "slug" in self.errors and self.parent_page is not None:
            slug = self.data.get("slug", "")
            holder = self.parent_page.get_children().filter(slug=slug).exclude(pk=self.instance.pk).first()
            if holder is not None:
                state = "a draft" if not holder.live else "live"
                self.add_error(
                    None,
                    f"The address “{slug}” is already used by “{holder.title}” ({state}). Change the slug "
                    "on the Promote tab, or edit or delete that page.",
                )
        return cleaned
