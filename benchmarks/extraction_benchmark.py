"""How long reading the text of a 200-page PDF and a 100-slide deck takes, and the memory it needs.

    .venv/bin/python benchmarks/extraction_benchmark.py [--runs 5]

Each reader runs in a fresh child process, so peak memory (ru_maxrss growth, which counts what
PDFium and lxml allocate in C as well as Python objects) is that reader's alone. The baseline is
the extraction before issue 12 (pypdf; python-pptx shapes and notes placeholder only), copied here.

"task" is what an upload really runs (content.tasks): the reading in a limited child process from
the forkserver (content.limits), the text streamed back through a pipe; its time includes starting
the child, and its memory is the child's whole peak resident size. Then the previews: the first
page drawn as a thumbnail, and (when LibreOffice is installed) the deck converted to PDF.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "home.settings.test")

SENTENCE = (
    "Haldane Freight cut days sales outstanding from 58 to 41 days with workflow automation, "
    "fewer conflicts in the financial close and one view of every open invoice. "
)


def make_pdf(path, pages=200):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for number in range(1, pages + 1):
        story.append(Paragraph(f"Section {number}", styles["Heading2"]))
        story += [Paragraph(SENTENCE * 3, styles["BodyText"]) for _ in range(4)]
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def make_deck(path, slides=100):
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    for number in range(1, slides + 1):
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = f"Slide {number}: why finance teams switch"
        group = slide.shapes.add_group_shape()
        group.shapes.add_textbox(Inches(1), Inches(2), Inches(8), Inches(2)).text_frame.text = SENTENCE
        table = slide.shapes.add_table(3, 3, Inches(1), Inches(4.5), Inches(8), Inches(2)).table
        for row in range(3):
            for column in range(3):
                table.cell(row, column).text = f"Cell {row}-{column} Vexholm"
        slide.notes_slide.notes_text_frame.text = SENTENCE
    deck.save(str(path))


def baseline(path):
    """The extraction as it was before issue 12, for comparison."""
    import pptx
    import pypdf

    if path.endswith(".pdf"):
        return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
    parts = []
    for slide in pptx.Presentation(path).slides:
        parts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def current(path):
    from content.extraction import extract_text

    with open(path, "rb") as fileobj:
        result = extract_text(fileobj, path)
    assert not result.error, result.error
    return result.text


def read_and_report_peak(send, path, cap):
    """A job for content.limits: read as the task does, then report this child's peak memory (MB)."""
    from content.jobs import read_text_job

    read_text_job(send, path, path, cap)
    send(("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def as_task(path, runs):
    """Median seconds over `runs` of the reading as an upload's task runs it, the child's peak MB, chars."""
    from content.extraction import normalise
    from content.limits import run_limited

    run_limited(read_and_report_peak, (path, 2_000_000), 600, 512)  # starts the forkserver: not timed
    times, peaks, text = [], [], ""
    for _ in range(runs):
        pieces = []

        def keep(message, pieces=pieces):
            if message[0] == "text":
                pieces.append(message[1])
            elif message[0] == "peak":
                peaks.append(message[1])

        started = time.perf_counter()
        outcome = run_limited(read_and_report_peak, (path, 2_000_000), 600, 512, on_message=keep)
        text = normalise("".join(pieces))
        times.append(time.perf_counter() - started)
        assert outcome.ended == "done", outcome
    return {"median_s": statistics.median(times), "peak_mb": max(peaks), "chars": len(text)}


def previews(files, runs):
    """Seconds to draw the PDF's first page as a thumbnail (median, in the limited child) and to
    convert the deck to PDF with LibreOffice (once; None when it is not installed)."""
    import shutil

    from content.jobs import thumbnail_job
    from content.limits import run_limited

    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            started = time.perf_counter()
            run_limited(thumbnail_job, (str(files["200-page PDF"]), "pdf", f"{folder}/t.png", 480), 60, 512)
            times.append(time.perf_counter() - started)
        soffice, converted = shutil.which("soffice"), None
        if soffice:
            started = time.perf_counter()
            subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile"]
                + ["--convert-to", "pdf", "--outdir", folder, str(files["100-slide deck"])],
                capture_output=True,
                check=True,
            )
            converted = time.perf_counter() - started
    return statistics.median(times), converted


def measure(reader, path, runs):
    """In this (fresh) process: median seconds over `runs`, peak memory growth in MB, chars read."""
    if reader == "task":
        return as_task(path, runs)
    read = {"baseline": baseline, "current": current}[reader]
    with open(path, "rb") as fileobj:
        io.BytesIO(fileobj.read())  # the file in the page cache before timing
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, text = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        text = read(path)
        times.append(time.perf_counter() - started)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {"median_s": statistics.median(times), "peak_mb": grown, "chars": len(text)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        # Import the readers' libraries before measuring, so memory is the reading's own.
        import pptx  # noqa: F401
        import pypdf  # noqa: F401

        import content.extraction  # noqa: F401

        print(json.dumps(measure(*args.one, args.runs)))
        return
    with tempfile.TemporaryDirectory() as folder:
        files = {"200-page PDF": Path(folder) / "whitepaper.pdf", "100-slide deck": Path(folder) / "deck.pptx"}
        make_pdf(files["200-page PDF"])
        make_deck(files["100-slide deck"])
        print(f"{'file':16} {'reader':9} {'median':>9} {'peak mem':>9} {'chars':>8}")
        for label, path in files.items():
            for reader in ("baseline", "current", "task"):
                done = subprocess.run(
                    [sys.executable, __file__, "--runs", str(args.runs), "--one", reader, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures = json.loads(done.stdout.splitlines()[-1])
                print(
                    f"{label:16} {reader:9} {figures['median_s']:8.3f}s {figures['peak_mb']:7.1f}MB "
                    f"{figures['chars']:8,}"
                )
        thumbnail, converted = previews(files, args.runs)
        print(f"thumbnail of the PDF's first page (limited child): median {thumbnail:.3f}s")
        if converted is None:
            print("LibreOffice is not installed: no Office conversion measured")
        else:
            print(f"LibreOffice converting the 100-slide deck to PDF: {converted:.1f}s")


if __name__ == "__main__":
    main()
