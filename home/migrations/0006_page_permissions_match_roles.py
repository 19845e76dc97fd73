"""Page permissions exactly as the README's role table says, and no approval workflow nobody can approve.

Per section (the index page and everything under it), each group holds exactly these Wagtail page
permissions; anything else a group held there is removed:

- Collateral: Marketing creates, edits, publishes, deletes, locks and unlocks; Sales nothing.
- Personas: Marketing creates, edits, publishes, locks and unlocks (and so deletes, moves,
  unpublishes and restricts); Sales edits and publishes. What "publish" would also let Sales do
  in Wagtail (delete, move, copy, unpublish, set privacy, reorder, edit the index) is withheld by
  `home.roles.SectionPagePermissionTester`, which asks for the section's "add" permission too;
  the index pages themselves are deleted, moved or copied by superusers only
  (`home.roles.SectionIndexPermissionTester`).

Wagtail installs a "Moderators approval" workflow on the root page whose task is approved by the
Moderators group; 0002 deleted that group (it is not a role here), which left a workflow that only
superusers can approve and that locks a submitted page against Marketing. Such workflows are
disabled, as Wagtail's own "Disable" action does (their in-progress reviews cancelled, their page
and snippet assignments removed). A team that wants review sets up a workflow with its own group.
"""

from django.conf import settings
from django.db import migrations

SECTION_PERMISSIONS = {
    # index page slug: {group name: page permission codenames}
    "collateral": {
        settings.MARKETING_GROUP: [
            "add_page",
            "change_page",
            "publish_page",
            "bulk_delete_page",
            "lock_page",
            "unlock_page",
        ],
        settings.SALES_GROUP: [],
    },
    "personas": {
        settings.MARKETING_GROUP: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        settings.SALES_GROUP: ["change_page", "publish_page"],
    },
}
# As 0002 left them, for reversing: only Marketing's lock and unlock on Personas are new.
PREVIOUS_SECTION_PERMISSIONS = {
    "collateral": SECTION_PERMISSIONS["collateral"],
    "personas": {
        settings.MARKETING_GROUP: ["add_page", "change_page", "publish_page"],
        settings.SALES_GROUP: ["change_page", "publish_page"],
    },
}


def page_permission(apps, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ").capitalize()}
    )
    return permission


def set_section_permissions(apps, table):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for slug, grants in table.items():
        index = Page.objects.filter(depth=3, slug=slug).first()
        if index is None:
            continue
        for group in Group.objects.filter(name__in=grants):
            wanted = [page_permission(apps, codename) for codename in grants[group.name]]
            GroupPagePermission.objects.filter(group=group, page=index).exclude(permission__in=wanted).delete()
            for permission in wanted:
                GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)


def disable_workflows_nobody_can_approve(apps):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    for workflow in Workflow.objects.filter(active=True):
        task_ids = list(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True))
        approval_tasks = GroupApprovalTask.objects.filter(pk__in=task_ids)
        orphaned = (
            task_ids
            and approval_tasks.count() == len(task_ids)
            and not approval_tasks.filter(groups__isnull=False).exists()
        )
        if not orphaned:
            continue
        in_progress = WorkflowState.objects.filter(workflow=workflow, status="in_progress")
        TaskState.objects.filter(workflow_state__in=in_progress, status="in_progress").update(status="cancelled")
        in_progress.update(status="cancelled")
        WorkflowPage.objects.filter(workflow=workflow).delete()
        WorkflowContentType.objects.filter(workflow=workflow).delete()
        Workflow.objects.filter(pk=workflow.pk).update(active=False)


def forwards(apps, schema_editor):
    set_section_permissions(apps, SECTION_PERMISSIONS)
    disable_workflows_nobody_can_approve(apps)


def backwards(apps, schema_editor):
    # The disabled workflow stays disabled: re-enabling it would bring back the lock-out.
    set_section_permissions(apps, PREVIOUS_SECTION_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_content_request_permissions"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
