"""Build real files for tests: decks with python-pptx, PDFs with reportlab, Word documents with python-docx,
workbooks and zip bombs with zipfile, images with Pillow. Slide numbers are 1-based, as people say them."""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from xml.sax.saxutils import quoteattr

from docx import Document
from PIL import Image
from pptx import Presentation
from pptx.util import Inches
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

Slide = tuple[str, str, str]  # title, body ("\n" between paragraphs), speaker notes


def make_deck(
    slides: list[Slide],
    *,
    tables: dict[int, list[list[str]]] | None = None,
    groups: dict[int, list[str]] | None = None,
    hidden: tuple[int, ...] = (),
) -> bytes:
    """A .pptx with one "Title and Content" slide per (title, body, notes); `tables` and `groups` add a table
    or a group of text boxes to the slides with those numbers; `hidden` slides are hidden in the show."""
    deck = Presentation()
    layout = deck.slide_layouts[1]
    for number, (title, body, notes) in enumerate(slides, start=1):
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        if tables and number in tables:
            rows = tables[number]
            frame = slide.shapes.add_table(len(rows), len(rows[0]), Inches(1), Inches(5), Inches(8), Inches(1.5))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    frame.table.cell(r, c).text = text
        if groups and number in groups:
            group = slide.shapes.add_group_shape()
            for i, text in enumerate(groups[number]):
                box = group.shapes.add_textbox(Inches(1 + 2 * i), Inches(6.5), Inches(2), Inches(0.5))
                box.text_frame.text = text
        if number in hidden:
            slide.element.set("show", "0")
    return _saved(deck)


def make_large_deck(size: int, slides: int = 10) -> bytes:
    """A real deck of `slides` slides padded to about `size` bytes with an incompressible media part that no
    slide uses, like a deck carrying a video: for timing uploads of big files."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(make_deck(sample_slides(slides)))) as deck,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as padded,
    ):
        for info in deck.infolist():
            padded.writestr(info, deck.read(info))
        padded.writestr(zipfile.ZipInfo("ppt/media/padding.bin"), random.Random(size).randbytes(size))
    return out.getvalue()


def make_pdf(pages: list[str], *, password: str | None = None) -> bytes:
    """An A4 PDF with one page per string, its lines ("\n") set one under the other."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=password)
    for page in pages:
        y = A4[1] - 72
        for line in page.split("\n"):
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def make_docx(blocks: list[str | tuple[int, str] | list[list[str]]]) -> bytes:
    """A Word document: a str is a paragraph, (level, text) a heading, a list of rows a table."""
    document = Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        elif isinstance(block, tuple):
            document.add_heading(block[1], level=block[0])
        else:
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    return _saved(document)


_XLSX_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
{sheets}
</Types>"""
_XLSX_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_XLSX_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
_XLSX_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>"""
_XLSX_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"""
_XLSX_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"""


def make_xlsx(sheet_names: list[str], *, hidden: tuple[str, ...] = ()) -> bytes:
    """A minimal but well-formed .xlsx with empty sheets of those names."""

    sheets, rels = [], []
    for n, name in enumerate(sheet_names, start=1):
        state = ' state="hidden"' if name in hidden else ""
        sheets.append(f'<sheet name={quoteattr(name)} sheetId="{n}"{state} r:id="rId{n}"/>')
        rels.append(
            f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        sheet_types = "\n".join(_XLSX_SHEET_TYPE.format(n=n) for n in range(1, len(sheet_names) + 1))
        archive.writestr("[Content_Types].xml", _XLSX_CONTENT_TYPES.format(sheets=sheet_types))
        archive.writestr("_rels/.rels", _XLSX_ROOT_RELS)
        archive.writestr("xl/workbook.xml", _XLSX_WORKBOOK.format(sheets="".join(sheets)))
        archive.writestr("xl/_rels/workbook.xml.rels", _XLSX_WORKBOOK_RELS.format(rels="".join(rels)))
        for n in range(1, len(sheet_names) + 1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", _XLSX_SHEET)
    return out.getvalue()


def make_png(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    return _image(width, height, color, "PNG")


def make_jpeg(width: int = 64, height: int = 48, color: tuple[int, int, int] = (40, 40, 200)) -> bytes:
    return _image(width, height, color, "JPEG")


def make_huge_png(width: int, height: int) -> bytes:
    """A black PNG a few hundred KB on disk that needs width × height × 3 bytes once decoded. Compressed row
    by row, so the test that builds it never holds the decoded size."""
    compressor = zlib.compressobj(1)
    row = bytes(1 + 3 * width)  # each row starts with its filter type, 0 = none
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">2I5B", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlacing
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def make_html() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>Plan</title></head><body><script>alert(1)</script></body></html>\n"


@functools.cache
def zip_bomb_pptx(expanded: int = 500_000_000) -> bytes:
    """A zip that passes for a deck (content types and presentation parts) with one entry of `expanded` zero
    bytes. Written in 1 MB chunks, so building it takes little memory; it compresses to about 0.5% of that."""
    out = io.BytesIO()
    # The fastest deflate level still packs zeros more than 200:1, past the ratio sniff() refuses.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("ppt/presentation.xml", '<?xml version="1.0"?><p:presentation/>')
        chunk = bytes(1_000_000)
        with archive.open("ppt/media/image1.png", "w", force_zip64=True) as entry:
            for _ in range(expanded // len(chunk)):
                entry.write(chunk)
    return out.getvalue()


def sample_slides(count: int) -> list[Slide]:
    """`count` distinct, realistic-looking slides for comparisons and benchmarks."""
    topics = ["pricing", "onboarding", "security", "support", "roadmap", "integrations", "references", "results"]
    return [
        (
            f"{topics[n % len(topics)].title()} for segment {n + 1}",
            f"Clients in segment {n + 1} ask about {topics[n % len(topics)]} first.\n"
            f"Lead with the {topics[(n * 3) % len(topics)]} story and the case study number {n + 1}.\n"
            f"Close with next steps agreed on call {n + 1}.",
            f"Say the figure for segment {n + 1} out loud; pause after it.",
        )
        for n in range(count)
    ]


def _image(width: int, height: int, color: tuple[int, int, int], format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format=format)
    return out.getvalue()


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
