"""Build collateral pages and their files. Used by the demo data command and by the tests."""

from django.core.files.base import ContentFile
from django.utils.text import slugify

from content.files import make_file
from content.models import BuyerStage, CollateralDocument, CollateralFile, CollateralIndexPage, CollateralPage, Kind


def create_document(title, filename, data):
    """Create or replace the collateral document with this title, its text read before it returns
    (in a child process with the same limits as an upload: content.tasks.read_now). Its previews
    are made by the task queued when the transaction commits."""
    from content.tasks import read_now

    document = CollateralDocument.objects.filter(title=title).first() or CollateralDocument(title=title)
    if document.pk and document.file:
        document.file.delete(save=False)
    document.file = ContentFile(data, name=filename)
    document.save()
    read_now(document)
    return document


def create_document_for(title, extension, paragraphs):
    return create_document(title, f"{slugify(title)[:60]}.{extension}", make_file(extension, title, paragraphs))


def create_collateral(
    title="ROI one-pager",
    slug=None,
    summary="What it costs, what it saves.",
    kind=Kind.ONE_PAGER,
    stage=BuyerStage.CONSIDERATION,
    personas=(),
    objections=(),
    tags=(),
    documents=(),
    publish=True,
    **fields,
):
    """Create or update the collateral page with this slug, with its files, and publish it."""
    slug = slug or slugify(title)
    index = CollateralIndexPage.objects.get()
    page = CollateralPage.objects.child_of(index).filter(slug=slug).first()
    kind_field = "kind_id" if isinstance(kind, str) or kind is None else "kind"  # a slug or a CollateralKind
    values = {"title": title, "summary": summary, kind_field: kind, "stage": stage, **fields}
    if page is None:
        page = index.add_child(instance=CollateralPage(slug=slug, live=publish, **values))
    else:
        for name, value in values.items():
            setattr(page, name, value)
    page.personas.set(personas)
    page.objections.set(objections)
    page.tags.set(list(tags))
    page.files.set([CollateralFile(document=document) for document in documents])
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page
