"""Reps and marketers may create and revoke their own API tokens (for CRM and chat integrations)."""

from django.conf import settings
from django.db import migrations

TOKEN_PERMISSIONS = ["add_apitoken", "change_apitoken", "delete_apitoken", "view_apitoken"]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="apitoken")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )[0]
        for codename in TOKEN_PERMISSIONS
    ]
    for group in Group.objects.filter(name__in=[settings.MARKETING_GROUP, settings.SALES_GROUP]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=TOKEN_PERMISSIONS)
    for group in Group.objects.filter(name__in=[settings.MARKETING_GROUP, settings.SALES_GROUP]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("home", "0002_site_and_roles"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(grant, revoke)]
