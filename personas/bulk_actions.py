"""Marketing moderates notes in bulk from the admin listing: hide, show, re-categorise."""

from django import forms

from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from personas.models import Objection, ObjectionNote


class NoteBulkAction(SnippetBulkAction):
    models = [ObjectionNote]
    template_name = "personas/admin/confirm_bulk_notes.html"
    action_priority = 20
    question = ""

    def check_perm(self, snippet):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "change", snippet)

    @classmethod
    def changed(cls, notes, **values):
        """Update the notes. Notes are not indexed; their queryset's `update` moves insights and
        helped figures on (home/versions.py)."""
        count = ObjectionNote.objects.filter(pk__in=[note.pk for note in notes]).update(**values)
        return count, 0

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "question": self.question, "action_label": self.display_name}


class StatusBulkAction(NoteBulkAction):
    status = None
    done = ""  # what happened to them, for the message

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return cls.changed(objects, status=cls.status)

    def get_success_message(self, count, _children):
        return f"{count} note{'s' if count != 1 else ''} {self.done}."


class HideForm(forms.ModelForm):
    """Why the notes are hidden: stored on each note (ObjectionNote.hidden_reason), shown to its author."""

    class Meta:
        model = ObjectionNote
        fields = ["hidden_reason"]
        labels = {"hidden_reason": "Why (the rep who filed each note sees this)"}
        help_texts = {"hidden_reason": ""}
        error_messages = {"hidden_reason": {"required": "Say why, in a few words: the rep sees it next to their note."}}
        widgets = {
            "hidden_reason": forms.TextInput(attrs={"placeholder": "e.g. Names the customer; please refile without it"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hidden_reason"].required = True


class HideNotesBulkAction(StatusBulkAction):
    display_name = "Hide"
    action_type = "hide_notes"
    aria_label = "Hide the selected notes"
    question = "Hide these notes from persona pages, insights and search? They stay stored and can be shown again."
    status = ObjectionNote.Status.HIDDEN
    done = "hidden"
    form_class = HideForm

    def get_execution_context(self):
        return {**super().get_execution_context(), "reason": self.cleaned_form.cleaned_data["hidden_reason"].strip()}

    @classmethod
    def execute_action(cls, objects, reason="", **kwargs):
        return cls.changed(objects, status=cls.status, hidden_reason=reason)


class ShowNotesBulkAction(StatusBulkAction):
    display_name = "Show"
    action_type = "show_notes"
    aria_label = "Show the selected notes again"
    question = "Show these notes on persona pages, in insights and in search again?"
    status = ObjectionNote.Status.VISIBLE
    done = "shown again"

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return cls.changed(objects, status=cls.status, hidden_reason="")


class RecategoriseForm(forms.Form):
    objection = forms.ModelChoiceField(
        queryset=Objection.objects.order_by("name"), label="Move to objection", empty_label="Pick an objection"
    )


class RecategoriseNotesBulkAction(NoteBulkAction):
    display_name = "Re-categorise"
    action_type = "recategorise_notes"
    aria_label = "Move the selected notes to another objection"
    question = "Move these notes to another objection?"
    form_class = RecategoriseForm

    def get_execution_context(self):
        return {**super().get_execution_context(), "objection": self.cleaned_form.cleaned_data["objection"]}

    @classmethod
    def execute_action(cls, objects, objection=None, **kwargs):
        return cls.changed(objects, objection=objection)

    def get_success_message(self, count, _children):
        objection = self.cleaned_form.cleaned_data["objection"]
        return f"{count} note{'s' if count != 1 else ''} moved to “{objection}”."
