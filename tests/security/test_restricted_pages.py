"""Attack suite: Wagtail page view restrictions hold on every path that shows a page.

A collateral page restricted to the Marketing group, a persona page restricted the same way
and a collateral page behind a shared password must not show to a rep or to a user with no
group anywhere: not their titles, summaries, roles or the words read from inside the file,
not in a listing, a search on either engine (hits, totals, facets, highlights, corrections),
a suggestion, persona insights or an API; and feedback or events on them answer 404. A page
restricted to logged-in users shows to everyone here. Marketing and superusers still see what
the group restriction lets them see; nobody sees the password page until their session has
entered the password.

A new path that shows pages is one line in SEARCH_PATHS or LISTING_PATHS.
"""

import pytest

from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from wagtail.models import APIToken, PageViewRestriction

from content.factories import create_collateral, create_document_for
from content.models import CollateralEvent, CollateralFile, ContentRequest
from personas.factories import create_note, create_persona
from personas.models import Helped, ObjectionNote
from search import service
from tests.conftest import client_for

GROUP_TITLE = "Zebracorn margin playbook"
GROUP_SUMMARY = "Quixotic discount ladder for strategic renewals."
FILE_WORD = "xylophonic"  # searched for
FILE_SECRET = "Quokkaville"  # next to it in the file: shows only in a highlight
LOGIN_TITLE = "Lemur onboarding brief"
PASSWORD_TITLE = "Pangolin partner price sheet"
PASSWORD = "open sesame"
PERSONA_TITLE = "Procurement Czar"
PERSONA_ROLE = "Head of Vendor Vetting"

# What must never reach a person the restriction keeps out, by what shows it.
SECRETS = {
    "page": (GROUP_TITLE, GROUP_SUMMARY, FILE_WORD, FILE_SECRET),
    "persona": (PERSONA_TITLE, PERSONA_ROLE),
    "password": (PASSWORD_TITLE,),
}

# (url, what a person who may view the restricted pages sees there). Searches run on both engines.
SEARCH_PATHS = [
    ("/search/?q=zebracorn", {"page"}),  # a word of the title
    ("/search/?q=quixotic", {"page"}),  # of the summary
    (f"/search/?q={FILE_WORD}", {"page"}),  # read from inside the file
    ("/search/?q=xylophonik", {"page"}),  # a typo of it: corrected, or matched fuzzily
    ("/search/?q=pangolin", set()),
    ("/search/", {"page"}),  # browsing, with facet counts
    ("/search/?persona=cfo&objection=price", {"page"}),
    ("/search/?q=procurement", {"persona"}),  # persona matches
    ("/api/search?q=zebracorn", {"page"}),
    ("/api/search?q=quixotic", {"page"}),
    (f"/api/search?q={FILE_WORD}", {"page"}),
    ("/api/search?q=xylophonik", {"page"}),
    ("/api/search?q=pangolin", set()),
    ("/api/search?page_size=100", {"page"}),
    ("/api/search?persona=cfo", {"page"}),
]
LISTING_PATHS = [
    ("/api/suggest?q=zebra", {"page"}),
    ("/api/suggest?q=pangolin", set()),
    ("/api/suggest?q=procure", {"persona"}),
    ("/api/suggest?q=vendor", {"persona"}),
    ("/", {"page", "persona"}),  # home: newest collateral, personas
    ("/collateral/", {"page"}),
    ("/personas/", {"persona"}),
    ("/personas/cfo/", {"page"}),  # its collateral, insights' top assets, notes naming the asset used
    ("/api/personas/cfo/insights", {"page"}),
    ("/api/personas/procurement-czar/insights", {"persona"}),
    ("/notes/new/", {"page", "persona"}),  # the note form's choices
    ("/notes/", set()),  # the rep's own note, which names the asset used
]
ALL_PATHS = [pytest.param(url, shows, "embedded", id=f"embedded {url}") for url, shows in SEARCH_PATHS]
ALL_PATHS += [pytest.param(url, shows, "elasticsearch", id=f"elasticsearch {url}") for url, shows in SEARCH_PATHS]
ALL_PATHS += [pytest.param(url, shows, "embedded", id=url) for url, shows in LISTING_PATHS]

KEPT_OUT = ["rep", "no_role_user"]
LET_IN = ["marketer", "admin_user"]


