"""The role × admin-action matrix: every Wagtail admin URL, as each role, against the README's role table.

GET: every named admin URL from Django's resolver, once per object kind it acts on (each page type,
each snippet model, each export, each registered bulk action), as anonymous, a login with no group,
a rep, a marketer and a superuser. A new admin URL fails `test_every_admin_url_is_in_the_matrix`
until someone says what each role gets there.

POST: each action that changes something, with a payload that works (the roles allowed to act prove
it by changing the database); for every role that may not act, Wagtail's refusal and not one row
changed in any table.

Outcomes (see `admin_world.outcome`): "ok", "denied" (403, or Wagtail's redirect to the dashboard
with "Sorry, you do not have permission"), "login" (anonymous: the site's login page), "no admin"
(a login without a group: the admin's login page, "You do not have permission to access the
admin"), or a status code.
"""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from content.files import make_file
from personas.models import ObjectionNote
from tests.admin_forms import objection_form_data, persona_form_data
from tests.security.admin_urls import NOT_VISITED, url_cases
from tests.security.admin_world import (
    HIDDEN_NOTE_TEXT,
    ROLES,
    admin_url_patterns,
    body_of,
    build_world,
    changed_tables,
    database_snapshot,
    outcome,
    request_as,
)

OK, DENIED, LOGIN, NO_ADMIN = "ok", "denied", "login", "no admin"
STAFF = ("rep", "marketer", "admin")

# What a rep, a marketer and a superuser get on GET; anonymous visitors are sent to log in, and
# logins without a group to the admin's login page, everywhere except the public pages below.
PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
}
ANY_LOGIN = {"wagtailadmin_sprite", "wagtailadmin_javascript_catalog"}  # static assets of the admin

PAGE_RULES = {
    # page URL name: the ability it needs, per page target
    "usage": "edit",
    "edit": "edit",
    "preview_on_edit": "edit",
    "view_draft": "edit",
    "history": "edit",
    "history_results": "edit",
    "workflow_history": "edit",
    "revisions_view": "edit",
    "revisions_revert": "edit",
    "revisions_compare": "edit",
    "revisions_unschedule": "publish",
    "delete": "delete",
    "unpublish": "unpublish",
    "set_privacy": "privacy",
    "move": "move",
    "copy": "copy",
    "add_subpage": "add",
}
# What each role may do to each page type (README, "Roles"; home/migrations/0006).
ABILITIES = {
    "rep": {"persona": {"edit", "publish"}},
    "marketer": {
        "persona_index": {"edit", "publish", "unpublish", "privacy", "add"},
        "persona": {"edit", "publish", "unpublish", "privacy", "delete", "move", "copy"},
        "collateral_index": {"edit", "publish", "unpublish", "privacy", "add"},
        "collateral": {"edit", "publish", "unpublish", "privacy", "delete", "move", "copy"},
    },
}
SUPERUSER_PAGE_EXCEPTIONS = {
    ("add_subpage", "persona"): DENIED,  # persona and collateral pages take no children
    ("add_subpage", "collateral"): DENIED,
    ("add_subpage", "home"): DENIED,  # both sections exist (max_count = 1)
}
PAGE_TARGETS = ["home", "persona_index", "persona", "collateral_index", "collateral"]


def can(role, ability, target):
    return role == "admin" or ability in ABILITIES[role].get(target, set())


