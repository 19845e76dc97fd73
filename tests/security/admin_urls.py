"""Every admin URL the matrix visits, built from Django's resolver and the objects of an `admin_world.World`."""

from django.urls import reverse

from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.snippets.models import get_snippet_models

from content.models import CollateralKind
from personas.models import NoteStage, Synonym
from tests.security.admin_world import admin_url_patterns

PAGE_TARGETS = ["home", "persona_index", "persona", "collateral_index", "collateral"]
PAGE_KWARGS = {"page_id", "parent_page_id", "page_to_move_id"}
# URL names that need no object, or whose object the world has exactly one of.
NOT_VISITED = {
    "wagtailadmin_error_test": "raises on purpose (Wagtail's 500 page test)",
    "wagtailadmin_logout": "ends the session the other cells need; logging out is allowed to everyone",
}


def page_args(world, name, target):
    page = world.pages[target]
    kwargs = {}
    if name == "wagtailadmin_pages:move_confirm":
        kwargs = {"page_to_move_id": page.pk, "destination_id": world.pages["home"].pk}
    elif name == "wagtailadmin_pages:revisions_compare":
        kwargs = {"pk": page.pk, "revision_id_a": "earliest", "revision_id_b": "latest"}
    elif name in (
        "wagtailadmin_pages:revisions_view",
        "wagtailadmin_pages:revisions_revert",
        "wagtailadmin_pages:revisions_unschedule",
    ):
        kwargs = {"page_id": page.pk, "revision_id": page.latest_revision_id or 0}
    return kwargs


def snippet_object(world, model):
    if model._meta.model_name in ("collateralkind", "notestage"):  # managed lists: their first term
        return model.objects.order_by("pk").first()
    return {
        "objection": world.objection,
        "objectionnote": world.hidden_note,
        "contentrequest": world.content_request,
        "synonym": Synonym.objects.order_by("pk").first(),  # the shipped list (personas migration 0006)
    }[model._meta.model_name]


def url_cases(world):
    """[(case id, url name, url)]: each admin URL once per object kind it acts on.

    Pages: once per page type (home, each index, each kind of page). Snippets: each registered
    snippet model with its own object (for notes, a hidden one). Exports: each listing that offers
    one, as CSV and XLSX. Bulk actions: each action Wagtail registered, for one of its objects.
    """
    cases = []
    snippet_namespaces = {model.snippet_viewset.get_admin_url_namespace(): model for model in get_snippet_models()} | {
        model.snippet_viewset.chooser_viewset.name: model for model in get_snippet_models()
    }
    for name, pattern in admin_url_patterns():
        if name in NOT_VISITED:
            continue
        params = set(pattern.pattern.regex.groupindex)
        namespace = name.rpartition(":")[0]
        if name in ("wagtailadmin_pages:add", "wagtailadmin_pages:preview_on_add"):
            for target, model in (("persona_index", "personapage"), ("collateral_index", "collateralpage")):
                app = "personas" if model == "personapage" else "content"
                kwargs = {
                    "content_type_app_name": app,
                    "content_type_model_name": model,
                    "parent_page_id": world.pages[target].pk,
                }
                cases.append((f"{name}[{model}]", name, reverse(name, kwargs=kwargs)))
        elif name.startswith("wagtailadmin_pages:") and params & (PAGE_KWARGS | {"pk"}):
            for target in PAGE_TARGETS:
                page = world.pages[target]
                kwargs = page_args(world, name, target) or dict.fromkeys(params, page.pk)
                if "action_name" in params:
                    kwargs.update(action_name="approve", task_state_id=0)
                if "task_state_id" in params:
                    kwargs["task_state_id"] = 0
                if "task_id" in params:
                    kwargs["task_id"] = world.task.pk
                if "workflow_state_id" in params:
                    kwargs["workflow_state_id"] = 0
                cases.append((f"{name}[{target}]", name, reverse(name, kwargs=kwargs)))
        elif name in (
            "wagtailadmin_pages:type_use",
            "wagtailadmin_pages:type_use_results",
            "wagtailadmin_pages:choose_parent",
        ):
            for app, model in (("personas", "personapage"), ("content", "collateralpage")):
                kwargs = {key: (app if "app" in key else model) for key in params}
                cases.append((f"{name}[{model}]", name, reverse(name, kwargs=kwargs)))
        elif name in ("wagtailadmin_explore", "wagtailadmin_explore_results", "wagtailadmin_choose_page_child"):
            for target in PAGE_TARGETS:
                cases.append((f"{name}[{target}]", name, reverse(name, args=[world.pages[target].pk])))
        elif namespace in snippet_namespaces:
            model = snippet_namespaces[namespace]
            kwargs = {key: snippet_object(world, model).pk for key in params}
            url = reverse(name, kwargs=kwargs)
            cases.append((f"{name}", name, url))
            view = pattern.callback
            if name.endswith(":list") and getattr(view, "view_initkwargs", {}).get("list_export"):
                for export in ("csv", "xlsx"):
                    cases.append((f"{name}?export={export}", name, f"{url}?export={export}"))
        elif name == "wagtail_bulk_action":
            continue  # below
        else:
            kwargs = other_kwargs(world, name, params)
            if kwargs is None:
                continue
            for case_id, case_kwargs in kwargs:
                url = reverse(name, kwargs=case_kwargs)
                cases.append((case_id, name, url))
                view = pattern.callback
                if getattr(getattr(view, "view_class", None), "list_export", None) and name.endswith(
                    ("index", "site_history", "aging_pages", "locked_pages", "page_types_usage")
                ):
                    for export in ("csv", "xlsx"):
                        cases.append((f"{case_id}?export={export}", name, f"{url}?export={export}"))
    cases.extend(bulk_action_cases(world))
    unique = {}
    for case in cases:
        unique.setdefault(case[2], case)
    return list(unique.values())


