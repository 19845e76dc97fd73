"""Read uploaded files and make their previews off the request, within limits.

An upload is saved at once ("Reading the file…"); after the commit two tasks (django-tasks: run
at once in development and tests, by ``manage.py db_worker`` in production) do the work, each in
a child process (content.limits) stopped after ``EXTRACTION_TIME_LIMIT`` seconds or past
``EXTRACTION_MEMORY_LIMIT_MB``:

- ``read_file``: the text for search, at most ``EXTRACTION_TEXT_CAP`` characters. A stopped
  read keeps the text sent before the stop, and the reason shows next to the file ("Stopped
  after 60 s: the first 1,204 pages are searchable."). Then the live collateral pages using
  the file are re-indexed (``content.signals.file_text_read``, handled by search).
- ``make_previews``: a PNG thumbnail of the first page (PDFium for PDFs, Pillow for images; an
  Office file is first converted to PDF by LibreOffice, when installed, and that PDF is kept
  for viewing in the browser). Preview files are stored through Django's default storage under
  the file's SHA-256, so they are per file version; a replaced file's previews are deleted.

Each task checks the document still holds the file it was queued for, so a task for a file
replaced since does nothing and never overwrites the new file's results.
"""

import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from contextlib import contextmanager, suppress
from pathlib import Path

from django_tasks import task

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from content import jobs
from content.extraction import OFFICE_READERS, normalise
from content.limits import run_limited
from content.models import CollateralDocument, FileWork
from content.signals import file_text_read

logger = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 480
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
CHUNK = 1024 * 1024


def start_file_work(document, delete=()):
    """After the current transaction commits: delete the stored files named in ``delete`` (the
    previews of a replaced file) and queue ``read_file`` and ``make_previews`` for the document's
    file. A queue that fails is logged; the file stays "Reading the file…" and marketing can
    start it again from the admin ("Read the file again")."""
    document_id, name = document.pk, document.file.name

    def enqueue():
        for stale in delete:
            _delete_quietly(stale)
        for work in (read_file, make_previews):
            try:
                work.enqueue(document_id, name)
            except Exception:
                logger.exception("Could not queue %s for document %s", work.name, document_id)

    transaction.on_commit(enqueue)


def delete_after_commit(names):
    """Delete these stored files (names in the default storage; empty ones skipped) after the commit."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [_delete_quietly(name) for name in names])


def _delete_quietly(name):
    try:
        default_storage.delete(name)
    except Exception:
        logger.warning("Could not delete the old preview %s", name, exc_info=True)


@contextmanager
def local_copy(document, suffix):
    """``(path, sha256 hex)`` of a temporary local copy of the document's file (read through the
    storage API, so it works on S3 too), removed afterwards."""
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="commonground-file-") as folder:
        path = Path(folder) / f"source{suffix}"
        with document.file.open("rb") as source, open(path, "wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
        yield path, digest.hexdigest()


def _current(document_id, name):
    """The document if it still holds the file ``name``, else None."""
    return CollateralDocument.objects.filter(pk=document_id, file=name).first()


def plural(count, unit):
    return f"{count:,} {unit}{'' if count == 1 else 's'}"


def stopped_reason(ended, units, unit, words):
    """What people read next to a file whose reading was stopped.

    ``ended``: how content.limits' job ended ("time", "memory", "crashed"); ``units``/``unit``:
    pages, slides or sheets read whole; ``words``: words kept. Fits the 255-character field.
    """
    if ended == "time":
        head = f"Stopped after {settings.EXTRACTION_TIME_LIMIT:,} s"
    elif ended == "memory":
        head = f"Stopped: reading it needed more than {settings.EXTRACTION_MEMORY_LIMIT_MB:,} MB of memory"
    else:
        head = "Reading stopped on an error in the file"
    if units == 1:
        return f"{head}: the first {unit} is searchable."
    if units:
        return f"{head}: the first {plural(units, unit)} are searchable."
    if words:
        return f"{head}: the first {plural(words, 'word')} are searchable."
    return f"{head}: no text could be read, so only its title is searchable."


def read_now(document, force=False):
    """Read the document's file in a limited child process and save the text and reason.

    Skips a document whose text was already read for this file, unless ``force``. Returns the
    reason shown next to the file ("" when all of it was read). Sends ``file_text_read``.
    """
    name = document.file.name
    if document.extraction_state == FileWork.DONE and not force:
        return document.extraction_error
    # How far the child read: what the reason says when a limit stops it (not a progress bar).
    pieces, read_so_far, result = [], {"units": 0, "unit": "", "chars": 0}, {}
    cap = settings.EXTRACTION_TEXT_CAP

    def keep(message):
        if message[0] == "text":
            _, text, units, unit = message
            if read_so_far["chars"] < cap:
                pieces.append(text[: cap - read_so_far["chars"]])
                read_so_far["chars"] += len(pieces[-1])
            read_so_far["units"], read_so_far["unit"] = units, unit
        elif message[0] == "result":
            result["error"] = message[1]

    try:
        with local_copy(document, Path(name).suffix) as (path, version):
            outcome = run_limited(
                jobs.read_text_job,
                (str(path), name, cap),
                settings.EXTRACTION_TIME_LIMIT,
                settings.EXTRACTION_MEMORY_LIMIT_MB,
                on_message=keep,
            )
    except OSError as error:  # the stored file is gone or unreadable: say so, keep the record
        logger.warning("Could not open %s: %r", name, error)
        text, reason, version = "", "The stored file could not be opened, so its text cannot be searched.", ""
    else:
        text = normalise("".join(pieces))[:cap]
        if outcome.ended == "done":
            reason = result.get("error", "")
        else:
            for message in outcome.messages:
                logger.info("Reading %s: %s", name, message)
            reason = stopped_reason(outcome.ended, read_so_far["units"], read_so_far["unit"], len(text.split()))
            logger.warning("Reading %s ended by %s after %.1f s", name, outcome.ended, outcome.seconds)
    updated = CollateralDocument.objects.filter(pk=document.pk, file=name).update(
        extracted_text=text,
        extraction_error=reason[:255],
        extraction_state=FileWork.DONE,
        file_version=version,
    )
    if updated:
        document.extracted_text, document.extraction_error = text, reason[:255]
        document.extraction_state, document.file_version = FileWork.DONE, version
        file_text_read.send(sender=CollateralDocument, document=document)
    return reason


@task()
def read_file(document_id: int, name: str, force: bool = False) -> str:
    """Task: read the text of document ``document_id`` if it still holds file ``name``.
    Returns the reason shown next to the file, or "gone" when the file was replaced or deleted."""
    document = _current(document_id, name)
    if document is None:
        return "gone"
    return read_now(document, force=force)


def libreoffice():
    """The path of LibreOffice's ``soffice`` (``LIBREOFFICE_PATH``), or None when not installed."""
    return shutil.which(settings.LIBREOFFICE_PATH)


