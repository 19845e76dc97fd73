"""Uploads on S3-compatible storage (django-storages), served only through the permission checks.

Tested against moto's S3 server (PyPI ``moto[server]``), started here; no real S3 is used.
"""

import re
import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from django.core.exceptions import ImproperlyConfigured

from content.factories import create_collateral, create_document_for
from home.settings.deploy import storage_from_env
from search import service

pytestmark = pytest.mark.django_db

BUCKET = "commonground-files"


def free_port():
    for port in range(5001, 5006):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5001-5005")


@pytest.fixture
def bucket(settings):
    """moto's S3 server with one private bucket, configured as STORAGE_URL would."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_env(
            {"STORAGE_URL": f"s3://k:s@{BUCKET}/uploads?endpoint_url={endpoint}&region=us-east-1"}
        ),
    }
    yield s3, endpoint
    server.stop()


def keys(s3):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_document_in_the_bucket_downloads_for_a_rep_and_is_searchable_by_its_text(bucket, rep_client, client):
    s3, endpoint = bucket
    document = create_document_for("Narwhal proof", "pdf", ["Narwhal Shipping paid its invoices in nine days."])
    page = create_collateral(title="Narwhal case study", summary="Shipping.", documents=[document])
    assert [key for key in keys(s3) if key.startswith("uploads/documents/narwhal-proof")]

    download = rep_client.get(document.url)
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and body == document.file.open("rb").read() and body.startswith(b"%PDF")
    assert client.get(document.url).status_code == 302  # login first
    page_html = rep_client.get(page.url).text
    assert endpoint not in page_html and "X-Amz" not in page_html

    service.rebuild()
    assert [hit.title for hit in service.search("nine days", exclude_ids=frozenset()).hits] == ["Narwhal case study"]


def test_images_and_renditions_in_the_bucket_go_through_files_with_the_page_permission(
    bucket, rep_client, marketer_client
):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    s3, endpoint = bucket
    image = get_image_model().objects.create(title="Chart", file=get_test_image_file(filename="chart.png"))
    page = create_collateral(title="Charted deck", thumbnail=image)
    rendition = image.get_rendition("fill-40x40")
    assert image.file.url.startswith("/files/") and rendition.url.startswith("/files/")
    assert {f"uploads/{image.file.name}", f"uploads/{rendition.file.name}"} <= set(keys(s3))

    src = re.search(r'<img[^>]*class="thumbnail"[^>]*src="([^"]+)"', rep_client.get(page.url).text)
    shown = rep_client.get(src.group(1) if src else rendition.url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert rep_client.get(image.file.url).status_code == 200

    page.unpublish()  # now only marketing, who may edit it, sees its images
    assert rep_client.get(image.file.url).status_code == 404
    assert marketer_client.get(image.file.url).status_code == 200


def test_storage_settings_from_the_environment():
    assert storage_from_env({}) == {"BACKEND": "home.storage.ProtectedFileSystemStorage"}
    options = storage_from_env({"STORAGE_URL": "s3://files/site?endpoint_url=http://minio:9000&region=eu-west-1"})
    assert options == {
        "BACKEND": "home.storage.ProtectedS3Storage",
        "OPTIONS": {
            "bucket_name": "files",
            "endpoint_url": "http://minio:9000",
            "region_name": "eu-west-1",
            "location": "site",
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
    separate = storage_from_env(
        {"AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "x"}
    )
    assert separate["OPTIONS"]["bucket_name"] == "b" and separate["OPTIONS"]["access_key"] == "id"
    for bad in ["https://bucket", "s3://", "s3://b?acl=public-read"]:
        with pytest.raises(ImproperlyConfigured):
            storage_from_env({"STORAGE_URL": bad})
