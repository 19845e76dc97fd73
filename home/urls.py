from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as documents_serve

from content import file_access, previews
from content import views as content_views
from home import readiness
from home import views as home_views
from home.api import api_not_found
from home.login_throttle import SiteLoginForm, throttled_shared_password
from personas import api as persona_api
from personas import views as persona_views
from search import api as search_api
from search import views as search_views

# A database that does not answer: 503 with Retry-After, on every URL (home/operations.py).
handler500 = "home.operations.server_error"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SiteLoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", home_views.healthz, name="healthz"),
    path("favicon.ico", home_views.favicon),
    path("readyz", readiness.readiness_view, name="readyz"),
    path("admin/", include(wagtailadmin_urls)),
    # Files are streamed by Wagtail's serve view, which sits behind the login middleware.
    # Wagtail's shared-password forms (collections, pages), with a limit on wrong passwords; same paths.
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        throttled_shared_password(documents_serve.authenticate_with_password),
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        throttled_shared_password(wagtail_views.authenticate_with_password),
    ),
    path("documents/", include(wagtaildocs_urls)),
    # Images and their renditions, by the exact name they are stored under, with a permission
    # check (content/file_access.py). Nothing serves MEDIA_ROOT by path.
    path("files/<path:name>", file_access.serve_image_file, name="stored_file"),
    # A file's preview, thumbnail and inline PDF, behind the file's own permission (content/previews.py).
    path("previews/<int:document_id>/", previews.preview, name="document_preview"),
    path("previews/<int:document_id>/thumbnail.png", previews.thumbnail, name="document_thumbnail"),
    path("previews/<int:document_id>/view.pdf", previews.view_pdf, name="document_view_pdf"),
    path("notes/", persona_views.MyNotesView.as_view(), name="my_notes"),
    path("notes/new/", persona_views.NoteCreateView.as_view(), name="note_create"),
    path("notes/<int:pk>/edit/", persona_views.NoteEditView.as_view(), name="note_edit"),
    path("notes/<int:pk>/delete/", persona_views.NoteDeleteView.as_view(), name="note_delete"),
    path("collateral-events/<int:page_id>/", content_views.record_event, name="collateral_event"),
    path("requests/", content_views.MyRequestsView.as_view(), name="my_requests"),
    path("requests/new/", content_views.RequestCreateView.as_view(), name="request_create"),
    path("notifications/", content_views.NotificationsView.as_view(), name="notifications"),
    path("search/", search_views.search, name="search"),
    path("api/search", search_api.search_api, name="api_search"),
    path("api/suggest", search_api.suggest_api, name="api_suggest"),
    path("api/notes", persona_api.create_note_api, name="api_notes"),
    path("api/personas/<slug:slug>/insights", persona_api.persona_insights_api, name="api_persona_insights"),
    re_path(r"^api/(?P<path>.*)$", api_not_found, name="api_not_found"),
    path("", include(wagtail_urls)),
]