def restrict(page, restriction_type, groups=(), password=""):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=restriction_type, password=password)
    restriction.groups.set(groups)
    return restriction


@pytest.fixture
def engine(request, settings):
    """The search engine the site uses in this test: embedded unless parametrised otherwise."""
    name = getattr(request, "param", "embedded")
    if name == "elasticsearch":
        server = request.getfixturevalue("osmem_clone")
        settings.SEARCH_ENGINE = "elasticsearch"
        settings.ELASTICSEARCH_URL = server.url
        settings.ELASTICSEARCH_PLAIN_JSON = True
    return name


@pytest.fixture
def site(engine, persona, objection, collateral, rep, marketer):
    """The restricted pages beside an open one, a note naming the restricted asset, the index built."""
    marketing = Group.objects.get(name=settings.MARKETING_GROUP)
    document = create_document_for(
        "Margin playbook file", "pdf", [f"The {FILE_WORD} rebate schedule for {FILE_SECRET} buyers."]
    )
    secret_persona = create_persona(PERSONA_TITLE, slug="procurement-czar", role=PERSONA_ROLE)
    restrict(secret_persona, PageViewRestriction.GROUPS, groups=[marketing])
    shared = {"objections": [objection], "tags": ["pricing"], "content_owner": marketer}
    group_page = create_collateral(
        title=GROUP_TITLE, summary=GROUP_SUMMARY, documents=[document], personas=[persona], **shared
    )
    restrict(group_page, PageViewRestriction.GROUPS, groups=[marketing])
    # Open to reps, and tagged with the restricted persona too: its tags must not name it.
    login_page = create_collateral(
        title=LOGIN_TITLE, summary="For anyone logged in.", personas=[persona, secret_persona], **shared
    )
    restrict(login_page, PageViewRestriction.LOGIN)
    password_page = create_collateral(
        title=PASSWORD_TITLE, summary="Behind a shared password.", personas=[persona], **shared
    )
    password_restriction = restrict(password_page, PageViewRestriction.PASSWORD, password=PASSWORD)
    # Filed before the asset was restricted: it helped, so it leads the persona's top assets.
    create_note(persona, objection, rep, text="The margin ladder won it.", collateral=group_page, helped=Helped.YES)
    service.rebuild()
    return {
        "group": group_page,
        "login": login_page,
        "password": password_page,
        "password_restriction": password_restriction,
        "persona": secret_persona,
        "open": collateral,
    }


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode().lower()


def leaked(response, url, kinds=SECRETS):
    """The secrets of these kinds in the response, except words the URL itself asked for (echoed)."""
    text = body(response)
    return [
        secret
        for kind in kinds
        for secret in SECRETS[kind]
        if secret.lower() in text and secret.lower() not in url.lower()
    ]


@pytest.mark.parametrize(("url", "shows", "engine"), ALL_PATHS, indirect=["engine"])
def test_restricted_pages_reach_no_one_kept_out(request, site, url, shows, engine):
    for role in KEPT_OUT:
        response = client_for(request.getfixturevalue(role)).get(url)
        assert response.status_code in (200, 403, 404), role
        assert leaked(response, url) == [], role


@pytest.mark.parametrize(("url", "shows", "engine"), ALL_PATHS, indirect=["engine"])
def test_people_the_restriction_lets_in_still_see_them(request, site, url, shows, engine):
    for role in LET_IN:
        response = client_for(request.getfixturevalue(role)).get(url)
        assert response.status_code == 200, role
        text = body(response)
        if "page" in shows:
            assert GROUP_TITLE.lower() in text, role
        if "persona" in shows:
            assert PERSONA_TITLE.lower() in text, role
        # Nobody passed the password in this session, superusers included (as Wagtail itself serves it).
        assert leaked(response, url, kinds=["password"]) == [], role


