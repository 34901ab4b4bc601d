"""What is inside a file: the text of each slide, page or sheet, and preview images.

This runs inside the sandbox's child process (sandbox.py) with memory and time limits, because the
parsers below will happily spend gigabytes or minutes on a crafted file. The parsing libraries are imported
inside the readers, so that neither the web worker nor a child reading an image pays for loading the PDF
engine; the child loads the ones it needs with `load_libraries` before it limits itself.
"""

from __future__ import annotations

import importlib
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

HIDDEN = " (hidden)"
TITLE_CHARS = 120
# Caps on what one file can add to search and to the sandbox's output, whatever its number of slides.
MAX_UNIT_CHARS = 50_000
MAX_TEXT_CHARS = 2_000_000
PREVIEW_WIDTH = 800
# A tall page or image is scaled to fit this height too, so one preview never becomes a huge bitmap.
PREVIEW_MAX_HEIGHT = 2400
MAX_IMAGE_BYTES = 30_000_000
MAX_WORKBOOK_XML = 10_000_000


@dataclass(frozen=True)
class Unit:
    """One slide, page or sheet."""

    title: str
    text: str
    notes: str = ""


@dataclass(frozen=True)
class Extraction:
    units: list[Unit]
    text: str
    images: list[bytes]
    count: int
    truncated: bool = False
    error: str = ""

    @classmethod
    def failure(cls, reason: str) -> Extraction:
        return cls(units=[], text="", images=[], count=0, error=reason)


class _Unreadable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Clipper:
    """Counts what has been kept so far against MAX_TEXT_CHARS and remembers whether anything was cut."""

    used: int = 0
    cut: bool = False
    parts: list[str] = field(default_factory=list)

    def clip(self, text: str, limit: int = MAX_UNIT_CHARS) -> str:
        room = max(0, min(limit, MAX_TEXT_CHARS - self.used))
        if len(text) > room:
            text, self.cut = text[:room], True
        self.used += len(text)
        return text

    def add(self, *texts: str) -> None:
        self.parts.append("\n".join(text for text in texts if text))

    def text(self, separator: str) -> str:
        return separator.join(part for part in self.parts if part)


_LIBRARIES = {
    "pptx": ("pptx", "pptx.shapes.group"),
    "pdf": ("pypdf", "pypdfium2", "PIL.Image"),
    "docx": ("docx", "docx.table"),
    "xlsx": (),
    "png": ("PIL.Image", "PIL.ImageOps", "PIL.PngImagePlugin", "PIL.JpegImagePlugin"),
    "jpeg": ("PIL.Image", "PIL.ImageOps", "PIL.PngImagePlugin", "PIL.JpegImagePlugin"),
}


def load_libraries(kind_code: str) -> None:
    """Import what reading this kind needs, so that a memory limit set afterwards counts only the reading."""
    for name in _LIBRARIES[kind_code]:
        importlib.import_module(name)


def extract(kind_code: str, data: bytes, *, max_units: int = 500, max_images: int = 20) -> Extraction:
    reader = _READERS.get(kind_code)
    if reader is None:
        raise ValueError(f"no reader for {kind_code!r} files")
    try:
        return reader(data, max_units, max_images)
    except MemoryError:
        raise
    except _Unreadable as problem:
        return Extraction.failure(problem.reason)
    # The parsers raise anything from KeyError to RecursionError on a malformed file; such a file is still
    # stored and downloadable, it just has no preview.
    except Exception:
        return Extraction.failure("it could not be read")


# Control characters and lone surrogates come out of broken files; the database can't store some of them.
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _lines(text: str) -> list[str]:
    lines = (_UNSTORABLE.sub(" ", line).strip() for line in text.replace("\v", "\n").splitlines())
    return [line for line in lines if line]


def _deck(data: bytes, max_units: int, max_images: int) -> Extraction:
    from pptx import Presentation

    slides = Presentation(io.BytesIO(data)).slides
    clipper = _Clipper()
    units = []
    for slide in list(slides)[:max_units]:
        title_shape = slide.shapes.title
        title = " ".join(_lines(title_shape.text_frame.text))[:TITLE_CHARS] if title_shape is not None else ""
        skip = title_shape.shape_id if title_shape is not None else None
        body = "\n".join(_shape_lines(slide.shapes, skip))
        notes = ""
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = "\n".join(_lines(slide.notes_slide.notes_text_frame.text))
        # Hidden slides stay in the outline, where the person presenting needs to know they won't show.
        if slide.element.get("show") in ("0", "false"):
            title = (title + HIDDEN).lstrip()
        unit = Unit(clipper.clip(title), clipper.clip(body), clipper.clip(notes))
        clipper.add(unit.title, unit.text, unit.notes)
        units.append(unit)
    return Extraction(units, clipper.text("\n\n"), [], len(slides), len(slides) > max_units or clipper.cut)


def _shape_lines(shapes, skip: int | None) -> list[str]:
    from pptx.shapes.group import GroupShape

    lines: list[str] = []
    for shape in shapes:
        if shape.shape_id == skip:
            continue
        if isinstance(shape, GroupShape):
            lines.extend(_shape_lines(shape.shapes, skip))
        elif shape.has_table:
            for row in shape.table.rows:
                cells = [" ".join(_lines(cell.text)) for cell in row.cells]
                if any(cells):
                    lines.append(" | ".join(cell for cell in cells if cell))
        elif shape.has_text_frame:
            lines.extend(_lines(shape.text_frame.text))
    return lines


