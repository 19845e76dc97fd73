from django import forms
from django.core.exceptions import ValidationError

from content.models import CollateralPage
from home.forms import ModelChoiceField, id_in_range
from personas.models import (
    NOTE_TEXT_MAX_LENGTH,
    Helped,
    Objection,
    ObjectionNote,
    PersonaPage,
    resolve_objection,
)


class ObjectionChoiceField(ModelChoiceField):
    """An objection by id (or by slug, with ``to_field_name="slug"``); one merged away since the
    form was opened, or since an integration cached its slug, names the one it was merged into."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            key = str(value).strip()
            survivor = resolve_objection(**({"slug": key} if self.to_field_name == "slug" else {"pk": key}))
            if survivor is None or not self.queryset.filter(pk=survivor.pk).exists():
                raise
            return survivor


class ObjectionNoteForm(forms.ModelForm):
    """The 30-second form a rep fills in after a call."""

    class Meta:
        model = ObjectionNote
        fields = ["persona", "objection", "text", "deal_stage", "outcome", "collateral", "helped"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4, "placeholder": "“We already pay for a tool that does this.”"}),
            "outcome": forms.RadioSelect,
            "helped": forms.RadioSelect,
        }
        error_messages = {
            "text": {
                "required": "Write down what the prospect said; that is the part marketing needs most.",
                "max_length": f"Keep the note under {NOTE_TEXT_MAX_LENGTH:,} characters "
                "(this one has %(show_value)s). Your text is still here to shorten.",
            },
            "persona": {"invalid_choice": "That persona does not exist (any more). Pick one from the list."},
            "objection": {"invalid_choice": "That objection does not exist (any more). Pick one from the list."},
            "collateral": {"invalid_choice": "That collateral is not published. Pick one from the list."},
        }
        field_classes = {
            "persona": ModelChoiceField,
            "objection": ObjectionChoiceField,
            "collateral": ModelChoiceField,
            "deal_stage": ModelChoiceField,
        }

    def __init__(self, *args, hidden_page_ids=frozenset(), by_slug=False, known=None, **kwargs):
        """`hidden_page_ids`: pages the person filing may not view (home.visibility), left out of
        the persona and collateral choices, so the form neither lists nor accepts them.
        `by_slug`: persona and objection are named by slug (the API's and the importer's records,
        see personas.notes), not by id (the site's select boxes).
        `known`: {field name: {value: instance}} the caller already found in the same querysets
        (an import), so thousands of notes do not look the same rows up again."""
        super().__init__(*args, **kwargs)
        for name, values in (known or {}).items():
            self.fields[name].known = values
        if by_slug:
            self.fields["persona"].to_field_name = "slug"
            self.fields["objection"].to_field_name = "slug"
        self.fields["persona"].queryset = PersonaPage.objects.live().exclude(pk__in=hidden_page_ids).order_by("title")
        self.fields["objection"].queryset = Objection.objects.order_by("name")
        self.fields["collateral"].queryset = (
            CollateralPage.objects.live().exclude(pk__in=hidden_page_ids).order_by("title")
        )
        self.fields["collateral"].empty_label = "None / not sure"
        # static/js/select-picker.js turns the long list into a searchable picker.
        self.fields["collateral"].widget.attrs["data-searchable"] = "Type words of its title"
        self.fields["persona"].empty_label = "Pick a persona"
        self.fields["objection"].empty_label = "Pick an objection"
        self.fields["deal_stage"].empty_label = "Not sure"  # and selected until the rep picks a stage
        self.fields["deal_stage"].label = "Deal stage"  # what reps call it; the managed list is "note stages"

    def clean_text(self):
        return self.cleaned_data["text"].strip()

    def _get_validation_exclusions(self):
        """Django's, plus the related fields whose value came from `known`: the caller found those
        rows in this form's own querysets (stricter than the model's: live, visible pages), so the
        model's check that each row exists would only ask the database again, once per note."""
        exclude = super()._get_validation_exclusions()
        for name, field in self.fields.items():
            known = getattr(field, "known", None)
            value = self.cleaned_data.get(name)
            if known and value is not None and known.get(str(self.data.get(name))) is value:
                exclude.add(name)
        return exclude

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("helped") in (Helped.YES, Helped.NO) and not cleaned.get("collateral"):
            self.add_error("collateral", "Pick the collateral you used, or answer “Don't know” to “Did it help?”.")
        return cleaned


def initial_from_query(params):
    """Pre-fill the form from ?persona=&objection=&collateral= ids, ignoring anything unknown."""
    lookups = {
        "persona": PersonaPage.objects.live(),
        "objection": Objection.objects.all(),
        "collateral": CollateralPage.objects.live(),
    }
    initial = {}
    for name, queryset in lookups.items():
        value = params.get(name, "")
        if id_in_range(value) and queryset.filter(pk=value).exists():
            initial[name] = int(value)
    collateral_id = initial.get("collateral")
    if collateral_id and "persona" not in initial:
        # A one-persona asset names its persona; pre-select it.
        personas = CollateralPage.objects.get(pk=collateral_id).personas.values_list("pk", flat=True)
        if len(personas) == 1:
            initial["persona"] = personas[0]
    return initial