def page_expectations():
    table = {}
    for action, ability in PAGE_RULES.items():
        for target in PAGE_TARGETS:
            row = []
            for role in STAFF:
                if role == "admin":
                    row.append(SUPERUSER_PAGE_EXCEPTIONS.get((action, target), OK))
                else:
                    allowed = ability in ABILITIES[role].get(target, set())
                    if (action, target) in SUPERUSER_PAGE_EXCEPTIONS:
                        allowed = False
                    row.append(OK if allowed else DENIED)
            table[f"wagtailadmin_pages:{action}[{target}]"] = tuple(row)
    for target in PAGE_TARGETS:
        everyone = {
            # Wagtail answers these the same to every editor; what matters is the POST (below).
            "revisions_index": (OK, OK, OK),  # redirects to the history, which checks
            "move_confirm": (OK, OK, OK),  # a confirmation page; the move itself checks
            "confirm_workflow_cancellation": (OK, OK, OK),  # nothing in progress to cancel
            "workflow_preview": (DENIED, DENIED, DENIED),  # not in moderation
            "set_page_position": ("405", "405", "405"),
            "lock": ("405", "405", "405"),
            "unlock": ("405", "405", "405"),
            "convert_alias": ("404", "404", "404"),  # not an alias
            "workflow_action": ("404", "404", "404"),  # no task state
            "collect_workflow_action_data": ("404", "404", "404"),
        }
        for action, row in everyone.items():
            table[f"wagtailadmin_pages:{action}[{target}]"] = row
        edit = tuple(OK if can(role, "edit", target) else DENIED for role in STAFF)
        table[f"wagtailadmin_pages:workflow_history_detail[{target}]"] = tuple(
            "404" if cell == OK else cell for cell in edit
        )
        # The explorer and page chooser list pages to every editor (what a rep may see of
        # restricted pages there is item 2's).
        for name in ("wagtailadmin_explore", "wagtailadmin_explore_results", "wagtailadmin_choose_page_child"):
            table[f"{name}[{target}]"] = (OK, OK, OK)
    for model in ("personapage", "collateralpage"):
        index = "persona_index" if model == "personapage" else "collateral_index"
        can_add = tuple(OK if can(role, "add", index) else DENIED for role in STAFF)
        table[f"wagtailadmin_pages:add[{model}]"] = can_add
        table[f"wagtailadmin_pages:preview_on_add[{model}]"] = can_add
        for name in ("type_use", "type_use_results", "choose_parent"):
            table[f"wagtailadmin_pages:{name}[{model}]"] = (OK, OK, OK)  # lists only what each may see
    return table


SNIPPET_ROWS = {
    # Objections: marketing's taxonomy; reps pick them in forms (chooser) but do not edit them.
    "wagtailsnippets_personas_objection:{}": {
        "list list_results add edit delete usage history history_results copy": (DENIED, OK, OK),
    },
    "wagtailsnippetchoosers_personas_objection:{}": {
        "choose choose_results chosen chosen_multiple": (OK, OK, OK),
        "create": (DENIED, OK, OK),
    },
    # General search synonyms: marketing's list, beside the objections; reps neither see nor edit it.
    "wagtailsnippets_personas_synonym:{}": {
        "list list_results add edit delete usage history history_results copy": (DENIED, OK, OK),
    },
    "wagtailsnippetchoosers_personas_synonym:{}": {
        "choose choose_results chosen chosen_multiple": (DENIED, OK, OK),
        "create": (DENIED, OK, OK),
    },
    # Objection notes: moderated by marketing; filed on the site and the API, never in the admin.
    "wagtailsnippets_personas_objectionnote:{}": {
        "list list?export=csv list?export=xlsx list_results edit delete usage history history_results": (
            DENIED,
            OK,
            OK,
        ),
        "add copy": (DENIED, DENIED, DENIED),
    },
    "wagtailsnippetchoosers_personas_objectionnote:{}": {
        "choose choose_results chosen chosen_multiple": (DENIED, OK, OK),
        "create": (DENIED, DENIED, DENIED),
    },
    # Kinds of collateral and note stages: lists marketing keeps (issue 13); reps only see their labels on the site.
    "wagtailsnippets_content_collateralkind:{}": {
        "list list_results add edit delete usage history history_results copy": (DENIED, OK, OK),
    },
    "wagtailsnippetchoosers_content_collateralkind:{}": {
        "choose choose_results chosen chosen_multiple": (DENIED, OK, OK),  # reps read labels on the site only
        "create": (DENIED, OK, OK),
    },
    "wagtailsnippets_personas_notestage:{}": {
        "list list_results add edit delete usage history history_results copy": (DENIED, OK, OK),
    },
    "wagtailsnippetchoosers_personas_notestage:{}": {
        "choose choose_results chosen chosen_multiple": (DENIED, OK, OK),  # reps read labels on the site only
        "create": (DENIED, OK, OK),
    },
    # Content requests: reps see the queue; marketing works it; requests are made on the site.
    "wagtailsnippets_content_contentrequest:{}": {
        "list list?export=csv list?export=xlsx list_results": (OK, OK, OK),
        "edit usage history history_results": (DENIED, OK, OK),
        "add delete copy": (DENIED, DENIED, DENIED),
    },
    "wagtailsnippetchoosers_content_contentrequest:{}": {
        "choose choose_results chosen chosen_multiple": (OK, OK, OK),
        "create": (DENIED, DENIED, DENIED),
    },
}

