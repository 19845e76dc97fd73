"""Import preview benchmark: the dry run an admin import starts with, per row.

    .venv/bin/python benchmarks/import_preview_benchmark.py [--rows 2000] [--profile]

Runs against a throwaway SQLite database in a temporary folder. Writes a collateral CSV of `--rows`
rows (6 personas, 12 objections, a kind written as people do, tags, dates; no files) and previews
it as the admin's task does (``Importer.run(dry_run=True)``). Prints the rows by action, the time,
and the milliseconds per row; `--profile` adds cProfile's top functions by cumulative time.
At IMPORT_MAX_ROWS rows, the per-row figure times IMPORT_MAX_ROWS bounds a preview's time.
"""

import argparse
import cProfile
import io
import logging
import pstats
import tempfile
import time
from pathlib import Path

from common import throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 40 by cumulative time")
    args = parser.parse_args()
    throwaway_site("import-preview-bench-", TASK_BACKEND="immediate")
    logging.disable(logging.WARNING)  # Wagtail logs a line per page created, even in a preview
    from content.importing import Importer, read
    from personas.models import Objection, PersonaIndexPage, PersonaPage

    index = PersonaIndexPage.objects.get()
    for number in range(6):
        persona = PersonaPage(title=f"Persona {number}", slug=f"persona-{number}", role="Role", summary="Buys.")
        index.add_child(instance=persona).save_revision().publish()
    for number in range(12):
        Objection.objects.create(name=f"Objection {number}", slug=f"objection-{number}")
    folder = Path(tempfile.mkdtemp(prefix="import-preview-"))
    lines = ["id,title,kind,stage,summary,body,personas,objections,tags,published,review_by"]
    lines += [
        f'A-{n},Asset {n},Case Study,decision,Summary {n}.,"Body of asset {n}.",persona-{n % 6},'
        f"objection-{n % 12};objection-{(n + 3) % 12},tag-{n % 30};imported,2026-03-0{1 + n % 9},2027-03-01"
        for n in range(args.rows)
    ]
    (folder / "library.csv").write_text("\n".join(lines))
    data = read(folder / "library.csv")
    profile = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    report = Importer(folder, create_missing=True).run(data, dry_run=True)
    if profile:
        profile.disable()
    seconds = time.perf_counter() - started
    print(report.counts())
    print(f"preview of {args.rows} rows: {seconds:.1f} s, {1000 * seconds / args.rows:.1f} ms per row")
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
