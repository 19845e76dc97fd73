"""One writer per embedded index: refuse a configuration in which every web worker would write it.

tantivy allows one IndexWriter per index; writers opened per write from several processes piled up
hundreds of segments and gigabytes of orphaned files. Only the process that runs the search tasks
writes, so with TASK_BACKEND "immediate" (tasks run inside the request) that must be the one
development server process, never a pool of web workers (gunicorn, uWSGI).
"""

import sys

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
MESSAGE = (
    "TASK_BACKEND is 'immediate' under {server}: every web worker would write the embedded search "
    "index, which allows one writer. Set TASK_BACKEND=database and run one `manage.py db_worker`, "
    "the only process that writes the index (README, Search)."
)


def immediate_tasks():
    return settings.TASKS["default"]["BACKEND"] == IMMEDIATE


def web_server():
    """The multi-process web server this process runs under, if any."""
    for name in ("gunicorn", "uwsgi"):
        if name in sys.modules:
            return name
    return None


def refuse_writing_web_workers():
    """Called from SearchConfig.ready(): a web worker that would write the index does not start."""
    server = web_server()
    if server and immediate_tasks():
        raise ImproperlyConfigured(MESSAGE.format(server=server))


@checks.register(checks.Tags.compatibility, deploy=True)
def one_index_writer(app_configs, **kwargs):
    """`manage.py check --deploy`: a deployment (DEBUG off) must queue its tasks for one worker."""
    if immediate_tasks() and not settings.DEBUG:
        return [
            checks.Error(
                MESSAGE.format(server="a deployment (DEBUG off)"),
                hint="TASK_BACKEND=database, and run `manage.py db_worker` beside the web server.",
                id="search.E001",
            )
        ]
    return []