EXTERNAL = 'TargetMode="External"'


def etree_errors():
    """The exception lxml raises for XML it cannot parse."""
    from lxml import etree

    return etree.XMLSyntaxError


def without_external_links(source, folder):
    """A copy of the Office file ``source`` (an OOXML ZIP) in ``folder`` whose relationships point
    nowhere outside it, so LibreOffice fetches no address while drawing it.

    A relationship with ``TargetMode="External"`` (a linked picture, a hyperlink, an attached
    template) makes LibreOffice ask for its URL, so an uploaded file could make the server call
    internal addresses and show what came back in a preview (attack trial, session 5). Their
    targets become ``about:blank``; everything else is copied as it is, streamed.
    Raises zipfile.BadZipFile for a file that is no ZIP (the caller says it cannot be converted).
    """
    from lxml import etree

    target = Path(folder) / f"offline{Path(source).suffix}"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in original.infolist():
            if member.filename.endswith(".rels") and member.file_size < 10 * 1024 * 1024:
                data = original.read(member)
                if EXTERNAL.encode() in data:
                    tree = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
                    for relationship in tree:
                        if relationship.get("TargetMode") == "External":
                            relationship.set("Target", "about:blank")
                    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
                copy.writestr(member, data)
            else:
                with original.open(member) as part, copy.open(member, "w", force_zip64=True) as out:
                    shutil.copyfileobj(part, out, CHUNK)
    return target