OTHER_ROWS = {
    "wagtailadmin_home": (OK, OK, OK),
    "wagtailadmin_account": (OK, OK, OK),
    "wagtailadmin_dismissibles": (OK, OK, OK),
    "wagtailadmin_explore_root": (OK, OK, OK),
    "wagtailadmin_pages:search": (OK, OK, OK),
    "wagtailadmin_pages:search_results": (OK, OK, OK),
    "wagtailadmin_choose_page": (OK, OK, OK),
    "wagtailadmin_choose_page_search": (OK, OK, OK),
    "wagtailadmin_choose_page_chosen_multiple": (OK, OK, OK),
    "wagtailadmin_choose_page_external_link": (OK, OK, OK),
    "wagtailadmin_choose_page_email_link": (OK, OK, OK),
    "wagtailadmin_choose_page_phone_link": (OK, OK, OK),
    "wagtailadmin_choose_page_anchor_link": (OK, OK, OK),
    # Tags are only on collateral, which reps do not edit; the pool names drafts' and restricted pages' tags.
    "wagtailadmin_tag_autocomplete": (DENIED, OK, OK),
    "wagtailadmin_tag_model_autocomplete": (DENIED, OK, OK),
    "wagtailadmin_block_preview": ("404", "404", "404"),
    "wagtailadmin_editing_sessions:ping": ("405", "405", "405"),
    "wagtailadmin_editing_sessions:release": ("405", "405", "405"),
    # The admin API: pages every editor may list, less those kept from them (tests/security/test_restricted_pages.py).
    "wagtailadmin_api:pages:listing": (OK, OK, OK),
    "wagtailadmin_api:pages:detail": (OK, OK, OK),
    "wagtailadmin_api:pages:find": ("404", "404", "404"),
    "wagtailadmin_api:pages:action": ("405", "405", "405"),
    # Documents and images a rep may not choose: an empty list, 404 by id (tests/security/test_file_access.py).
    "wagtailadmin_api:documents:listing": (OK, OK, OK),
    "wagtailadmin_api:documents:detail": ("404", OK, OK),
    "wagtailadmin_api:documents:find": ("404", "404", "404"),
    "wagtailadmin_api:images:listing": (OK, OK, OK),
    "wagtailadmin_api:images:detail": ("404", OK, OK),
    "wagtailadmin_api:images:find": ("404", "404", "404"),
    # Our own admin views.
    "merge_objection": (DENIED, OK, OK),
    "loop_dashboard": (DENIED, OK, OK),
    "collateral_usage:index collateral_usage:index_results collateral_usage:choose_parent": (DENIED, OK, OK),
    "loop_create_asset": ("405", "405", "405"),
    "document_read_again": ("405", "405", "405"),  # POST only: see "documents: read the file again"
    "collateral_import": (DENIED, OK, OK),
    "collateral_import_job": (DENIED, OK, OK),
    "collateral_import_status": (DENIED, OK, OK),
    "collateral_import_confirm": ("405", "405", "405"),
    # Forms: no form pages here.
    "wagtailforms:index": (OK, OK, OK),
    "wagtailforms:index_results": (OK, OK, OK),
    "wagtailforms:list_submissions": ("404", "404", "404"),
    "wagtailforms:list_submissions_results": ("404", "404", "404"),
    "wagtailforms:delete_submissions": (DENIED, DENIED, DENIED),
    # Documents and images: marketing uploads; reps download through the site, and their choosers list nothing.
    "wagtaildocs:index wagtaildocs:index_results wagtaildocs:add wagtaildocs:edit wagtaildocs:delete "
    "wagtaildocs:add_multiple wagtaildocs:document_usage": (DENIED, OK, OK),
    "wagtaildocs:edit_multiple wagtaildocs:create_multiple_from_uploaded_document wagtaildocs:delete_multiple "
    "wagtaildocs:delete_upload_multiple": ("405", "405", "405"),
    "wagtaildocs_chooser:choose wagtaildocs_chooser:choose_results wagtaildocs_chooser:chosen_multiple": (
        OK,
        OK,
        OK,
    ),
    "wagtaildocs_chooser:chosen wagtaildocs_chooser:create": (DENIED, OK, OK),
    "wagtailimages:index wagtailimages:index_results wagtailimages:edit wagtailimages:delete wagtailimages:preview "
    "wagtailimages:add wagtailimages:image_usage wagtailimages:add_multiple": (DENIED, OK, OK),
    "wagtailimages:url_generator wagtailimages:url_generator_output": (DENIED, "404", "404"),  # no dynamic serve
    "wagtailimages:edit_multiple wagtailimages:create_multiple_from_uploaded_image wagtailimages:delete_multiple "
    "wagtailimages:delete_upload_multiple": ("405", "405", "405"),
    "wagtailimages_chooser:choose wagtailimages_chooser:choose_results wagtailimages_chooser:chosen_multiple": (
        OK,
        OK,
        OK,
    ),
    "wagtailimages_chooser:chosen wagtailimages_chooser:create wagtailimages_chooser:select_format": (
        DENIED,
        OK,
        OK,
    ),
    # Collections, workflows, redirects, sites, users, groups: superusers only.
    "wagtailadmin_collections:index wagtailadmin_collections:add wagtailadmin_collections:edit "
    "wagtailadmin_collections:set_privacy": (DENIED, DENIED, OK),
    "wagtailadmin_collections:delete": ("404", "404", OK),  # Wagtail hides what it would not delete
    "wagtailadmin_workflows:index wagtailadmin_workflows:index_results wagtailadmin_workflows:add "
    "wagtailadmin_workflows:disable wagtailadmin_workflows:edit wagtailadmin_workflows:usage "
    "wagtailadmin_workflows:usage_results wagtailadmin_workflows:add_task wagtailadmin_workflows:select_task_type "
    "wagtailadmin_workflows:task_index wagtailadmin_workflows:task_index_results wagtailadmin_workflows:edit_task "
    "wagtailadmin_workflows:disable_task": (DENIED, DENIED, OK),
    "wagtailadmin_workflows:enable wagtailadmin_workflows:remove wagtailadmin_workflows:enable_task": (
        "405",
        "405",
        "405",
    ),
    # The task chooser lists tasks to editors; creating one there needs the task permission (POST below).
    "wagtailadmin_workflows:task_chooser wagtailadmin_workflows:task_chooser_results "
    "wagtailadmin_workflows:task_chooser_create wagtailadmin_workflows:task_chosen": (OK, OK, OK),
    "wagtailredirects:index wagtailredirects:index?export=csv wagtailredirects:index?export=xlsx "
    "wagtailredirects:index_results wagtailredirects:add wagtailredirects:edit wagtailredirects:delete "
    "wagtailredirects:start_import": (DENIED, DENIED, OK),
    "wagtailredirects:process_import": (DENIED, DENIED, "405"),
    # Failed logins (django-axes): superusers look and lift a lock-out by deleting; nobody types one in.
    "login_lockouts:index login_lockouts:index_results login_lockouts:delete login_lockouts:history "
    "login_lockouts:history_results": (DENIED, DENIED, OK),
    "login_lockouts:add login_lockouts:edit login_lockouts:copy login_lockouts:usage": (DENIED, DENIED, DENIED),
    "wagtailsnippets:index": (DENIED, DENIED, DENIED),  # every snippet has its own menu item
    "wagtailsites:index wagtailsites:index_results wagtailsites:add wagtailsites:edit wagtailsites:delete "
    "wagtailsites:history wagtailsites:history_results wagtailsites:usage wagtailsites:copy": (DENIED, DENIED, OK),
    "wagtailusers_users:index wagtailusers_users:index_results wagtailusers_users:add wagtailusers_users:edit "
    "wagtailusers_users:delete wagtailusers_users:history wagtailusers_users:history_results "
    "wagtailusers_users:usage wagtailusers_users:copy": (DENIED, DENIED, OK),
    "wagtailusers_groups:index wagtailusers_groups:index_results wagtailusers_groups:add wagtailusers_groups:edit "
    "wagtailusers_groups:delete wagtailusers_groups:history wagtailusers_groups:history_results "
    "wagtailusers_groups:usage": (DENIED, DENIED, OK),
    # API tokens: each person manages their own (README, "Roles"); the rep's token here.
    "wagtailusers_api_tokens:index wagtailusers_api_tokens:index_results wagtailusers_api_tokens:add": (OK, OK, OK),
    "wagtailusers_api_tokens:edit[own] wagtailusers_api_tokens:delete[own]": (OK, "404", OK),
    "wagtailusers_api_tokens:edit[marketer's] wagtailusers_api_tokens:delete[marketer's]": ("404", OK, OK),
    "wagtailusers_api_tokens:history[own] wagtailusers_api_tokens:history_results[own] "
    "wagtailusers_api_tokens:usage[own] wagtailusers_api_tokens:history[marketer's] "
    "wagtailusers_api_tokens:history_results[marketer's] wagtailusers_api_tokens:usage[marketer's]": (OK, OK, OK),
    # Reports.
    "wagtailadmin_reports:locked_pages wagtailadmin_reports:locked_pages?export=csv "
    "wagtailadmin_reports:locked_pages?export=xlsx wagtailadmin_reports:locked_pages_results": (DENIED, OK, OK),
    "wagtailadmin_reports:workflow wagtailadmin_reports:workflow_results wagtailadmin_reports:workflow_tasks "
    "wagtailadmin_reports:workflow_tasks_results wagtailadmin_reports:site_history "
    "wagtailadmin_reports:site_history?export=csv wagtailadmin_reports:site_history?export=xlsx "
    "wagtailadmin_reports:site_history_results wagtailadmin_reports:aging_pages "
    "wagtailadmin_reports:aging_pages?export=csv wagtailadmin_reports:aging_pages?export=xlsx "
    "wagtailadmin_reports:aging_pages_results wagtailadmin_reports:page_types_usage "
    "wagtailadmin_reports:page_types_usage_results": (OK, OK, OK),
    # Bulk actions answer GET with a confirmation that lists what the user may not act on; the
    # POSTs below show nothing happens to it.
    "bulk:auth.user:assign_role bulk:auth.user:delete bulk:auth.user:set_active_state": ("404", "404", OK),
}


