"""Files are read off the request, within limits, and previewed: what marketing and reps notice.

Uploads go through Wagtail's real document form. Their reading is queued for after the commit;
the test's transaction never commits, so `committed()` runs those callbacks as a commit would
(the immediate task backend then runs the tasks, as in development). Without it, the upload is
saved and its task is still waiting, as on a busy production worker.
"""

import io
import re
import zipfile

import pytest
from PIL import Image

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from content.factories import create_collateral
from content.files import make_file
from content.models import CollateralDocument, FileWork
from content.tasks import NO_LIBREOFFICE, read_file
from tests.content.hostile_files import dense_text_pdf, huge_text_docx, many_pages_pdf

pytestmark = pytest.mark.django_db

PROOF = "Haldane Freight cut days sales outstanding from 58 to 41."


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def upload(client, filename, data, title="Uploaded file", run_tasks=True):
    form = {"title": title, "file": SimpleUploadedFile(filename, data), "collection": 1}
    if not run_tasks:
        return client.post(reverse("wagtaildocs:add"), form)
    with committed():
        return client.post(reverse("wagtaildocs:add"), form)


def search_titles(client, words):
    page = client.get(reverse("search"), {"q": words}).text
    return re.findall(r'<h3 class="card-title"[^>]*><a href="[^"]*">([^<]+)</a>', page)


