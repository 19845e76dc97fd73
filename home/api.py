"""What every URL under /api/ answers: JSON, with a message, never an HTML page or a login redirect.

- `JsonApiMiddleware` turns whatever else an /api/ URL would answer (Django's 404, 405, 400 and 500
  pages) into JSON with the same status, so integrations always get something to parse.
- It also refuses a query string that is not UTF-8 (400), rather than let Django replace it.
- `read_json_object(request)` reads a request body as a JSON object, or raises `BadJson` with a
  message for a 400: not JSON, nested too deep for the parser, a lone surrogate in a string (text
  no database can store), or larger than `DATA_UPLOAD_MAX_MEMORY_SIZE`.
- `api_not_found` answers the /api/ URLs that are not an endpoint.
"""

import json
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from home.api_auth import authenticated_user, unauthorised

API_PREFIX = "/api/"
# Headers a client needs from the answer being replaced (what to retry, which methods, how to log in).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location", "Cache-Control")


def is_api_request(request):
    """True for every URL under /api/."""
    return request.path_info.startswith(API_PREFIX)


class BadJson(ValueError):
    """A request body that is not a JSON object the API can use; str() is the message for the client."""


def read_json_object(request):
    """The request body as a dict (an empty body is {}); raises `BadJson` with the reason otherwise."""
    try:
        body = request.body or b"{}"
    except RequestDataTooBig as error:
        raise BadJson("The body is too large.") from error
    try:
        payload = json.loads(body)
    except RecursionError as error:  # e.g. [[[[...]]]] 100,000 deep
        raise BadJson("The JSON is nested too deep.") from error
    except ValueError as error:  # not JSON, or not UTF-8
        raise BadJson("Send a JSON object (Content-Type: application/json).") from error
    if not isinstance(payload, dict):
        raise BadJson("Send a JSON object (Content-Type: application/json), not a list or a single value.")
    try:
        # A lone surrogate ("\ud800") decodes from JSON but is not text: no database can store it.
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except RecursionError as error:
        raise BadJson("The JSON is nested too deep.") from error
    except UnicodeEncodeError as error:
        raise BadJson("Text in the JSON must be valid Unicode (it has a lone surrogate such as \\ud800).") from error
    return payload


@login_not_required  # answers 401 itself, as JSON
def api_not_found(request, path=""):
    """Any /api/ URL that is not an endpoint: 401 without credentials, else 404, both as JSON."""
    if authenticated_user(request) is None:
        return unauthorised()
    return JsonResponse({"error": f"There is no API at {request.path}."}, status=404)


def utf8_query_string(request):
    """True when the raw query string decodes as UTF-8. Django would quietly replace what does not
    (a lone surrogate sent as %ED%A0%80, a stray %FF) with "\ufffd"; the API says so instead."""
    raw = request.META.get("QUERY_STRING", "")
    try:
        unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")  # WSGI hands bytes over as Latin-1
    except UnicodeError:
        return False
    return True


def status_message(status):
    """The message for an error page replaced by JSON: the status's name, or an apology for a 5xx."""
    if status >= 500:
        return "Something went wrong on our side; it has been logged. Try again later."
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def is_json(response):
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


class JsonApiMiddleware:
    """Outermost middleware: an /api/ answer that is not JSON (Django's error pages, a bare 405,
    CSRF's 403) becomes JSON with the same status and a message. Errors are still logged by Django
    as usual; this changes only what the client reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_request(request) and not utf8_query_string(request):
            return JsonResponse({"error": "Query parameters must be UTF-8 text (no lone surrogates)."}, status=400)
        response = self.get_response(request)
        if not is_api_request(request) or is_json(response) or getattr(response, "streaming", False):
            return response
        status = response.status_code
        replacement = JsonResponse({"error": status_message(status)}, status=status)
        for name in KEPT_HEADERS:
            if name in response:
                replacement[name] = response[name]
        return replacement
