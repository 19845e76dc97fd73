from django import forms
from django.urls import reverse
from django.utils.html import format_html

from wagtail.documents.forms import BaseDocumentForm

from content.models import BuyerStage, ContentRequest
from home.forms import ModelChoiceField
from home.text import without_nul


def text_status(document):
    """One line for people on what search can read in ``document``: "Reading the file…", why
    not all of it could be read, or how many words were read."""
    if document.is_reading:
        return document.get_extraction_state_display()
    if document.extraction_error:
        return document.extraction_error
    if document.extracted_text:
        return f"Read {len(document.extracted_text.split()):,} words from the file."
    return "No text in this kind of file."


class ReadAgainWidget(forms.Widget):
    """The text status, and a button that sends the edit form to "read the file again"
    (``formaction``: a form cannot sit inside Wagtail's edit form)."""

    def __init__(self, document, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document

    def render(self, name, value, attrs=None, renderer=None):
        url = reverse("document_read_again", args=[self.document.pk])
        return format_html(
            '<p class="help" data-text-status>{}</p>'
            '<p><button type="submit" class="button button-secondary button-small" formaction="{}" '
            "formnovalidate>Read the file again</button></p>{}",
            text_status(self.document),
            url,
            format_html('<p class="help">{}</p>', self.document.preview_note) if self.document.preview_note else "",
        )

    def value_from_datadict(self, data, files, name):
        return None


class CollateralDocumentForm(BaseDocumentForm):
    """Wagtail's document form, plus what search could read in the file, and a button to read it again."""

    text_status = forms.CharField(
        label="Text for search",
        required=False,
        disabled=True,
        help_text="Search looks inside PDF, DOCX, PPTX and XLSX files.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.fields["text_status"].widget = ReadAgainWidget(instance)
            self.fields["text_status"].initial = text_status(instance)
        else:
            del self.fields["text_status"]


class ContentRequestForm(forms.ModelForm):
    """A rep asks marketing for an asset for one persona, answering one objection (optional)."""

    class Meta:
        model = ContentRequest
        fields = ["persona", "objection", "stage", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "description": {
                "required": "Say what would help: the situation, and what the asset should say or show.",
                "max_length": "Keep it under 2,000 characters (this has %(show_value)s).",
            },
            "persona": {"invalid_choice": "That persona does not exist (any more). Pick one from the list."},
            "objection": {"invalid_choice": "That objection does not exist (any more). Pick one from the list."},
            "stage": {"invalid_choice": "Pick a buyer stage from the list, or leave it at any stage."},
        }
        field_classes = {"persona": ModelChoiceField, "objection": ModelChoiceField}

    def __init__(self, *args, hidden_page_ids=frozenset(), **kwargs):
        """`hidden_page_ids`: pages the person asking may not view (home.visibility), left out of the
        persona choices, so the form neither lists nor accepts them."""
        from personas.models import Objection, PersonaPage

        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = PersonaPage.objects.live().exclude(pk__in=hidden_page_ids).order_by("title")
        self.fields["objection"].queryset = Objection.objects.order_by("name")
        self.fields["persona"].empty_label = "Pick a persona"
        self.fields["objection"].required = False
        self.fields["objection"].empty_label = "No particular objection"
        self.fields["objection"].help_text = "Optional: leave it empty when the asset is for the persona in general."
        self.fields["stage"].choices = [("", "Any stage"), *self.fields["stage"].choices[1:]]


def request_initial(params, hidden_page_ids=frozenset()):
    """Pre-fill from ?persona=&objection=&stage= slugs and ?q= (a search that found nothing).
    Returns (initial, problems): names that matched nothing (or a persona the person may not
    view) are reported, not guessed."""
    from personas.models import Objection, PersonaPage

    initial, problems = {}, []
    personas = PersonaPage.objects.live().exclude(pk__in=hidden_page_ids)
    lookups = {"persona": personas, "objection": Objection.objects.all()}
    for name, queryset in lookups.items():
        slug = without_nul(params.get(name)).strip()
        if slug:
            found = queryset.filter(slug=slug).first()
            if found:
                initial[name] = found.pk
            else:
                problems.append(f"There is no {name} called “{slug}”; pick one from the list.")
    stage = without_nul(params.get("stage")).strip()
    if stage:
        if stage in BuyerStage.values:
            initial["stage"] = stage
        else:
            problems.append(f"There is no buyer stage called “{stage}”; pick one from the list.")
    query = without_nul(params.get("q")).strip()[:200]
    if query:
        initial["description"] = f"I searched for “{query}” and found nothing that answers it."
    return initial, problems
