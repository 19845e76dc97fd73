"""Marketing uploads collateral files in the admin: real files, bad files, and what search can read."""

import io

import pypdf
import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from content.factories import create_collateral
from content.files import make_file
from content.models import CollateralDocument

pytestmark = pytest.mark.django_db

PROOF = "Haldane Freight cut days sales outstanding from 58 to 41."


def upload(client, filename, data, title="Uploaded file"):
    """Upload through Wagtail's form. The upload queues its reading for after the commit, which the
    test's transaction never reaches: run those callbacks as a commit would (the immediate task
    backend then reads the file, as in development)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("wagtaildocs:add"),
            {"title": title, "file": SimpleUploadedFile(filename, data), "collection": 1},
        )


def encrypted_pdf():
    reader = pypdf.PdfReader(io.BytesIO(make_file("pdf", "Secret", [PROOF])))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("extension", ["pdf", "docx", "pptx", "xlsx"])
def test_text_inside_real_files_is_read_at_upload(marketer_client, extension):
    response = upload(marketer_client, f"case-study.{extension}", make_file(extension, "Case study", [PROOF]))

    assert response.status_code == 302
    document = CollateralDocument.objects.get()
    assert "58 to 41" in document.extracted_text
    assert document.extraction_error == ""


def test_images_upload_with_nothing_to_read(marketer_client):
    response = upload(marketer_client, "diagram.png", png())
    assert response.status_code == 302
    document = CollateralDocument.objects.get()
    assert document.extracted_text == "" and document.extraction_error == ""


@pytest.mark.parametrize("filename", ["installer.exe", "page.html", "script.js", "notes.txt", "no-extension"])
def test_disallowed_file_types_are_refused(marketer_client, filename):
    response = upload(marketer_client, filename, b"MZ\x90\x00 not collateral")
    assert response.status_code == 200
    assert "is not allowed. Allowed extensions are: pdf, docx, pptx, xlsx, png, jpg, jpeg" in response.text
    assert not CollateralDocument.objects.exists()


def test_files_over_the_size_limit_are_refused(marketer_client, settings):
    too_big = b"%PDF-1.4\n" + b"0" * (settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + 1)
    response = upload(marketer_client, "huge.pdf", too_big)
    assert response.status_code == 200
    assert "This file is too big" in response.text
    assert not CollateralDocument.objects.exists()


@pytest.mark.parametrize("extra", [0, 1], ids=["at-the-limit", "one-byte-over"])
def test_one_byte_over_the_limit_shows_only_the_size_error(marketer_client, settings, extra):
    """A file one byte too big used to also show "File extension “” is not allowed" for a .pdf."""
    header = b"%PDF-1.4\n"
    data = header + b"0" * (settings.WAGTAILDOCS_MAX_UPLOAD_SIZE - len(header) + extra)
    response = upload(marketer_client, "deck.pdf", data, title="Big deck")
    if extra:
        assert response.status_code == 200
        assert response.text.count("This file is too big") == 1
        assert "is not allowed" not in response.text
        assert not CollateralDocument.objects.exists()
    else:
        assert response.status_code == 302, "exactly the limit is allowed"
        assert CollateralDocument.objects.get().title == "Big deck"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\nthis is not really a pdf\n%%EOF", "looks damaged or is not a real PDF"),
        (make_file("pdf", "Truncated", [PROOF])[:400], "looks damaged or is not a real PDF"),
        (encrypted_pdf(), "password-protected"),
    ],
    ids=["garbage", "truncated", "encrypted"],
)
def test_unreadable_pdf_is_kept_with_a_clear_reason(marketer_client, data, message):
    response = upload(marketer_client, "broken.pdf", data, title="Broken deck")

    assert response.status_code == 302, "the upload is kept"
    document = CollateralDocument.objects.get(title="Broken deck")
    assert message in document.extraction_error
    edit_page = marketer_client.get(reverse("wagtaildocs:edit", args=(document.pk,)))
    assert message in edit_page.text


def test_empty_file_is_refused(marketer_client):
    response = upload(marketer_client, "empty.pdf", b"")
    assert response.status_code == 200
    assert "The submitted file is empty" in response.text
    assert not CollateralDocument.objects.exists()


def test_unreadable_file_reason_shows_next_to_it_on_the_collateral_page(marketer_client, rep_client):
    upload(marketer_client, "broken.docx", b"PK\x03\x04 not a real docx", title="Broken FAQ")
    document = CollateralDocument.objects.get()
    page = create_collateral(title="FAQ", documents=[document])

    response = rep_client.get(page.url)
    assert "Broken FAQ" in response.text
    assert "looks damaged or is not a real DOCX file" in response.text


def test_reps_cannot_upload_files(rep_client):
    response = rep_client.post(
        reverse("wagtaildocs:add"),
        {"title": "x", "file": SimpleUploadedFile("x.pdf", make_file("pdf", "x", ["x"])), "collection": 1},
    )
    assert response.status_code in (302, 403)
    assert not CollateralDocument.objects.exists()
