"""Who is calling a JSON endpoint: the site's session, or a per-user API token (Bearer)."""

from django.http import JsonResponse

from wagtail.api.v3.auth import BearerTokenAuth


def authenticated_user(request):
    """The session's user, else the owner of a valid, unrevoked bearer token, else None."""
    if request.user.is_authenticated:
        return request.user
    return token_user(request)


def token_user(request):
    """The owner of a valid, unrevoked bearer token, else None (a session does not count)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return request.user if BearerTokenAuth().authenticate(request, token.strip()) else None


def unauthorised():
    response = JsonResponse({"error": "Log in, or send Authorization: Bearer <your API token>."}, status=401)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response
