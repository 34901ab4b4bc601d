"""Files on a page: upload, versions, restore, and what each reader may see and download.

A file's versions work like a page's revisions: every upload is a new version, nothing is overwritten, and the
field reads only the version a lead approved (wiki/services/file_review.py). What is inside a file is read at
upload in a sandboxed child process, so a hostile file costs that process, never a web worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import delete as delete_rows
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, NotFound, TooLarge, require
from wiki.extensions import db
from wiki.files import kinds, sandbox
from wiki.files.changes import Section, UnitChange, compare, describe, headline, sections
from wiki.files.extract import Extraction, Unit
from wiki.models import Attachment, Blob, Decision, FileDecision, FileImage, FileVersion, Page, User, utcnow
from wiki.services.file_anchoring import follow_new_version
from wiki.services.permissions import (
    can_approve_files,
    can_delete_file,
    can_read_drafts,
    can_read_file_version,
    can_upload_files,
)
from wiki.text.sizes import human_size
from wiki.text.slugs import slugify

MAX_NOTE = 300
MAX_NAME_STEM = 100


class SameFile(BadInput):
    """The upload is the file's newest version byte for byte (often a second click on *Upload*): nothing to add."""

    def __init__(self, message: str, name: str):
        super().__init__(message, field="file")
        self.name = name


@dataclass(frozen=True)
class FileCapabilities:
    """What this reader may do with a page's files: the one answer the templates ask."""

    upload: bool
    approve: bool
    see_drafts: bool


@dataclass(frozen=True)
class FileRow:
    """A file in a page's list: the version this reader sees of it."""

    attachment: Attachment
    version: FileVersion
    # For council and leads, whose row shows the newest version: the number the field downloads (None if no
    # version is approved yet), and whether a lead sent the newest version back.
    published_number: int | None = None
    changes_requested: bool = False

    @property
    def kind(self) -> kinds.FileKind:
        return kinds.KINDS[self.version.kind]

    @property
    def waiting(self) -> bool:
        """A version newer than the approved one waits for a lead (only staff see such a row)."""
        return self.attachment.published_version_id != self.attachment.head_version_id


@dataclass(frozen=True)
class Comparison:
    attachment: Attachment
    old: FileVersion
    new: FileVersion
    changes: list[UnitChange]
    lines: list[str]
    headline: str
    unit: str
    sections: list[Section]


def capabilities(user: User) -> FileCapabilities:
    return FileCapabilities(
        upload=can_upload_files(user), approve=can_approve_files(user), see_drafts=can_read_drafts(user)
    )


def kind_of(version: FileVersion) -> kinds.FileKind:
    return kinds.KINDS[version.kind]


def max_upload_bytes() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"]


def text_of(version: FileVersion) -> str:
    """All the text of the version (a Word document's, shown in the browser), read only when it is needed."""
    return db.session.execute(select(FileVersion.text).where(FileVersion.id == version.id)).scalar_one()


def units_of(version: FileVersion) -> list[Unit]:
    return [Unit(**unit) for unit in version.units]


def download_name(attachment: Attachment, version: FileVersion) -> str:
    """customer-presentation-v4.pptx: the version travels with the file once it leaves the wiki."""
    path = PurePosixPath(attachment.name)
    return f"{path.stem}-v{version.number}{path.suffix}"


# Reading ------------------------------------------------------------------------------------------


def _shown_version_id(user: User):
    return Attachment.head_version_id if can_read_drafts(user) else Attachment.published_version_id


def list_files(user: User, page: Page) -> list[FileRow]:
    """The page's files with the version this reader sees, by name; the field's list holds approved ones only."""
    rows = db.session.execute(
        select(Attachment, FileVersion)
        .join(FileVersion, FileVersion.id == _shown_version_id(user))
        .where(Attachment.page_id == page.id)
        .order_by(Attachment.name)
        # Each row names its version's author: one join, not a query per file.
        .options(joinedload(FileVersion.author))
    ).all()
    if not can_read_drafts(user):
        return [FileRow(attachment, version) for attachment, version in rows]
    return _with_review_state(rows)


