"""Background work for library imports started in the admin (content.import_views)."""

import logging
import shutil

from django_tasks import task

from django.core.cache import cache

from content.importing import Importer, ImportFileError, read
from content.models import ImportJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 25  # rows between two progress writes: cheap, and still a smooth bar


@task()
def run_import_job(job_id: int, dry_run: bool) -> str:
    """Preview (`dry_run`) or carry out the import of ImportJob `job_id`, writing progress and the
    report on the job. Returns the job's new state. Never raises for a bad file: the job says why."""
    job = ImportJob.objects.get(pk=job_id)

    def progress(done, total):
        # In the cache, not the job's row: a preview runs inside a transaction that is rolled back,
        # and the status view reads from another connection.
        progress_seen[:] = [done, total]
        if done == total or done % PROGRESS_EVERY == 0:
            cache.set(progress_key(job.pk), (done, total), 24 * 3600)

    progress_seen = [0, 0]

    try:
        source = import_source(job)
        report = Importer(source.parent, create_missing=job.create_missing, user=job.user, progress=progress).run(
            read(source), dry_run=dry_run
        )
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, error=str(error))
        return ImportJob.State.FAILED
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED,
            error="The import stopped on a problem it could not name; nothing after the last row it reported "
            "was imported. The server's log has the details.",
        )
        return ImportJob.State.FAILED
    done, total = progress_seen
    if dry_run:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.PREVIEWED, preview=report.to_json(), done=done, total=total
        )
        return ImportJob.State.PREVIEWED
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE, result=report.to_json(), done=done, total=total
    )
    shutil.rmtree(job.folder, ignore_errors=True)  # the files are in the library now
    return ImportJob.State.DONE


def progress_key(job_id):
    return f"import-job-progress:{job_id}"


def current_progress(job):
    """(done, total) of a job: the running task's last report, else what the job row holds."""
    if job.state in ImportJob.RUNNING:
        return cache.get(progress_key(job.pk)) or (job.done, job.total)
    return job.done, job.total


def import_source(job):
    """The import file inside the job's folder (a ZIP was unpacked there on upload)."""
    from pathlib import Path

    return Path(job.folder) / job.filename
