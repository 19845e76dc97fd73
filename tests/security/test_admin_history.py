"""Wagtail's site history report shows a model's log to anyone with any permission on it: reps,
who file notes but do not moderate them, must not read Marketing's moderation log."""

import pytest

from wagtail.log_actions import log

from personas.factories import create_note
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"


def test_reps_do_not_read_the_log_of_moderated_notes(rep, marketer, persona, objection):
    note = create_note(persona, objection, rep, text="Said something rude about procurement")
    log(instance=note, action="wagtail.edit", user=marketer, title="Quarantined remark (hidden)")
    for role, sees in ((marketer, True), (rep, False)):
        client = client_for(role)
        for url in (REPORT, f"{REPORT}?export=csv"):
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            assert ("Quarantined remark" in content.decode()) is sees, (role, url)


def test_reps_still_file_notes_on_the_site(rep_client, persona, objection):
    response = rep_client.post(
        "/notes/new/",
        {
            "persona": persona.pk,
            "objection": objection.pk,
            "text": "Too pricey",
            "deal_stage": "discovery",
            "outcome": "open",
            "helped": "unknown",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert persona.notes.filter(text="Too pricey").exists()