def expectations():
    """{case id: {role: expected outcome}} for every GET case."""
    table = page_expectations()
    for template, rows in SNIPPET_ROWS.items():
        for names, row in rows.items():
            for name in names.split():
                table[template.format(name)] = row
    for names, row in OTHER_ROWS.items():
        for name in names.split():
            table[name] = row
    expected = {}
    for case_id, row in table.items():
        expected[case_id] = {"anonymous": LOGIN, "no_role": NO_ADMIN} | dict(zip(STAFF, row, strict=True))
    return expected


def expected_for(case_id, name):
    if name in PUBLIC:
        return dict.fromkeys(ROLES, OK)
    if name in ANY_LOGIN:
        return {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], OK)
    if case_id.startswith("bulk:") and case_id not in EXPECTED:
        # A confirmation would name an item the user has no permission on: 404 (home.middleware).
        model = case_id.split(":")[1]
        rep = OK if model == "wagtailcore.page" else "404"
        marketer = "404" if model == "auth.user" else OK
        return {"anonymous": LOGIN, "no_role": NO_ADMIN, "rep": rep, "marketer": marketer, "admin": OK}
    return EXPECTED.get(case_id)


EXPECTED = expectations()


@pytest.fixture
def world(rep, marketer, admin_user, no_role_user, persona, objection, collateral):
    return build_world(rep, marketer, admin_user, no_role_user, persona, objection, collateral)


