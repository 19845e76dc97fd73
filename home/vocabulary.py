"""Managed vocabularies: short lists marketing edits in the admin (kinds of collateral, note stages).

Each term has a label people read and a slug that links, filters, facets and imports use. Records
point at a term by its slug (a ForeignKey with ``to_field="slug"``), so a facet value, a saved
search link and an old page revision all keep naming the same term; the slug therefore cannot be
changed once something uses the term (rename the label instead).

An import names a term by slug or by label, however it is written: "Case Study", "case-study" and
"case_study" are one term (`match_key`).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from wagtail.admin.panels import FieldPanel

from home.versions import VersionedQuerySet

LABEL_MAX_LENGTH = 60
SLUG_MAX_LENGTH = 40
_IGNORED = re.compile(r"[\s_\-]+")


def match_key(value):
    """How imports compare a value with a term: lower case, without spaces, hyphens or underscores.

    "Case Study", "case-study", " CASE_study " → "casestudy". Where the rule comes from: issue 13.
    """
    return _IGNORED.sub("", str(value or "").casefold())


def slug_for(label):
    """A new term's slug from its label, in the style of the shipped ones ("ROI calculator" → "roi_calculator")."""
    return slugify(label).replace("-", "_")[:SLUG_MAX_LENGTH].strip("_")


class VocabularyTerm(models.Model):
    """Abstract: one term of a managed list. Subclasses say which records use a term (`is_used`)."""

    label = models.CharField(max_length=LABEL_MAX_LENGTH, unique=True, help_text="What people read, e.g. 'Case study'.")
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        blank=True,
        help_text="Used in links, filters and imports; made from the label when left empty. "
        "Fixed once something uses it.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lists show terms in this order.")

    panels = [FieldPanel("label"), FieldPanel("slug"), FieldPanel("sort_order")]

    objects = VersionedQuerySet.as_manager()  # bulk writes move the versions on (home/versions.py)

    class Meta:
        abstract = True
        ordering = ["sort_order", "label"]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_for(self.label)
        super().save(*args, **kwargs)

    def clean(self):
        if not self.slug:
            self.slug = slug_for(self.label)
        if not self.slug:
            raise ValidationError({"label": "The label needs at least one letter or digit."})
        if self.pk:
            before = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if before and before != self.slug and self.is_used(before):
                raise ValidationError({"slug": f"“{before}” is in use by existing records; change the label instead."})

    def is_used(self, slug):
        """Whether any record points at the term with this slug; subclasses say which records."""
        raise NotImplementedError

    @classmethod
    def by_key(cls):
        """{match_key: term} for every term, by slug and by label (one query)."""
        terms = {}
        for term in cls.objects.all():
            terms.setdefault(match_key(term.slug), term)
            terms.setdefault(match_key(term.label), term)
        return terms

    @classmethod
    def choices(cls):
        """[(slug, label)] in list order, for filters and reports."""
        return list(cls.objects.values_list("slug", "label"))