def bulk_action_cases(world):
    """One case per bulk action Wagtail has registered (pages, documents, images, users, snippets)."""
    objects = {
        ("wagtailcore", "page"): world.pages["persona"],
        ("content", "collateraldocument"): world.document,
        ("wagtailimages", "image"): world.image,
        ("auth", "user"): world.users["marketer"],
        ("personas", "objectionnote"): world.hidden_note,
        ("personas", "objection"): world.objection,
        ("content", "contentrequest"): world.content_request,
        ("personas", "synonym"): snippet_object(world, Synonym),
        ("content", "collateralkind"): snippet_object(world, CollateralKind),
        ("personas", "notestage"): snippet_object(world, NoteStage),
    }
    bulk_action_registry._scan_for_bulk_actions()
    cases = []
    for app_label, models in sorted(bulk_action_registry.actions.items()):
        for model_name, actions in sorted(models.items()):
            target = objects.get((app_label, model_name))
            assert target is not None, f"no object for bulk actions on {app_label}.{model_name}"
            for action_type in sorted(actions):
                url = reverse("wagtail_bulk_action", args=[app_label, model_name, action_type]) + f"?id={target.pk}"
                if app_label == "wagtailcore":
                    url += f"&childOf={target.get_parent().pk}"
                cases.append((f"bulk:{app_label}.{model_name}:{action_type}", "wagtail_bulk_action", url))
    return cases


def other_kwargs(world, name, params):
    """[(case id, kwargs)] for the admin URLs that are neither page actions nor snippets."""
    if not params:
        return [(name, {})]
    document, image = world.document.pk, world.image.pk
    fixed = {
        "wagtailadmin_api:pages:detail": {"pk": world.pages["persona"].pk},
        "wagtailadmin_api:pages:action": {"pk": world.pages["persona"].pk, "action_name": "unpublish"},
        "wagtailadmin_api:documents:detail": {"pk": document},
        "wagtailadmin_api:images:detail": {"pk": image},
        "wagtailadmin_tag_model_autocomplete": {"app_name": "taggit", "model_name": "tag"},
        "wagtailadmin_collections:edit": {"pk": world.collection.pk},
        "wagtailadmin_collections:delete": {"pk": world.collection.pk},
        "wagtailadmin_collections:set_privacy": {"collection_id": world.collection.pk},
        "wagtailadmin_workflows:add_task": {"app_label": "wagtailcore", "model_name": "groupapprovaltask"},
        "wagtailadmin_workflows:remove": {"page_pk": world.pages["home"].pk},
        "wagtailadmin_editing_sessions:ping": {
            "app_label": "personas",
            "model_name": "personapage",
            "object_id": str(world.pages["persona"].pk),
            "session_id": 0,
        },
        "wagtailadmin_editing_sessions:release": {"session_id": 0},
        "merge_objection": {"pk": world.objection.pk},
        "wagtailforms:list_submissions": {"page_id": world.pages["persona"].pk},
        "wagtailforms:list_submissions_results": {"page_id": world.pages["persona"].pk},
        "wagtailforms:delete_submissions": {"page_id": world.pages["persona"].pk},
        "wagtailredirects:edit": {"redirect_id": world.redirect.pk},
        "wagtailredirects:delete": {"redirect_id": world.redirect.pk},
        "wagtailadmin_password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "wagtailimages:preview": {"image_id": image, "filter_spec": "fill-80x80"},
        "wagtailimages:url_generator_output": {"image_id": image},
    }
    if name.startswith("collateral_import_"):  # a library import marketing previewed (content/import_views.py)
        from content.models import ImportJob

        # The marketer's own job: another marketer's answers 404 (test_import_library), a superuser opens any.
        job, _ = ImportJob.objects.get_or_create(
            filename="library.json",
            defaults={"folder": "/nonexistent", "state": "previewed", "preview": {}, "user": world.users["marketer"]},
        )
        fixed[name] = {"pk": job.pk}
    if name in fixed:
        return [(name, fixed[name])]
    if name.startswith("wagtailusers_api_tokens:"):
        return [
            (f"{name}[own]", {"pk": world.rep_token.pk}),
            (f"{name}[marketer's]", {"pk": world.marketer_token.pk}),
        ]
    by_namespace = {
        "wagtailadmin_workflows": world.workflow.pk,
        "wagtailsites": world.site.pk,
        "wagtailusers_users": world.users["marketer"].pk,
        "wagtailusers_groups": world.sales_group.pk,
        "wagtaildocs_chooser": document,
        "login_lockouts": world.lockout.pk,
        "wagtailimages_chooser": image,
    }
    namespace = name.rpartition(":")[0]
    if namespace == "wagtailadmin_workflows" and "task" in name:
        return [(name, dict.fromkeys(params, world.task.pk))]
    if namespace in by_namespace:
        if name == "wagtailadmin_workflows:remove":
            return [(name, {"page_pk": world.pages["home"].pk, "workflow_pk": world.workflow.pk})]
        return [(name, dict.fromkeys(params, by_namespace[namespace]))]
    by_key = {
        "document_id": document,
        "doc_id": document,
        "image_id": image,
        "uploaded_file_id": 0,
    }
    if params <= set(by_key):
        return [(name, {key: by_key[key] for key in params})]
    raise AssertionError(f"the matrix does not know how to fill {name} {sorted(params)}")
