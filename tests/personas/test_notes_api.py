"""POST /api/notes: CRM and chat integrations file notes, validated like the form, rate limited."""

import json

import pytest

from wagtail.models import APIToken

from personas.models import ObjectionNote
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(rep):
    return APIToken.create_token(user=rep, name="crm")[1]


def post(client, token, payload, **headers):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post("/api/notes", body, content_type="application/json", **headers)


def valid(persona, objection, **changes):
    return {"persona": persona.slug, "objection": objection.slug, "text": "Too pricey this quarter", **changes}


def test_a_crm_files_a_note_and_it_counts_on_the_persona_page(client, rep_client, rep, token, persona, objection):
    response = post(client, token, valid(persona, objection, outcome="lost", stage="proposal", external_id="crm-1"))
    assert response.status_code == 201
    data = response.json()
    assert data["persona"] == "cfo" and data["objection"] == "price" and data["outcome"] == "lost"
    assert data["author"] == "Riley" and data["external_id"] == "crm-1" and data["helped"] is None
    note = ObjectionNote.objects.get()
    assert (note.pk, note.author, note.deal_stage_id) == (data["id"], rep, "proposal")
    assert "<strong>1</strong> in the last 90 days" in rep_client.get(persona.url).text


def test_a_retry_with_the_same_external_id_never_duplicates(client, token, persona, objection):
    first = post(client, token, valid(persona, objection, external_id="crm-7"))
    again = post(client, token, valid(persona, objection, external_id="crm-7"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert ObjectionNote.objects.count() == 1


def test_the_asset_used_and_whether_it_helped(client, token, persona, objection, collateral):
    response = post(client, token, valid(persona, objection, collateral=collateral.pk, helped=True))
    assert response.status_code == 201 and response.json()["helped"] is True
    refused = post(client, token, valid(persona, objection, helped=False))
    assert refused.status_code == 400 and "collateral" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"persona": None}, None, "are text"),
        ({"persona": ""}, "persona", "required"),
        ({"persona": "nobody"}, "persona", "does not exist"),
        ({"objection": "nothing"}, "objection", "does not exist"),
        ({"text": ""}, "text", "Write down what the prospect said"),
        ({"text": "x" * 5001}, "text", "under 5,000 characters"),
        ({"text": "a\x00b"}, "text", "Null characters are not allowed."),
        ({"text": 5}, None, "are text"),
        ({"outcome": "maybe"}, "outcome", "not one of the available choices"),
        ({"helped": "yes"}, "helped", "helped is true, false or null"),
        ({"stage": "no-such-stage"}, "stage", "not one of the available choices"),
        ({"collateral": 99999}, "collateral", "not published"),
        ({"collateral": "7"}, None, "collateral is a page id or null"),
    ],
)
def test_bad_notes_get_clear_errors_and_nothing_is_saved(client, token, persona, objection, changes, field, message):
    response = post(client, token, {**valid(persona, objection), **changes})
    assert response.status_code == 400
    data = response.json()
    text = " ".join(data["errors"][field]) if field else data["error"]
    assert message in text
    assert not ObjectionNote.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(client, token, body):
    response = post(client, token, body)
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]


def test_html_is_stored_as_typed_and_shown_escaped(client, rep_client, token, persona, objection):
    post(client, token, valid(persona, objection, text='<img src=x onerror="alert(1)"> pricey'))
    assert ObjectionNote.objects.get().text == '<img src=x onerror="alert(1)"> pricey'
    page = rep_client.get(persona.url).text
    assert '<img src=x onerror="alert(1)">' not in page and "&lt;img src=x" in page


def test_who_may_post(client, rep_client, no_role_user, persona, objection):
    assert post(client, None, valid(persona, objection)).status_code == 401
    assert post(client, "wrong-token", valid(persona, objection)).status_code == 401
    assert post(rep_client, None, valid(persona, objection)).status_code == 401  # a session cookie is not enough
    _token, secret = APIToken.create_token(user=no_role_user, name="x")
    assert post(client_for(no_role_user), secret, valid(persona, objection)).status_code == 403
    assert client.get("/api/notes", HTTP_AUTHORIZATION="Bearer x").status_code == 405
    assert not ObjectionNote.objects.exists()


def test_each_user_is_rate_limited_with_retry_after(settings, client, token, persona, objection, marketer):
    settings.NOTES_API_PER_MINUTE = 3
    statuses = [post(client, token, valid(persona, objection, text=f"n{n}")).status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = post(client, token, valid(persona, objection))
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "Too many notes" in limited.json()["error"]
    assert ObjectionNote.objects.count() == 3
    _token, other = APIToken.create_token(user=marketer, name="other")
    assert post(client, other, valid(persona, objection)).status_code == 201  # limits are per user
