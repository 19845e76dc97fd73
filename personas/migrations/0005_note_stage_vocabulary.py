"""Note stages become a managed list (issue 13): the shipped stages, plus any other value already
stored, become terms whose slug is the stored value, so no note changes and nothing is lost.
Marketing may add, change and delete stages."""

from django.conf import settings
from django.db import migrations, models

DEFAULTS = [
    ("discovery", "Discovery"),
    ("demo", "Demo"),
    ("proposal", "Proposal"),
    ("negotiation", "Negotiation"),
    ("closing", "Closing"),
]
CODENAMES = ["add_notestage", "change_notestage", "delete_notestage", "view_notestage"]


def seed(apps, schema_editor):
    NoteStage = apps.get_model("personas", "NoteStage")
    ObjectionNote = apps.get_model("personas", "ObjectionNote")
    for order, (slug, label) in enumerate(DEFAULTS):
        NoteStage.objects.get_or_create(slug=slug, defaults={"label": label, "sort_order": order})
    stored = set(ObjectionNote.objects.exclude(deal_stage="").values_list("deal_stage", flat=True).distinct())
    for order, slug in enumerate(sorted(stored - {slug for slug, _ in DEFAULTS}), start=len(DEFAULTS)):
        label = slug.replace("_", " ").replace("-", " ").capitalize()
        if NoteStage.objects.filter(label=label).exists():
            label = f"{label} ({slug})"  # two stored values with one label: both kept, told apart
        NoteStage.objects.create(slug=slug, label=label, sort_order=order)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="personas", model="notestage")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )[0]
        for codename in CODENAMES
    ]
    for group in Group.objects.filter(name=settings.MARKETING_GROUP):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("personas", "0004_file_objection_notes_permission"), ("home", "0002_site_and_roles")]

    operations = [
        migrations.CreateModel(
            name="NoteStage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(help_text="What people read, e.g. 'Case study'.", max_length=60, unique=True)),
                ("slug", models.SlugField(blank=True, help_text="Used in links, filters and imports; made from the label when left empty. Fixed once something uses it.", max_length=40, unique=True)),
                ("sort_order", models.PositiveSmallIntegerField(default=0, help_text="Lists show terms in this order.")),
            ],
            options={"verbose_name": "note stage", "ordering": ["sort_order", "label"], "abstract": False},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
