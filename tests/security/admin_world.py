"""What the admin matrix acts on: one of everything a Wagtail admin URL can point at, and how to
enumerate those URLs and read Wagtail's answers."""

from dataclasses import dataclass, field

from axes.models import AccessAttempt

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import ERROR, get_messages
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import APIToken, Collection, Site, Task, Workflow

from content.models import CollateralIndexPage, ContentRequest
from personas.factories import create_note, create_objection, create_persona
from personas.models import PersonaIndexPage

HIDDEN_NOTE_TEXT = "Hidden-by-moderator: the CFO called our CEO a clown"
ROLES = ["anonymous", "no_role", "rep", "marketer", "admin"]

# Tables that change on any request and say nothing about what a user did.
VOLATILE_MODELS = {
    "sessions.session",
    "wagtailusers.userprofile",
    "wagtailcore.editingsession",
    "wagtailcore.referenceindex",
    "wagtailsearch.indexentry",
    "admin.logentry",
}


@dataclass
class World:
    users: dict
    pages: dict
    persona: object
    objection: object
    collateral: object
    document: object
    hidden_note: object
    visible_note: object
    content_request: object
    image: object
    collection: object
    redirect: object
    lockout: AccessAttempt
    site: object
    workflow: object
    task: object
    rep_token: object
    marketer_token: object
    sales_group: object
    marketing_group: object
    other_objection: object
    clients: dict = field(default_factory=dict)


def build_world(rep, marketer, admin_user, no_role_user, persona, objection, collateral):
    """One of everything, owned the way the demo owns it. The persona page the page actions act on
    has no notes (a persona with notes refuses deletion for its own reason)."""
    spare = create_persona("Head of Procurement", slug="procurement", role="Procurement lead", summary="Buys.")
    hidden_note = create_note(persona, objection, rep, text=HIDDEN_NOTE_TEXT, status="hidden")
    visible_note = create_note(persona, objection, rep, text="Budget is frozen until Q3.")
    content_request = ContentRequest.objects.create(
        persona=persona, objection=objection, description="A one-pager on payback time.", requested_by=rep
    )
    root_collection = Collection.get_first_root_node()
    collection = root_collection.add_child(name="Marketing only")
    image = Image.objects.create(title="Team photo", file=get_test_image_file(), collection=root_collection)
    rep_token = APIToken.create_token(user=rep, name="CRM")[0]
    marketer_token = APIToken.create_token(user=marketer, name="Chat")[0]
    workflow = Workflow.objects.order_by("pk").first()
    users = {"anonymous": None, "no_role": no_role_user, "rep": rep, "marketer": marketer, "admin": admin_user}
    world = World(
        users=users,
        pages={
            "home": collateral.get_parent().get_parent().specific,
            "persona_index": PersonaIndexPage.objects.get(),
            "persona": spare,
            "collateral_index": CollateralIndexPage.objects.get(),
            "collateral": collateral,
        },
        persona=persona,
        objection=objection,
        collateral=collateral,
        document=collateral.files.get().document,
        hidden_note=hidden_note,
        visible_note=visible_note,
        content_request=content_request,
        image=image,
        collection=collection,
        redirect=Redirect.objects.create(old_path="/old-deck", redirect_link="/collateral/"),
        lockout=AccessAttempt.objects.create(
            username="marketer", ip_address="127.0.0.9", user_agent="x", failures_since_start=10
        ),
        site=Site.objects.get(),
        workflow=workflow,
        task=Task.objects.order_by("pk").first(),
        rep_token=rep_token,
        marketer_token=marketer_token,
        sales_group=Group.objects.get(name=settings.SALES_GROUP),
        marketing_group=Group.objects.get(name=settings.MARKETING_GROUP),
        other_objection=create_objection("We already have a tool", slug="incumbent"),
    )
    for target in ("home", "persona_index", "collateral_index"):
        # Made by a migration, without revisions; the revision views need one.
        world.pages[target].save_revision().publish()
        world.pages[target].refresh_from_db()
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        world.clients[role] = client
    return world


def admin_url_patterns():
    """[(url name, pattern)] for every named URL under the Wagtail admin, from Django's resolver."""
    found = []

    def walk(resolver, namespace, route):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace if pattern.namespace else None
                walk(
                    pattern,
                    ":".join(filter(None, [namespace, inner])) if inner else namespace,
                    route + str(pattern.pattern),
                )
            elif (
                isinstance(pattern, URLPattern) and pattern.name and (route + str(pattern.pattern)).startswith("admin/")
            ):
                found.append((":".join(filter(None, [namespace, pattern.name])), pattern))

    walk(get_resolver(), None, "")
    return found


def outcome(response):
    """Wagtail's answer as the matrix names it.

    - "login": sent to a login page (an anonymous visitor);
    - "no admin": sent to the admin's login page with "You do not have permission to access the
      admin" (a login without the admin permission);
    - "denied": 403, or Wagtail's redirect to the dashboard with an error message (what
      `wagtail.admin.auth.permission_denied` does with a PermissionDenied);
    - "refused: <message>": a redirect elsewhere with an error message (a rule of ours said no);
    - "ok": 2xx, or a redirect without an error message;
    - otherwise the status code ("404", "405", "500").
    """
    status = response.status_code
    if status in (301, 302):
        location = response.url
        errors = [message for message in get_messages(response.wsgi_request) if message.level == ERROR]
        if location.startswith(reverse("login")):
            return "login"
        if location.startswith(reverse("wagtailadmin_login")):
            return "no admin" if errors else "login"
        if errors:
            return "denied" if location.split("?")[0] == reverse("wagtailadmin_home") else f"refused: {errors[0]}"
        return "ok"
    if status == 403:
        return "denied"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def request_as(world, role, method, url, data=None):
    """The response to `role` sending `method` to `url`; messages of earlier requests are dropped."""
    client = world.clients[role]
    client.cookies.pop("messages", None)
    if method == "get":
        return client.get(url)
    return client.post(url, data or {})


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def database_snapshot():
    """Every row of every table a user's action could change, as comparable tuples."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.label_lower in VOLATILE_MODELS or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        if model._meta.label_lower == "auth.user":
            fields.remove("last_login")
        rows = model._default_manager.order_by("pk").values_list(*fields)
        snapshot[model._meta.label_lower] = list(rows)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                snapshot[through._meta.label_lower] = sorted(
                    through.objects.values_list(*[f.attname for f in through._meta.concrete_fields])
                )
    return snapshot


def changed_tables(before, after):
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))
