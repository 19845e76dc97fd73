from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from home.forms import id_in_range
from home.roles import NOTE_FILE_PERMISSION
from home.visibility import hidden_page_ids
from personas.forms import ObjectionNoteForm, initial_from_query
from personas.models import ObjectionNote

MY_NOTES_PER_PAGE = 20


class VisibleChoicesMixin:
    """The note form offers only the personas and collateral the person may view."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hidden_page_ids": hidden_page_ids(self.request)}


class NoteCreateView(VisibleChoicesMixin, PermissionRequiredMixin, CreateView):
    permission_required = NOTE_FILE_PERMISSION
    raise_exception = True  # a logged-in user without the role gets 403, not a login loop
    form_class = ObjectionNoteForm
    template_name = "personas/note_form.html"

    def get_initial(self):
        # ?persona= and ?collateral= naming a page the person may not view are ignored, as unknown ones are.
        hidden = hidden_page_ids(self.request)
        params = {
            name: value
            for name, value in self.request.GET.items()
            if not (name in ("persona", "collateral") and id_in_range(value) and int(value) in hidden)
        }
        return initial_from_query(params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = self.safe_next_url()
        return context

    def form_valid(self, form):
        note = form.save(commit=False)
        note.author = self.request.user
        note.save()
        messages.success(self.request, f"Note saved: {note.objection} for {note.persona.title}. Thank you.")
        return redirect(self.safe_next_url() or "my_notes")

    def safe_next_url(self):
        next_url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return next_url
        return ""


class MyNotesView(ListView):
    template_name = "personas/my_notes.html"
    context_object_name = "notes"
    paginate_by = MY_NOTES_PER_PAGE

    def get_queryset(self):
        return ObjectionNote.objects.by_author(self.request.user).select_related(
            "persona", "objection", "collateral", "author", "deal_stage"
        )


class OwnRecentNoteMixin:
    """Reps may change or delete their own notes for EDIT_WINDOW after filing them; after that a
    note is part of the record and only marketing moderates it."""

    def get_object(self, queryset=None):
        note = get_object_or_404(ObjectionNote, pk=self.kwargs["pk"])
        if note.author_id != self.request.user.pk:
            raise PermissionDenied("You can only change your own notes.")
        if not note.editable_by_author:
            raise PermissionDenied("Notes can be changed for 24 hours after filing; ask marketing to correct it.")
        return note

    def get_success_url(self):
        return reverse("my_notes")


class NoteEditView(VisibleChoicesMixin, OwnRecentNoteMixin, UpdateView):
    form_class = ObjectionNoteForm
    template_name = "personas/note_form.html"
    extra_context = {"editing": True}

    def form_valid(self, form):
        messages.success(self.request, "Note updated.")
        return super().form_valid(form)


class NoteDeleteView(OwnRecentNoteMixin, DeleteView):
    template_name = "personas/note_confirm_delete.html"

    def form_valid(self, form):
        messages.success(self.request, "Note deleted.")
        return super().form_valid(form)