def test_every_admin_url_is_in_the_matrix(world):
    """Each named URL under /admin/ is visited (or said why not), and each visit has an expectation."""
    visited = {name for _case, name, _url in url_cases(world)}
    assert {name for name, _pattern in admin_url_patterns()} - visited - set(NOT_VISITED) == set()
    unexpected = [case_id for case_id, name, _url in url_cases(world) if expected_for(case_id, name) is None]
    assert unexpected == []


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(world, role):
    """Every admin URL as `role`: the outcome the table says, and never a hidden note's words to a rep."""
    wrong = []
    for case_id, name, url in url_cases(world):
        response = request_as(world, role, "get", url)
        got = outcome(response)
        want = expected_for(case_id, name)[role]
        if got != want and not (isinstance(want, set) and got in want):
            wrong.append(f"{case_id} {url}: got {got}, want {want}")
        shown = response.status_code == 200 and HIDDEN_NOTE_TEXT.encode() in body_of(response)
        if shown and role not in ("marketer", "admin"):
            wrong.append(f"{case_id} {url}: shows a hidden note")
    assert wrong == [], "\n".join(wrong)


# --- POST: what changes, and for whom nothing does ------------------------------------------------

CHANGED, SKIPPED = "changed", "skipped"  # acted; answered normally but did nothing (bulk actions)
REFUSED = "refused"  # allowed, but refused for a reason of ours (with an error message), nothing changed


def new_persona_data():
    return nested_form_data(
        {
            "title": "COO",
            "slug": "coo",
            "role": "Chief Operating Officer",
            "summary": "Runs operations.",
            "goals": rich_text("<p></p>"),
            "pains": rich_text("<p></p>"),
            "decision_criteria": rich_text("<p></p>"),
            "quotes": streamfield([]),
            "action-publish": "1",
        }
    )


def note_form_data(world, note, **changes):
    values = {
        "persona": note.persona_id,
        "objection": note.objection_id,
        "text": note.text,
        "deal_stage": note.deal_stage_id,
        "outcome": note.outcome,
        "helped": note.helped,
        "status": note.status,
    }
    return values | changes


def bulk(app_label, model_name, action, *objects, parent=None):
    url = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
    query = "&".join(f"id={obj.pk}" for obj in objects)
    if parent is not None:
        query += f"&childOf={parent.pk}"
    return f"{url}?{query}"


