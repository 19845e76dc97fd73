"""Form fields shared by the site's forms."""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest id a database column holds


def id_in_range(value):
    """True when `value` (text or int) is a whole number a database id column can hold.

    SQLite raises OverflowError for larger numbers rather than finding nothing, so a form or API
    asks this before it looks an id up."""
    try:
        return 1 <= int(str(value).strip()) <= MAX_ID
    except ValueError:
        return False


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, except that a number no id column can hold (10**30, a tampered
    POST) is an invalid choice, the same as an id that does not exist, rather than a server error.

    `known`: {submitted value: instance} a caller already looked up in this field's queryset (an
    import of thousands of rows); those values are taken without asking the database again."""

    known = None

    def to_python(self, value):
        if self.known and value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        if value not in self.empty_values and str(value).strip().lstrip("-").isdecimal() and not id_in_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if value not in self.empty_values and "\x00" in str(value):  # PostgreSQL refuses NUL in a query
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
