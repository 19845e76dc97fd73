"""Filing an objection note: the happy path, pre-filling, and every kind of bad input."""

import pytest

from django.urls import reverse

from personas.models import NOTE_TEXT_MAX_LENGTH, ObjectionNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def note_data(persona, objection):
    return {
        "persona": persona.pk,
        "objection": objection.pk,
        "text": "They said it costs twice what they budgeted.",
        "deal_stage": "proposal",
        "outcome": "lost",
        "helped": "unknown",
    }


def test_note_is_saved_with_author_and_time_and_listed_at_once(rep_client, rep, note_data, persona):
    response = rep_client.post(reverse("note_create"), note_data, follow=True)

    note = ObjectionNote.objects.get()
    assert note.author == rep
    assert note.created is not None
    assert note.outcome == "lost"
    assert "Note saved" in response.text
    assert "They said it costs twice what they budgeted." in response.text  # on "Your notes"
    home = rep_client.get("/")
    assert "Your recent notes" in home.text and persona.title in home.text


def test_note_shows_on_persona_page_with_count(rep_client, note_data, persona, objection):
    rep_client.post(reverse("note_create"), note_data)
    rep_client.post(reverse("note_create"), {**note_data, "text": "Too pricey, again."})

    page = rep_client.get(persona.url)
    assert "They said it costs twice what they budgeted." in page.text
    assert "Too pricey, again." in page.text
    row = f'data-objection="{objection.slug}"><td><a href="#objection-{objection.slug}">{objection.name}</a></td>'
    assert row + '<td class="num">2</td>' in page.text


def test_form_is_prefilled_from_persona_and_collateral(rep_client, persona, collateral, objection):
    response = rep_client.get(reverse("note_create"), {"collateral": collateral.pk})
    form = response.context["form"]
    assert form.initial["collateral"] == collateral.pk
    assert form.initial["persona"] == persona.pk, "a one-persona asset pre-selects its persona"

    response = rep_client.get(reverse("note_create"), {"persona": persona.pk, "objection": objection.pk})
    assert response.context["form"].initial == {"persona": persona.pk, "objection": objection.pk}


def test_prefill_ignores_unknown_and_malformed_ids(rep_client):
    response = rep_client.get(reverse("note_create"), {"persona": "99999", "objection": "abc", "collateral": "-1"})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_after_saving_returns_to_the_page_it_came_from(rep_client, note_data, persona):
    response = rep_client.post(reverse("note_create"), {**note_data, "next": persona.url})
    assert response.status_code == 302 and response.url == persona.url


def test_next_url_to_another_site_is_ignored(rep_client, note_data):
    response = rep_client.post(reverse("note_create"), {**note_data, "next": "https://evil.example/phish"})
    assert response.status_code == 302 and response.url == reverse("my_notes")


def test_empty_text_is_refused_with_a_clear_message(rep_client, note_data):
    response = rep_client.post(reverse("note_create"), {**note_data, "text": "   "})
    assert response.status_code == 200
    assert "Write down what the prospect said" in response.text
    assert not ObjectionNote.objects.exists()


def test_enormous_text_is_refused_and_kept_in_the_form(rep_client, note_data):
    text = "The CFO talked about price for an hour. " * 500  # 20,000 characters
    assert len(text) == 20_000
    response = rep_client.post(reverse("note_create"), {**note_data, "text": text})
    assert response.status_code == 200
    assert f"Keep the note under {NOTE_TEXT_MAX_LENGTH:,} characters" in response.text
    assert response.context["form"]["text"].value() == text, "nothing the rep typed is lost"
    assert not ObjectionNote.objects.exists()


def test_html_and_script_are_stored_as_typed_and_shown_escaped(rep_client, note_data, persona):
    text = '<script>alert("x")</script><b>bold</b> & "quotes"'
    rep_client.post(reverse("note_create"), {**note_data, "text": text})

    assert ObjectionNote.objects.get().text == text
    for url in (persona.url, reverse("my_notes")):
        page = rep_client.get(url).text
        assert '<script>alert("x")</script>' not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("field", ["persona", "objection", "collateral"])
def test_unknown_ids_are_refused(rep_client, note_data, field):
    response = rep_client.post(reverse("note_create"), {**note_data, field: 987654})
    assert response.status_code == 200
    assert "does not exist (any more)" in response.text or "is not published" in response.text
    assert not ObjectionNote.objects.exists()


def test_non_numeric_ids_are_refused_without_error(rep_client, note_data):
    response = rep_client.post(reverse("note_create"), {**note_data, "persona": "'; DROP TABLE x;--"})
    assert response.status_code == 200
    assert not ObjectionNote.objects.exists()


def test_saying_an_asset_helped_requires_naming_it(rep_client, note_data):
    response = rep_client.post(reverse("note_create"), {**note_data, "helped": "yes"})
    assert response.status_code == 200
    assert "Pick the collateral you used" in response.text


def test_note_about_an_asset_records_whether_it_helped(rep_client, note_data, collateral):
    rep_client.post(reverse("note_create"), {**note_data, "collateral": collateral.pk, "helped": "yes"})
    note = ObjectionNote.objects.get()
    assert note.collateral == collateral and note.helped == "yes"
    page = rep_client.get(collateral.url)
    assert "1 note mentions this asset" in page.text


def test_hidden_notes_leave_the_persona_page_but_stay_stored(rep_client, note_data, persona):
    rep_client.post(reverse("note_create"), note_data)
    ObjectionNote.objects.update(status=ObjectionNote.Status.HIDDEN)
    page = rep_client.get(persona.url)
    assert "They said it costs twice" not in page.text
    assert ObjectionNote.objects.count() == 1


def notes_section(html):
    """The persona page's list of notes (the insights above it quote the latest ones too)."""
    return html[html.index('id="notes-heading"') :]


def test_persona_notes_are_paginated_newest_first(rep_client, rep, persona, objection):
    for number in range(25):
        ObjectionNote.objects.create(persona=persona, objection=objection, author=rep, text=f"Note number {number}")
    first = notes_section(rep_client.get(persona.url).text)
    assert "Note number 24" in first and "Note number 5" in first and "Note number 4" not in first
    second = notes_section(rep_client.get(persona.url, {"page": 2}).text)
    assert "Note number 4" in second and "Note number 24" not in second
    assert rep_client.get(persona.url, {"page": "999"}).status_code == 200
    assert rep_client.get(persona.url, {"page": "-1"}).status_code == 200


def test_null_characters_are_refused_with_a_message(rep_client, note_data):
    response = rep_client.post(reverse("note_create"), {**note_data, "text": "Budget\x00 frozen"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.text
    assert not ObjectionNote.objects.exists()
