"""Hostile files, built cheaply: small on disk, expensive to read. For the limits tests and benchmarks."""

import io
import zipfile
import zlib

from content.files import make_file

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>"


def _pdf(objects):
    """A PDF from its objects' bodies (bytes), numbered from 1; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data, compress=True):
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def many_pages_pdf(pages, words_per_page=400, first_words="Zephyrine opening page"):
    """A PDF of `pages` pages sharing one content stream (a few hundred words each), so the file
    stays small while reading every page takes time. Every page starts with `first_words`."""
    line = (first_words + " ") + "lorem ipsum dolor sit amet " * (words_per_page // 5)
    content = (
        b"BT /F1 9 Tf 20 800 Td 11 TL "
        + b" ".join(b"(%s) '" % line[i : i + 90].encode() for i in range(0, len(line), 90))
        + b" ET"
    )
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids),
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [PAGE] * pages
    return _pdf(objects)


def dense_text_pdf(glyphs):
    """One page holding `glyphs` characters of text (compressed to almost nothing): reading its
    text needs memory in proportion (PDFium keeps per-character details)."""
    run = b"(" + b"ab " * 10_000 + b") Tj "
    content = b"BT /F1 1 Tf 0 0 Td (Gossamer ) Tj " + run * (glyphs // 30_000) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [5 0 R] >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        PAGE,
    ]
    return _pdf(objects)


def huge_text_docx(megabytes, first_words="Yarrow lemma grows"):
    """A DOCX whose body holds `megabytes` MB of text (a zip of a few hundred KB per 100 MB)."""
    base = make_file("docx", "Huge", ["placeholder"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item.filename))
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        paragraph = f"<w:p><w:r><w:t>{first_words} quickly through the meadow</w:t></w:r></w:p>".encode()
        chunk = paragraph * (1024 * 1024 // len(paragraph))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as stream:
            stream.write(f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>'.encode())
            for _ in range(megabytes):
                stream.write(chunk)
            stream.write(b"</w:body></w:document>")
    return out.getvalue()
