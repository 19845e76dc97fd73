"""POST /api/notes: an `external_id` is an idempotency key of the user who sent it, never global.

A second user who happens to send an id the first one used files their own note; a client that
retries the same id from several threads at once gets the one note back, never a server error.
"""

import json
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client

from wagtail.models import APIToken

from personas.models import ObjectionNote

THREADS = 8
ROUNDS = 3


def token_for(user, name="crm"):
    return APIToken.create_token(user=user, name=name)[1]


def post_note(client, token, payload):
    return client.post(
        "/api/notes", json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def note(persona, objection, **changes):
    return {"persona": persona.slug, "objection": objection.slug, "text": "Too pricey this quarter", **changes}


@pytest.mark.django_db
def test_another_user_with_the_same_external_id_files_their_own_note(rep, marketer, persona, objection):
    first = post_note(Client(), token_for(rep), note(persona, objection, text="Riley heard this", external_id="crm-1"))
    second = post_note(
        Client(), token_for(marketer), note(persona, objection, text="Morgan heard that", external_id="crm-1")
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["text"] == "Morgan heard that" and second.json()["author"] == "Morgan"
    assert ObjectionNote.objects.filter(external_id="crm-1").count() == 2


@pytest.mark.django_db
def test_another_users_hidden_note_is_never_answered(rep, marketer, persona, objection):
    first = post_note(Client(), token_for(rep), note(persona, objection, text="Said in confidence", external_id="x-9"))
    ObjectionNote.objects.filter(pk=first.json()["id"]).update(status=ObjectionNote.Status.HIDDEN)

    second = post_note(Client(), token_for(marketer), note(persona, objection, text="Mine", external_id="x-9"))

    assert second.status_code == 201
    assert "Said in confidence" not in second.text


@pytest.mark.django_db
def test_a_retry_from_the_same_user_still_answers_the_first_note(rep, persona, objection):
    token = token_for(rep)
    first = post_note(Client(), token, note(persona, objection, external_id="crm-2"))
    again = post_note(Client(), token, note(persona, objection, text="edited on retry", external_id="crm-2"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert ObjectionNote.objects.count() == 1


@pytest.mark.django_db
def test_notes_without_external_id_never_collide(rep, persona, objection):
    token = token_for(rep)
    statuses = [post_note(Client(), token, note(persona, objection, text=f"n{n}")).status_code for n in range(3)]
    statuses.append(post_note(Client(), token, note(persona, objection, external_id="")).status_code)
    assert statuses == [201, 201, 201, 201]
    assert ObjectionNote.objects.filter(external_id=None).count() == 4


@pytest.fixture
def own_connection_per_thread(rep, persona, objection):
    """Threads that each open the database on their own, as gunicorn's workers do.

    PostgreSQL needs nothing. SQLite's test database lives in memory, where concurrent writers
    fail with "table is locked" whatever the code does; so this copies it (users, persona,
    objection and all) to a file with the site's own settings (WAL, BEGIN IMMEDIATE) for the test.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    in_memory = connections[DEFAULT_DB_ALIAS]
    in_memory.ensure_connection()
    path = str(Path(tempfile.mkdtemp(prefix="race-")) / "race.sqlite3")
    with sqlite3.connect(path) as copy:
        in_memory.connection.backup(copy)
    # Every thread's connection reads this (shared) dict; the open in-memory one is set aside.
    original_name = in_memory.settings_dict["NAME"]
    in_memory.settings_dict["NAME"] = path
    on_file = type(in_memory)(in_memory.settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = on_file
    try:
        yield
    finally:
        on_file.close()
        in_memory.settings_dict["NAME"] = original_name
        connections[DEFAULT_DB_ALIAS] = in_memory


def race(token, payload):
    """THREADS clients send the same note at the same moment; returns their (status, content type, body)."""
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def send(index):
        client = Client(raise_request_exception=False)
        barrier.wait()
        try:
            response = post_note(client, token, payload)
            answers[index] = (response.status_code, response["Content-Type"], response.content)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # groups and pages come back after a flush
def test_concurrent_retries_get_the_one_note_never_a_server_error(
    settings, own_connection_per_thread, rep, persona, objection
):
    settings.NOTES_API_PER_MINUTE = 10_000
    token = token_for(rep)
    for round_number in range(ROUNDS):
        payload = note(persona, objection, external_id=f"race-{round_number}")
        answers = race(token, payload)

        statuses = sorted(status for status, _type, _body in answers)
        assert statuses == [200] * (THREADS - 1) + [201], answers
        assert {content_type for _status, content_type, _body in answers} == {"application/json"}
        ids = {json.loads(body)["id"] for _status, _type, body in answers}
        assert len(ids) == 1
        assert ObjectionNote.objects.filter(external_id=payload["external_id"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ["k" * 100 + "1", "k" * 100 + "2", "crm-1\x00", "crm-1\n", ["crm-1"], True])
def test_a_key_that_would_be_cut_or_cleaned_is_refused_not_merged(rep, persona, objection, odd):
    """Cut to 100 characters or stripped of NUL, two different keys would answer with one note."""
    token = token_for(rep)
    assert post_note(Client(), token, note(persona, objection, external_id="k" * 100)).status_code == 201
    response = post_note(Client(), token, note(persona, objection, text="Another call", external_id=odd))
    assert response.status_code == 400 and "external_id" in response.json()["errors"]
    assert post_note(Client(), token, note(persona, objection, external_id=12345)).status_code == 201
    assert ObjectionNote.objects.count() == 2


@pytest.mark.django_db
def test_a_retry_does_not_name_a_persona_or_asset_restricted_since(rep, persona, objection):
    from django.contrib.auth.models import Group

    from wagtail.models import PageViewRestriction

    from content.factories import create_collateral

    asset = create_collateral(title="Pricing sheet", personas=[persona])
    token = token_for(rep)
    first = post_note(Client(), token, note(persona, objection, collateral=asset.pk, external_id="crm-3"))
    assert (first.json()["persona"], first.json()["collateral"]) == (persona.slug, asset.pk)
    for page in (persona, asset):
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.set([Group.objects.get_or_create(name="Leadership only")[0]])

    again = post_note(Client(), token, note(persona, objection, external_id="crm-3"))

    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert (again.json()["persona"], again.json()["persona_url"], again.json()["collateral"]) == (None, None, None)
    assert persona.slug not in again.text and persona.url not in again.text