def _with_review_state(rows) -> list[FileRow]:
    """What the field has of each waiting file and whether it was sent back, in one query for the whole list."""
    waiting = [attachment for attachment, _ in rows if attachment.published_version_id != attachment.head_version_id]
    published, latest = {}, {}
    if waiting:
        published = dict(
            db.session.execute(
                select(FileVersion.attachment_id, FileVersion.number).where(
                    FileVersion.id.in_([a.published_version_id for a in waiting if a.published_version_id])
                )
            ).all()
        )
        newest = (
            select(func.max(FileDecision.id))
            .where(FileDecision.attachment_id.in_([a.id for a in waiting]))
            .group_by(FileDecision.attachment_id)
        )
        latest = {
            attachment_id: (version_id, decision)
            for attachment_id, version_id, decision in db.session.execute(
                select(FileDecision.attachment_id, FileDecision.version_id, FileDecision.decision).where(
                    FileDecision.id.in_(newest)
                )
            ).all()
        }
    return [
        FileRow(
            attachment,
            version,
            published.get(attachment.id),
            latest.get(attachment.id) == (attachment.head_version_id, Decision.CHANGES_REQUESTED),
        )
        for attachment, version in rows
    ]


def _no_such_file(name: str) -> NotFound:
    return NotFound(f"This page has no file called “{name}”.")


def get_attachment(user: User, page: Page, name: str) -> Attachment:
    """The named file, if this reader may know it exists: a file the field can't download yet is missing."""
    attachment = db.session.execute(
        select(Attachment).where(Attachment.page_id == page.id, Attachment.name == name)
    ).scalar_one_or_none()
    if attachment is None or attachment.head_version_id is None:
        raise _no_such_file(name)
    if not can_read_drafts(user) and attachment.published_version_id is None:
        raise _no_such_file(name)
    return attachment


def get_version(user: User, page: Page, attachment: Attachment, number: int | None = None) -> FileVersion:
    """Version `number` (the one this reader sees when None); a version the reader may not read is missing."""
    if number is None:
        version = attachment.head if can_read_drafts(user) else attachment.published
    else:
        version = db.session.execute(
            select(FileVersion).where(FileVersion.attachment_id == attachment.id, FileVersion.number == number)
        ).scalar_one_or_none()
    if version is None or not can_read_file_version(user, page, attachment.published_version_id, version.id):
        raise NotFound(f"“{attachment.name}” has no version {number}." if number else _no_such_file(attachment.name))
    return version


def versions(user: User, page: Page, attachment: Attachment) -> list[FileVersion]:
    """Every version, newest first, for council and leads; the field's history is the approved version."""
    if not can_read_drafts(user):
        return [get_version(user, page, attachment)]
    return list(
        db.session.execute(
            select(FileVersion).where(FileVersion.attachment_id == attachment.id).order_by(FileVersion.number.desc())
        ).scalars()
    )


def content(version: FileVersion) -> bytes:
    return db.session.execute(select(Blob.data).where(Blob.sha256 == version.blob_sha256)).scalar_one()


def image(version: FileVersion, position: int) -> tuple[str, bytes]:
    """The PNG drawn of page `position` of the version, and its checksum (for the ETag)."""
    row = db.session.execute(
        select(Blob.sha256, Blob.data)
        .join(FileImage, FileImage.blob_sha256 == Blob.sha256)
        .where(FileImage.version_id == version.id, FileImage.position == position)
    ).one_or_none()
    if row is None:
        raise NotFound(f"Version {version.number} has no picture of page {position}.")
    return row.sha256, row.data


def comparison(user: User, page: Page, attachment: Attachment, old_number: int, new_number: int) -> Comparison:
    require(can_read_drafts(user), "Only the council and marketing leads compare versions of a file.")
    old = get_version(user, page, attachment, old_number)
    new = get_version(user, page, attachment, new_number)
    before, after = units_of(old), units_of(new)
    changes = compare(before, after)
    unit = kind_of(new).unit or "page"
    return Comparison(
        attachment,
        old,
        new,
        changes,
        describe(changes, unit),
        headline(changes, unit),
        unit,
        sections(changes, before, after, unit),
    )