@pytest.mark.parametrize("engine", ["embedded", "elasticsearch"], indirect=True)
def test_totals_and_facet_counts_leave_out_what_the_person_may_not_view(site, rep, no_role_user, marketer, engine):
    def answer(user):
        return client_for(user).get("/api/search", {"persona": "cfo", "page_size": 100}).json()

    def cfo_count(data):
        return {item["value"]: item["count"] for item in data["facets"]["persona"]}["cfo"]

    for user in (rep, no_role_user):
        data = answer(user)
        assert {hit["title"] for hit in data["results"]} == {"ROI one-pager", LOGIN_TITLE}
        assert data["total"] == cfo_count(data) == 2
    data = answer(marketer)
    assert {hit["title"] for hit in data["results"]} == {"ROI one-pager", LOGIN_TITLE, GROUP_TITLE}
    assert data["total"] == cfo_count(data) == 3


@pytest.mark.parametrize("engine", ["embedded", "elasticsearch"], indirect=True)
def test_the_password_page_shows_once_the_session_entered_the_password(site, rep, engine):
    client = client_for(rep)
    assert client.get("/api/search", {"q": "pangolin"}).json()["total"] == 0
    page = client.get(site["password"].url)
    assert page.status_code == 200 and "Password required" in page.text
    assert "Behind a shared password" not in page.text
    action = reverse(
        "wagtailcore_authenticate_with_password", args=[site["password_restriction"].pk, site["password"].pk]
    )
    client.post(action, {"password": PASSWORD, "return_url": site["password"].url})
    assert [hit["title"] for hit in client.get("/api/search", {"q": "pangolin"}).json()["results"]] == [PASSWORD_TITLE]
    assert PASSWORD_TITLE in client.get("/collateral/").text
    assert "Behind a shared password" in client.get(site["password"].url).text


@pytest.mark.parametrize("role", KEPT_OUT)
def test_restricted_pages_answer_as_wagtail_does(request, site, role):
    """Wagtail's own check (before_serve_page): a group restriction sends to its login form."""
    client = client_for(request.getfixturevalue(role))
    for key in ("group", "persona"):
        response = client.get(site[key].url)
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("wagtailcore_login"))
    assert client.get(site["login"].url).status_code == 200


@pytest.mark.parametrize("role", LET_IN)
def test_marketing_and_superusers_open_the_group_page(request, site, role):
    response = client_for(request.getfixturevalue(role)).get(site["group"].url)
    assert response.status_code == 200 and GROUP_SUMMARY in response.text


@pytest.mark.parametrize("event_type", ["helped", "not_helped", "copy_link"])
@pytest.mark.parametrize("role", KEPT_OUT)
def test_feedback_and_events_on_a_restricted_page_are_not_found(request, site, role, event_type):
    client = client_for(request.getfixturevalue(role))
    for key in ("group", "password"):
        url = reverse("collateral_event", args=[site[key].pk])
        response = client.post(url, {"type": event_type}, HTTP_X_REQUESTED_WITH="fetch")
        assert response.status_code == 404
    assert not CollateralEvent.objects.exists()