def post_actions(world):
    """{action id: (url, data, setup or None, {role: expected})} for every state-changing admin action.

    Expected per role: "changed" (allowed: Wagtail answers normally and the database changed),
    "denied"/"login"/"no admin"/a status (refused, nothing changed), "refused" (a rule of ours said no,
    nothing changed) or "skipped" (answered normally, nothing changed).
    """
    pages = world.pages
    persona, collateral = pages["persona"], pages["collateral"]
    marketing_pages = {"rep": DENIED, "marketer": CHANGED, "admin": CHANGED}
    superuser_only = {"rep": DENIED, "marketer": DENIED, "admin": CHANGED}
    everyone_edits = {"rep": CHANGED, "marketer": CHANGED, "admin": CHANGED}
    nobody = {"rep": DENIED, "marketer": DENIED, "admin": DENIED}
    page_url = lambda name, page, *more: reverse(f"wagtailadmin_pages:{name}", args=[page.pk, *more])  # noqa: E731
    api_action = lambda page, name: reverse("wagtailadmin_api:pages:action", args=[page.pk, name])  # noqa: E731
    note = world.visible_note

    def lock_by_admin():
        Page.objects.filter(pk=persona.pk).update(locked=True, locked_by=world.users["admin"])

    def document_upload():
        upload = SimpleUploadedFile("rogue-deck.pdf", make_file("pdf", "Rogue deck", ["Not from marketing."]))
        return {"title": "Rogue deck", "file": upload, "collection": world.collection.get_parent().pk, "tags": ""}

    actions = {
        # Persona pages: reps edit and publish; marketing also removes, hides, moves and restricts.
        "persona: edit and publish": (
            page_url("edit", persona),
            persona_form_data(persona, summary="Signs off anything over 50k."),
            None,
            everyone_edits,
        ),
        "persona: delete": (page_url("delete", persona), {}, None, marketing_pages),
        "persona: unpublish": (page_url("unpublish", persona), {}, None, marketing_pages),
        "persona: set privacy (password)": (
            reverse("wagtailadmin_pages:set_privacy", args=[persona.pk]),
            {"restriction_type": PageViewRestriction.PASSWORD, "password": "letmein"},
            None,
            marketing_pages,
        ),
        "persona: copy": (
            page_url("copy", persona),
            {
                "new_title": "Procurement (copy)",
                "new_slug": "procurement-copy",
                "new_parent_page": pages["persona_index"].pk,
            },
            None,
            marketing_pages,
        ),
        "persona: move (to the end of its section)": (
            reverse("wagtailadmin_pages:move_confirm", args=[world.persona.pk, pages["persona_index"].pk]),
            {},
            None,
            marketing_pages,
        ),
        "persona: reorder": (
            reverse("wagtailadmin_pages:set_page_position", args=[persona.pk]) + "?position=0",
            {},
            None,
            marketing_pages,
        ),
        "persona: lock": (page_url("lock", persona), {}, None, marketing_pages),
        "persona: unlock (locked by a superuser)": (page_url("unlock", persona), {}, lock_by_admin, marketing_pages),
        "persona: add a persona page": (
            reverse("wagtailadmin_pages:add", args=["personas", "personapage", pages["persona_index"].pk]),
            new_persona_data(),
            None,
            marketing_pages,
        ),
        "persona index: edit": (
            page_url("edit", pages["persona_index"]),
            {"title": "Buyers", "slug": "personas", "intro": "Renamed.", "action-publish": "1"},
            None,
            marketing_pages,
        ),
        "persona index: delete": (
            page_url("delete", pages["persona_index"]),
            {},
            None,
            {"rep": DENIED, "marketer": DENIED, "admin": REFUSED},  # it holds a persona with notes
        ),
        "collateral: delete": (page_url("delete", collateral), {}, None, marketing_pages),
        "collateral: unpublish": (page_url("unpublish", collateral), {}, None, marketing_pages),
        "collateral index: delete": (page_url("delete", pages["collateral_index"]), {}, None, superuser_only),
        # The same through the admin API and the explorer's bulk actions.
        "API: unpublish persona": (api_action(persona, "unpublish"), {}, None, marketing_pages),
        "API: delete persona": (api_action(persona, "delete"), {}, None, marketing_pages),
        "API: move persona": (
            api_action(world.persona, "move"),
            {"destination_page_id": pages["persona_index"].pk, "position": "last-child"},
            None,
            marketing_pages,
        ),
        "API: copy persona": (
            api_action(persona, "copy"),
            {"slug": "procurement-api-copy", "destination_page_id": pages["persona_index"].pk},
            None,
            marketing_pages,
        ),
        "API: publish persona": (api_action(persona, "publish"), {}, None, everyone_edits),
        "bulk: delete persona": (
            bulk("wagtailcore", "page", "delete", persona, parent=pages["persona_index"]),
            {},
            None,
            {"rep": SKIPPED, "marketer": CHANGED, "admin": CHANGED},
        ),
        "bulk: unpublish persona": (
            bulk("wagtailcore", "page", "unpublish", persona, parent=pages["persona_index"]),
            {},
            None,
            {"rep": SKIPPED, "marketer": CHANGED, "admin": CHANGED},
        ),
        "bulk: move persona": (
            bulk("wagtailcore", "page", "move", world.persona, parent=pages["persona_index"]),
            {"chooser": pages["persona_index"].pk},
            None,
            {"rep": SKIPPED, "marketer": CHANGED, "admin": CHANGED},
        ),
        # Objection notes: filed on the site; moderated by marketing in the admin.
        "notes admin: add a note": (
            reverse("wagtailsnippets_personas_objectionnote:add"),
            note_form_data(world, note, text="Filed with no author."),
            None,
            nobody,
        ),
        "notes admin: hide a note": (
            reverse("wagtailsnippets_personas_objectionnote:edit", args=[note.pk]),
            note_form_data(world, note, status=ObjectionNote.Status.HIDDEN),
            None,
            marketing_pages,
        ),
        "notes admin: show a hidden note": (
            reverse("wagtailsnippets_personas_objectionnote:edit", args=[world.hidden_note.pk]),
            note_form_data(world, world.hidden_note, status=ObjectionNote.Status.VISIBLE),
            None,
            marketing_pages,
        ),
        "notes admin: delete a note": (
            reverse("wagtailsnippets_personas_objectionnote:delete", args=[note.pk]),
            {},
            None,
            marketing_pages,
        ),
        "notes chooser: create a note": (
            reverse("wagtailsnippetchoosers_personas_objectionnote:create"),
            note_form_data(world, note, text="Filed through the chooser."),
            None,
            nobody,
        ),
        "bulk: hide notes": (
            bulk("personas", "objectionnote", "hide_notes", note),
            {"hidden_reason": "Names the customer."},
            None,
            {"rep": "404", "marketer": CHANGED, "admin": CHANGED},
        ),
        "bulk: re-categorise notes": (
            bulk("personas", "objectionnote", "recategorise_notes", note),
            {"objection": world.other_objection.pk},
            None,
            {"rep": "404", "marketer": CHANGED, "admin": CHANGED},
        ),
        "bulk: delete notes": (
            bulk("personas", "objectionnote", "delete", note),
            {},
            None,
            {"rep": "404", "marketer": CHANGED, "admin": CHANGED},
        ),
        # The taxonomy.
        "objections: add": (
            reverse("wagtailsnippets_personas_objection:add"),
            objection_form_data("Vendor lock-in", "lock-in"),
            None,
            marketing_pages,
        ),
        "objections: merge": (
            reverse("merge_objection", args=[world.objection.pk]),
            {"target": world.other_objection.pk, "confirmed": "True"},
            None,
            marketing_pages,
        ),
        # Content requests: made on the site; marketing works the queue; never deleted.
        "requests admin: accept": (
            reverse("wagtailsnippets_content_contentrequest:edit", args=[world.content_request.pk]),
            {"status": "accepted", "owner": world.users["marketer"].pk, "due": "2030-01-01", "decline_reason": ""},
            None,
            marketing_pages,
        ),
        "requests admin: delete": (
            reverse("wagtailsnippets_content_contentrequest:delete", args=[world.content_request.pk]),
            {},
            None,
            nobody,
        ),
        # Loop dashboard: marketing creates an asset for a gap.
        "loop dashboard: create asset for a gap": (
            reverse("loop_create_asset") + f"?persona={world.persona.pk}&objection={world.objection.pk}",
            {},
            None,
            marketing_pages,
        ),
        # Files, collections.
        "documents: upload": (reverse("wagtaildocs:add"), document_upload, None, marketing_pages),
        "documents: delete": (
            reverse("wagtaildocs:delete", args=[world.document.pk]),
            {},
            None,
            marketing_pages,
        ),
        "documents: read the file again": (
            reverse("document_read_again", args=[world.document.pk]),
            {},
            None,
            marketing_pages,
        ),
        # Wagtail: deleting an image needs "change" on its collection, which marketing has.
        "images: delete": (reverse("wagtailimages:delete", args=[world.image.pk]), {}, None, marketing_pages),
        "collections: add": (
            reverse("wagtailadmin_collections:add"),
            {"name": "Rogue", "parent": world.collection.get_parent().pk},
            None,
            superuser_only,
        ),
        "collections: restrict": (
            reverse("wagtailadmin_collections:set_privacy", args=[world.collection.pk]),
            {"restriction_type": "password", "password": "letmein"},
            None,
            superuser_only,
        ),
        # People and settings.
        "users: delete": (
            reverse("wagtailusers_users:delete", args=[world.users["marketer"].pk]),
            {},
            None,
            superuser_only,
        ),
        "users: assign a role in bulk": (
            bulk("auth", "user", "assign_role", world.users["rep"]),
            {"role": world.marketing_group.pk},
            None,
            {"rep": "404", "marketer": "404", "admin": CHANGED},
        ),
        "groups: delete Sales": (
            reverse("wagtailusers_groups:delete", args=[world.sales_group.pk]),
            {},
            None,
            superuser_only,
        ),
        "sites: delete": (reverse("wagtailsites:delete", args=[world.site.pk]), {}, None, superuser_only),
        "redirects: delete": (
            reverse("wagtailredirects:delete", args=[world.redirect.pk]),
            {},
            None,
            superuser_only,
        ),
        "workflows: enable": (
            reverse("wagtailadmin_workflows:enable", args=[world.workflow.pk]),
            {},
            None,
            superuser_only,
        ),
        "workflows: create a task in the chooser": (
            reverse("wagtailadmin_workflows:task_chooser_create"),
            {"create-task-name": "Rubber stamp", "create-task-groups": [world.sales_group.pk]},
            None,
            {"rep": "400", "marketer": "400", "admin": CHANGED},
        ),
        "API tokens: delete the marketer's": (
            reverse("wagtailusers_api_tokens:delete", args=[world.marketer_token.pk]),
            {},
            None,
            {"rep": "404", "marketer": CHANGED, "admin": CHANGED},
        ),
    }
    return actions


