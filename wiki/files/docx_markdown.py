"""A Word plan as Markdown: headings by style (Heading 1–6, Title), bulleted and numbered lists with their
levels, tables as pipe tables, bold and italic, hyperlinks. Pictures, text boxes and comments are left behind.

python-docx, like every parser of these files, can spend gigabytes or minutes on a crafted one, so the import
runs `convert` in a child process with the same memory cap and deadline as the upload reader
(wiki/files/sandbox.py): `in_sandbox`.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass

from wiki.files import sandbox

_HEADING = re.compile(r"Heading ([1-6])$")
_LIST_STYLE = re.compile(r"List (Bullet|Number)(?: ([2-9]))?$")
# Characters that would start Markdown syntax inside a line; `|` only matters in a table cell.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_NUMBERED_FORMATS = {"decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "decimalZero"}
_LIST_INDENT = "   "
_OUT_OF_MEMORY = 3


class NotADocument(Exception):
    """The bytes are not a Word document python-docx can read; `message` says so to the person importing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Converted:
    markdown: str
    title: str  # the document's title property, or its first top-level heading; "" if it has neither


def convert(data: bytes) -> Converted:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    numbering = _numbering(document)
    blocks: list[str] = []
    first_heading = ""
    previous_was_item = False
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            text, is_item = _table(block), False
        else:
            text, level, is_item = _paragraph(block, numbering)
            if level == 1 and not first_heading:
                first_heading = " ".join(block.text.split())
        if not text:
            continue
        # Items of one list are one block; a blank line would make each its own loose list.
        blocks.append(("\n" if previous_was_item and is_item else "\n\n") + text if blocks else text)
        previous_was_item = is_item
    title = (document.core_properties.title or "").strip() or first_heading
    return Converted(markdown="".join(blocks) + "\n" if blocks else "", title=title)


# Paragraphs ---------------------------------------------------------------------------------------


def _paragraph(paragraph, numbering) -> tuple[str, int | None, bool]:
    """The paragraph as one Markdown block, its heading level (or None), and whether it is a list item."""
    style = paragraph.style.name if paragraph.style is not None else ""
    text = _inline(paragraph, in_table=False)
    if not text:
        return "", None, False
    heading = _HEADING.match(style)
    level = int(heading.group(1)) if heading else (1 if style == "Title" else None)
    if level is not None:
        return f"{'#' * level} {_plain_heading(paragraph)}", level, False
    item = _list_item(paragraph, style, numbering)
    if item is not None:
        numbered, depth = item
        return f"{_LIST_INDENT * depth}{'1.' if numbered else '-'} {text}", None, True
    return _LINE_START.sub(r"\1\\\2", text), None, False


def _plain_heading(paragraph) -> str:
    # A heading's own style makes it bold; emphasis marks inside it would only be noise.
    return _LINE_START.sub(r"\1\\\2", _escaped(" ".join(paragraph.text.split())))


def _list_item(paragraph, style: str, numbering) -> tuple[bool, int] | None:
    """(numbered, depth) for a list item: from the paragraph's own numbering, else its style's, else the name of
    a built-in list style (List Bullet 2, List Number …)."""
    named = _LIST_STYLE.match(style)
    named_depth = int(named.group(2) or 1) - 1 if named else 0
    for element in (paragraph._p.pPr, _style_pPr(paragraph.style)):
        num_pr = element.numPr if element is not None else None
        if num_pr is not None and num_pr.numId is not None:
            num_id = num_pr.numId.val
            if num_id == 0:  # Word's way of saying "not numbered after all"
                return None
            # "List Bullet 2" says its level by name and often not in its numbering.
            depth = num_pr.ilvl.val if num_pr.ilvl is not None else named_depth
            return _is_numbered(numbering, num_id, depth, style), min(depth, 8)
    if named:
        return named.group(1) == "Number", named_depth
    return None


def _style_pPr(style):
    # Walks up the styles a paragraph style is based on, as Word does.
    seen = 0
    while style is not None and seen < 10:
        pPr = style.element.pPr
        if pPr is not None and pPr.numPr is not None:
            return pPr
        style, seen = style.base_style, seen + 1
    return None


def _numbering(document):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        return document.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        return None


def _is_numbered(numbering, num_id: int, depth: int, style: str) -> bool:
    if numbering is not None:
        formats = numbering.xpath(
            f'w:abstractNum[@w:abstractNumId=string(../w:num[@w:numId="{int(num_id)}"]/w:abstractNumId/@w:val)]'
            f'/w:lvl[@w:ilvl="{int(depth)}"]/w:numFmt/@w:val'
        )
        if formats:
            return formats[0] in _NUMBERED_FORMATS
    return "Number" in style


