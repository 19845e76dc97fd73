"""Every /api/ URL answers JSON: 401/403 with a message, 400 for bad input, never an HTML page,
a login redirect or a 500; and what a form accepts always fits the column it ends up in.

The fuzz tests (hypothesis) print how many examples each endpoint ran: `FUZZ <endpoint>: <n>`.
"""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django import forms
from django.apps import apps
from django.db import models
from django.test import Client

from wagtail.models import APIToken, Page
from wagtail.snippets.models import get_snippet_models

from content import forms as content_forms
from content.factories import create_collateral
from content.models import ContentRequest
from home.models import Notification
from personas import admin_views as persona_admin_views
from personas import bulk_actions as persona_bulk_actions
from personas import forms as persona_forms
from personas.factories import create_objection, create_persona
from personas.models import ObjectionNote

pytestmark = pytest.mark.django_db

API_URLS = ["/api/search", "/api/suggest", "/api/notes", "/api/personas/cfo/insights", "/api/nothing", "/api/"]
SURROGATE = "\ud800"
FUZZ_EXAMPLES = {"notes": 250, "search": 150, "suggest": 100, "insights": 60, "any": 100, "site forms": 100}


@pytest.fixture
def token(rep):
    return APIToken.create_token(user=rep, name="crm")[1]


@pytest.fixture
def api(token):
    """A client of an integration: no session, its Bearer token on every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_json_answer(response, allowed=range(200, 500)):
    """The contract of every /api/ URL: JSON, a 2xx or 4xx, and a message with every error."""
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json", response.content[:300]
    assert response.status_code < 300 or response.status_code >= 400, "no redirects under /api/"
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert isinstance(body, dict) and body.get("error"), body
    return body


def post_raw(client, body):
    return client.post("/api/notes", body, content_type="application/json")


def valid_note(persona, objection, **changes):
    return {"persona": persona.slug, "objection": objection.slug, "text": "Too pricey this quarter", **changes}


# --- Who is asking: JSON 401/403, never the login page ------------------------------------------


@pytest.mark.parametrize("url", API_URLS)
def test_without_credentials_every_api_url_answers_401_json(url, persona):
    response = Client().post(url) if url == "/api/notes" else Client().get(url, {"q": "pr"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in assert_json_answer(response)["error"]


def test_suggestions_take_a_bearer_token_like_the_rest_of_the_api(api, persona):
    response = api.get("/api/suggest", {"q": "CF"})
    assert response.status_code == 200
    assert {"type": "persona", "label": "CFO", "url": persona.url} in assert_json_answer(response)["suggestions"]
    revoked = Client(HTTP_AUTHORIZATION="Bearer wagtail_not-a-token").get("/api/suggest", {"q": "CF"})
    assert revoked.status_code == 401 and "Bearer" in revoked.json()["error"]


def test_a_user_without_the_role_gets_403_json(no_role_user, persona, objection):
    secret = APIToken.create_token(user=no_role_user, name="x")[1]
    response = post_raw(Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), json.dumps(valid_note(persona, objection)))
    assert response.status_code == 403
    assert "Sales role" in assert_json_answer(response)["error"]


def test_wrong_methods_and_unknown_urls_answer_json(rep_client):
    wrong_method = rep_client.post("/api/search")
    assert wrong_method.status_code == 405 and wrong_method["Allow"] == "GET"
    assert assert_json_answer(wrong_method)["error"] == "Method Not Allowed"
    for url in ["/api/nothing", "/api/personas/", "/api/search/", "/api/personas/cfo/insights/extra"]:
        missing = rep_client.get(url)
        assert missing.status_code == 404, url
        assert "There is no API" in assert_json_answer(missing)["error"]


# --- Bad input: 400 with a message, never a 500 -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deep"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deep"),
        ('{"persona": "cfo", "objection": "price", "text": "\\ud800"}', "lone surrogate"),
        ('{"persona": "\\udfff", "objection": "price", "text": "x"}', "lone surrogate"),
        ('{"persona": "cfo", "objection": "\\ud800", "text": "x"}', "lone surrogate"),
        ('{"persona": "cfo", "objection": "price", "text": "x", "external_id": "\\ud800"}', "lone surrogate"),
        ('{"persona": "cfo", "objection": "price", "text": "x", "stage": "\\ud800"}', "lone surrogate"),
        ('{"\\ud800": 1, "persona": "cfo", "objection": "price", "text": "x"}', "lone surrogate"),
        ('{"persona": "cfo", "objection": "price", "text": "x", "collateral": 1' + "0" * 30 + "}", "page id"),
        ('{"persona": "cfo", "objection": "price", "text": "x", "collateral": -5}', "page id"),
        ('{"persona": "cfo", "objection": "price", "text": "x", "collateral": 0}', "page id"),
    ],
)
def test_bad_bodies_get_400_with_a_message(api, persona, objection, body, message):
    response = post_raw(api, body)
    assert response.status_code == 400
    assert message in assert_json_answer(response)["error"]
    assert not ObjectionNote.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"persona": "cf\x00o"}, "persona"), ({"objection": "pri\x00ce"}, "objection"), ({"persona": "c f o"}, "persona")],
)
def test_nul_or_spaces_in_a_slug_name_nothing(api, persona, objection, changes, field):
    response = post_raw(api, json.dumps({**valid_note(persona, objection), **changes}))
    assert response.status_code == 400
    assert "does not exist" in " ".join(assert_json_answer(response)["errors"][field])


@pytest.mark.parametrize("url", ["/api/search", "/api/suggest"])
@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%ED%BF%BF+price", "persona=%ED%A0%80", "q=%FF%FE", "q=%C0%AF"])
def test_text_that_is_not_utf_8_in_the_query_string_gets_400(rep_client, url, raw):
    response = rep_client.get(f"{url}?{raw}")
    assert response.status_code == 400
    assert "UTF-8" in assert_json_answer(response)["error"]


def test_an_oversized_body_gets_400(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(api, json.dumps({"text": "x" * 2000}))
    assert response.status_code == 400
    assert "too large" in assert_json_answer(response)["error"]


# --- Lengths agree from form to column ----------------------------------------------------------


def site_and_admin_forms():
    """(name, form class) for every form a person fills in: the site's forms, the admin's forms for
    every snippet and page model of ours, and the admin's own forms (merge, re-categorise)."""
    ours = {"home", "personas", "content", "search"}
    found = []
    for module in (content_forms, persona_forms, persona_admin_views, persona_bulk_actions):
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", value))
    for model in get_snippet_models():
        if model._meta.app_label in ours:
            found.append((f"snippet {model.__name__}", model.snippet_viewset.get_edit_handler().get_form_class()))
    for model in apps.get_models():
        if model._meta.app_label in ours and issubclass(model, Page):
            found.append((f"page {model.__name__}", model.get_edit_handler().get_form_class()))
    return found


