"""Attack suite for files: no path, encoding, draft or restriction hands a rep a file they may not see.

Issue 9, items 1 and 3. Private files here are: a file in a collection restricted to Marketing
(attached to a live page reps can see, so only the collection rule protects it), the file of a
collateral page never published, the file of a page published and then unpublished, and the file
of a live page restricted to Marketing. Each holds a marker no other response could contain.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from content.factories import create_collateral, create_document
from content.models import CollateralEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DENIED = ["rep", "no_role"]
ALLOWED = ["marketer", "admin"]


def marker(name):
    return f"PRIVATE-{name}-91c3e7".encode()


def private_pdf(name):
    """Bytes shaped like a PDF with a marker that appears in no page or other file."""
    return b"%PDF-1.4\n" + marker(name) + b"\n%%EOF\n"


def restrict_collection(name, *group_names):
    collection = Collection.get_first_root_node().add_child(name=name)
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name__in=group_names))
    return collection


def restrict_page(page, *group_names):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set(Group.objects.filter(name__in=group_names))


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def clients(rep, no_role_user, marketer, admin_user):
    users = {"rep": rep, "no_role": no_role_user, "marketer": marketer, "admin": admin_user}
    return {role: client_for(user) for role, user in users.items()}


@pytest.fixture
def files(db):
    """Each private kind of file, plus one file every logged-in user may download."""
    made = {
        name: create_document(f"Confidential {name} brief", f"{name}.pdf", private_pdf(name))
        for name in PRIVATE_KINDS + ["public"]
    }

    made["restricted-collection"].collection = restrict_collection("Marketing only", django_settings.MARKETING_GROUP)
    made["restricted-collection"].save()
    create_collateral(title="Live with a restricted file", documents=[made["restricted-collection"]])

    create_collateral(title="Never published", documents=[made["draft"]], publish=False)
    create_collateral(title="Taken down", documents=[made["unpublished"]]).unpublish()
    restrict_page(create_collateral(title="For marketing", documents=[made["restricted-page"]]), "Marketing")

    create_collateral(title="Everyone's", documents=[made["public"]])
    return made


PRIVATE_KINDS = ["restricted-collection", "draft", "unpublished", "restricted-page"]


# --- Item 1: nothing under MEDIA_URL is served -----------------------------------------------


@pytest.mark.parametrize("role", DENIED + ALLOWED)
@pytest.mark.parametrize(
    "template",
    [
        "/media/{name}",
        "/media//{name}",
        "/media/.//{name}",
        "/media/images/%2e%2e/{name}",
        "/media/images/../{name}",
        "/media/%2f{name}",
    ],
)
def test_private_files_are_not_served_from_media_by_any_spelling_of_the_path(clients, files, role, template):
    """The issue's three variants (and friends) downloaded a Marketing-only file for any logged-in
    user. Nothing under MEDIA_URL is routed now, for anyone: files go through permission checks."""
    document = files["restricted-collection"]
    response = clients[role].get(template.format(name=document.file.name))
    assert response.status_code == 404
    assert marker("restricted-collection") not in body_of(response)


SEGMENTS = st.sampled_from(
    [
        "documents",
        "DOCUMENTS",
        "ｄｏｃｕｍｅｎｔｓ",  # fullwidth: NFKC makes it "documents"
        "images",
        "original_images",
        "media",
        "files",
        "",
        ".",
        "..",
        "%2e",
        "%2e%2e",
        "%2E%2e",
        ".%2e",
        "%252e%252e",
        "%c0%ae%c0%ae",
        "..\\",
        "\\..",
        "..;",
        "%00",
    ]
)
SEPARATORS = st.sampled_from(["/", "//", "/./", "%2f", "%2F", "\\", "%5c", "/%2e/", "/;/", "/\u2215"])
PREFIXES = st.sampled_from(["/media/", "/documents/", "/files/", "/files/images/", "/media/images/"])


@st.composite
def odd_paths(draw, documents):
    """A path under /media/, /documents/ or /files/ that tries to reach one private file's bytes."""
    document = draw(st.sampled_from(documents))
    filename = document.file.name.rsplit("/", 1)[-1]
    name_forms = [
        document.file.name,
        filename,
        quote(document.file.name, safe=""),
        document.file.name.upper(),
        f"{document.pk}/{filename}",
        f"{document.pk}//{filename}",
        f"{document.pk}/{quote(filename, safe='')}",
        f"{document.pk}/{filename}/",
        f"0{document.pk}/{filename}",
    ]
    path = draw(PREFIXES)
    for _ in range(draw(st.integers(0, 4))):
        path += draw(SEGMENTS) + draw(SEPARATORS)
    return path + draw(st.sampled_from(name_forms)) + draw(st.sampled_from(["", "?download=1", "#x", "%00", "."]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@example(data=None)
def test_no_encoded_or_odd_path_returns_a_private_file_to_a_rep(clients, files, data):
    """Property: whatever a rep sends under /media/, /documents/ or /files/ (double slashes, ./,
    %2e%2e, %2f, backslashes, unicode look-alikes), no answer holds a private file's bytes, and
    none is a server error."""
    private = [files[name] for name in PRIVATE_KINDS]
    if data is None:  # the issue's own variants, and a NUL that gave a 500 on PostgreSQL, always tried
        name = private[0].file.name
        paths = [f"/media/{prefix}{name}" for prefix in ("/", ".//", "images/%2e%2e/", "images/../")]
        paths.append(f"/files/{name}%00")
    else:
        paths = [data.draw(odd_paths(private))]
    for path in paths:
        response = clients["rep"].get(path)
        assert response.status_code < 500, path
        body = body_of(response)
        for name in PRIVATE_KINDS:
            assert marker(name) not in body, f"{path} gave the {name} file"


# --- Item 3: restricted collections, drafts, unpublished and restricted pages -----------------


@pytest.mark.parametrize("role", DENIED + ALLOWED)
@pytest.mark.parametrize("kind", PRIVATE_KINDS)
def test_private_files_are_404_for_reps_and_download_for_marketing(clients, files, role, kind):
    """A rep or a user with no group gets 404 (not a login page, not the title); marketing and
    admins download drafts, unpublished and restricted files as before."""
    document = files[kind]
    response = clients[role].get(document.url)
    if role in DENIED:
        assert response.status_code == 404
        assert marker(kind) not in body_of(response)
        assert document.title not in response.text
    else:
        assert response.status_code == 200
        assert marker(kind) in body_of(response)


@pytest.mark.parametrize("role", DENIED + ALLOWED)
def test_a_file_on_a_live_page_still_downloads_for_everyone(clients, files, role):
    """The rule only takes away: a live, unrestricted page's file downloads for every role, and a
    draft that uses a published file too does not hide it."""
    create_collateral(title="Draft reusing the public file", documents=[files["public"]], publish=False)
    response = clients[role].get(files["public"].url)
    assert response.status_code == 200
    assert marker("public") in body_of(response)
    # While a page the user may not see is never a reason to serve its file.
    assert clients[role].get(files["restricted-page"].url).status_code == (404 if role in DENIED else 200)


@pytest.mark.parametrize(("role", "expected"), [("rep", 200), ("no_role", 404), ("marketer", 200), ("admin", 200)])
def test_a_collection_opened_to_sales_downloads_for_sales_only(clients, role, expected):
    """A file on no page, in a collection whose view restriction names Sales (and Marketing):
    Sales downloads it, a user with no group gets 404 (Wagtail alone sent them to a login page)."""
    collection = restrict_collection("Sales kit", django_settings.SALES_GROUP, django_settings.MARKETING_GROUP)
    document = create_document("Sales kit", "sales-kit.pdf", private_pdf("sales-kit"))
    document.collection = collection
    document.save()

    response = clients[role].get(document.url)
    assert response.status_code == expected
    assert (marker("sales-kit") in body_of(response)) == (expected == 200)


def test_a_refused_download_is_not_recorded(clients, files):
    """Downloads count for ranking and reports: one the rep did not get must not count."""
    page = create_collateral(title="Live with a restricted file", documents=[files["restricted-collection"]])
    response = clients["rep"].get(f"{files['restricted-collection'].url}?collateral={page.pk}")
    assert response.status_code == 404
    assert not CollateralEvent.objects.filter(type=CollateralEvent.Type.DOWNLOAD).exists()


ADMIN_LISTINGS = [
    "/admin/api/main/documents/",
    "/admin/api/main/documents/?search=brief",
    "/admin/documents/",
    "/admin/documents/chooser/",
    "/admin/documents/chooser/results/?q=brief",
]


@pytest.mark.parametrize("url", ADMIN_LISTINGS)
def test_reps_list_no_documents_in_the_admin(clients, files, url):
    """Reps may open the admin (to edit personas) but hold no document permission: no listing,
    chooser or admin API shows them a document's title or download link."""
    response = clients["rep"].get(url)
    assert response.status_code in (200, 302, 403)
    for document in files.values():
        assert document.title not in response.text
        assert document.filename not in response.text


def test_reps_get_no_document_from_the_admin_api_by_id(clients, files):
    for name in PRIVATE_KINDS:
        response = clients["rep"].get(f"/admin/api/main/documents/{files[name].pk}/")
        assert response.status_code == 404
        assert files[name].title not in response.text


def test_marketing_lists_every_document_in_the_admin_api(clients, files):
    titles = {item["title"] for item in clients["marketer"].get("/admin/api/main/documents/").json()["items"]}
    assert titles == {document.title for document in files.values()}


# --- Images: thumbnails and their renditions follow the page they belong to ------------------


@pytest.fixture
def thumbnails(db):
    Image = get_image_model()
    public = Image.objects.create(title="Public chart", file=get_test_image_file(filename="public-chart.png"))
    secret = Image.objects.create(title="Secret chart", file=get_test_image_file(filename="secret-chart.png"))
    public_page = create_collateral(title="Public deck", thumbnail=public)
    secret_page = create_collateral(title="Secret deck", thumbnail=secret)
    restrict_page(secret_page, "Marketing")
    return {"public": (public, public_page), "secret": (secret, secret_page)}


def thumbnail_src(client, page):
    found = re.search(r'<img[^>]*class="thumbnail"[^>]*>', client.get(page.url).text)
    return re.search(r'src="([^"]+)"', found.group(0)).group(1)


def test_thumbnails_load_for_whoever_may_see_the_page_and_no_one_else(clients, thumbnails):
    public, public_page = thumbnails["public"]
    secret, secret_page = thumbnails["secret"]

    src = thumbnail_src(clients["rep"], public_page)
    assert not src.startswith(django_settings.MEDIA_URL)
    response = clients["rep"].get(src)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"

    secret_src = thumbnail_src(clients["marketer"], secret_page)
    assert clients["marketer"].get(secret_src).status_code == 200
    assert clients["admin"].get(secret.file.url).status_code == 200
    for role in DENIED:
        for url in (secret_src, secret.file.url, f"/media/{secret.file.name}", f"/media//{secret.file.name}"):
            assert clients[role].get(url).status_code == 404, (role, url)


def test_an_image_in_a_restricted_collection_is_404_even_on_a_public_page(clients):
    image = get_image_model().objects.create(
        title="Board slide",
        file=get_test_image_file(filename="board-slide.png"),
        collection=restrict_collection("Board only", django_settings.MARKETING_GROUP),
    )
    page = create_collateral(title="Board deck", thumbnail=image)
    assert clients["marketer"].get(thumbnail_src(clients["marketer"], page)).status_code == 200
    assert clients["rep"].get(page.url).status_code == 200
    assert clients["rep"].get(thumbnail_src(clients["rep"], page)).status_code == 404


def test_images_in_the_body_follow_their_page(clients):
    image = get_image_model().objects.create(title="Inline", file=get_test_image_file(filename="inline.png"))
    embed = f'<embed embedtype="image" format="fullwidth" id="{image.pk}" alt="Inline"/>'
    page = create_collateral(title="Deck with a chart", body=f"<p>Look:</p>{embed}")
    html = clients["rep"].get(page.url).text
    src = re.search(r'class="rich-text">.*?<img[^>]*src="([^"]+)"', html, re.DOTALL).group(1)
    assert clients["rep"].get(src).status_code == 200
    page.unpublish()
    assert clients["rep"].get(src).status_code == 404
    assert clients["marketer"].get(src).status_code == 200


def test_marketing_admin_image_previews_load_and_reps_list_no_images(clients, thumbnails):
    listing = clients["marketer"].get(reverse("wagtailimages:index")).text
    previews = re.findall(r'<img[^>]*src="([^"]+)"', listing)
    assert previews and all(clients["marketer"].get(url).status_code == 200 for url in previews)

    api = clients["rep"].get("/admin/api/main/images/").json()
    assert api["items"] == []


def test_search_never_reads_out_a_file_its_collection_keeps_from_reps(clients, django_capture_on_commit_callbacks):
    """Attack trial, session 5: a Marketing-only file on a live page reps see was quoted by search
    ("Inside the file") and listed on the page. Its text is not indexed and its title not listed."""
    from content.factories import create_document_for
    from search import service

    collection = restrict_collection("Board only", "Marketing")
    secret = create_document_for("Board pricing memo", "pdf", ["Zymurgy discount floor of 31 percent."])
    secret.collection = collection
    secret.save()
    with django_capture_on_commit_callbacks(execute=True):
        page = create_collateral(title="Public pricing page", summary="How we price.", documents=[secret])
    service.rebuild()
    for role in DENIED:
        answer = clients[role].get("/api/search", {"q": "zymurgy"}).json()
        assert answer["results"] == [], role
        assert "Board pricing memo" not in clients[role].get(page.url).text, role
    assert "Board pricing memo" in clients["marketer"].get(page.url).text

    # Opening the collection to everyone puts the file's words back in search.
    with django_capture_on_commit_callbacks(execute=True):
        CollectionViewRestriction.objects.filter(collection=collection).delete()
    assert [hit["title"] for hit in clients["rep"].get("/api/search", {"q": "zymurgy"}).json()["results"]] == [
        "Public pricing page"
    ]


def test_cards_thumbnails_and_the_updated_line_never_name_a_file_its_collection_keeps_from_reps(
    clients, django_capture_on_commit_callbacks
):
    """Attack trial, session 6: a Marketing-only file first on a page reps see gave result cards a
    "Download" link and a thumbnail with its id and name, and the "Updated" line named it."""
    from content.factories import create_document_for
    from content.tasks import previews_now

    collection = restrict_collection("Board only", "Marketing")
    secret = create_document_for("Condor acquisition memo", "pdf", ["Pelicanport merger terms."])
    secret.collection = collection
    secret.save()
    previews_now(secret)
    secret.refresh_from_db()
    assert secret.thumbnail_file, "the thumbnail exists, so only the check can keep it off the card"
    page = create_collateral(title="Pelicanport brief", summary="Pelicanport for everyone.")
    clients["rep"].get(page.url)  # the rep has seen the page once
    with django_capture_on_commit_callbacks(execute=True):
        page.files.create(document=secret)
        page.save_revision().publish()

    for role in DENIED:
        for url in ("/search/?q=pelicanport", "/collateral/", page.url):
            body = clients[role].get(url).text
            assert f"/documents/{secret.pk}/" not in body and f"/previews/{secret.pk}/" not in body, (role, url)
            assert "Condor acquisition memo" not in body, (role, url)
    marketing_view = clients["marketer"].get("/search/?q=pelicanport").text
    assert f"/documents/{secret.pk}/" in marketing_view and f"/previews/{secret.pk}/" in marketing_view