def _pdf(data: bytes, max_units: int, max_images: int) -> Extraction:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not _unlocks(reader):
        raise _Unreadable("the PDF is encrypted")
    count = len(reader.pages)
    clipper = _Clipper()
    units = []
    for index in range(min(count, max_units)):
        unit = _page_unit(reader.pages[index].extract_text(), clipper)
        clipper.add(unit.title, unit.text)
        units.append(unit)
    images = _render_pages(data, min(count, max_images))
    truncated = count > max_units or count > len(images) or clipper.cut
    return Extraction(units, clipper.text("\n\n"), images, count, truncated)


def _unlocks(reader) -> bool:
    # Many PDFs are "encrypted" only to restrict printing or copying, with an empty password to open them.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf needs an extra crypto library for AES, and raises when it is missing
        return False


def _page_unit(text: str, clipper: _Clipper) -> Unit:
    lines = _lines(text)
    if not lines:
        return Unit("", "")
    first, rest = lines[0], lines[1:]
    if len(first) <= TITLE_CHARS:
        return Unit(clipper.clip(first), clipper.clip("\n".join(rest)))
    # A long first line is a paragraph, not a heading: shorten it for the title but keep all of it in the text.
    title = first[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return Unit(clipper.clip(title), clipper.clip("\n".join(lines)))


def _render_pages(data: bytes, how_many: int) -> list[bytes]:
    import pypdfium2

    images: list[bytes] = []
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return []
    try:
        for index in range(min(how_many, len(document))):
            if sum(map(len, images)) > MAX_IMAGE_BYTES:
                break
            page = document[index]
            try:
                width, height = page.get_size()
                if width <= 0 or height <= 0:
                    break
                scale = min(PREVIEW_WIDTH / width, PREVIEW_MAX_HEIGHT / height)
                images.append(_png(page.render(scale=scale).to_pil()))
            finally:
                page.close()
    finally:
        document.close()
    return images


def _png(image) -> bytes:
    """A preview as a 256-colour PNG: a text page shrinks from ~300 KB to ~15 KB, and saving gets faster too; a
    photo shows some banding, which a preview can afford (the download is the original)."""
    from PIL import Image

    if image.mode in ("RGB", "RGBA"):
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _document(data: bytes, max_units: int, max_images: int) -> Extraction:
    import docx
    from docx.table import Table

    clipper = _Clipper()
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            text = "\n".join(_table_rows(block))
        else:
            text = " ".join(_lines(block.text))
            if text:
                text = _heading_marks(block.style.name if block.style is not None else "") + text
        clipper.add(clipper.clip(text, MAX_TEXT_CHARS))
    return Extraction([], clipper.text("\n\n"), [], 0, clipper.cut)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A cell merged across columns comes back once per column it covers.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(_lines(cell.text))
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


_HEADING_STYLE = re.compile(r"Heading ([1-9])$")


def _heading_marks(style_name: str) -> str:
    if style_name == "Title":
        return "# "
    level = _HEADING_STYLE.match(style_name)
    return "#" * int(level.group(1)) + " " if level else ""


def _workbook(data: bytes, max_units: int, max_images: int) -> Extraction:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = next((info for info in archive.infolist() if info.filename.lower() == "xl/workbook.xml"), None)
        if part is None or part.file_size > MAX_WORKBOOK_XML:
            raise _Unreadable("it could not be read")
        root = ElementTree.fromstring(archive.read(part))
    # Match on the local name: strict OOXML files use another namespace for the same elements.
    sheets = [element for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "sheet"]
    clipper = _Clipper()
    units = []
    for sheet in sheets[:max_units]:
        hidden = HIDDEN if sheet.get("state") in ("hidden", "veryHidden") else ""
        unit = Unit(clipper.clip(sheet.get("name", "")[:TITLE_CHARS] + hidden), "")
        clipper.add(unit.title)
        units.append(unit)
    return Extraction(units, clipper.text("\n"), [], len(sheets), len(sheets) > max_units or clipper.cut)


def _image(data: bytes, max_units: int, max_images: int) -> Extraction:
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        # Pillow warns past ~89 megapixels and refuses past twice that: we stop at the warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            # JPEG can decode straight at 1/2, 1/4 or 1/8 scale, which saves most of the memory for a photo.
            image.draft("RGB", (PREVIEW_WIDTH, 1))
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _Unreadable("the image is too large to preview") from None
    image = ImageOps.exif_transpose(image)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in ("1", "L", "LA", "RGB", "RGBA"):
        image = image.convert("RGB")
    image.thumbnail((PREVIEW_WIDTH, PREVIEW_MAX_HEIGHT))
    return Extraction([], "", [_png(image)], 0)


_READERS: dict[str, Callable[[bytes, int, int], Extraction]] = {
    "pptx": _deck,
    "pdf": _pdf,
    "docx": _document,
    "xlsx": _workbook,
    "png": _image,
    "jpeg": _image,
}
