"""Files on a page: uploading, restoring and deleting them.

What is inside a file is read at upload in a sandboxed child process (wiki/files/sandbox.py), before the write
transaction starts, so a hostile file costs that process, never a web worker, and holds no lock.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import delete as delete_rows
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, TooLarge, require
from wiki.extensions import db
from wiki.files import kinds, sandbox
from wiki.files.extract import Extraction
from wiki.models import Attachment, Blob, Decision, FileDecision, FileImage, FileVersion, Page, User, utcnow
from wiki.services import search_index
from wiki.services.file_anchoring import follow_new_version
from wiki.services.files import get_attachment, get_version, kind_of, max_upload_bytes, text_of, units_of
from wiki.services.permissions import can_delete_file, can_upload_files
from wiki.text.sizes import human_size
from wiki.text.slugs import slugify

MAX_NOTE = 300
MAX_NAME_STEM = 100


class SameFile(BadInput):
    """The upload is the file's newest version byte for byte (often a second click on *Upload*): nothing to add."""

    def __init__(self, message: str, name: str):
        super().__init__(message, field="file")
        self.name = name


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
        search_index.index_file(session, attachment)
        if previous is not None:
            follow_new_version(session, attachment, previous, version)
    return version
