"""Turn collateral pages into index documents. The database is the source of truth."""

from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from content.models import CollateralPage
from home.text import searchable, text_from_html
from home.visibility import restricted_trees, under_any
from personas.models import PersonaPage
from search.engines.base import IndexDocument


def collateral_for_index():
    """Live collateral with everything the index needs."""
    return (
        CollateralPage.objects.live()
        .select_related("kind")
        .prefetch_related("personas", "objections", "tags", "files__document")
    )


def documents(pages):
    """Index documents for these pages: text and facets only (the helped figure and staleness are
    read at query time from content.effectiveness, so they never need a re-index)."""
    restricted = restricted_collection_ids()
    unnamed = unnamed_persona_ids()
    return [to_document(page, restricted, unnamed) for page in pages]


def restricted_collection_ids():
    """Ids of the collections behind a view restriction, their own or an ancestor's (Wagtail's
    collection privacy: groups, login or password). Files there are never indexed: search serves
    everyone who may see the page, and a highlight or a match would give away what the file says."""
    paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    if not paths:
        return set()
    return set(Collection.objects.filter(under_any(paths)).values_list("pk", flat=True))


def unnamed_persona_ids():
    """Ids of the persona pages whose names are kept out of every asset's indexed text: those not
    live and those behind a page view restriction, their own or an ancestor's (any kind: groups,
    login or password). An asset anyone may see can be tagged with one, and its indexed words
    would otherwise find it, be offered as corrections and be completed from a prefix. Returns a
    set of page ids; the persona facet and labels still carry them (filtered per searcher at
    query time, search.service.without_hidden_personas)."""
    unnamed = set(PersonaPage.objects.not_live().values_list("pk", flat=True))
    # Aliases of a restricted page, at any depth, are closed with it (home.visibility.restricted_trees).
    trees = restricted_trees(PageViewRestriction.objects.values_list("page_id", flat=True))
    if trees:
        unnamed.update(PersonaPage.objects.filter(under_any(trees)).values_list("pk", flat=True))
    return unnamed


def to_document(page, restricted=frozenset(), unnamed_personas=None):
    """The IndexDocument of one collateral page. `restricted`: collection ids whose files' text is
    left out (restricted_collection_ids); `unnamed_personas`: persona page ids whose title and
    role are left out of the taxonomy text (unnamed_persona_ids; read here when None)."""
    if unnamed_personas is None:
        unnamed_personas = unnamed_persona_ids()
    personas = list(page.personas.all())
    objections = list(page.objections.all())
    tags = list(page.tags.all())
    # Names only: synonyms are matched on the query side (search.service.expand_synonyms), so an
    # asset tagged "Integration" is not taken to mention every product named among its synonyms.
    named = [p for p in personas if p.pk not in unnamed_personas]
    taxonomy = [p.title for p in named] + [p.role for p in named]
    taxonomy += [objection.name for objection in objections] + [tag.name for tag in tags]
    # The text as search reads it (home.text.searchable): normalised, no control characters.
    return IndexDocument(
        id=page.pk,
        title=searchable(page.title),
        url=page.url or "",
        summary=searchable(page.summary),
        body=searchable(text_from_html(page.body)),
        files=searchable(
            "\n".join(
                file_text(item.document) for item in page.files.all() if item.document.collection_id not in restricted
            )
        ),
        taxonomy=searchable(" · ".join(taxonomy)),
        facets={
            "persona": [p.slug for p in personas],
            "objection": [o.slug for o in objections],
            "stage": [page.stage] if page.stage else [],
            "kind": [page.kind_id] if page.kind_id else [],
            "tag": [tag.slug for tag in tags],
        },
        labels={
            "persona": {p.slug: p.title for p in personas},
            "objection": {o.slug: o.name for o in objections},
            "stage": {page.stage: page.get_stage_display()} if page.stage else {},
            "kind": {page.kind_id: page.get_kind_display()} if page.kind_id else {},
            "tag": {tag.slug: tag.name for tag in tags},
        },
        external_id=page.external_id,
        published=page.first_published_at.isoformat() if page.first_published_at else "",
    )


def file_text(document):
    """A file's title, then the text read from it; the title once only when the text opens with it
    (a PDF's first line, a sheet's first cell after the sheet's name, a slide's title), so a
    passage from the file does not show it twice. "Opens": within TITLE_NEAR characters."""
    title, text = document.title, document.extracted_text or ""

    def words(value):  # line breaks and case as the index reads them: not at all
        return " ".join(value.split()).casefold()

    return text if words(title) in words(text[: len(title) + TITLE_NEAR]) else f"{title}\n{text}"


TITLE_NEAR = 200  # characters: a sheet's or section's name, a date line before the title
