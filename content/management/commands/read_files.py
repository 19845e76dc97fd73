from django.core.management.base import BaseCommand

from content.models import CollateralDocument
from content.tasks import read_again


class Command(BaseCommand):
    help = (
        "Read collateral files again and make their previews (queued as tasks, within the limits): "
        "by default those without a thumbnail yet (e.g. uploaded before previews existed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every file, not only those without a thumbnail.")

    def handle(self, *args, all=False, **options):
        documents = CollateralDocument.objects.exclude(file="")
        if not all:
            documents = documents.filter(thumbnail_file="")
        count = 0
        for document in documents.iterator():
            read_again(document)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Queued {count} file{'' if count == 1 else 's'} to read and preview."))
