"""Importing a library in the Wagtail admin: upload, preview (a dry run), confirm, watch, read the result.

Marketing only (`home.roles.can_publish_collateral`); everyone else gets 403. Each step runs the
same importer as ``manage.py import_collateral`` (content.importing) as a task (content.import_tasks), and
the pages poll a small JSON status view for the progress bar.
"""

import shutil
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from content.import_tasks import current_progress, progress_key, run_import_job
from content.importing import ImportFileError, Report, check_file_size, unpack_zip
from content.models import CollateralPage, ImportJob
from home.admin_pages import AdminPage
from home.roles import can_publish_collateral

UPLOAD_EXTENSIONS = (".json", ".csv", ".xlsx", ".zip")


def marketing_only(user):
    if not can_publish_collateral(user):
        raise PermissionDenied("Importing a library is for marketing.")


def import_folder():
    """Where uploads are kept until imported: IMPORT_DIR, on a disk the task worker shares."""
    return Path(getattr(settings, "IMPORT_DIR", settings.BASE_DIR / "var" / "imports"))


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A .json, .csv or .xlsx file, or a .zip holding one with the files it names.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )
    create_missing = forms.BooleanField(
        required=False,
        label="Create missing values",
        help_text="Add kinds, note stages and objections the file names that the site does not have yet. "
        "Unticked, those fields are left empty and listed as warnings.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError("Upload a .json, .csv, .xlsx or .zip file.")
        if not upload.name.lower().endswith(".zip"):  # a ZIP's import file is checked by unpack_zip
            try:
                check_file_size(upload.size, Path(upload.name).name)
            except ImportFileError as error:
                raise forms.ValidationError(str(error)) from error
        return upload


class ImportStartView(AdminPage, FormView):
    template_name = "content/admin/import_start.html"
    form_class = ImportForm
    page_title = "Import a library"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        marketing_only(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent"] = ImportJob.objects.filter(user=self.request.user)[:5]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        folder = import_folder() / uuid.uuid4().hex
        folder.mkdir(parents=True)
        name = Path(upload.name).name
        with (folder / name).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        if name.lower().endswith(".zip"):
            try:
                source = unpack_zip(folder / name, folder / "unpacked")
            except ImportFileError as error:
                shutil.rmtree(folder, ignore_errors=True)
                form.add_error("file", str(error))
                return self.form_invalid(form)
            folder, name = source.parent, source.name
        job = ImportJob.objects.create(
            user=self.request.user,
            filename=name,
            folder=str(folder),
            create_missing=form.cleaned_data["create_missing"],
        )
        run_import_job.enqueue(job.pk, True)
        return redirect("collateral_import_job", job.pk)


class ImportJobView(AdminPage, TemplateView):
    """The job's page: progress while a task runs, then the preview (with Confirm) or the result."""

    template_name = "content/admin/import_job.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        marketing_only(request.user)
        self.job = own_job(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Import of {self.job.filename}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        report = Report.from_json(job.result or job.preview or {})
        page_ids = [row.page_id for row in report.rows if row.page_id and job.result]  # a preview made none
        pages = {page.pk: page for page in CollateralPage.objects.filter(pk__in=page_ids)}
        context.update(
            job=job,
            report=report,
            counts=report.counts(),
            running=job.state in ImportJob.RUNNING,
            status_url=reverse("collateral_import_status", args=[job.pk]),
            rows=[(row, pages.get(row.page_id)) for row in report.rows if row.action != "unchanged" or row.messages],
        )
        return context


def own_job(request, pk):
    """The import job `pk` if it is this user's (a superuser may open any): another marketer's job
    answers 404, so no one confirms or reads an import in someone else's name."""
    jobs = ImportJob.objects.all() if request.user.is_superuser else ImportJob.objects.filter(user=request.user)
    return get_object_or_404(jobs, pk=pk)


@require_GET
def import_status(request, pk):
    """{"state", "label", "done", "total", "percent", "finished"} of an import job, for the progress bar."""
    marketing_only(request.user)
    job = own_job(request, pk)
    done, total = current_progress(job)
    return JsonResponse(
        {
            "state": job.state,
            "label": job.get_state_display(),
            "done": done,
            "total": total,
            "percent": int(100 * done / total) if total else 0,
            "finished": job.state not in ImportJob.RUNNING,
        },
        headers={"Cache-Control": "no-store"},
    )


@require_POST
def confirm_import(request, pk):
    """Run the previewed import for real."""
    marketing_only(request.user)
    job = own_job(request, pk)
    if job.state == ImportJob.State.PREVIEWED:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING, done=0)
        cache.delete(progress_key(job.pk))
        run_import_job.enqueue(job.pk, False)
    return redirect("collateral_import_job", job.pk)