# Inline text --------------------------------------------------------------------------------------


def _inline(paragraph, *, in_table: bool) -> str:
    """The paragraph's runs with bold, italic and links; consecutive runs alike are one span."""
    from docx.text.hyperlink import Hyperlink

    spans: list[tuple[str, bool, bool, str]] = []
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            url = item.url if item.address else ""
            for run in item.runs:
                spans.append((run.text, *_emphasis(run), url))
        else:
            spans.append((item.text, *_emphasis(item), ""))
    merged: list[list] = []
    for text, bold, italic, url in spans:
        if merged and merged[-1][1:] == [bold, italic, url]:
            merged[-1][0] += text
        else:
            merged.append([text, bold, italic, url])
    out = "".join(_span(text, bold, italic, url, in_table) for text, bold, italic, url in merged)
    return " ".join(out.split())


def _emphasis(run) -> tuple[bool, bool]:
    def on(value, styled) -> bool:
        return bool(value) if value is not None else bool(styled)

    font = run.style.font if run.style is not None else None
    return on(run.bold, font.bold if font else None), on(run.italic, font.italic if font else None)


def _span(text: str, bold: bool, italic: bool, url: str, in_table: bool) -> str:
    # Line breaks and tabs inside a paragraph are spaces: a Markdown block is one paragraph of Word's.
    text = " ".join(text.replace("\t", " ").split("\n"))
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    shown = _escaped(core, in_table)
    marks = ("**" if bold else "") + ("*" if italic else "")
    shown = f"{marks}{shown}{marks[::-1]}" if marks else shown
    if url and _is_web_link(url):
        shown = f"[{shown}]({_destination(url)})"
    return f"{lead}{shown}{trail}"


def _escaped(text: str, in_table: bool = False) -> str:
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return text.replace("|", "\\|") if in_table else text


def _destination(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def _is_web_link(url: str) -> bool:
    return url.lower().startswith(("http://", "https://", "mailto:"))


# Tables -------------------------------------------------------------------------------------------


def _table(table) -> str:
    rows: list[list[str]] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A cell merged across columns comes back once per column it covers; its text goes in the first.
            if id(cell._tc) in seen:
                cells.append("")
                continue
            seen.add(id(cell._tc))
            parts = [_inline(paragraph, in_table=True) for paragraph in cell.paragraphs]
            cells.append(" ".join(part for part in parts if part))
        rows.append(cells)
    rows = [row for row in rows if any(row)]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = [_table_line(rows[0]), _table_line(["---"] * width)]
    lines.extend(_table_line(row) for row in rows[1:])
    return "\n".join(lines)


def _table_line(cells: list[str]) -> str:
    return "| " + " | ".join(cell or " " for cell in cells) + " |"


# In a child process -------------------------------------------------------------------------------


def in_sandbox(data: bytes, limits: sandbox.Limits) -> Converted:
    """`convert` in a child process that limits its own memory and time, like the upload reader's."""
    command = [sys.executable, "-m", "wiki.files.docx_markdown", str(limits.memory_bytes), str(limits.seconds)]
    try:
        done = subprocess.run(
            command,
            input=data,
            capture_output=True,
            timeout=limits.seconds,
            env=sandbox._environment(),
            cwd=sandbox.ROOT,
        )
    except subprocess.TimeoutExpired:
        raise NotADocument(f"it took longer than {limits.seconds:g} seconds to read") from None
    if done.returncode == _OUT_OF_MEMORY:
        raise NotADocument("reading it needed too much memory")
    if done.returncode != 0:
        raise NotADocument("it can't be read as a Word document")
    try:
        answer = json.loads(done.stdout)
        return Converted(markdown=str(answer["markdown"]), title=str(answer["title"]))
    except (ValueError, KeyError, TypeError):
        raise NotADocument("it can't be read as a Word document") from None


def _child(arguments: list[str]) -> int:
    memory_bytes, seconds = arguments
    # Loaded before the limit, so that the limit counts only the reading.
    import docx  # noqa: F401
    import docx.table  # noqa: F401
    import docx.text.hyperlink  # noqa: F401

    sandbox._limit_self(int(memory_bytes), float(seconds))
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    try:
        converted = convert(sys.stdin.buffer.read())
    except MemoryError:
        return _OUT_OF_MEMORY
    except Exception:
        # A malformed file makes the parser raise anything from KeyError to RecursionError; the parent says why.
        return 1
    sys.stdout.buffer.write(json.dumps({"markdown": converted.markdown, "title": converted.title}).encode())
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
