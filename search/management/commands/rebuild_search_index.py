from django.core.management.base import BaseCommand

from search import service


class Command(BaseCommand):
    help = "Empty the search index and rebuild it from the database (the source of truth)."

    def handle(self, *args, **options):
        count = service.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} collateral items."))
