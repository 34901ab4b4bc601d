"""What an uploaded file is, decided from its content rather than its name.

Office files are zip archives; their kind and their size once unpacked come from the zip's central
directory, which we read ourselves with struct so that neither a 50 MB upload nor a million-entry archive
costs more than the bytes we already hold: nothing is decompressed here.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import filetype


class Refused(Exception):
    """An upload the site won't keep; `message` is a sentence for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    # What the file is made of, for "slide 7" and "page 2"; None when it isn't divided into parts we show.
    unit: str | None


KINDS: dict[str, FileKind] = {
    kind.code: kind
    for kind in (
        FileKind(
            "pptx",
            "PowerPoint deck",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
            "slide",
        ),
        FileKind("pdf", "PDF", "application/pdf", (".pdf",), "page"),
        FileKind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            None,
        ),
        FileKind(
            "xlsx",
            "Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            "sheet",
        ),
        FileKind("png", "PNG image", "image/png", (".png",), None),
        FileKind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"), None),
    )
}

# The part every package of that kind has; the content types file is what makes a zip an Office file at all.
_OOXML_MAIN_PART = {"ppt/presentation.xml": "pptx", "word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
_CONTENT_TYPES = "[content_types].xml"
_FILETYPE_KINDS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}

MAX_ENTRIES = 10_000
# Real documents compress text and XML maybe 10:1; only crafted data gets past 100:1, and only a big entry matters.
MAX_RATIO = 100
RATIO_APPLIES_ABOVE = 1_000_000

ACCEPTED = "Council Wiki keeps PowerPoint, PDF, Word, Excel, PNG and JPEG files"

_LOCAL_HEADER = b"PK\x03\x04"
_EOCD = struct.Struct("<4s4H2IH")
_ZIP64_LOCATOR = struct.Struct("<4sIQI")
_ZIP64_EOCD = struct.Struct("<4sQ2H2I4Q")
_CENTRAL = struct.Struct("<4s6H3I5H2I")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_U16, _U32 = 0xFFFF, 0xFFFFFFFF


@dataclass(frozen=True)
class _Entry:
    name: str
    compressed: int
    size: int


class _Damaged(Exception):
    pass


class _TooManyEntries(Exception):
    pass


def sniff(data: bytes, name: str, *, max_expanded: int) -> FileKind:
    """The kind of file `data` is, or Refused with the reason: not a kind we keep, a name that says
    otherwise, or an archive that would unpack to more than `max_expanded` bytes."""
    shown = f"“{name}”"
    entries: list[_Entry] | None = None
    if data.startswith(_LOCAL_HEADER):
        try:
            entries = _central_directory(data)
        except _Damaged:
            raise Refused(
                f"{shown} looks damaged or incomplete: it starts like an Office file, but its table of contents "
                "can't be read. Save it again and upload the new copy."
            ) from None
        except _TooManyEntries:
            raise Refused(
                f"{shown} holds more than {MAX_ENTRIES:,} parts when opened, which is more than this site allows."
            ) from None
        code = _ooxml_kind(entries)
    else:
        guessed = filetype.guess(data[:8192]) if data else None
        code = _FILETYPE_KINDS.get(guessed.mime) if guessed else None
    if code is None:
        raise Refused(f"{ACCEPTED}; {shown} is none of these ({_looks_like(data, entries)}).")
    kind = KINDS[code]
    if not name.lower().endswith(kind.extensions):
        raise Refused(f"{shown} is {_article(kind.label)} {kind.label}; rename it to end in {kind.extensions[0]}.")
    if entries is not None and _expands_too_much(entries, max_expanded):
        raise Refused(
            f"{shown} expands to more than {_megabytes(max_expanded)} when opened, which is more than this site allows."
        )
    return kind


