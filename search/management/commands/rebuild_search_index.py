from django.core.management.base import BaseCommand, CommandError

from search import service
from search.engines.embedded import IndexUnavailable


class Command(BaseCommand):
    help = (
        "Empty the search index and rebuild it from the database (the source of truth). When another "
        "process writes the embedded index (one writer per index), every page is kept for it to write."
    )

    def handle(self, *args, **options):
        try:
            count = service.rebuild_or_hand_over()
        except IndexUnavailable as problem:
            path = service.embedded_engine().path
            raise CommandError(f"Could not write the search index at {path}: {problem}") from problem
        if count is None:
            self.stdout.write(
                "Another process writes the search index (the task worker, `manage.py db_worker`, or the "
                "development server): every page is kept for it, and it writes them with its next search "
                "or indexing task."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} collateral items."))
