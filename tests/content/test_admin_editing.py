"""Marketing's editing in the Wagtail admin: preview, owners, and protection of what notes refer to."""

import pytest

from django.core.cache import cache
from django.urls import reverse

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.models import CollateralIndexPage
from personas.models import Objection, ObjectionNote, PersonaIndexPage, PersonaPage
from tests.admin_forms import collateral_form_data
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_marketer_previews_collateral_before_publishing(marketer_client, persona, objection, collateral):
    index = CollateralIndexPage.objects.get()
    document = collateral.files.get().document
    url = reverse("wagtailadmin_pages:preview_on_add", args=("content", "collateralpage", index.pk))
    data = collateral_form_data("Preview battlecard", persona, objection, document)

    assert marketer_client.post(url, data).json()["is_valid"]
    preview = marketer_client.get(url)

    assert preview.status_code == 200
    assert "Preview battlecard" in preview.text
    assert document.title in preview.text
    assert persona.title in preview.text


def test_marketer_previews_a_new_persona(marketer_client):
    index = PersonaIndexPage.objects.get()
    url = reverse("wagtailadmin_pages:preview_on_add", args=("personas", "personapage", index.pk))
    data = nested_form_data(
        {
            "title": "COO",
            "slug": "coo",
            "role": "Chief Operating Officer",
            "summary": "Runs operations.",
            "goals": rich_text("<p>Fewer handoffs</p>"),
            "pains": rich_text("<p></p>"),
            "decision_criteria": rich_text("<p></p>"),
            "quotes": streamfield([("quote", {"text": "Show me the workflow.", "source": "COO"})]),
        }
    )

    assert marketer_client.post(url, data).json()["is_valid"]
    preview = marketer_client.get(url)

    assert preview.status_code == 200
    assert "Chief Operating Officer" in preview.text and "Show me the workflow." in preview.text


def test_new_collateral_is_owned_by_its_creator_and_owners_are_marketers(marketer_client, marketer, rep):
    index = CollateralIndexPage.objects.get()
    response = marketer_client.get(reverse("wagtailadmin_pages:add", args=("content", "collateralpage", index.pk)))

    owner_field = response.context["form"]["content_owner"]
    assert owner_field.initial == marketer.pk
    choices = {str(label) for _value, label in owner_field.field.choices}
    assert "Morgan" in choices
    assert "rep" not in choices and "Riley" not in choices, "reps do not own collateral"


def test_persona_with_notes_cannot_be_deleted(client, persona, objection, rep):
    ObjectionNote.objects.create(persona=persona, objection=objection, author=rep, text="Too pricey.")
    admin = make_user("boss", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.post(reverse("wagtailadmin_pages:delete", args=(persona.pk,)), follow=True)

    assert PersonaPage.objects.filter(pk=persona.pk).exists()
    assert ObjectionNote.objects.count() == 1
    assert "has 1 objection notes, so it cannot be deleted" in response.text


def test_objection_with_notes_cannot_be_deleted_but_an_unused_one_can(marketer_client, persona, objection, rep):
    ObjectionNote.objects.create(persona=persona, objection=objection, author=rep, text="Too pricey.")
    unused = Objection.objects.create(name="Unused", slug="unused")

    blocked = marketer_client.post(
        reverse("wagtailsnippets_personas_objection:delete", args=(objection.pk,)), follow=True
    )
    assert Objection.objects.filter(pk=objection.pk).exists()
    assert "cannot be deleted. Rename it or merge it instead" in blocked.text

    marketer_client.post(reverse("wagtailsnippets_personas_objection:delete", args=(unused.pk,)))
    assert not Objection.objects.filter(pk=unused.pk).exists()


def test_persona_page_queries_do_not_grow_with_notes(rep_client, rep, persona, objection, collateral):
    def queries_for_page():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # insights computed afresh each time, not read from the cache
        with CaptureQueriesContext(connection) as captured:
            assert rep_client.get(persona.url).status_code == 200
        return len(captured)

    for number in range(3):
        ObjectionNote.objects.create(persona=persona, objection=objection, author=rep, text=f"n{number}")
    queries_for_page()  # warm-up: Django keeps content types in memory after the first request
    few = queries_for_page()
    for number in range(17):
        other = make_user(f"rep{number}")
        ObjectionNote.objects.create(
            persona=persona, objection=objection, author=other, collateral=collateral, text="x"
        )
    assert queries_for_page() == few