def length_mismatches(name, form_class):
    """Text fields whose form accepts more than the database column holds (or has no limit)."""
    problems = []
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    for field_name, form_field in form_class.base_fields.items():
        if not isinstance(form_field, forms.CharField) or form_field.disabled:
            continue
        try:
            column = model._meta.get_field(field_name) if model else None
        except Exception:  # a form-only field: it must not be free text nobody stores
            column = None
        if column is None:
            problems.append(f"{name}.{field_name}: a text field that maps to no column")
        elif isinstance(column, models.CharField) and not (
            form_field.max_length and form_field.max_length <= column.max_length
        ):
            problems.append(
                f"{name}.{field_name}: the form takes {form_field.max_length}, the column {column.max_length}"
            )
    return problems


@pytest.fixture
def longest_names(marketer):
    """A persona, an objection and an asset whose names are as long as their columns allow."""
    persona = create_persona("P" * 255, slug="long-persona", role="R" * 120)
    objection = create_objection("O" * 120, slug="o" * 120)
    asset = create_collateral(title="A" * 255, personas=[persona], objections=[objection], content_owner=marketer)
    return persona, objection, asset


def test_every_form_field_fits_the_column_it_ends_up_in(longest_names, rep):
    checked = site_and_admin_forms()
    assert len(checked) >= 8, checked
    problems = [problem for name, form_class in checked for problem in length_mismatches(name, form_class)]
    assert problems == []

    # Derived columns: the requester's notification quotes the asset, the persona, the objection
    # and the decline reason, each as long as its form allows.
    persona, objection, asset = longest_names
    reason_limit = ContentRequest._meta.get_field("decline_reason").max_length
    message_limit = Notification._meta.get_field("message").max_length
    examples = []

    @hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        reason=st.text(st.characters(codec="utf-8"), min_size=1, max_size=reason_limit),
        delivered=st.booleans(),
    )
    def notification_fits(reason, delivered):
        examples.append(reason)
        request = ContentRequest(persona=persona, objection=objection, requested_by=rep, decline_reason=reason)
        request.status = ContentRequest.Status.DELIVERED if delivered else ContentRequest.Status.DECLINED
        request.delivered_asset = asset if delivered else None
        message = request.outcome_message()
        assert len(message["message"]) <= message_limit
        assert len(message["url"]) <= Notification._meta.get_field("url").max_length
        Notification(user=rep, **message).full_clean()

    notification_fits()
    print(f"FUZZ notification lengths: {len(examples)}")


