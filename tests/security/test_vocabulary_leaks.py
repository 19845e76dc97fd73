"""Attack suite: the words of what a rep may not view do not leak through search's vocabulary.

A persona page restricted to Marketing, tags used only on a restricted or a draft page and words
only a restricted page holds must not be found, corrected to, completed, recognised or confirmed
for a Sales rep: not through an open asset tagged with the persona (its indexed taxonomy text),
typo corrections, prefix completion, query understanding's mentions and chips, the way the other
words are grouped, or the tag filter's answer. Marketing still finds what it may view.
"""

import pytest

from django.conf import settings
from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

from content.factories import create_collateral
from personas.factories import create_persona
from search import service
from tests.conftest import client_for
from tests.security.test_restricted_pages import engine, restrict  # noqa: F401 (the engine fixture)

HIDDEN_TITLE = "Zanzibar Gatekeeper"
HIDDEN_ROLE = "Head of Security"
OPEN_TITLE = "Vendor review checklist"


def marketing():
    return Group.objects.get(name=settings.MARKETING_GROUP)


def search(user, **params):
    response = client_for(user).get("/api/search", params)
    return response.status_code, response.json()


def titles(answer):
    return [hit["title"] for hit in answer["results"]]


@pytest.fixture
def hidden_persona(db):
    persona = create_persona(HIDDEN_TITLE, slug="zanzibar-gatekeeper", role=HIDDEN_ROLE)
    restrict(persona, PageViewRestriction.GROUPS, groups=[marketing()])
    return persona


@pytest.fixture
def open_asset(db, engine, persona, hidden_persona, marketer, django_capture_on_commit_callbacks):  # noqa: F811
    """An asset every rep may view, tagged with the open persona and the restricted one, indexed by
    the engine the test uses."""
    with django_capture_on_commit_callbacks(execute=True):
        page = create_collateral(
            title=OPEN_TITLE,
            summary="What we ask of every supplier.",
            personas=[persona, hidden_persona],
            tags=["security"],
            content_owner=marketer,
        )
    service.rebuild()
    return page


@pytest.mark.parametrize("engine", ["embedded", "elasticsearch"], indirect=True)
def test_a_restricted_personas_name_finds_corrects_and_completes_nothing(open_asset, rep, marketer, engine):  # noqa: F811
    for params in ({"q": "zanzibar"}, {"q": "gatekeeper"}, {"q": "zanzib"}, {"q": "zanzibat"}):
        status, answer = search(rep, **params)
        assert status == 200
        assert answer["results"] == [], params
        assert "zanzibar" not in str(answer).lower().replace(params["q"], ""), params
    # The asset itself is still found by its own words, and Marketing finds it by the persona's name.
    assert titles(search(rep, q="vendor")[1]) == [OPEN_TITLE]
    assert titles(search(marketer, q="zanzibar gatekeeper")[1]) == [OPEN_TITLE]


def test_restricting_or_unpublishing_a_persona_takes_its_name_out_of_the_index(
    persona, rep, marketer, django_capture_on_commit_callbacks
):
    hidden = create_persona(HIDDEN_TITLE, slug="zanzibar-gatekeeper", role=HIDDEN_ROLE)
    with django_capture_on_commit_callbacks(execute=True):
        create_collateral(title=OPEN_TITLE, summary="What we ask of every supplier.", personas=[persona, hidden])
    service.rebuild()
    assert titles(search(rep, q="zanzibar")[1]) == [OPEN_TITLE]  # open: its name finds its assets

    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(hidden, PageViewRestriction.GROUPS, groups=[marketing()])
    assert titles(search(rep, q="zanzibar")[1]) == []

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert titles(search(rep, q="zanzibar")[1]) == [OPEN_TITLE]

    with django_capture_on_commit_callbacks(execute=True):
        hidden.unpublish()
    assert titles(search(marketer, q="zanzibar")[1]) == []
    with django_capture_on_commit_callbacks(execute=True):
        hidden.save_revision().publish()
    assert titles(search(marketer, q="zanzibar")[1]) == [OPEN_TITLE]


def test_a_restricted_personas_role_does_not_group_the_words_that_name_it(open_asset, rep, marketer):
    """ "head of security" reads as "director of security" does: a tag chip for security."""

    def mentions(user, text):
        return [(m["facet"], m["slug"]) for m in search(user, q=text)[1]["mentions"]]

    assert mentions(rep, "director of security") == [("tag", "security")]
    assert mentions(rep, "head of security") == [("tag", "security")]
    assert ("persona", "zanzibar-gatekeeper") in mentions(marketer, "head of security")


@pytest.fixture
def hidden_tags(db, marketer):
    """ "zephyrtag" only on a Marketing-only page, "draftytag" only on a draft, "security" on an open page."""
    page = create_collateral(title="Board memo", summary="Marketing only.", tags=["zephyrtag"], content_owner=marketer)
    restrict(page, PageViewRestriction.GROUPS, groups=[marketing()])
    create_collateral(title="Unpublished memo", summary="Draft.", tags=["draftytag"], publish=False)
    create_collateral(title=OPEN_TITLE, summary="Open.", tags=["security"], content_owner=marketer)
    service.rebuild()