# Writing ------------------------------------------------------------------------------------------


def _check_note(note: str | None) -> str:
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise BadInput(f"The note can be at most {MAX_NOTE} characters.", field="note")
    return note


def file_name(raw: str, kind: kinds.FileKind) -> str:
    """What a file is called in the wiki: its name in lower case words joined by hyphens, and its extension."""
    path = PurePosixPath((raw or "").replace("\\", "/").split("/")[-1])
    stem = slugify(path.stem)[:MAX_NAME_STEM].strip("-") or "file"
    suffix = path.suffix.lower() if path.suffix.lower() in kind.extensions else kind.extensions[0]
    return f"{stem}{suffix}"


def check_upload(name: str, data: bytes) -> kinds.FileKind:
    """The file's kind from its content, or a sentence saying why it can't be kept."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise TooLarge(f"“{name}” is {human_size(len(data))}; files can be at most {human_size(limit)}.", field="file")
    if not data:
        raise BadInput(f"“{name}” is empty.", field="file")
    try:
        return kinds.sniff(data, name, max_expanded=current_app.config["MAX_EXPANDED_UPLOAD_BYTES"])
    except kinds.Refused as refused:
        raise BadInput(refused.message, field="file") from None


def _limits() -> sandbox.Limits:
    config = current_app.config
    return sandbox.Limits(
        seconds=config["FILE_PREVIEW_SECONDS"],
        memory_bytes=config["FILE_PREVIEW_MEMORY_BYTES"],
        max_images=config["FILE_PREVIEW_PAGES"],
    )


def _store_blob(session, data: bytes) -> str:
    """Keep bytes once: two uploads of the same file, even at the same moment, share one row."""
    sha = hashlib.sha256(data).hexdigest()
    values = {"sha256": sha, "size": len(data), "data": data, "created_at": utcnow()}
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(Blob).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))
    return sha


def upload(user: User, page: Page, filename: str, data: bytes, note: str = "", *, to: str | None = None):
    """Keep an uploaded file: a new file, or the next version of the file with the same name (or of `to`, the
    file the user chose *Upload a new version* on). Returns the new FileVersion."""
    require(can_upload_files(user), "Only the council and marketing leads add files to a page.")
    note = _check_note(note)
    kind = check_upload(filename or "the file", data)
    name = to or file_name(filename, kind)
    if to is not None:
        existing = get_attachment(user, page, to)
        if existing.head.kind != kind.code:
            raise BadInput(
                f"“{to}” is a {kinds.KINDS[existing.head.kind].label}; a new version of it must be one too "
                f"(this file is a {kind.label}).",
                field="file",
            )
    extraction = sandbox.run(kind.code, data, _limits())
    return _add_version(user, page, name, kind, data, extraction, note)


def _ever_approved(attachment: Attachment) -> bool:
    return attachment.published_version_id is not None or (
        db.session.execute(
            select(FileDecision.id)
            .where(FileDecision.attachment_id == attachment.id, FileDecision.decision == Decision.APPROVED)
            .limit(1)
        ).first()
        is not None
    )


def can_delete(user: User, attachment: Attachment) -> bool:
    return can_delete_file(user, attachment.created_by_id, _ever_approved(attachment))


def delete(user: User, page: Page, attachment: Attachment) -> str:
    """Remove the file with all its versions, decisions and comments. The bytes stay while anything else (another
    file, a restore) names them. Returns the name, for the message."""
    require(
        can_delete(user, attachment),
        "A file can be deleted by its uploader or a lead until a version of it is approved; after that it stays, "
        "because the field has had it.",
    )
    name = attachment.name
    with write_transaction() as session:
        lock_row(session, select(Page).where(Page.id == page.id))
        session.execute(
            update(Attachment)
            .where(Attachment.id == attachment.id)
            .values(head_version_id=None, published_version_id=None)
        )
        session.execute(delete_rows(Attachment).where(Attachment.id == attachment.id))
    return name


def restore(user: User, page: Page, attachment: Attachment, number: int, note: str = "") -> FileVersion:
    """Bring back version `number` as a new version: history only grows, and the restore waits for a lead."""
    require(can_upload_files(user), "Only the council and marketing leads restore files.")
    old = get_version(user, page, attachment, number)
    if old.id == attachment.head_version_id:
        raise BadInput(f"Version {number} is already the newest version of “{attachment.name}”.")
    note = _check_note(note) or f"Restored version {number}"
    extraction = Extraction(
        units=units_of(old),
        text=text_of(old),
        images=[],
        count=old.unit_count,
        truncated=old.truncated,
        error=old.preview_error,
    )
    images = list(
        db.session.execute(
            select(FileImage.blob_sha256).where(FileImage.version_id == old.id).order_by(FileImage.position)
        ).scalars()
    )
    return _add_version(
        user,
        page,
        attachment.name,
        kind_of(old),
        None,
        extraction,
        note,
        blob=old.blob_sha256,
        image_blobs=images,
        restored_from=number,
        size=old.size,
    )


def _add_version(
    user: User,
    page: Page,
    name: str,
    kind: kinds.FileKind,
    data: bytes | None,
    extraction: Extraction,
    note: str,
    *,
    blob: str | None = None,
    image_blobs: list[str] | None = None,
    restored_from: int | None = None,
    size: int | None = None,
) -> FileVersion:
    with write_transaction() as session:
        # Uploads to one page take turns, so two people adding "deck.pptx" at once get versions 1 and 2.
        page = lock_row(session, select(Page).where(Page.id == page.id))
        attachment = session.execute(
            select(Attachment).where(Attachment.page_id == page.id, Attachment.name == name)
        ).scalar_one_or_none()
        sha = blob or _store_blob(session, data)
        if attachment is None:
            attachment = Attachment(page_id=page.id, name=name, created_by_id=user.id, created_at=utcnow())
            session.add(attachment)
            session.flush()
        previous = attachment.head
        if previous is not None and previous.kind != kind.code:
            raise BadInput(
                f"“{name}” is a {kinds.KINDS[previous.kind].label}; a new version of it must be one too.",
                field="file",
            )
        if previous is not None and previous.blob_sha256 == sha:
            raise SameFile(
                f"This is the same file as version {previous.number} of “{name}”, so no new version was made.", name
            )
        version = FileVersion(
            attachment_id=attachment.id,
            number=attachment.head_number + 1,
            blob_sha256=sha,
            size=size if size is not None else len(data),
            kind=kind.code,
            note=note,
            author_id=user.id,
            created_at=utcnow(),
            restored_from=restored_from,
            units=[{"title": u.title, "text": u.text, "notes": u.notes} for u in extraction.units],
            unit_count=extraction.count,
            truncated=extraction.truncated,
            preview_error=extraction.error[:300],
            text=extraction.text,
        )
        session.add(version)
        session.flush()
        pictures = image_blobs if image_blobs is not None else [_store_blob(session, png) for png in extraction.images]
        for position, picture in enumerate(pictures, start=1):
            session.add(FileImage(version_id=version.id, position=position, blob_sha256=picture))
        version.image_count = len(pictures)
        attachment.head_number = version.number
        attachment.head_version_id = version.id
        attachment.head = version
        if previous is not None:
            follow_new_version(session, attachment, previous, version)
    return version


# Saying what a version is, in one line (the review queue, the summary email) ----------------------


def units_line(version: FileVersion) -> str:
    """ "12 slides", "1 page": what the version is made of, or "" for a file not divided into slides or pages."""
    unit = kind_of(version).unit
    if unit is None or not version.unit_count:
        return ""
    return f"{version.unit_count} {unit}{'s' if version.unit_count != 1 else ''}"


def change_headline(old: FileVersion, new: FileVersion) -> str:
    """ "slides 7 and 12 changed": the comparison's headline, for lines that show no diff."""
    return headline(compare(units_of(old), units_of(new)), kind_of(new).unit or "page")
