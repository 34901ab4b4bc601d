"""Bringing documents into the wiki: a Markdown file, a Word plan, or an export zip (wiki/services/export.py).

Every page arrives as a new revision credited to the person importing, through the same save as the editor's
(pages.save_revision), so history, search, the cached views and re-anchored threads stay right, and it waits
for a lead's approval like any edit. A page that exists gets the import as a new revision on top, never in
place of one. What happened to each file is reported: created, a new revision, or skipped and why.

Nothing from an upload is trusted: an archive's table of contents is checked before anything is unpacked (the
same reader and limits as uploaded Office files, wiki/files/kinds.py), a name that climbs out of the archive
refuses the whole archive, and a Word document is read in a sandboxed child process.
"""

from __future__ import annotations

import enum
import io
import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app

from wiki.errors import BadInput, NotAllowed, TooLarge, WikiError, require
from wiki.files import docx_markdown, kinds, sandbox
from wiki.models import PageKind, User
from wiki.services import file_uploads, pages
from wiki.services.pages import EditSubmission
from wiki.services.permissions import can_edit, can_import
from wiki.text import front_matter
from wiki.text.sizes import human_size
from wiki.text.slugs import is_valid_slug, slugify

ACCEPTED = "Import takes Markdown files (.md), Word documents (.docx) and export archives (.zip)"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
PAGE_SUFFIXES = (*MARKDOWN_SUFFIXES, ".docx")
# The form imports this many pages at a time: each is a save with its search index (about 11 ms for a 5 KB plan
# on the 2-core development machine: 500 take some 6 s), and a request must end well inside gunicorn's 30 s.
# The command line takes any number.
MAX_WEB_PAGES = 500
# Room for front matter above a page of the largest size.
_FRONT_MATTER_ROOM = 16 * 1024
_REVISION_FILE = re.compile(r"r([0-9]{1,9})\.md")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SKIPPED_SILENTLY = {"manifest.json", "README.txt"}
# How a zip (a Word file, an archive), a PDF and an older Office file start: never Markdown.
_BINARY = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")


class Outcome(enum.StrEnum):
    CREATED = "created"
    REVISED = "new revision"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ImportLine:
    source: str  # the file, or its path in the archive
    outcome: Outcome
    detail: str  # "revision 1", "revision 4 on top of revision 3", or why it was skipped
    slug: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class ImportReport:
    source: str
    lines: list[ImportLine]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


@dataclass(frozen=True)
class _Incoming:
    source: str
    slug: str
    title: str
    kind: str
    body: str
    note: str = ""


def check_allowed(user: User) -> None:
    """Who may bring documents in from the web: the leads (the command line has rules of its own below)."""
    require(can_import(user), "Only marketing leads can import pages.")


def import_file(importer: User, filename: str, data: bytes, *, command_line: bool = False) -> ImportReport:
    """Import one uploaded file. A single Markdown or Word file that can't become a page is an error (raised); in
    an archive, each file that can't is a skipped line of the report. `command_line` is the operator's
    `flask import --as EMAIL`, where the importer need only be someone who may edit pages."""
    if command_line:
        require(can_edit(importer), f"{importer.email} can't edit pages, so pages can't be imported as theirs.")
    else:
        check_allowed(importer)
    name = PurePosixPath((filename or "").replace("\\", "/")).name[:120] or "the file"
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if not command_line and len(data) > limit:
        raise TooLarge(f"“{name}” is {human_size(len(data))}; an import can be at most {human_size(limit)}.")
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".zip":
        return ImportReport(name, _archive(importer, name, data, command_line))
    if suffix == ".docx":
        return ImportReport(name, [_save(importer, _from_docx(name, data, _slug_from_name(name)))])
    if suffix in MARKDOWN_SUFFIXES:
        return ImportReport(name, [_save(importer, _from_markdown(name, _text(name, data), _slug_from_name(name)))])
    raise BadInput(f"“{name}” can't be imported. {ACCEPTED}.")


# One page -----------------------------------------------------------------------------------------


def _slug_from_name(name: str) -> str:
    slug = slugify(PurePosixPath(name).stem)
    if not slug:
        raise BadInput(f"No page name can be made from “{name}”: rename it with some letters or digits.")
    return slug


def _text(source: str, data: bytes) -> str:
    limit = current_app.config["MAX_PAGE_BYTES"] + _FRONT_MATTER_ROOM
    if len(data) > limit:
        raise TooLarge(
            f"“{source}” is {human_size(len(data))}; a page can be at most "
            f"{human_size(current_app.config['MAX_PAGE_BYTES'])}. Split it into several files."
        )
    if data.startswith(_BINARY):
        raise BadInput(f"“{source}” is not Markdown text: its content is a binary file. {ACCEPTED}.")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise BadInput(f"“{source}” is not UTF-8 text, so it can't be read as Markdown. Save it as UTF-8.") from None


def _from_markdown(source: str, text: str, slug: str) -> _Incoming:
    """The page a Markdown file makes: the title from its front matter, its first `# ` heading, or its name."""
    document = front_matter.parse(text)
    meta = document.meta
    title = meta.get("title") if isinstance(meta.get("title"), str) else ""
    title = (title or "").strip() or front_matter.first_heading(document.body) or _title_from_name(source)
    kind, note = _kind(meta.get("kind"))
    return _Incoming(source, slug, title[: pages.MAX_TITLE], kind, document.body, note)


