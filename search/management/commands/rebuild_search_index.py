from django.core.management.base import BaseCommand, CommandError

from search import service, tasks
from search.engines.embedded import IndexBusy, IndexUnavailable


class Command(BaseCommand):
    help = (
        "Empty the search index and rebuild it from the database (the source of truth). When the "
        "task worker holds the embedded index (one writer per index), the rebuild is queued for it."
    )

    def handle(self, *args, **options):
        try:
            count = service.rebuild()
        except IndexBusy:
            tasks.rebuild_search_index.enqueue()
            self.stdout.write(
                "Another process (the task worker, `manage.py db_worker`) writes the search index: "
                "the rebuild is queued for it."
            )
            return
        except IndexUnavailable as problem:
            path = service.embedded_engine().path
            raise CommandError(f"Could not write the search index at {path}: {problem}") from problem
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} collateral items."))