def convert_to_pdf(source, folder):
    """Convert the Office file ``source`` to PDF with LibreOffice (headless), in ``folder``.

    Returns the PDF's path, or raises RuntimeError with a reason for people. LibreOffice runs in
    its own session with a profile of its own (so conversions never share or lock one), and the
    whole group is killed after ``PREVIEW_TIME_LIMIT`` seconds.
    """
    profile = Path(folder) / "profile"
    command = [
        libreoffice(),
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(source),
    ]
    process = subprocess.Popen(  # noqa: S603 - a fixed command; the file is ours, in a temporary folder
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=folder
    )
    try:
        _, errors = process.communicate(timeout=settings.PREVIEW_TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(
            f"LibreOffice took longer than {settings.PREVIEW_TIME_LIMIT:,} s to convert it, so there is no PDF to view."
        ) from None
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything it left running
    pdf = Path(folder) / f"{Path(source).stem}.pdf"
    if process.returncode != 0 or not pdf.exists():
        logger.warning("LibreOffice could not convert %s: %s", source, errors.decode(errors="replace")[-500:])
        raise RuntimeError("LibreOffice could not convert the file, so there is no PDF to view.")
    return pdf


NO_LIBREOFFICE = (
    "LibreOffice is not installed on the server, so this file cannot be shown as pages; here is the text read from it."
)


def previews_now(document):
    """Make the document's thumbnail (and, for an Office file, its PDF) and store them.

    Returns the reason there is no preview or no PDF ("" when all was made).
    """
    name = document.file.name
    extension = Path(name).suffix.lower().lstrip(".")
    note, thumbnail_name, pdf_name = "", "", ""
    try:
        with local_copy(document, f".{extension}") as (path, version), tempfile.TemporaryDirectory() as work:
            folder = f"previews/{document.pk}/{version[:20]}"
            source, kind = path, "pdf"
            if extension in IMAGE_EXTENSIONS:
                kind = "image"
            elif extension in OFFICE_READERS:
                if libreoffice() is None:
                    source, note = None, NO_LIBREOFFICE
                else:
                    try:
                        source = convert_to_pdf(without_external_links(path, work), work)
                    except (zipfile.BadZipFile, etree_errors()) as error:
                        logger.warning("Could not prepare %s for LibreOffice: %s", name, error)
                        source, note = None, "LibreOffice could not convert the file, so there is no PDF to view."
                    except RuntimeError as error:
                        source, note = None, str(error)
                    else:
                        with open(source, "rb") as pdf:
                            pdf_name = default_storage.save(f"{folder}/preview.pdf", File(pdf))
            elif extension != "pdf":
                source, note = None, "There is no preview for this kind of file."
            if source is not None:
                png = Path(work) / "thumbnail.png"
                outcome = run_limited(
                    jobs.thumbnail_job,
                    (str(source), kind, str(png), THUMBNAIL_WIDTH),
                    settings.EXTRACTION_TIME_LIMIT,
                    settings.EXTRACTION_MEMORY_LIMIT_MB,
                )
                made = [m for m in outcome.messages if m[0] == "thumbnail"]
                if outcome.ended == "done" and made and png.exists():
                    with open(png, "rb") as image:
                        thumbnail_name = default_storage.save(f"{folder}/thumbnail.png", File(image))
                else:
                    skipped = [m[1] for m in outcome.messages if m[0] == "no thumbnail"]
                    note = note or (skipped[0] if skipped else _no_thumbnail(outcome.ended))
    except OSError as error:
        logger.warning("Could not open %s: %r", name, error)
        note = "The stored file could not be opened, so there is no preview."
    updated = CollateralDocument.objects.filter(pk=document.pk, file=name).update(
        thumbnail_file=thumbnail_name, preview_file=pdf_name, preview_note=note[:255], preview_state=FileWork.DONE
    )
    if updated:  # the previous previews of this document go
        stale = [document.thumbnail_file.name, document.preview_file.name]
        stale = [name for name in stale if name and name not in (thumbnail_name, pdf_name)]
    else:  # the file was replaced meanwhile: these previews belong to nobody
        stale = [name for name in (thumbnail_name, pdf_name) if name]
    for old in stale:
        _delete_quietly(old)
    return note


def _no_thumbnail(ended):
    if ended == "time":
        return f"Drawing the first page took longer than {settings.EXTRACTION_TIME_LIMIT:,} s, so there is no preview."
    if ended == "memory":
        return "Drawing the first page needed too much memory, so there is no preview."
    return "The first page could not be drawn (the file may be damaged), so there is no preview."


@task()
def make_previews(document_id: int, name: str, force: bool = False) -> str:
    """Task: make the previews of document ``document_id`` if it still holds file ``name``.
    Returns the reason there is no preview ("" when made), or "gone"."""
    document = _current(document_id, name)
    if document is None:
        return "gone"
    if document.preview_state == FileWork.DONE and not force:
        return document.preview_note
    return previews_now(document)


def read_again(document):
    """Marketing's "Read the file again": the text and previews are made anew, after the commit."""
    CollateralDocument.objects.filter(pk=document.pk).update(
        extraction_state=FileWork.PENDING, preview_state=FileWork.PENDING
    )
    document_id, name = document.pk, document.file.name

    def enqueue():
        for work in (read_file, make_previews):
            try:
                work.enqueue(document_id, name, True)
            except Exception:
                logger.exception("Could not queue %s for document %s", work.name, document_id)

    transaction.on_commit(enqueue)
