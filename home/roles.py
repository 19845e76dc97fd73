"""What each role may do, asked of permissions rather than group names."""

from wagtail.models import PagePermissionTester

from home.visibility import hidden_in_admin

# On PersonaPage, not ObjectionNote: see personas/models.py and home/migrations/0007.
NOTE_FILE_PERMISSION = "personas.file_objection_notes"
COLLATERAL_ADD_PERMISSION = "content.add_collateralpage"
REQUEST_ADD_PERMISSION = "content.add_contentrequest"
ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


def can_file_notes(user):
    return user.is_authenticated and user.has_perm(NOTE_FILE_PERMISSION)


def can_use_admin(user):
    return user.is_authenticated and user.has_perm(ADMIN_ACCESS_PERMISSION)


def can_publish_collateral(user):
    return user.is_authenticated and user.has_perm(COLLATERAL_ADD_PERMISSION)


def can_request_content(user):
    return user.is_authenticated and user.has_perm(REQUEST_ADD_PERMISSION)


def can_give_feedback(user):
    """Say whether an asset helped: the two teams, not someone who only reads."""
    return can_file_notes(user) or can_publish_collateral(user)


class SectionPagePermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed for a section that one team owns and another helps edit.

    In Wagtail, a group with "publish" on a section may also unpublish, delete (with "change"),
    move, copy and restrict (privacy) its pages, and reorder them. The role table (README, "Roles")
    lets Sales edit and publish persona pages but not remove, hide or restructure them. So here
    those actions also need the section's "add" permission, which the owning team has (Marketing on
    Personas) and contributors do not. A page the admin keeps from the user (``hidden_in_admin``:
    a view restriction they fail, in a section they do not own) allows them nothing at all.
    Superusers keep everything; every other rule is Wagtail's.
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        if not user.is_superuser and page.pk in hidden_in_admin(user):
            self.permissions = set()  # a page the admin keeps from this user: no action on it either

    def owns_section(self):
        return self.user.is_superuser or "add" in getattr(self, "permissions", ())

    def can_delete(self, ignore_bulk=False):
        return self.owns_section() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return self.owns_section() and super().can_unpublish()

    def can_set_view_restrictions(self):
        return self.owns_section() and super().can_set_view_restrictions()

    def can_move(self):
        return self.owns_section() and super().can_move()

    def can_copy(self):
        return self.owns_section() and super().can_copy()

    def can_reorder_children(self):
        return self.owns_section() and super().can_reorder_children()


class SectionIndexPermissionTester(SectionPagePermissionTester):
    """A section's index page (Personas, Collateral): its title and intro are edited and published by
    the owning team only, and it is part of the tree every installation starts with
    (home/migrations/0002), so only a superuser deletes, moves or copies it."""

    def can_edit(self):
        return self.owns_section() and super().can_edit()

    def can_publish(self):
        return self.owns_section() and super().can_publish()

    def can_delete(self, ignore_bulk=False):
        return self.user.is_superuser and super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        return self.user.is_superuser and super().can_move()

    def can_copy(self):
        return self.user.is_superuser and super().can_copy()
