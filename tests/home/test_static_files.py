"""Static files: hashed and compressed after collectstatic, and still served before it (whitenoise)."""

import gzip

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.templatetags.static import static

from home.storage import CompressedStaticFilesStorage


def test_before_collectstatic_pages_get_plain_urls_instead_of_failing(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # nothing collected, no manifest
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "home.storage.CompressedStaticFilesStorage"}}
    assert static("wagtailadmin/css/core.css") == "/static/wagtailadmin/css/core.css"


def test_collected_files_are_hashed_and_gzipped(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "collected"
    source = FileSystemStorage(location=tmp_path / "source")
    source.save("site.css", ContentFile(b"body { color: #123; }\n" * 200))
    storage = CompressedStaticFilesStorage(location=settings.STATIC_ROOT)
    with source.open("site.css") as handle:
        storage.save("site.css", handle)
    processed = list(storage.post_process({"site.css": (source, "site.css")}))
    hashed = [name for _original, name, done in processed if done and name.startswith("site.")][0]
    assert hashed != "site.css" and storage.url("site.css") == f"/static/{hashed}"
    assert (settings.STATIC_ROOT / "staticfiles.json").exists()  # what WHITENOISE_USE_FINDERS looks for
    with gzip.open(settings.STATIC_ROOT / f"{hashed}.gz") as compressed:
        assert compressed.read().startswith(b"body { color: #123; }")
