"""Admin views for the taxonomy: merging one objection into another."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from home.admin_pages import AdminPage
from home.text import counted
from personas.merging import MergeError, merge_objections, merge_preview
from personas.models import Objection

MERGE_PERMISSION = "personas.delete_objection"


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Objection.objects.none(),
        label="Merge into",
        empty_label="Pick the objection to keep",
        error_messages={"invalid_choice": "That objection no longer exists; pick another."},
    )
    # Set by the confirmation step: the first submission only shows what would move.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Objection.objects.exclude(pk=source.pk).order_by("name")


class MergeObjectionView(AdminPage, FormView):
    template_name = "personas/admin/merge_objection.html"
    form_class = MergeForm
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MERGE_PERMISSION):
            raise PermissionDenied("Only marketing merges objections.")
        self.source = get_object_or_404(Objection, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Merge “{self.source.name}”"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.source}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            source=self.source,
            note_count=self.source.notes.count(),
            collateral_count=self.source.collateral.count(),
        )
        return context

    def form_valid(self, form):
        target = form.cleaned_data["target"]
        if not form.cleaned_data["confirmed"]:
            counts = merge_preview(self.source, target)
            moves = [
                counted(counts["notes"], "note"),
                counted(counts["assets"], "asset"),
                counted(counts["synonyms"], "synonym"),
            ]
            if counts["requests"]:
                moves.append(counted(counts["requests"], "content request"))
            confirm = MergeForm(initial={"target": target.pk, "confirmed": True}, source=self.source)
            return self.render_to_response(
                self.get_context_data(form=confirm, confirming=True, target=target, moves=moves)
            )
        try:
            moved = merge_objections(self.source, target, user=self.request.user)
        except MergeError as error:
            form.add_error("target", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Merged “{self.source.name}” into “{target.name}”: "
            f"{counted(moved, 'note')} moved, tags and synonyms kept.",
        )
        return redirect("wagtailsnippets_personas_objection:edit", target.pk)
