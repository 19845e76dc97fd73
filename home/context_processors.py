from home import roles


def role_flags(request):
    """What the current user may do, for showing only the links that will work."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_file_notes": roles.can_file_notes(user),
        "can_use_admin": roles.can_use_admin(user),
        "can_publish_collateral": roles.can_publish_collateral(user),
        "can_request_content": roles.can_request_content(user),
        "unread_notifications": lambda: user.notifications.filter(read=False).count(),
    }
