import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.importing import Importer, read


class Command(BaseCommand):
    help = (
        "Import personas, objections, collateral (with files) and notes from a JSON file, or collateral rows "
        "from a CSV file. Re-importing the same ids updates them. Bad rows are reported; the rest goes on."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .json or .csv file; file paths in it are relative to it.")

    def handle(self, *args, path, **options):
        try:
            data = read(path)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"{path} is not valid JSON or CSV: {error}") from error
        if not isinstance(data, dict):
            raise CommandError(f"{path} must hold an object with personas, objections, collateral and notes.")
        report = Importer(Path(path).resolve().parent).run(data)
        for section in report.created:
            self.stdout.write(f"{section}: {report.created[section]} created, {report.updated[section]} updated")
        for section, row_id, reason in report.errors:
            self.stderr.write(f"skipped {section} {row_id}: {reason}")
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(f"Import finished with {len(report.errors)} rows skipped."))