@pytest.fixture
def actions(world):
    return post_actions(world)


POST_ACTIONS = [
    "persona: edit and publish",
    "persona: delete",
    "persona: unpublish",
    "persona: set privacy (password)",
    "persona: copy",
    "persona: move (to the end of its section)",
    "persona: reorder",
    "persona: lock",
    "persona: unlock (locked by a superuser)",
    "persona: add a persona page",
    "persona index: edit",
    "persona index: delete",
    "collateral: delete",
    "collateral: unpublish",
    "collateral index: delete",
    "API: unpublish persona",
    "API: delete persona",
    "API: move persona",
    "API: copy persona",
    "API: publish persona",
    "bulk: delete persona",
    "bulk: unpublish persona",
    "bulk: move persona",
    "notes admin: add a note",
    "notes admin: hide a note",
    "notes admin: show a hidden note",
    "notes admin: delete a note",
    "notes chooser: create a note",
    "bulk: hide notes",
    "bulk: re-categorise notes",
    "bulk: delete notes",
    "objections: add",
    "objections: merge",
    "requests admin: accept",
    "requests admin: delete",
    "loop dashboard: create asset for a gap",
    "documents: upload",
    "documents: delete",
    "documents: read the file again",
    "images: delete",
    "collections: add",
    "collections: restrict",
    "users: delete",
    "users: assign a role in bulk",
    "groups: delete Sales",
    "sites: delete",
    "redirects: delete",
    "workflows: enable",
    "workflows: create a task in the chooser",
    "API tokens: delete the marketer's",
]


