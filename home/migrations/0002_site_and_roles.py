"""The page tree every installation starts with, and the two roles.

Home
├── Personas (PersonaIndexPage)
└── Collateral (CollateralIndexPage)

Marketing publishes collateral, manages the objection taxonomy, moderates notes and
edits personas. Sales reads everything, files notes and edits persona pages.
"""

from django.conf import settings
from django.db import migrations

# (app_label, model, codename)
MARKETING_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("personas", "objection", "add_objection"),
    ("personas", "objection", "change_objection"),
    ("personas", "objection", "delete_objection"),
    ("personas", "objectionnote", "add_objectionnote"),
    ("personas", "objectionnote", "change_objectionnote"),
    ("personas", "objectionnote", "delete_objectionnote"),
    ("personas", "objectionnote", "view_objectionnote"),
    ("content", "collateralpage", "add_collateralpage"),
    ("taggit", "tag", "add_tag"),
    ("taggit", "tag", "change_tag"),
]
SALES_MODEL_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("personas", "objectionnote", "add_objectionnote"),
]
# (index page slug, [page permission codenames])
MARKETING_PAGE_PERMISSIONS = [
    ("collateral", ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]),
    ("personas", ["add_page", "change_page", "publish_page"]),
]
SALES_PAGE_PERMISSIONS = [("personas", ["change_page", "publish_page"])]
# Collection permissions on the root collection: (app_label, model, codename)
MARKETING_COLLECTION_PERMISSIONS = [
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "change_document"),
    ("wagtaildocs", "document", "delete_document"),
    ("wagtaildocs", "document", "choose_document"),
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "change_image"),
    ("wagtailimages", "image", "choose_image"),
]


def get_permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ").capitalize()}
    )
    return permission


def create_page(apps, model_name, app_label, parent_path, position, **fields):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Model = apps.get_model(app_label, model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name.lower())
    path = f"{parent_path}{position:04d}"
    return Model.objects.create(
        content_type=content_type,
        path=path,
        depth=len(path) // 4,
        numchild=0,
        draft_title=fields["title"],
        live=True,
        has_unpublished_changes=False,
        locale=Locale.objects.order_by("pk").first(),
        **fields,
    )


def create_site_and_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    # Replace Wagtail's placeholder "Welcome" page with our home page.
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, depth=2).delete()
    Site.objects.all().delete()

    home = create_page(
        apps, "HomePage", "home", "0001", 1,
        title="Common Ground", slug="home", url_path="/home/",
        intro="Find the right asset before the call; tell marketing what you heard after it.",
    )
    indexes = {
        "personas": create_page(
            apps, "PersonaIndexPage", "personas", home.path, 1,
            title="Personas", slug="personas", url_path="/home/personas/",
            intro="Who we sell to, what they push back on, and what answers it.",
        ),
        "collateral": create_page(
            apps, "CollateralIndexPage", "content", home.path, 2,
            title="Collateral", slug="collateral", url_path="/home/collateral/",
            intro="Every deck, case study and battlecard, newest first.",
        ),
    }
    Page.objects.filter(pk=home.pk).update(numchild=len(indexes))
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
                        site_name="Common Ground")

    # Wagtail's sample groups would be a third and fourth role nobody asked for.
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    marketing, _ = Group.objects.get_or_create(name=settings.MARKETING_GROUP)
    sales, _ = Group.objects.get_or_create(name=settings.SALES_GROUP)
    for group, model_permissions, page_permissions in [
        (marketing, MARKETING_MODEL_PERMISSIONS, MARKETING_PAGE_PERMISSIONS),
        (sales, SALES_MODEL_PERMISSIONS, SALES_PAGE_PERMISSIONS),
    ]:
        group.permissions.add(*[get_permission(apps, *spec) for spec in model_permissions])
        for slug, codenames in page_permissions:
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page_id=indexes[slug].pk,
                    permission=get_permission(apps, "wagtailcore", "page", codename),
                )
    root_collection = Collection.objects.get(depth=1)
    for spec in MARKETING_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=marketing, collection=root_collection, permission=get_permission(apps, *spec)
        )


def remove_site_and_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Group.objects.filter(name__in=[settings.MARKETING_GROUP, settings.SALES_GROUP]).delete()
    Site.objects.all().delete()
    Page.objects.filter(depth__gt=1).delete()
    Page.objects.filter(depth=1).update(numchild=0)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("personas", "0001_initial"),
        ("content", "0002_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailcore", "0098_apitoken"),
        # After all of Wagtail's own data migrations, which grant to existing groups.
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0006_formstate"),
        ("taggit", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_site_and_roles, remove_site_and_roles)]