def png_bytes(size=(800, 600), colour="navy"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


# --- Off the request ----------------------------------------------------------------------------


def test_an_upload_is_saved_at_once_and_says_it_is_being_read(marketer_client, rep_client):
    response = upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Deck", run_tasks=False)

    assert response.status_code == 302
    document = CollateralDocument.objects.get(title="Deck")
    assert document.extraction_state == FileWork.PENDING and document.extracted_text == ""
    edit = marketer_client.get(reverse("wagtaildocs:edit", args=[document.pk])).text
    assert "Reading the file…" in edit
    page = create_collateral(title="Deck page", documents=[document])
    assert "Reading the file…" in rep_client.get(page.url).text


def test_when_reading_finishes_the_page_is_found_by_the_words_in_its_file(marketer_client, rep_client):
    upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Deck", run_tasks=False)
    document = CollateralDocument.objects.get()
    with committed():
        page = create_collateral(title="Freight story", documents=[document])
    assert search_titles(rep_client, "Haldane") == [], "not read yet"

    with committed():
        read_file.enqueue(document.pk, document.file.name)  # what the worker runs

    assert search_titles(rep_client, "Haldane") == ["Freight story"]
    assert "Reading the file…" not in rep_client.get(page.url).text


def test_a_task_for_a_replaced_file_does_nothing(marketer_client):
    upload(marketer_client, "old.pdf", make_file("pdf", "Old", ["Obsolete Quagmire pricing"]), run_tasks=False)
    document = CollateralDocument.objects.get()
    old_name = document.file.name
    with committed():
        response = marketer_client.post(
            reverse("wagtaildocs:edit", args=[document.pk]),
            {
                "title": "Pricing",
                "file": SimpleUploadedFile("new.pdf", make_file("pdf", "New", [PROOF])),
                "collection": 1,
            },
        )
    assert response.status_code == 302
    assert read_file.call(document.pk, old_name) == "gone"
    document.refresh_from_db()
    assert "Haldane" in document.extracted_text and "Quagmire" not in document.extracted_text


def test_a_slow_pdf_is_stopped_at_the_time_limit_and_its_first_pages_stay_searchable(
    marketer_client, rep_client, settings
):
    """10,000 pages of a few hundred words (1.6 MB): reading all of them takes far longer than 1 s."""
    settings.EXTRACTION_TIME_LIMIT = 1
    settings.EXTRACTION_TEXT_CAP = 100_000_000  # the time limit, not the text cap, must stop it
    response = upload(marketer_client, "slow.pdf", many_pages_pdf(10_000), title="Slow deck")

    assert response.status_code == 302, "the upload is kept"
    document = CollateralDocument.objects.get(title="Slow deck")
    match = re.fullmatch(r"Stopped after 1 s: the first ([\d,]+) pages are searchable\.", document.extraction_error)
    assert match, document.extraction_error
    assert 0 < int(match[1].replace(",", "")) < 10_000
    assert document.extracted_text.startswith("Zephyrine opening page")
    with committed():
        page = create_collateral(title="Slow deck page", documents=[document])
    assert search_titles(rep_client, "Zephyrine") == ["Slow deck page"]
    assert document.extraction_error in rep_client.get(page.url).text
    assert document.extraction_error in marketer_client.get(reverse("wagtaildocs:edit", args=[document.pk])).text


def test_a_pdf_that_needs_gigabytes_is_stopped_at_the_memory_limit_and_kept(marketer_client, settings):
    """One page of 3 million characters in a 4 KB file: PDFium needs about 800 MB to read it."""
    settings.EXTRACTION_MEMORY_LIMIT_MB = 384
    response = upload(marketer_client, "dense.pdf", dense_text_pdf(3_000_000), title="Dense sheet")

    assert response.status_code == 302, "the upload is kept"
    document = CollateralDocument.objects.get(title="Dense sheet")
    assert document.extraction_error == (
        "Stopped: reading it needed more than 384 MB of memory: no text could be read, so only its title is searchable."
    )
    assert document.file.size < 10_000


def test_a_document_of_hundreds_of_megabytes_of_text_is_cut_at_the_text_cap(marketer_client, settings):
    """256 MB of text in a 1 MB DOCX: at most EXTRACTION_TEXT_CAP characters are kept, and it says so."""
    settings.EXTRACTION_TEXT_CAP = 300_000
    response = upload(marketer_client, "huge.docx", huge_text_docx(256), title="Huge doc")

    assert response.status_code == 302, "the upload is kept"
    document = CollateralDocument.objects.get(title="Huge doc")
    assert document.extraction_error == "Only the first 300,000 characters of the file are searchable."
    assert 290_000 < len(document.extracted_text) <= 300_000
    assert "Yarrow lemma grows" in document.extracted_text


def test_marketing_reads_a_file_again_from_its_edit_page(marketer_client, settings):
    settings.EXTRACTION_TIME_LIMIT, settings.EXTRACTION_TEXT_CAP = 1, 100_000_000
    upload(marketer_client, "slow.pdf", many_pages_pdf(5_000), title="Slow deck")
    document = CollateralDocument.objects.get()
    assert document.extraction_error.startswith("Stopped after 1 s")
    edit = marketer_client.get(reverse("wagtaildocs:edit", args=[document.pk])).text
    again = reverse("document_read_again", args=[document.pk])
    assert f'formaction="{again}"' in edit and "Read the file again" in edit

    settings.EXTRACTION_TIME_LIMIT = 120
    with committed():
        response = marketer_client.post(again)
        assert response.status_code == 302
        waiting = marketer_client.get(response.url).text
        assert "Reading “Slow deck” again" in waiting
        assert "Reading the file…" in waiting, "until the task has run"

    edit = marketer_client.get(response.url).text
    document.refresh_from_db()
    assert document.extraction_error == "", "read whole with the longer limit"
    assert re.search(r"Read [\d,]+ words from the file\.", edit)


def test_reps_cannot_have_a_file_read_again(rep_client, collateral):
    document = collateral.files.get().document
    response = rep_client.post(reverse("document_read_again", args=[document.pk]))
    assert response.status_code in (302, 403)
    document.refresh_from_db()
    assert document.extraction_state == FileWork.DONE


# --- Previews -----------------------------------------------------------------------------------


def test_a_pdf_gets_a_thumbnail_shown_on_its_page_the_index_and_search(marketer_client, rep_client):
    upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Deck")
    document = CollateralDocument.objects.get()
    assert document.thumbnail_file.name.startswith(f"previews/{document.pk}/{document.file_version[:20]}/")
    assert default_storage.exists(document.thumbnail_file.name)
    with committed():
        page = create_collateral(title="Freight story", documents=[document])
    thumbnail = reverse("document_thumbnail", args=[document.pk])

    for url in (page.url, page.get_parent().url, reverse("search") + "?q=Haldane"):
        assert f'src="{thumbnail}?v={document.file_version[:12]}"' in rep_client.get(url).text, url
    response = rep_client.get(thumbnail)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.width == 480 and image.height > image.width, "a portrait A4 page"


def test_a_pdf_opens_inline_in_the_browser(marketer_client, rep_client):
    upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Freight deck")
    document = CollateralDocument.objects.get()
    create_collateral(title="Freight story", documents=[document])

    preview = rep_client.get(reverse("document_preview", args=[document.pk])).text
    pdf_url = reverse("document_view_pdf", args=[document.pk])
    assert f'<iframe class="preview-frame" src="{pdf_url}"' in preview
    response = rep_client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="freight-deck.pdf"'
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_previews_follow_the_files_permission(marketer_client, rep_client):
    """A file on no live page is the marketer's alone: its preview, thumbnail and PDF are 404 to a rep."""
    upload(marketer_client, "draft.pdf", make_file("pdf", "Draft", [PROOF]), title="Draft deck")
    document = CollateralDocument.objects.get()
    create_collateral(title="Unpublished", documents=[document], publish=False)
    for name in ("document_preview", "document_thumbnail", "document_view_pdf"):
        url = reverse(name, args=[document.pk])
        assert rep_client.get(url).status_code == 404, name
        assert marketer_client.get(url).status_code == 200, name


def test_without_libreoffice_an_office_file_shows_its_text_and_says_why(marketer_client, rep_client):
    upload(marketer_client, "faq.docx", make_file("docx", "FAQ", [PROOF]), title="Freight FAQ")
    document = CollateralDocument.objects.get()
    create_collateral(title="FAQ page", documents=[document])

    assert document.preview_note == NO_LIBREOFFICE and not document.preview_file
    preview = rep_client.get(reverse("document_preview", args=[document.pk])).text
    assert "LibreOffice is not installed on the server" in preview
    assert "58 to 41" in preview
    assert "<iframe" not in preview
    assert rep_client.get(reverse("document_view_pdf", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("extension", ["docx", "pptx", "xlsx"])
def test_with_libreoffice_an_office_file_is_shown_as_a_pdf_with_a_thumbnail(
    marketer_client, rep_client, settings, extension
):
    settings.LIBREOFFICE_PATH = "soffice"
    upload(marketer_client, f"faq.{extension}", make_file(extension, "Freight FAQ", [PROOF]), title="Freight FAQ")
    document = CollateralDocument.objects.get()
    create_collateral(title="FAQ page", documents=[document])

    assert document.preview_note == ""
    assert document.preview_file.name.endswith("/preview.pdf") and document.thumbnail_file
    response = rep_client.get(reverse("document_view_pdf", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "<iframe" in rep_client.get(reverse("document_preview", args=[document.pk])).text


def test_an_image_gets_a_thumbnail(marketer_client):
    upload(marketer_client, "diagram.png", png_bytes((1600, 900)), title="Diagram")
    document = CollateralDocument.objects.get()
    with default_storage.open(document.thumbnail_file.name) as stored:
        assert Image.open(stored).size == (480, 270)


def test_replacing_a_file_replaces_its_previews(marketer_client):
    upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Deck")
    document = CollateralDocument.objects.get()
    old_thumbnail, old_version = document.thumbnail_file.name, document.file_version
    with committed():
        marketer_client.post(
            reverse("wagtaildocs:edit", args=[document.pk]),
            {"title": "Deck", "file": SimpleUploadedFile("deck.png", png_bytes(colour="red")), "collection": 1},
        )
    document.refresh_from_db()
    assert document.file_version != old_version
    assert document.thumbnail_file.name != old_thumbnail
    assert default_storage.exists(document.thumbnail_file.name)
    assert not default_storage.exists(old_thumbnail), "the old file's preview is gone"


def test_deleting_a_file_deletes_its_previews(marketer_client):
    upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Deck")
    document = CollateralDocument.objects.get()
    thumbnail = document.thumbnail_file.name
    with committed():
        marketer_client.post(reverse("wagtaildocs:delete", args=[document.pk]))
    assert not CollateralDocument.objects.exists()
    assert not default_storage.exists(thumbnail)


def test_files_uploaded_before_previews_get_them_from_the_command(marketer_client):
    upload(marketer_client, "deck.pdf", make_file("pdf", "Deck", [PROOF]), title="Deck", run_tasks=False)
    document = CollateralDocument.objects.get()
    assert not document.thumbnail_file
    out = io.StringIO()
    with committed():
        call_command("read_files", stdout=out)
    assert "Queued 1 file to read and preview." in out.getvalue()
    document.refresh_from_db()
    assert document.thumbnail_file and "Haldane" in document.extracted_text


def test_libreoffice_gets_a_copy_whose_links_point_nowhere(tmp_path):
    """Attack trial, session 5: a DOCX with a picture linked to an internal address made the server
    fetch it while drawing the preview. LibreOffice now converts a copy whose external targets are
    about:blank; the rest of the file is untouched."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from content.tasks import without_external_links

    original = docx.Document()
    original.add_paragraph("Linked picture below.")
    original.part.relate_to("http://127.0.0.1:9/ssrf-probe.png", RT.IMAGE, is_external=True)
    source = tmp_path / "linked.docx"
    original.save(source)
    assert b"ssrf-probe" in zipfile.ZipFile(source).read("word/_rels/document.xml.rels")

    copy = without_external_links(source, tmp_path)
    rels = zipfile.ZipFile(copy).read("word/_rels/document.xml.rels")
    assert b"ssrf-probe" not in rels and b'Target="about:blank"' in rels
    assert [p.text for p in docx.Document(copy).paragraphs] == ["Linked picture below."]
