"""Marketing's view of where the loop breaks, in the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from wagtail.admin.menu import MenuItem

from content.models import BuyerStage, CollateralIndexPage, CollateralKind, CollateralPage, ContentRequest, Kind
from content.reports import Report, all_reports
from home import spreadsheets
from home.admin_pages import AdminPage
from home.forms import id_in_range
from home.roles import can_publish_collateral
from home.text import person_name
from personas.models import Objection, PersonaPage


def marketing_only(user):
    if not can_publish_collateral(user):
        raise PermissionDenied("The loop dashboard is for marketing.")


class MarketingMenuItem(MenuItem):
    """An admin menu item only Marketing (whoever publishes collateral) sees."""

    def is_shown(self, request):
        return can_publish_collateral(request.user)


class LoopDashboardView(AdminPage, TemplateView):
    template_name = "content/admin/loop_dashboard.html"
    page_title = "Where the loop breaks"
    header_icon = "warning"

    def get(self, request, *args, **kwargs):
        marketing_only(request.user)
        reports = [*all_reports(), unused_files_report()]
        wanted = request.GET.get("report")
        if request.GET.get("format") == "csv":
            if wanted == OVERDUE_SLUG:
                return csv_response(overdue_report())
            report = next((report for report in reports if report.slug == wanted), None)
            if report is None:
                raise Http404("No such report.")
            return csv_response(report)
        context = self.get_context_data(
            reports=reports,
            overdue=ContentRequest.objects.overdue().select_related("persona", "objection", "owner", "requested_by"),
        )
        return self.render_to_response(context)


OVERDUE_SLUG = "overdue-requests"


def unused_files_report():
    """Uploaded documents on no collateral page and referred to from nowhere else (Wagtail's
    reference index: rich text links, other models), newest first: candidates for clean-up.
    Each row links to the document's edit and delete views."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from wagtail.documents import get_document_model
    from wagtail.models import ReferenceIndex

    from content.models import CollateralFile

    document_model = get_document_model()
    referenced = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(document_model)
    ).values_list("to_object_id", flat=True)
    unused = (
        document_model.objects.exclude(pk__in=CollateralFile.objects.values("document_id"))
        .exclude(pk__in=[int(pk) for pk in referenced if str(pk).isdigit()])
        .select_related("uploaded_by_user", "collection")
        .order_by("-created_at", "-pk")
    )
    return Report(
        "unused-files",
        "Files on no page",
        "Uploaded files that no collateral page uses and nothing links to. Attach them to an asset or delete them.",
        [("title", "File"), ("filename", "File name"), ("uploaded", "Uploaded"), ("by", "Uploaded by")],
        [
            {
                "title": document.title,
                "filename": document.filename,
                "uploaded": document.created_at,
                "by": person_name(document.uploaded_by_user, missing="Unknown"),
                "actions": [
                    ("Edit", reverse("wagtaildocs:edit", args=[document.pk]), "get"),
                    ("Delete", reverse("wagtaildocs:delete", args=[document.pk]), "get"),
                ],
            }
            for document in unused
        ],
    )


def overdue_report(today=None):
    """Open content requests past their due date, oldest due first, as a Report (for the CSV;
    the dashboard shows the same requests with links to work on them)."""
    overdue = (
        ContentRequest.objects.overdue(today)
        .select_related("persona", "objection", "owner", "requested_by")
        .order_by("due", "pk")
    )
    return Report(
        OVERDUE_SLUG,
        "Overdue content requests",
        "Open requests past their due date.",
        [
            ("request", "Request"),
            ("description", "Details"),
            ("asked_by", "Asked by"),
            ("owner", "Owner"),
            ("status", "Status"),
            ("due", "Due"),
        ],
        [
            {
                "request": str(item),
                "description": item.description,
                "asked_by": item.requester_name,
                "owner": person_name(item.owner, missing="Nobody yet"),
                "status": item.get_status_display(),
                "due": item.due,
                "actions": [],
            }
            for item in overdue
        ],
    )


def csv_response(report):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = spreadsheets.writer(response)
    # Every column is named: the dashboard's unlabelled verdict column is "Verdict" there too.
    writer.writerow([label or "Verdict" for _key, label in report.columns])
    for row in report.rows:
        writer.writerow([row[key] for key, _label in report.columns])
    return response


def id_from(value):
    """A whole-number id from a query parameter; 0 (found nowhere) for anything else."""
    return int(value) if id_in_range(value) else 0


@require_POST
def create_asset_for_gap(request):
    """A draft collateral page tagged with the gap's persona and objection, opened for editing."""
    marketing_only(request.user)
    persona = get_object_or_404(PersonaPage, pk=id_from(request.GET.get("persona")))
    objection = get_object_or_404(Objection, pk=id_from(request.GET.get("objection")))
    index = CollateralIndexPage.objects.get()
    page = index.add_child(
        instance=CollateralPage(
            title=f"{objection.name} — for {persona.title}",
            summary=f"Answers “{objection.name}” for the {persona.title}.",
            kind=CollateralKind.objects.filter(slug=Kind.ONE_PAGER).first(),  # a default; may be gone
            stage=BuyerStage.CONSIDERATION,
            live=False,
            owner=request.user,
            content_owner=request.user,
        )
    )
    page.personas.set([persona])
    page.objections.set([objection])
    page.save()  # parental relations are written on save
    page.save_revision(user=request.user)
    messages.success(
        request, f"Draft created for {persona.title} and {objection.name}: check its kind and stage, write it, publish."
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@require_POST
def read_file_again(request, document_id):
    """Marketing's "Read the file again" on a document's edit page: its text and previews are made
    anew (content.tasks), for whoever may change the document (Wagtail's document permission)."""
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    from content.tasks import read_again

    document = get_object_or_404(get_document_model(), pk=document_id)
    if not policy_registry.get_by_type(type(document)).user_has_permission_for_instance(
        request.user, "change", document
    ):
        raise PermissionDenied("Only people who may change this file can have it read again.")
    read_again(document)
    messages.success(request, f"Reading “{document.title}” again. Its text and preview follow shortly.")
    return redirect("wagtaildocs:edit", document.pk)
