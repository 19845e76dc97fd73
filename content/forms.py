from django import forms

from wagtail.documents.forms import BaseDocumentForm


class CollateralDocumentForm(BaseDocumentForm):
    """Wagtail's document form, plus a read-only line saying whether search can read the file."""

    text_status = forms.CharField(
        label="Text for search",
        required=False,
        disabled=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Search looks inside PDF, DOCX, PPTX and XLSX files.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.fields["text_status"].initial = instance.extraction_error or (
                f"Read {len(instance.extracted_text.split()):,} words from the file."
                if instance.extracted_text
                else "No text in this kind of file."
            )
        else:
            del self.fields["text_status"]
