"""Files on a page: what each reader may see of them and download, their versions and what changed between two.

A file's versions work like a page's revisions: every upload is a new version, nothing is overwritten
(wiki/services/file_uploads.py), and the field reads only the version a lead approved
(wiki/services/file_review.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from wiki.errors import NotFound, require
from wiki.extensions import db
from wiki.files import kinds
from wiki.files.changes import Section, UnitChange, compare, describe, headline, sections
from wiki.files.extract import Unit
from wiki.models import Attachment, Blob, Decision, FileDecision, FileImage, FileVersion, Page, User
from wiki.services.permissions import (
    can_approve_files,
    can_read_drafts,
    can_read_file_version,
    can_upload_files,
)


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
    return comparison_of(attachment, old, new)


def comparison_of(attachment: Attachment, old: FileVersion, new: FileVersion) -> Comparison:
    """The comparison of two versions already read and allowed (the review page reads every waiting file's at
    once)."""
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
