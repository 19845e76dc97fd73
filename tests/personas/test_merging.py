"""Merging "too expensive" into "price": every note, tag, request and synonym moves; nothing is lost."""

import json

import pytest

from wagtail.models import APIToken

from content.factories import create_collateral
from content.models import CollateralPage, ContentRequest
from personas.factories import create_note, create_objection
from personas.merging import MergeError, merge_objections, merge_preview
from personas.models import MergedObjection, Objection, ObjectionNote
from search import service

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(persona, rep, objection):
    expensive = create_objection("Too expensive", slug="too-expensive", synonyms="costly, Price is too high")
    create_note(persona, expensive, rep, text="Costly for a team of five")
    create_note(persona, expensive, rep, text="Over what they pay now")
    create_note(persona, objection, rep, text="Price is too high")
    return expensive


def test_merge_moves_notes_tags_requests_and_synonyms(persona, objection, duplicate, rep, marketer):
    both = create_collateral(title="Pricing sheet", objections=[objection, duplicate])
    only_old = create_collateral(title="Cost calculator", objections=[duplicate])
    ContentRequest.objects.create(persona=persona, objection=duplicate, description="x", requested_by=rep)

    # What the confirmation announces: "costly" is the one word "Price is too high" gains.
    assert merge_preview(duplicate, objection) == {"notes": 2, "assets": 2, "requests": 1, "synonyms": 1}
    assert merge_objections(duplicate, objection, user=marketer) == 2

    assert not Objection.objects.filter(pk=duplicate.pk).exists()
    assert ObjectionNote.objects.filter(objection=objection).count() == 3
    for page in (both, only_old):
        assert list(CollateralPage.objects.get(pk=page.pk).objections.all()) == [objection]
    assert ContentRequest.objects.get().objection == objection
    objection.refresh_from_db()
    assert "costly" in objection.synonym_list and "Price is too high" not in objection.synonym_list
    record = MergedObjection.objects.get()
    assert (record.former_slug, record.merged_into, record.merged_by, record.notes_moved) == (
        "too-expensive",
        objection,
        marketer,
        2,
    )


def test_after_a_merge_search_finds_the_merged_words(persona, objection, duplicate, django_capture_on_commit_callbacks):
    create_collateral(title="Cost calculator", objections=[duplicate], summary="Work out the total.")
    service.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        merge_objections(duplicate, objection)
    titles = [hit.title for hit in service.search("costly", exclude_ids=frozenset()).hits]
    assert titles == ["Cost calculator"]  # "costly" is now a synonym of "Price is too high", which it is tagged with


def test_merging_into_itself_is_refused_and_changes_nothing(objection, duplicate):
    with pytest.raises(MergeError, match="cannot be merged into itself"):
        merge_objections(duplicate, duplicate)
    assert Objection.objects.count() == 2 and ObjectionNote.objects.filter(objection=duplicate).count() == 2


def test_notes_that_arrive_naming_the_merged_objection_are_kept(client, rep, rep_client, persona, objection, duplicate):
    merge_objections(duplicate, objection)
    # A form opened before the merge still posts the old id.
    response = rep_client.post(
        "/notes/new/", {"persona": persona.pk, "objection": duplicate.pk, "text": "Late note", "deal_stage": "demo",
                        "outcome": "open", "collateral": "", "helped": "unknown"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ObjectionNote.objects.get(text="Late note").objection == objection
    # An integration still sends the old slug.
    _token, secret = APIToken.create_token(user=rep, name="crm")
    body = json.dumps({"persona": persona.slug, "objection": "too-expensive", "text": "Via CRM"})
    api = client.post("/api/notes", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 201 and api.json()["objection"] == objection.slug
    # A note saved with the old id directly (the race inside a request) lands on the survivor.
    racing = ObjectionNote(persona=persona, objection_id=duplicate.pk, author=rep, text="Racing")
    racing.save()
    assert ObjectionNote.objects.get(text="Racing").objection == objection


def test_marketing_merges_in_the_admin_and_sales_may_not(marketer_client, rep_client, objection, duplicate):
    listing = marketer_client.get("/admin/snippets/personas/objection/").text
    assert f"/admin/objections/{duplicate.pk}/merge/" in listing
    assert rep_client.get(f"/admin/objections/{duplicate.pk}/merge/").status_code in (302, 403)
    refused = marketer_client.post(f"/admin/objections/{duplicate.pk}/merge/", {"target": duplicate.pk})
    assert "That objection no longer exists; pick another." in refused.text  # itself is not on the list
    review = marketer_client.post(f"/admin/objections/{duplicate.pk}/merge/", {"target": objection.pk})
    assert Objection.objects.filter(pk=duplicate.pk).exists()  # nothing moves before confirming
    assert "Merge “Too expensive” into “Price is too high”?" in review.text
    response = marketer_client.post(
        f"/admin/objections/{duplicate.pk}/merge/", {"target": objection.pk, "confirmed": "True"}, follow=True
    )
    assert "Merged “Too expensive” into “Price is too high”: 2 notes moved" in response.text
    assert not Objection.objects.filter(pk=duplicate.pk).exists()
    assert marketer_client.get(f"/admin/objections/{duplicate.pk}/merge/").status_code == 404