def test_marketing_still_gives_feedback_on_the_page_it_may_view(site, marketer):
    url = reverse("collateral_event", args=[site["group"].pk])
    response = client_for(marketer).post(url, {"type": "helped"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert list(CollateralEvent.objects.values_list("collateral", "type")) == [(site["group"].pk, "helped")]


@pytest.mark.parametrize("first", ["marketer", "rep"])
def test_insights_are_cached_once_and_filtered_for_each_person(request, site, rep, marketer, first):
    """The shared cache holds every candidate; whoever fills it, each person gets their own top assets,
    the next best in place of one they may not view, each with its link."""

    def top_assets(user):
        data = client_for(user).get("/api/personas/cfo/insights").json()
        (price,) = [item for item in data["objections"] if item["slug"] == "price"]
        return [(asset["title"], asset["url"]) for asset in price["top_assets"]]

    users = [rep, marketer] if first == "rep" else [marketer, rep]
    seen = {user.username: top_assets(user) for user in users}
    assert seen["marketer"][0] == (GROUP_TITLE, site["group"].url)
    assert sorted(seen["rep"]) == sorted([("ROI one-pager", site["open"].url), (LOGIN_TITLE, site["login"].url)])
    assert all(url for _title, url in seen["marketer"] + seen["rep"])


def test_the_note_form_neither_offers_nor_takes_a_restricted_asset(site, rep, persona, objection):
    form = client_for(rep).get("/notes/new/", {"collateral": site["group"].pk}).context["form"]
    assert "collateral" not in form.initial and "persona" not in form.initial  # not even its persona
    assert site["group"].pk not in [page.pk for page in form.fields["collateral"].queryset]
    data = {
        "persona": persona.pk,
        "objection": objection.pk,
        "text": "They asked about margins.",
        "deal_stage": "discovery",
        "outcome": "open",
        "collateral": site["group"].pk,
        "helped": "yes",
    }
    response = client_for(rep).post("/notes/new/", data)
    assert response.status_code == 200 and "collateral" in response.context["form"].errors
    assert not site["group"].notes.exclude(text="The margin ladder won it.").exists()


def test_the_notes_api_takes_neither_a_restricted_asset_nor_a_restricted_persona(site, rep, persona, objection):
    token = APIToken.create_token(user=rep, name="crm")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    note = {"persona": persona.slug, "objection": objection.slug, "text": "Margins again."}
    for changes, field in [
        ({"collateral": site["group"].pk, "helped": True}, "collateral"),
        ({"persona": "procurement-czar"}, "persona"),
    ]:
        response = client.post("/api/notes", {**note, **changes}, content_type="application/json")
        assert response.status_code == 400 and field in response.json()["errors"]
    assert not ObjectionNote.objects.filter(text="Margins again.").exists()


def test_an_alias_of_a_restricted_page_is_hidden_as_wagtail_serves_it(site, rep, marketer):
    """Wagtail checks an alias against its source page's restrictions; so does every listing."""
    alias = site["group"].create_alias(update_slug="zebracorn-copy")
    alias.view_restrictions.all().delete()  # as when the source is restricted after aliasing
    service.rebuild()
    rep_client, marketer_client = client_for(rep), client_for(marketer)
    assert rep_client.get(alias.url).status_code == 302
    assert GROUP_TITLE not in rep_client.get("/collateral/").text
    assert rep_client.get("/api/search", {"q": "zebracorn"}).json()["total"] == 0
    assert marketer_client.get("/api/search", {"q": "zebracorn"}).json()["total"] == 2
    assert marketer_client.get("/collateral/").text.count(GROUP_TITLE) == 2


def test_an_alias_of_an_alias_of_a_restricted_page_is_hidden_as_wagtail_serves_it(site, rep, marketer):
    """Wagtail follows an alias of an alias to its source's restrictions (Page.get_view_restrictions);
    a restriction added after aliasing is not copied to the aliases. Attack trial, session 7."""
    first = site["group"].create_alias(update_slug="zebracorn-copy")
    second = first.create_alias(update_slug="zebracorn-copy-of-copy")
    for alias in (first, second):
        alias.view_restrictions.all().delete()
    service.rebuild()
    rep_client, marketer_client = client_for(rep), client_for(marketer)
    assert rep_client.get(second.url).status_code == 302  # Wagtail refuses it
    assert GROUP_TITLE not in rep_client.get("/collateral/").text
    assert rep_client.get("/api/search", {"q": "zebracorn"}).json()["total"] == 0
    assert rep_client.get("/api/suggest", {"q": "zebracorn"}).json()["suggestions"] == []
    assert marketer_client.get("/api/search", {"q": "zebracorn"}).json()["total"] == 3


def test_a_download_is_not_recorded_against_a_restricted_page_that_shares_the_file(site, rep, collateral):
    """The same file on an open page and a restricted one: it downloads, and no event names the restricted page."""
    document = collateral.files.first().document
    CollateralFile.objects.create(page=site["group"], document=document)
    client = client_for(rep)
    response = client.get(f"{document.url}?collateral={site['group'].pk}")
    assert response.status_code == 200
    assert not CollateralEvent.objects.filter(collateral=site["group"], type=CollateralEvent.Type.DOWNLOAD).exists()
    for odd in ("²", "1" * 30, "-1"):  # never a server error, never an event
        assert client.get(f"{document.url}?collateral={odd}").status_code == 200
    client.get(f"{document.url}?collateral={collateral.pk}")
    assert CollateralEvent.objects.filter(collateral=collateral, type=CollateralEvent.Type.DOWNLOAD).count() == 1


def admin_urls(site):
    """Admin pages that list pages or act on the restricted persona page, which a rep may otherwise
    edit: name -> (url, whether a marketer sees the restricted titles there)."""
    persona_id, personas_index_id = site["persona"].pk, site["persona"].get_parent().pk
    return {
        "explorer": (f"/admin/pages/{personas_index_id}/", True),
        "explorer search": ("/admin/pages/search/?q=procurement", False),  # what the user may explore
        "page chooser": (f"/admin/choose-page/{personas_index_id}/", True),
        "page chooser search": ("/admin/choose-page/search/?q=zebracorn", True),
        "admin pages API": ("/admin/api/main/pages/?limit=20", True),
        "admin pages API search": ("/admin/api/main/pages/?search=zebracorn", True),
        "edit": (f"/admin/pages/{persona_id}/edit/", True),
        "history": (f"/admin/pages/{persona_id}/history/", True),
        "preview of the draft": (f"/admin/pages/{persona_id}/view_draft/", True),
        "revisions compared": (f"/admin/pages/{persona_id}/revisions/compare/earliest...latest/", True),
        "bulk publish confirmation": (f"/admin/bulk/wagtailcore/page/publish/?id={persona_id}", True),
        "aging pages report": ("/admin/reports/aging-pages/", True),
        "aging pages CSV": ("/admin/reports/aging-pages/?export=csv", True),
        "page types report": ("/admin/reports/page-types-usage/", False),  # names the last page edited per type
    }


@pytest.mark.parametrize("role", ["rep", "marketer"])
def test_the_admin_keeps_restricted_pages_from_reps_who_edit_personas(request, site, role):
    """Wagtail's admin ignores view restrictions; a rep may edit persona pages but not the restricted one."""
    client = client_for(request.getfixturevalue(role))
    for name, (url, marketer_sees) in admin_urls(site).items():
        response = client.get(url)
        shown = response.status_code == 200 and (
            PERSONA_TITLE.lower() in body(response) or GROUP_TITLE.lower() in body(response)
        )
        if role == "rep":
            assert response.status_code in (200, 302, 403, 404) and not shown, name
        elif marketer_sees:
            assert shown, name
    if role == "rep":
        assert client.get(admin_urls(site)["edit"][0]).status_code == 404


def test_a_rep_cannot_publish_a_restricted_persona_page_in_bulk(site, rep):
    persona = site["persona"]
    persona.save_revision(user=rep)  # a draft nobody has published
    live_revision = persona.live_revision_id
    client = client_for(rep)
    for url in (
        f"/admin/bulk/wagtailcore/page/publish/?id={persona.pk}",
        f"/admin/bulk/wagtailcore/page/publish/?id=all&childOf={persona.get_parent().pk}",
    ):
        client.post(url, {})
        persona.refresh_from_db()
        assert persona.live_revision_id == live_revision, url


def test_bulk_confirmations_name_no_document_or_image_a_rep_may_not_touch(site, rep, marketer, collateral):
    document = collateral.files.first().document
    for role, status in ((rep, 404), (marketer, 200)):
        response = client_for(role).get(f"/admin/bulk/content/collateraldocument/delete/?id={document.pk}")
        assert response.status_code == status


def test_a_content_request_neither_offers_nor_takes_a_restricted_persona(site, rep, objection):
    client = client_for(rep)
    form = client.get("/requests/new/", {"persona": "procurement-czar"}).context["form"]
    assert site["persona"].pk not in [page.pk for page in form.fields["persona"].queryset]
    assert "persona" not in form.initial
    data = {"persona": site["persona"].pk, "objection": objection.pk, "description": "Need a czar deck."}
    response = client.post("/requests/new/", data)
    assert response.status_code == 200 and "persona" in response.context["form"].errors
    assert not ContentRequest.objects.exists()


@pytest.mark.parametrize("role", KEPT_OUT + LET_IN)
def test_filtering_by_a_restricted_persona_neither_works_nor_confirms_it(request, site, role):
    """As an unknown slug: 400 on the API, ignored on the page; those it lets in filter as usual."""
    client = client_for(request.getfixturevalue(role))
    api = client.get("/api/search", {"persona": "procurement-czar"})
    unknown = client.get("/api/search", {"persona": "no-such-persona"})
    assert unknown.status_code == 400
    if role in KEPT_OUT:
        assert (api.status_code, api.json()) == (400, {"error": "Unknown persona: procurement-czar."})
    else:
        assert api.status_code == 200 and api.json()["total"] == 1  # the open asset tagged with it
