"""``manage.py check_deploy``: is this installation ready to serve? Run it after a deploy or a restore."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from home.readiness import run_checks


class Command(BaseCommand):
    help = (
        "Check a deployment: Django's deploy checks, unapplied migrations, collected static files, "
        "and the readiness checks (database, cache, storage, search index complete, task queue). "
        "Exits 1 naming what is wrong."
    )

    def handle(self, *args, **options):
        problems = []
        try:
            call_command("check", deploy=not settings.DEBUG, fail_level="ERROR", stdout=self.stdout)
        except CommandError as error:
            problems.append(f"Django checks: {error}")
        try:
            executor = MigrationExecutor(connection)
            unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as error:  # the database does not answer: readiness below says so too
            unapplied = []
            problems.append(f"migrations: could not read them ({type(error).__name__})")
        if unapplied:
            problems.append(f"migrations: {len(unapplied)} not applied; run manage.py migrate")
        if not settings.DEBUG and not (settings.STATIC_ROOT / "staticfiles.json").exists():
            problems.append("static files: not collected; run manage.py collectstatic --noinput")
        ready, checks = run_checks()
        for name, check in checks.items():
            detail = f" ({check['detail']})" if check["detail"] else ""
            self.stdout.write(f"{name}: {check['status']}{detail}")
            if check["status"] == "failing":
                problems.append(f"{name}: {check['detail']}")
        if problems:
            raise CommandError("Not ready:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS("Ready."))
