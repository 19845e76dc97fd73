"""Snippet choosers that only the people who keep a list may open.

Wagtail's snippet choosers check no permission of their own: anyone who can open the admin may
list (and pick from) every snippet model's chooser. Marketing's vocabularies (kinds of collateral,
note stages, general search synonyms) are for Marketing to keep; reps read their labels on the
site (the note form's own selects, search facets), never through the admin. So these choosers
answer 403 to anyone who may not add, change or delete the model (README, "Roles").
"""

from django.core.exceptions import PermissionDenied

from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)

EDIT_ACTIONS = ["add", "change", "delete"]


def may_keep_list(user, model):
    """Whether ``user`` may add, change or delete ``model`` objects (Wagtail's policy for the model)."""
    return policy_registry.get_by_type(model).user_has_any_permission(user, EDIT_ACTIONS)


class ListKeepersOnly:
    """A chooser view mixin: 403 unless the user may keep the chooser's list (``may_keep_list``)."""

    def dispatch(self, request, *args, **kwargs):
        if not may_keep_list(request.user, self.model):
            raise PermissionDenied("Only marketing keeps this list.")
        return super().dispatch(request, *args, **kwargs)


CHOOSER_VIEWS = {
    "choose_view_class": ChooseView,
    "choose_results_view_class": ChooseResultsView,
    "chosen_view_class": SnippetChosenView,
    "chosen_multiple_view_class": SnippetChosenMultipleView,
    "create_view_class": SnippetCreateView,
}


def guarded_chooser_viewset(name, guard, doc=""):
    """A SnippetChooserViewSet subclass named `name` whose every view (choose, results, chosen,
    chosen multiple, create) runs `guard` first: a mixin whose ``dispatch`` refuses with
    PermissionDenied, placed before Wagtail's view in each view's bases."""
    views = {attr: type(f"{name}{view.__name__}", (guard, view), {}) for attr, view in CHOOSER_VIEWS.items()}
    return type(name, (SnippetChooserViewSet,), {**views, "__doc__": doc, "__module__": guard.__module__})


ListKeepersChooserViewSet = guarded_chooser_viewset(
    "ListKeepersChooserViewSet",
    ListKeepersOnly,
    "The snippet chooser of a list Marketing keeps: every view needs ``may_keep_list``.",
)
