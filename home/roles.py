"""What each role may do, asked of permissions rather than group names."""

NOTE_ADD_PERMISSION = "personas.add_objectionnote"
COLLATERAL_ADD_PERMISSION = "content.add_collateralpage"
REQUEST_ADD_PERMISSION = "content.add_contentrequest"
ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


def can_file_notes(user):
    return user.is_authenticated and user.has_perm(NOTE_ADD_PERMISSION)


def can_use_admin(user):
    return user.is_authenticated and user.has_perm(ADMIN_ACCESS_PERMISSION)


def can_publish_collateral(user):
    return user.is_authenticated and user.has_perm(COLLATERAL_ADD_PERMISSION)


def can_request_content(user):
    return user.is_authenticated and user.has_perm(REQUEST_ADD_PERMISSION)


def can_give_feedback(user):
    """Say whether an asset helped: the two teams, not someone who only reads."""
    return can_file_notes(user) or can_publish_collateral(user)