def _kind(value) -> tuple[str, str]:
    if value is None or value == "":
        return "", ""
    if value in {kind.value for kind in PageKind}:
        return value, ""
    shown = str(value)[:30]
    return "", f"kind “{shown}” isn't plan, collateral or note, so it was left as it was"


def _title_from_name(source: str) -> str:
    stem = PurePosixPath(source).stem.replace("_", " ").replace("-", " ").strip()
    return " ".join(stem.split()) or "Imported page"


def _from_docx(source: str, data: bytes, slug: str) -> _Incoming:
    config = current_app.config
    if len(data) > config["MAX_UPLOAD_BYTES"]:
        limit = human_size(config["MAX_UPLOAD_BYTES"])
        raise TooLarge(f"“{source}” is {human_size(len(data))}; files can be at most {limit}.")
    try:
        kind = kinds.sniff(data, source, max_expanded=config["MAX_EXPANDED_UPLOAD_BYTES"])
    except kinds.Refused as refused:
        raise BadInput(f"“{source}” can't be imported as a Word document. {refused.message}") from None
    if kind.code != "docx":
        raise BadInput(f"“{source}” is {kind.label}, not a Word document. {ACCEPTED}.")
    limits = sandbox.Limits(seconds=config["FILE_PREVIEW_SECONDS"], memory_bytes=config["FILE_PREVIEW_MEMORY_BYTES"])
    try:
        converted = docx_markdown.in_sandbox(data, limits)
    except docx_markdown.NotADocument as problem:
        raise BadInput(f"“{source}” can't be imported as a Word document: {problem.message}.") from None
    if not converted.markdown.strip():
        raise BadInput(f"“{source}” has no text to import.")
    title = converted.title or _title_from_name(source)
    return _Incoming(source, slug, title[: pages.MAX_TITLE], "", converted.markdown)


def _save(importer: User, incoming: _Incoming) -> ImportLine:
    """The page saved on top of whatever is there; the importer's own unsaved draft of it is kept."""
    page = pages.find_page(incoming.slug)
    base = page.head_number if page is not None else 0
    draft = pages.get_draft(importer, incoming.slug)
    kept = (
        EditSubmission(draft.slug, draft.body, draft.summary, draft.base_number, draft.title, draft.kind)
        if draft is not None
        else None
    )
    result = pages.save_revision(
        importer,
        EditSubmission(
            slug=incoming.slug,
            body=incoming.body,
            summary=f"Imported from {incoming.source}"[: pages.MAX_SUMMARY],
            base_number=base,
            title=incoming.title,
            kind=incoming.kind,
        ),
    )
    if kept is not None:
        # Saving clears the saver's draft of the page; an import isn't that draft, so it stays theirs.
        pages.keep_draft(importer, kept)
    notes = [incoming.note] if incoming.note else []
    if result.unchanged:
        return ImportLine(
            incoming.source,
            Outcome.SKIPPED,
            "; ".join([f"the same as revision {base}, the current one", *notes]),
            incoming.slug,
        )
    number = result.revision.number
    if base == 0:
        return ImportLine(incoming.source, Outcome.CREATED, "; ".join([f"revision {number}", *notes]), incoming.slug)
    detail = f"revision {number} on top of revision {base}"
    return ImportLine(incoming.source, Outcome.REVISED, "; ".join([detail, *notes]), incoming.slug)


# An archive ---------------------------------------------------------------------------------------


@dataclass
class _Contents:
    pages: dict[str, zipfile.ZipInfo]
    files: list[tuple[str, str, zipfile.ZipInfo]]
    skipped: list[ImportLine]


def check_archive(name: str, data: bytes) -> None:
    """Refuse a file that isn't a zip, is damaged, would unpack to too much, or names a path outside itself,
    from its table of contents alone: nothing is decompressed here."""
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise BadInput(f"“{name}” is not a zip archive. {ACCEPTED}.")
    try:
        entries = kinds._central_directory(data) if data.startswith(b"PK\x03\x04") else []
    except kinds._Damaged:
        raise BadInput(
            f"“{name}” is damaged or incomplete: its table of contents can't be read. Make the archive again."
        ) from None
    except kinds._TooManyEntries:
        raise BadInput(f"“{name}” holds more than {kinds.MAX_ENTRIES:,} files, more than an import takes.") from None
    limit = current_app.config["MAX_EXPANDED_UPLOAD_BYTES"]
    if kinds._expands_too_much(entries, limit):
        raise BadInput(
            f"“{name}” would expand to more than {human_size(limit)} when opened (or packs far more than real "
            "documents do), so it wasn't opened."
        )
    for entry in entries:
        if _outside(entry.name):
            raise BadInput(
                f"“{name}” holds a file named “{entry.name[:120]}”, which points outside the archive. "
                "Nothing was imported."
            )


def _outside(path: str) -> bool:
    parts = path.split("/")
    return (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or _DRIVE.match(path) is not None
        or any(part == ".." for part in parts)
    )