def test_a_long_decline_reason_reaches_the_requester_cut_to_fit(rep, rep_client, marketer_client, persona, objection):
    rep_client.post("/requests/new/", {"persona": persona.pk, "objection": objection.pk, "description": "A sheet"})
    request = ContentRequest.objects.get()
    reason = "We already have a sheet for this; " * 26 + "see the pricing FAQ."  # 904 characters
    edit = f"/admin/snippets/content/contentrequest/edit/{request.pk}/"
    response = marketer_client.post(
        edit, {"status": "declined", "owner": "", "due": "2030-01-31", "delivered_asset": "", "decline_reason": reason}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", reason)  # kept whole on the request
    message = Notification.objects.get(user=rep).message
    assert len(message) <= 300 and message.endswith("…")
    assert message.startswith("Your request for Price is too high for CFO was declined: We already have a sheet")
    assert reason in rep_client.get("/requests/").text


# --- Fuzz: any JSON, any query, any path: JSON 2xx/4xx only --------------------------------------

NASTY_TEXT = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),  # NUL, surrogates, anything
    st.sampled_from(["cfo", "price", SURROGATE, "\x00", "cf\x00o", "x" * 5001, "e" * 101, "", " ", "<b>"]),
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too
    st.sampled_from([10**30, -(2**63), 2**63, 2**64]),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NASTY_TEXT, children, max_size=4),
    max_leaves=12,
)
NOTE_FIELDS = ["persona", "objection", "text", "stage", "outcome", "collateral", "helped", "external_id"]
NOTE_PAYLOADS = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(NOTE_FIELDS, JSON_VALUES) | {"extra": JSON_VALUES},
)
DEEP = st.integers(min_value=500, max_value=150_000).map(lambda depth: b"[" * depth + b"]" * depth)


def body_for(payload):
    """The request body: raw bytes as they are, any other value as JSON text (lone surrogates
    travel as \\udXXX escapes, as a buggy client sends them)."""
    return payload if isinstance(payload, bytes) else json.dumps(payload)


