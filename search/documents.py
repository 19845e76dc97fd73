"""Turn collateral pages into index documents. The database is the source of truth."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import strip_tags

from content.models import CollateralEvent, CollateralPage
from personas.models import Helped, ObjectionNote
from search.engines.base import IndexDocument


def count_per_collateral(queryset):
    """How many rows of `queryset` point at each collateral page, as an annotation (0 when none)."""
    counts = queryset.filter(collateral=OuterRef("pk")).order_by().values("collateral").annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


def with_helped_counts(collateral):
    """Annotate how often each asset helped and did not: reps' notes plus one-click feedback."""
    notes = ObjectionNote.objects.visible()
    events = CollateralEvent.objects.all()
    return collateral.annotate(
        helped_count=count_per_collateral(notes.filter(helped=Helped.YES))
        + count_per_collateral(events.filter(type=CollateralEvent.Type.HELPED)),
        not_helped_count=count_per_collateral(notes.filter(helped=Helped.NO))
        + count_per_collateral(events.filter(type=CollateralEvent.Type.NOT_HELPED)),
    )


def collateral_for_index():
    """Live collateral with everything the index needs, in a fixed number of queries."""
    return with_helped_counts(
        CollateralPage.objects.live().prefetch_related("personas", "objections", "tags", "files__document")
    )


def to_document(page):
    personas = list(page.personas.all())
    objections = list(page.objections.all())
    tags = list(page.tags.all())
    # Names only: synonyms are matched on the query side (search.service.expand_synonyms), so an
    # asset tagged "Integration" is not taken to mention every product named among its synonyms.
    taxonomy = [p.title for p in personas] + [p.role for p in personas]
    taxonomy += [objection.name for objection in objections] + [tag.name for tag in tags]
    return IndexDocument(
        id=page.pk,
        title=page.title,
        url=page.url or "",
        summary=page.summary,
        body=strip_tags(page.body or ""),
        files="\n".join(f"{item.document.title}\n{item.document.extracted_text}" for item in page.files.all()),
        taxonomy=" · ".join(taxonomy),
        facets={
            "persona": [p.slug for p in personas],
            "objection": [o.slug for o in objections],
            "stage": [page.stage],
            "kind": [page.kind],
            "tag": [tag.slug for tag in tags],
        },
        labels={
            "persona": {p.slug: p.title for p in personas},
            "objection": {o.slug: o.name for o in objections},
            "stage": {page.stage: page.get_stage_display()},
            "kind": {page.kind: page.get_kind_display()},
            "tag": {tag.slug: tag.name for tag in tags},
        },
        stale=page.is_stale,
        helped=getattr(page, "helped_count", 0),
        not_helped=getattr(page, "not_helped_count", 0),
        external_id=page.external_id,
        published=page.first_published_at.isoformat() if page.first_published_at else "",
    )
