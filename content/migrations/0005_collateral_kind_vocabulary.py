"""Kinds of collateral become a managed list (issue 13): the shipped kinds, plus any other value
already stored, become terms whose slug is the stored value, so no page changes and nothing is lost.
Marketing may add, change and delete kinds."""

from django.conf import settings
from django.db import migrations, models

DEFAULTS = [
    ("case_study", "Case study"),
    ("battlecard", "Battlecard"),
    ("whitepaper", "Whitepaper"),
    ("one_pager", "One-pager"),
    ("deck", "Deck"),
    ("roi_calculator", "ROI calculator"),
    ("faq", "FAQ"),
    ("email_template", "Email template"),
    ("datasheet", "Datasheet"),
    ("video", "Video"),
]
CODENAMES = ["add_collateralkind", "change_collateralkind", "delete_collateralkind", "view_collateralkind"]


def seed(apps, schema_editor):
    CollateralKind = apps.get_model("content", "CollateralKind")
    CollateralPage = apps.get_model("content", "CollateralPage")
    for order, (slug, label) in enumerate(DEFAULTS):
        CollateralKind.objects.get_or_create(slug=slug, defaults={"label": label, "sort_order": order})
    stored = set(CollateralPage.objects.exclude(kind="").values_list("kind", flat=True).distinct())
    for order, slug in enumerate(sorted(stored - {slug for slug, _ in DEFAULTS}), start=len(DEFAULTS)):
        label = slug.replace("_", " ").replace("-", " ").capitalize()
        if CollateralKind.objects.filter(label=label).exists():
            label = f"{label} ({slug})"  # two stored values with one label: both kept, told apart
        CollateralKind.objects.create(slug=slug, label=label, sort_order=order)
    grant(apps)


def grant(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="content", model="collateralkind")
    permissions = [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
        )[0]
        for codename in CODENAMES
    ]
    for group in Group.objects.filter(name=settings.MARKETING_GROUP):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("content", "0004_content_requests"), ("home", "0005_content_request_permissions")]

    operations = [
        migrations.CreateModel(
            name="CollateralKind",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(help_text="What people read, e.g. 'Case study'.", max_length=60, unique=True)),
                ("slug", models.SlugField(blank=True, help_text="Used in links, filters and imports; made from the label when left empty. Fixed once something uses it.", max_length=40, unique=True)),
                ("sort_order", models.PositiveSmallIntegerField(default=0, help_text="Lists show terms in this order.")),
            ],
            options={
                "verbose_name": "kind of collateral",
                "verbose_name_plural": "kinds of collateral",
                "ordering": ["sort_order", "label"],
                "abstract": False,
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
