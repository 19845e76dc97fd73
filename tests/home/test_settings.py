"""Production settings refuse to start without a secret and never allow demo data."""

import os
import subprocess
import sys

from django.conf import settings

SETUP = "import django; django.setup(); "
PRINT_DEMO_ALLOWED = SETUP + "from django.conf import settings; print(settings.DEMO_DATA_ALLOWED)"
PRINT_DATABASE = SETUP + "from django.db import connection; print(connection.vendor)"


def run_with_settings(module, code=PRINT_DEMO_ALLOWED, **env):
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment.update(DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with_settings("home.settings.production")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_starts_with_a_secret_key_and_forbids_demo_data():
    result = run_with_settings("home.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_database_comes_from_database_url():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.db import connection;"
            " print(connection.vendor, connection.settings_dict['NAME'])",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "home.settings.dev", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Not the default database (db.sqlite3 beside manage.py): the one the URL names.
    assert result.stdout.strip() == "sqlite /tmp/x.sqlite3", result.stderr


PRINT_TASKS = SETUP + 'from django_tasks import task_backends; print(type(task_backends["default"]).__name__)'


def test_background_work_runs_at_once_in_development_and_on_a_worker_in_production():
    assert run_with_settings("home.settings.dev", PRINT_TASKS).stdout.strip() == "ImmediateBackend"
    production = run_with_settings("home.settings.production", PRINT_TASKS, SECRET_KEY="x" * 50)
    assert production.stdout.strip() == "DatabaseBackend", production.stderr
    wrong = run_with_settings("home.settings.dev", PRINT_TASKS, TASK_BACKEND="celery")
    assert wrong.returncode != 0
    assert "TASK_BACKEND must be one of immediate, database" in wrong.stderr