def test_post_actions_are_all_listed(actions):
    assert sorted(actions) == sorted(POST_ACTIONS)


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_post_matrix(world, actions, action):
    """Each role sends the same POST, each in a savepoint rolled back afterwards: the allowed change
    the database, the others get Wagtail's refusal and change nothing at all."""
    url, data, setup, staff_expected = actions[action]
    expected = {"anonymous": LOGIN, "no_role": NO_ADMIN} | staff_expected
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            if setup is not None:
                setup()
            before = database_snapshot()
            payload = data() if callable(data) else data
            response = request_as(world, role, "post", url, payload)
            changed = changed_tables(before, database_snapshot())
            transaction.set_rollback(True)
        got = outcome(response)
        want = expected[role]
        if want == CHANGED:
            if got != OK or not changed:
                wrong.append(f"{role}: got {got}, changed {changed or 'nothing'}; want the change")
        elif want == REFUSED:
            if not got.startswith("refused") or changed:
                wrong.append(f"{role}: got {got}, changed {changed or 'nothing'}; want a refusal, no change")
        else:
            want_status = OK if want == SKIPPED else want
            if got != want_status or changed:
                wrong.append(f"{role}: got {got}, changed {changed or 'nothing'}; want {want_status}, no change")
    assert wrong == [], f"{action}:\n" + "\n".join(wrong)