def _central_directory(data: bytes) -> list[_Entry]:
    """The entries a zip declares, read from its central directory without touching the compressed data."""
    eocd_at = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - _U16))
    if eocd_at < 0 or eocd_at + _EOCD.size > len(data):
        raise _Damaged
    _, disk, cd_disk, _, total, cd_size, cd_offset, _ = _EOCD.unpack_from(data, eocd_at)
    directory_end = eocd_at
    if _U16 in (disk, cd_disk, total) or _U32 in (cd_size, cd_offset):
        locator_at = eocd_at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            raise _Damaged
        signature, _, zip64_at, _ = _ZIP64_LOCATOR.unpack_from(data, locator_at)
        if signature != b"PK\x06\x07" or zip64_at + _ZIP64_EOCD.size > locator_at:
            raise _Damaged
        signature, *_, disk, cd_disk, _, total, cd_size, cd_offset = _ZIP64_EOCD.unpack_from(data, zip64_at)
        if signature != b"PK\x06\x06":
            raise _Damaged
        directory_end = zip64_at
    # Office writes single-disk archives with nothing before them; anything else is not one of ours.
    if disk != 0 or cd_disk != 0 or cd_offset + cd_size != directory_end:
        raise _Damaged
    if total > MAX_ENTRIES:
        raise _TooManyEntries
    entries: list[_Entry] = []
    at = cd_offset
    while at < directory_end:
        if len(entries) == MAX_ENTRIES:
            raise _TooManyEntries
        if at + _CENTRAL.size > directory_end:
            raise _Damaged
        (signature, _, _, flags, _, _, _, _, compressed, size, name_len, extra_len, comment_len, _, _, _, offset) = (
            _CENTRAL.unpack_from(data, at)
        )
        if signature != b"PK\x01\x02":
            raise _Damaged
        name_at = at + _CENTRAL.size
        extra_at = name_at + name_len
        at = extra_at + extra_len + comment_len
        if at > directory_end:
            raise _Damaged
        if _U32 in (compressed, size, offset):
            size, compressed, offset = _zip64_sizes(data[extra_at : extra_at + extra_len], size, compressed, offset)
        if offset + compressed > cd_offset or data[offset : offset + 4] != _LOCAL_HEADER:
            raise _Damaged
        raw_name = data[name_at:extra_at]
        # Bit 11 says the name is UTF-8; otherwise the zip format's historical code page.
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        entries.append(_Entry(name, compressed, size))
    if len(entries) != total:
        raise _Damaged
    return entries


def _zip64_sizes(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, at)
        body = extra[at + 4 : at + 4 + length]
        at += 4 + length
        if tag != 1:
            continue
        # Only the fields that overflowed in the fixed header are present, in this order.
        values = iter(struct.unpack_from(f"<{len(body) // 8}Q", body))
        try:
            size = next(values) if size == _U32 else size
            compressed = next(values) if compressed == _U32 else compressed
            offset = next(values) if offset == _U32 else offset
        except StopIteration:
            raise _Damaged from None
        return size, compressed, offset
    raise _Damaged


def _ooxml_kind(entries: list[_Entry]) -> str | None:
    # Part names in an Office package are case-insensitive.
    names = {entry.name.lower() for entry in entries}
    if _CONTENT_TYPES not in names:
        return None
    found = [code for part, code in _OOXML_MAIN_PART.items() if part in names]
    return found[0] if len(found) == 1 else None


def _expands_too_much(entries: list[_Entry], max_expanded: int) -> bool:
    if sum(entry.size for entry in entries) > max_expanded:
        return True
    return any(
        entry.size > RATIO_APPLIES_ABOVE and entry.size > MAX_RATIO * max(entry.compressed, 1) for entry in entries
    )


def _looks_like(data: bytes, entries: list[_Entry] | None) -> str:
    """A few words on what the content seems to be, so the person can tell what went wrong."""
    if not data:
        return "it is empty"
    if entries is not None:
        return "its content looks like a zip archive, not a Word, Excel or PowerPoint file"
    if data.startswith(_OLE):
        return (
            "its content looks like an older Office file (.ppt, .doc or .xls) or a password-protected one; "
            "save it without a password in the current format"
        )
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<!doctype html" in head or b"<html" in head:
        return "its content looks like HTML"
    if b"<svg" in head:
        return "its content looks like an SVG image"
    if any(tag in head for tag in (b"<script", b"<head", b"<body", b"<iframe")):
        return "its content looks like HTML"
    if head.startswith(b"#!"):
        return "its content looks like a script"
    if head.startswith(b"<?xml"):
        return "its content looks like XML"
    guessed = filetype.guess(data[:8192])
    if guessed is not None:
        return f"its content looks like a .{guessed.extension} file"
    if b"\0" not in head and _is_text(data[:1024]):
        return "its content looks like plain text"
    return "its content isn't a format we recognise"


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The 1 KB cut may fall inside a character: only an error near the end is forgiven.
        return error.start >= len(head) - 3
    return True


def _article(label: str) -> str:
    return "an" if label[0] in "AEIOU" else "a"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"
