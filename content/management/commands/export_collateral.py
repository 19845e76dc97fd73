from django.core.management.base import BaseCommand

from content.importing import export


class Command(BaseCommand):
    help = "Export personas, objections, collateral and notes as JSON in the import format, files beside it."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .json file to write; files go to <name>-files/ next to it.")

    def handle(self, *args, path, **options):
        counts = export(path)
        self.stdout.write(self.style.SUCCESS("Exported " + ", ".join(f"{n} {s}" for s, n in counts.items()) + "."))
