"""The jobs content.limits runs in a child process: read a file's text, draw its first page.

Each takes ``send`` (the pipe back to the parent) first. No Django here: the child has none.
"""

import pypdfium2 as pdfium
from PIL import Image

from content.extraction import extract_text

# A thumbnail is at most this many times as tall as it is wide (a page 1 pt wide and 14,400 pt
# tall would otherwise be a bitmap of gigabytes).
MAX_ASPECT = 4


def read_text_job(send, path, filename, cap):
    """Read the text of the file at ``path`` (its kind from ``filename``), sending
    ("text", raw text, units read whole, unit name) as it goes and ("result", error) at the end."""

    def sink(text, units, unit):
        send(("text", text, units, unit))

    with open(path, "rb") as fileobj:
        result = extract_text(fileobj, filename, limit=cap, sink=sink)
    send(("result", result.error))


def thumbnail_job(send, path, kind, out_path, width):
    """Draw the first page of a PDF (``kind`` "pdf", with PDFium) or an image ("image", with Pillow)
    ``width`` pixels wide as a PNG at ``out_path``; sends ("thumbnail", width, height) or
    ("no thumbnail", reason for people)."""
    if kind == "pdf":
        document = pdfium.PdfDocument(path)
        try:
            if len(document) == 0:
                send(("no thumbnail", "The PDF has no pages."))
                return
            page = document[0]
            page_width, page_height = page.get_size()
            scale = min(width / max(page_width, 1), width * MAX_ASPECT / max(page_height, 1))
            image = page.render(scale=scale).to_pil()
            page.close()
        finally:
            document.close()
    else:
        Image.MAX_IMAGE_PIXELS = 100_000_000  # Pillow refuses larger images (decompression bombs)
        image = Image.open(path)
        image.draft("RGB", (width, width * MAX_ASPECT))  # JPEG: decode at a fraction of the size
        image.thumbnail((width, width * MAX_ASPECT))
        if image.mode not in ("RGB", "RGBA", "L"):
            image = image.convert("RGBA")
    image.save(out_path, "PNG", optimize=True)
    send(("thumbnail", image.width, image.height))
