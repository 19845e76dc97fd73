"""Filing objection notes becomes `personas.file_objection_notes` (on persona pages), held by Sales
and Marketing; Sales gives up `personas.add_objectionnote`.

Wagtail shows a model's admin screens and its entries in the site history report to anyone
holding any permission on that model, so while Sales filed notes through "add" on ObjectionNote,
reps read the log of Marketing's moderation (which note was hidden or re-categorised). Marketing
keeps its note permissions: it moderates notes in the admin.
"""

from django.conf import settings
from django.db import migrations

FILE_CODENAME = "file_objection_notes"


def file_permission(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="personas", model="personapage")
    return Permission.objects.get_or_create(
        content_type=content_type,
        codename=FILE_CODENAME,
        defaults={"name": "Can file objection notes about personas"},
    )[0]


def add_permission(apps):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="personas", codename="add_objectionnote").first()


def forward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = file_permission(apps)
    for group in Group.objects.filter(name__in=[settings.MARKETING_GROUP, settings.SALES_GROUP]):
        group.permissions.add(permission)
    note_add = add_permission(apps)
    if note_add is not None:
        for group in Group.objects.filter(name=settings.SALES_GROUP):
            group.permissions.remove(note_add)


def backward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    note_add = add_permission(apps)
    if note_add is not None:
        for group in Group.objects.filter(name=settings.SALES_GROUP):
            group.permissions.add(note_add)
    for group in Group.objects.filter(name__in=[settings.MARKETING_GROUP, settings.SALES_GROUP]):
        group.permissions.remove(file_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_page_permissions_match_roles"),
        ("personas", "0004_file_objection_notes_permission"),
    ]

    operations = [migrations.RunPython(forward, backward)]
