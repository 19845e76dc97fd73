"""Both teams may request content; marketing works the queue (accept, deliver, decline)."""

from django.conf import settings
from django.db import migrations

GRANTS = {
    settings.SALES_GROUP: ["add_contentrequest", "view_contentrequest"],
    settings.MARKETING_GROUP: ["add_contentrequest", "view_contentrequest", "change_contentrequest"],
}


def permissions(apps, codenames):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="content", model="contentrequest")
    return [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )[0]
        for codename in codenames
    ]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(*permissions(apps, GRANTS[group.name]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions(apps, GRANTS[group.name]))


class Migration(migrations.Migration):
    dependencies = [("home", "0004_notification"), ("content", "0004_content_requests")]

    operations = [migrations.RunPython(grant, revoke)]