@pytest.mark.parametrize("tag", ["zephyrtag", "draftytag"])
def test_tags_only_on_hidden_pages_are_neither_named_nor_confirmed(hidden_tags, rep, tag):
    status, answer = search(rep, q=tag)
    assert status == 200 and answer["mentions"] == []
    hidden_status, hidden_answer = search(rep, tag=tag)
    unknown_status, unknown_answer = search(rep, tag="nosuchtag")
    assert hidden_status == unknown_status == 400
    assert hidden_answer["error"].replace(tag, "?") == unknown_answer["error"].replace("nosuchtag", "?")
    # A tag on an open page is still understood and filtered by.
    assert search(rep, q="security")[1]["mentions"][0]["slug"] == "security"
    assert titles(search(rep, tag="security")[1]) == [OPEN_TITLE]


def test_a_tag_leaves_the_vocabulary_when_its_only_page_is_restricted(rep, marketer):
    page = create_collateral(title="Board memo", summary="For now open.", tags=["zephyrtag"], content_owner=marketer)
    assert search(rep, tag="zephyrtag")[0] == 200
    restriction = restrict(page, PageViewRestriction.GROUPS, groups=[marketing()])
    assert search(rep, tag="zephyrtag")[0] == 400
    restriction.delete()
    assert search(rep, tag="zephyrtag")[0] == 200


def test_a_tag_stays_unknown_when_its_restricted_page_was_aliased_before_the_restriction(rep, marketer):
    """An alias carries its source's tags and is closed with it (at any depth): attack trial, session 7."""
    page = create_collateral(title="Board memo", summary="Merger.", tags=["zephyrtag"], content_owner=marketer)
    page.create_alias(update_slug="board-memo-copy").create_alias(update_slug="board-memo-copy-2")
    restrict(page, PageViewRestriction.GROUPS, groups=[marketing()])  # after aliasing: not copied
    service.rebuild()
    assert search(rep, tag="zephyrtag")[0] == 400
    assert search(rep, q="zephyrtag")[1]["mentions"] == []


def test_a_tag_on_a_page_that_only_asks_for_a_login_is_known_to_every_searcher(rep, marketer):
    """Everyone who searches is logged in, so a login restriction keeps nothing from them."""
    page = create_collateral(
        title="Partner memo", summary="Logged-in readers.", tags=["zephyrtag"], content_owner=marketer
    )
    restrict(page, PageViewRestriction.LOGIN)
    service.rebuild()
    status, answer = search(rep, tag="zephyrtag")
    assert status == 200 and titles(answer) == ["Partner memo"]
    assert [mention["slug"] for mention in search(rep, q="zephyrtag")[1]["mentions"]] == ["zephyrtag"]


def test_the_admins_tag_autocomplete_lists_no_tags_to_reps(hidden_tags, rep, marketer):
    """Reps edit persona pages, which carry no tags: the autocomplete (every tag in the pool) is not theirs."""
    for url in ("/admin/tag-autocomplete/?term=z", "/admin/tag-autocomplete/taggit/tag/?term=z"):
        response = client_for(rep).get(url)
        assert response.status_code == 403 and b"zephyrtag" not in response.content, url
    assert "zephyrtag" in client_for(marketer).get("/admin/tag-autocomplete/?term=z").json()


@pytest.mark.parametrize("engine", ["embedded", "elasticsearch"], indirect=True)
def test_whether_a_word_is_completed_does_not_say_a_hidden_page_holds_it(rep, marketer, engine):  # noqa: F811
    """ "secret" only in a Marketing-only page, "secretariat" in an open one: the typed word is
    completed either way, so "secret" answers as "secre" does."""
    hidden = create_collateral(title="Board memo", summary="The secret discount floor.", content_owner=marketer)
    restrict(hidden, PageViewRestriction.GROUPS, groups=[marketing()])
    create_collateral(title="Secretariat briefing", summary="For the secretariat.", content_owner=marketer)
    service.rebuild()
    for text in ("secret", "secre"):
        assert titles(search(rep, q=text)[1]) == ["Secretariat briefing"], text
    # Once an open page holds "secret", it is taken as typed, as before (what a rep may view decides).
    create_collateral(title="Secret sauce one-pager", summary="What sets us apart.", content_owner=marketer)
    service.rebuild()
    assert titles(search(rep, q="secret")[1])[0] == "Secret sauce one-pager"
    assert sorted(titles(search(rep, q="secre")[1])) == ["Secret sauce one-pager", "Secretariat briefing"]


def test_whether_a_word_is_corrected_does_not_say_a_hidden_page_holds_it(rep, marketer):
    """ "zymotic" only in a Marketing-only page, "zymotia" in an open one: "zymotic" is corrected as
    "zymotik" (held nowhere) is, rather than answering nothing because a hidden page holds it."""
    hidden = create_collateral(title="Board memo", summary="The zymotic discount floor.", content_owner=marketer)
    restrict(hidden, PageViewRestriction.GROUPS, groups=[marketing()])
    create_collateral(title="Open brief", summary="About zymotia.", content_owner=marketer)
    service.rebuild()
    for text in ("zymotik", "zymotic"):
        answer = search(rep, q=text)[1]
        assert titles(answer) == ["Open brief"], text