def _archive(importer: User, name: str, data: bytes, command_line: bool) -> list[ImportLine]:
    check_archive(name, data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadInput(f"“{name}” is damaged: it can't be opened as a zip archive.") from None
    with archive:
        contents = _contents(archive.infolist())
        if not command_line and len(contents.pages) > MAX_WEB_PAGES:
            raise TooLarge(
                f"“{name}” holds {len(contents.pages):,} pages; the form imports at most {MAX_WEB_PAGES} at a time. "
                "Import it with the command line (flask --app wsgi import FILE --as EMAIL) or in smaller parts."
            )
        lines = list(contents.skipped)
        for slug, info in sorted(contents.pages.items()):
            lines.append(_archived_page(importer, archive, info, slug))
        for slug, file_name, info in sorted(contents.files, key=lambda found: found[2].filename):
            lines.append(_archived_file(importer, archive, name, info, slug, file_name))
    if not lines:
        raise BadInput(f"“{name}” holds no Markdown or Word files. {ACCEPTED}.")
    return lines


def _contents(infos: list[zipfile.ZipInfo]) -> _Contents:
    """Which entries become pages, which are files for pages, and which are left out. An export's
    pages/<slug>.md is the page; without one, the newest of its pages/<slug>/rNNNN.md revisions is."""
    found: dict[str, zipfile.ZipInfo] = {}
    revisions: dict[str, list[tuple[int, zipfile.ZipInfo]]] = defaultdict(list)
    contents = _Contents(pages={}, files=[], skipped=[])
    for info in infos:
        path = PurePosixPath(info.filename)
        parts = path.parts
        if info.is_dir() or not parts or info.filename in _SKIPPED_SILENTLY:
            continue
        if parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts):
            continue
        if len(parts) == 3 and parts[0] == "files":
            contents.files.append((parts[1], parts[2], info))
        elif len(parts) == 3 and parts[0] == "pages" and (revision := _REVISION_FILE.fullmatch(parts[2])):
            revisions[parts[1]].append((int(revision.group(1)), info))
        elif path.suffix.lower() in PAGE_SUFFIXES:
            slug = path.stem if is_valid_slug(path.stem) else slugify(path.stem)
            if not is_valid_slug(slug):
                contents.skipped.append(_skip(info.filename, f"no page name can be made from “{path.name}”"))
            elif slug in found:
                other = found[slug].filename
                contents.skipped.append(_skip(info.filename, f"“{other}” in the archive is page “{slug}” already"))
            else:
                found[slug] = info
        else:
            contents.skipped.append(_skip(info.filename, "not a Markdown or Word file"))
    for slug, numbered in revisions.items():
        if slug not in found and is_valid_slug(slug):
            found[slug] = max(numbered, key=lambda pair: pair[0])[1]
    contents.pages = found
    return contents


def _skip(source: str, why: str, slug: str | None = None, file_name: str | None = None) -> ImportLine:
    return ImportLine(source, Outcome.SKIPPED, why, slug, file_name)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise TooLarge(f"it is {human_size(info.file_size)}, more than the {human_size(limit)} allowed")
    try:
        return archive.read(info)
    except RuntimeError:
        raise BadInput("it is encrypted") from None
    except (zipfile.BadZipFile, NotImplementedError, zlib.error, EOFError, OSError, ValueError):
        raise BadInput("it can't be unpacked: the archive is damaged there") from None


def _archived_page(importer: User, archive: zipfile.ZipFile, info: zipfile.ZipInfo, slug: str) -> ImportLine:
    source = info.filename
    try:
        if source.lower().endswith(".docx"):
            data = _read(archive, info, current_app.config["MAX_UPLOAD_BYTES"])
            return _save(importer, _from_docx(source, data, slug))
        data = _read(archive, info, current_app.config["MAX_PAGE_BYTES"] + _FRONT_MATTER_ROOM)
        return _save(importer, _from_markdown(source, _text(source, data), slug))
    except NotAllowed:
        raise
    except WikiError as error:
        return _skip(source, _clause(error.message, source), slug)


def _archived_file(
    importer: User, archive: zipfile.ZipFile, name: str, info: zipfile.ZipInfo, slug: str, file_name: str
) -> ImportLine:
    source = info.filename
    page = pages.find_page(slug) if is_valid_slug(slug) else None
    if page is None:
        return _skip(source, f"there is no page “{slug}” for it", slug, file_name)
    try:
        data = _read(archive, info, current_app.config["MAX_UPLOAD_BYTES"])
        version = file_uploads.upload(importer, page, file_name, data, f"Imported from {name}"[:300])
    except NotAllowed:
        raise
    except WikiError as error:
        return _skip(source, _clause(error.message, source), slug, file_name)
    outcome = Outcome.CREATED if version.number == 1 else Outcome.REVISED
    return ImportLine(source, outcome, f"version {version.number}, waiting for approval", slug, version.attachment.name)


def _clause(message: str, source: str) -> str:
    """A service's sentence about the file, as the reason in its report line."""
    return message.replace(f"“{source}” ", "").rstrip(".")