def fuzz(name, strategy, check):
    """Run `check` on `FUZZ_EXAMPLES[name]` examples of `strategy`; print and return how many ran."""
    ran = []

    @hypothesis_settings(
        max_examples=FUZZ_EXAMPLES[name], deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(strategy)
    def run(example):
        ran.append(1)
        check(example)

    run()
    print(f"FUZZ {name}: {len(ran)} examples")
    return len(ran)


@pytest.fixture
def open_limits(settings):
    settings.NOTES_API_PER_MINUTE = 1_000_000


def test_fuzz_notes_api(api, persona, objection, collateral, open_limits):
    valid = valid_note(persona, objection)
    strategy = st.one_of(
        NOTE_PAYLOADS.map(lambda payload: {**valid, **payload}),  # mostly right, one field wrong
        NOTE_PAYLOADS,
        JSON_VALUES,
        DEEP,
        st.binary(max_size=60),
    )

    def check(payload):
        assert_json_answer(post_raw(api, body_for(payload)), allowed=(200, 201, 400))

    assert fuzz("notes", strategy, check) == FUZZ_EXAMPLES["notes"]


QUERY_KEYS = st.sampled_from(["q", "page", "page_size", "persona", "objection", "kind", "stage", "zzz"])
QUERY_VALUES = st.one_of(
    NASTY_TEXT,
    st.integers().map(str),
    st.binary(max_size=12),  # not UTF-8
)


def query_string(pairs):
    """A query string as a client would encode it: surrogates as their (invalid) UTF-8 bytes."""
    encoded = []
    for key, value in pairs:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        encoded.append(f"{key}={quote(raw)}")
    return "&".join(encoded)


QUERIES = st.lists(st.tuples(QUERY_KEYS, QUERY_VALUES), max_size=5).map(query_string)


def test_fuzz_search_api(rep_client, collateral):
    def check(query):
        assert_json_answer(rep_client.get(f"/api/search?{query}"), allowed=(200, 400))

    assert fuzz("search", QUERIES, check) == FUZZ_EXAMPLES["search"]


def test_fuzz_suggest_api(api, collateral):
    def check(query):
        assert_json_answer(api.get(f"/api/suggest?{query}"), allowed=(200, 400))

    assert fuzz("suggest", QUERIES, check) == FUZZ_EXAMPLES["suggest"]


def test_fuzz_persona_insights_api(api, persona, objection):
    slugs = st.one_of(st.just("cfo"), NASTY_TEXT, st.binary(max_size=12))

    def check(slug):
        raw = slug if isinstance(slug, bytes) else slug.encode("utf-8", "surrogatepass")
        assert_json_answer(api.get(f"/api/personas/{quote(raw, safe='')}/insights"), allowed=(200, 400, 404))

    assert fuzz("insights", slugs, check) == FUZZ_EXAMPLES["insights"]


def test_fuzz_any_api_url_and_method(api, persona):
    requests = st.tuples(
        st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
        st.sampled_from(["search", "suggest", "notes", "personas/cfo/insights", "personas/cfo", ""]),
        st.text(max_size=20),
        st.one_of(JSON_VALUES, st.binary(max_size=30)),
    )

    def check(request):
        method, endpoint, tail, payload = request
        path = "/api/" + endpoint + quote(tail.encode("utf-8", "surrogatepass"), safe="/")
        response = api.generic(method, path, body_for(payload), content_type="application/json")
        if method == "HEAD":
            assert response.status_code < 500
        else:
            assert_json_answer(response, allowed=range(200, 500))

    assert fuzz("any", requests, check) == FUZZ_EXAMPLES["any"]


FORM_VALUES = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),  # what a browser can send
    st.sampled_from(["1" + "0" * 30, str(2**63), "-1", "0", "²", "1.5", "\x00", "cf\x00o", "x" * 5001]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/notes/new/", ["persona", "objection", "text", "deal_stage", "outcome", "collateral", "helped", "next"]),
        ("/requests/new/", ["persona", "objection", "description", "q"]),
    ],
)
def test_fuzz_site_forms_never_fail(rep_client, persona, objection, collateral, url, fields):
    """The site's forms (the same ones the API uses) answer a page or a redirect for any input:
    ids past 64 bits, NUL, text too long; never a server error."""
    strategy = st.tuples(st.booleans(), st.fixed_dictionaries({}, optional=dict.fromkeys(fields, FORM_VALUES)))

    def check(example):
        post, data = example
        response = rep_client.post(url, data) if post else rep_client.get(url, data)
        assert response.status_code in (200, 302), response.status_code

    assert fuzz("site forms", strategy, check) == FUZZ_EXAMPLES["site forms"]


@pytest.mark.parametrize("value", ["1" + "0" * 30, str(2**63)])
def test_an_id_no_column_holds_is_an_invalid_choice_on_the_site_forms(rep_client, persona, objection, value):
    note = rep_client.post(
        "/notes/new/",
        {
            "persona": value,
            "objection": value,
            "text": "x",
            "deal_stage": "demo",
            "outcome": "open",
            "collateral": value,
        },
    )
    assert note.status_code == 200 and "That persona does not exist" in note.text
    assert "That collateral is not published" in note.text
    request = rep_client.post("/requests/new/", {"persona": persona.pk, "objection": value, "description": "x"})
    assert request.status_code == 200 and "That objection does not exist" in request.text
    assert rep_client.get("/notes/new/", {"persona": value, "collateral": value}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/content/contentrequest/?persona=99999999999999999999",
        "/admin/snippets/content/contentrequest/?persona=99999999999999999999&export=csv",
        "/admin/snippets/personas/objectionnote/?persona=-99999999999999999999&export=xlsx",
        "/admin/collateral_usage/?site=99999999999999999999",
    ],
)
def test_admin_filters_answer_400_to_an_id_past_64_bits(url, rep_client, marketer_client):
    """Attack trial, session 5: these listings and their exports gave 500 (OverflowError)."""
    for client in (rep_client, marketer_client):
        response = client.get(url)
        assert response.status_code in (400, 302, 403), (url, response.status_code)
    assert marketer_client.get(url).status_code == 400
    assert marketer_client.get("/admin/snippets/personas/objectionnote/?q=99999999999999999999").status_code == 200
