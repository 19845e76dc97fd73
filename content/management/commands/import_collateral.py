import tempfile
from pathlib import Path

from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError

from content.importing import Importer, ImportFileError, read, unpack_zip


class Command(BaseCommand):
    help = (
        "Import personas, objections, collateral (with files) and notes from a .json, .csv or .xlsx file, or a .zip "
        "holding one with its files. Re-importing the same ids updates them; unchanged rows write nothing. "
        "Odd values are reported as warnings; a row is skipped only when its title (asset) or text (note) is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .json, .csv, .xlsx or .zip file; file paths in it are relative to it.")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create kinds, note stages and objections the file names that the site does not have yet "
            "(otherwise those fields are left empty, with a warning).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; change nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, path, create_missing, dry_run, no_progress, **options):
        with tempfile.TemporaryDirectory(prefix="import-") as folder:
            try:
                source = Path(path)
                if source.suffix.lower() == ".zip":
                    source = unpack_zip(source, folder)
                data = read(source)
            except FileNotFoundError as error:
                raise CommandError(f"No such file: {path}") from error
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            bar = tqdm(total=0, unit="row", disable=no_progress or None, file=self.stderr._out, desc="Importing")

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            report = Importer(source.resolve().parent, create_missing=create_missing, progress=progress).run(
                data, dry_run=dry_run
            )
            bar.close()
        for section, counts in report.counts().items():
            self.stdout.write(f"{section}: " + ", ".join(f"{n} {action}" for action, n in counts.items()))
        for row, message in report.warnings:
            self.stderr.write(f"warning {row.section} {row.row_id}: {message}")
        for row in report.skipped:
            self.stderr.write(f"skipped {row.section} {row.row_id}: {'; '.join(row.messages)}")
        for name, values in report.new_values.items():
            self.stdout.write(f"new {name}: {', '.join(values)}")
        style = self.style.WARNING if report.skipped or report.warnings else self.style.SUCCESS
        verb = "Dry run finished (nothing changed)" if dry_run else "Import finished"
        self.stdout.write(style(f"{verb}: {len(report.skipped)} rows skipped, {len(report.warnings)} warnings."))
