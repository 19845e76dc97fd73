"""Who may do what: every role against every kind of action, allowed and denied."""

import pytest

from django.urls import reverse

from content.models import CollateralIndexPage, CollateralPage
from personas.models import Objection, ObjectionNote, PersonaPage
from tests.admin_forms import collateral_form_data, objection_form_data, persona_form_data
from tests.security.admin_world import outcome

ROLES = ["anonymous", "no_role", "rep", "marketer", "admin"]


@pytest.fixture
def client_as(client, rep, marketer, admin_user, no_role_user):
    users = {"anonymous": None, "no_role": no_role_user, "rep": rep, "marketer": marketer, "admin": admin_user}

    def login(role):
        if users[role] is not None:
            client.force_login(users[role])
        return client

    return login


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def assert_admin_denied(response):
    """Wagtail answers a forbidden admin action with 403 or a redirect to the dashboard with its
    "Sorry, you do not have permission" error; a login without admin access goes to the admin's
    login page with "You do not have permission to access the admin" (see `outcome`)."""
    assert outcome(response) in ("denied", "no admin"), (response.status_code, response.get("Location"))


@pytest.mark.parametrize("role", ROLES)
def test_view_site_page(client_as, role, persona):
    response = client_as(role).get(persona.url)
    if role == "anonymous":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 200
        assert persona.role in response.text


@pytest.mark.parametrize("role", ROLES)
def test_download_file(client_as, role, collateral):
    document = collateral.files.get().document
    response = client_as(role).get(document.url)
    if role == "anonymous":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("role", ROLES)
def test_uploaded_files_are_not_public_media(client_as, role, collateral):
    """The file on disk is never served by path, even to a logged-in user: only through the document view."""
    document = collateral.files.get().document
    response = client_as(role).get(f"/media/{document.file.name}")
    assert response.status_code == 404, "nothing is routed under /media/, for anyone"


@pytest.mark.parametrize("role", ROLES)
def test_open_admin(client_as, role):
    response = client_as(role).get(reverse("wagtailadmin_home"))
    if role == "anonymous":
        assert_sent_to_login(response)
    elif role == "no_role":
        assert response.status_code == 302 and "/admin/login/" in response.url
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_create_and_publish_collateral(client_as, role, persona, objection, collateral):
    index = CollateralIndexPage.objects.get()
    document = collateral.files.get().document
    url = reverse("wagtailadmin_pages:add", args=("content", "collateralpage", index.pk))
    response = client_as(role).post(url, collateral_form_data("New battlecard", persona, objection, document))
    created = CollateralPage.objects.filter(title="New battlecard").first()
    if role == "anonymous":
        assert_sent_to_login(response)
    if role in ("marketer", "admin"):
        assert response.status_code == 302
        assert created is not None and created.live
        assert list(created.personas.all()) == [persona]
        assert created.files.get().document == document
    else:
        assert created is None
        if role != "anonymous":
            assert_admin_denied(response)


@pytest.mark.parametrize("role", ROLES)
def test_edit_collateral(client_as, role, persona, objection, collateral):
    document = collateral.files.get().document
    data = collateral_form_data("Renamed by someone", persona, objection, document)
    data["slug"] = collateral.slug
    response = client_as(role).post(reverse("wagtailadmin_pages:edit", args=(collateral.pk,)), data)
    collateral.refresh_from_db()
    if role in ("marketer", "admin"):
        assert collateral.title == "Renamed by someone"
    else:
        assert collateral.title == "ROI one-pager"
        if role == "anonymous":
            assert_sent_to_login(response)
        else:
            assert_admin_denied(response)


@pytest.mark.parametrize("role", ROLES)
def test_edit_taxonomy(client_as, role):
    url = reverse("wagtailsnippets_personas_objection:add")
    response = client_as(role).post(url, objection_form_data("Vendor lock-in", "lock-in"))
    exists = Objection.objects.filter(slug="lock-in").exists()
    if role in ("marketer", "admin"):
        assert response.status_code == 302
        assert exists
    else:
        assert not exists
        if role == "anonymous":
            assert_sent_to_login(response)
        else:
            assert_admin_denied(response)


@pytest.mark.parametrize("role", ROLES)
def test_edit_persona(client_as, role, persona):
    url = reverse("wagtailadmin_pages:edit", args=(persona.pk,))
    response = client_as(role).post(url, persona_form_data(persona, summary="Signs off anything over 50k."))
    persona = PersonaPage.objects.get(pk=persona.pk)
    if role in ("rep", "marketer", "admin"):
        assert response.status_code == 302
        assert persona.summary == "Signs off anything over 50k."
        assert persona.revisions.count() == 2, "each edit is kept as a revision"
    else:
        assert persona.summary == "Owns the budget."
        if role == "anonymous":
            assert_sent_to_login(response)
        else:
            assert_admin_denied(response)


@pytest.mark.parametrize("role", ROLES)
def test_file_note(client_as, role, persona, objection):
    data = {
        "persona": persona.pk,
        "objection": objection.pk,
        "text": "Too pricey for this year.",
        "deal_stage": "demo",
        "outcome": "open",
        "helped": "unknown",
    }
    response = client_as(role).post(reverse("note_create"), data)
    saved = ObjectionNote.objects.filter(text="Too pricey for this year.").first()
    if role in ("rep", "marketer", "admin"):
        assert response.status_code == 302
        assert saved is not None
    else:
        assert saved is None
        if role == "anonymous":
            assert_sent_to_login(response)
        else:
            assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_moderate_notes(client_as, role, persona, objection, rep):
    note = ObjectionNote.objects.create(persona=persona, objection=objection, author=rep, text="Budget frozen.")
    url = reverse("wagtailsnippets_personas_objectionnote:edit", args=(note.pk,))
    data = {
        "persona": persona.pk,
        "objection": objection.pk,
        "text": "Budget frozen.",
        "deal_stage": "discovery",
        "outcome": "open",
        "helped": "unknown",
        "status": "hidden",
    }
    response = client_as(role).post(url, data)
    note.refresh_from_db()
    if role in ("marketer", "admin"):
        assert note.status == "hidden"
    else:
        assert note.status == "visible"
        if role == "anonymous":
            assert_sent_to_login(response)
        else:
            assert_admin_denied(response)
