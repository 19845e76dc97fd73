"""The starting list of general synonyms and abbreviations (search/understanding.py), and
Marketing's permission to edit them; Sales gets none (README, "Roles")."""

from django.conf import settings
from django.db import migrations

# (what reps type, what it means). General sales and software words, no vendor's own names.
STARTING_SYNONYMS = [
    ("impl", "implementation"),
    ("implement", "implementation"),
    ("mgmt", "management"),
    ("mgr", "manager"),
    ("admin", "administration"),
    ("config", "configuration"),
    ("integ", "integration"),
    ("docs", "documentation"),
    ("reqs", "requirements"),
    ("req", "requirement"),
    ("perf", "performance"),
    ("info", "information"),
    ("exec", "executive"),
    ("execs", "executives"),
    ("dept", "department"),
    ("org", "organisation"),
    ("intl", "international"),
    ("govt", "government"),
    ("auth", "authentication"),
    ("sso", "single sign-on"),
    ("mfa", "multi-factor authentication"),
    ("2fa", "two-factor authentication"),
    ("tco", "total cost of ownership"),
    ("revops", "revenue operations"),
    ("secops", "security operations"),
    ("hr", "human resources"),
    ("calc", "calculator"),
    ("customer story", "case study"),
    ("success story", "case study"),
    ("customer reference", "case study"),
    ("reference story", "case study"),
    ("testimonial", "case study"),
    ("one sheet", "one pager"),
    ("one sheeter", "one pager"),
    ("onepager", "one pager"),
    ("data sheet", "datasheet"),
    ("spec sheet", "datasheet"),
    ("fact sheet", "datasheet"),
    ("battle card", "battlecard"),
    ("competitive comparison", "battlecard"),
    ("white paper", "whitepaper"),
    ("ebook", "whitepaper"),
    ("slides", "deck"),
    ("slide deck", "deck"),
    ("presentation", "deck"),
    ("pitch deck", "deck"),
    ("value calculator", "roi calculator"),
    ("business case calculator", "roi calculator"),
    ("frequently asked questions", "faq"),
    ("email", "email template"),
    ("follow up email", "email template"),
    ("recording", "video"),
    ("webinar", "video"),
]
MARKETING_CODENAMES = ["add_synonym", "change_synonym", "delete_synonym", "view_synonym"]


def forwards(apps, schema_editor):
    Synonym = apps.get_model("personas", "Synonym")
    for term, meaning in STARTING_SYNONYMS:
        Synonym.objects.get_or_create(term=term, defaults={"meaning": meaning})
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="personas", model="synonym")
    marketing, _ = Group.objects.get_or_create(name=settings.MARKETING_GROUP)
    for codename in MARKETING_CODENAMES:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {codename.split('_')[0]} synonym"},
        )
        marketing.permissions.add(permission)


def backwards(apps, schema_editor):
    Synonym = apps.get_model("personas", "Synonym")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    marketing = Group.objects.filter(name=settings.MARKETING_GROUP).first()
    if marketing:
        marketing.permissions.remove(
            *Permission.objects.filter(content_type__app_label="personas", codename__in=MARKETING_CODENAMES)
        )
    for term, meaning in STARTING_SYNONYMS:
        Synonym.objects.filter(term=term, meaning=meaning).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("personas", "0007_general_synonyms"),
        ("home", "0002_site_and_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
