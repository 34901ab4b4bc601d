"""Files on a page (issue 11): decks, PDFs and documents, each with versions of its own that a lead approves.

The bytes are content-addressed: a version names a blob by its SHA-256, so the same file uploaded twice, or
restored, is stored once. What is inside a version (slides, pages, text) is read once, at upload, in a
sandboxed process (wiki/files/sandbox.py), and kept with it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import Decision, Page, User, UTCDateTime, _enum, utcnow


class Blob(db.Model):
    """Bytes, stored once whatever their name: uploaded files and the page images made from them."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    # Deferred: lists and checks never need the bytes, only a download does.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(db.Model):
    """A named file on a page; its versions are its history, like a page's revisions."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("page_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    # Lower case, dashes and one extension ("customer-presentation.pptx"): the same name is the same file.
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Denormalised like a page's: the head number is what concurrent uploads lock and compare.
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    head_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("file_versions.id", use_alter=True, name="fk_attachments_head_version_id_file_versions")
    )
    # What the field downloads: the newest approved version, or none.
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("file_versions.id", use_alter=True, name="fk_attachments_published_version_id_file_versions")
    )

    page: Mapped[Page] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    head: Mapped[FileVersion | None] = relationship(foreign_keys=[head_version_id], post_update=True)
    published: Mapped[FileVersion | None] = relationship(foreign_keys=[published_version_id], post_update=True)


class FileVersion(db.Model):
    """One upload of a file: immutable, like a revision."""

    __tablename__ = "file_versions"
    __table_args__ = (
        UniqueConstraint("attachment_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        # Recent changes and the summaries read versions by time across all pages.
        Index("ix_file_versions_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    size: Mapped[int] = mapped_column(Integer)
    # A wiki.files.kinds code ("pptx", "pdf"…), decided from the content at upload.
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # For a restore: which version's bytes came back.
    restored_from: Mapped[int | None] = mapped_column(Integer)
    # What is inside: the slides, pages or sheets as [{"title", "text", "notes"}], in order.
    units: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # How many the file has; more than len(units) when the preview was cut at a limit.
    unit_count: Mapped[int] = mapped_column(Integer, default=0)
    truncated: Mapped[bool] = mapped_column(default=False)
    image_count: Mapped[int] = mapped_column(Integer, default=0)
    # Why there is no preview ("the PDF is encrypted"); the file is kept and downloads all the same.
    preview_error: Mapped[str] = mapped_column(String(300), default="")
    # All the text, for search and for reading a Word document in the browser.
    text: Mapped[str] = mapped_column(Text, default="", deferred=True)

    attachment: Mapped[Attachment] = relationship(foreign_keys=[attachment_id])
    author: Mapped[User] = relationship()


class FileImage(db.Model):
    """A page of a PDF (or an uploaded image) drawn as PNG by the sandbox: the only thing served inline."""

    __tablename__ = "file_images"

    version_id: Mapped[int] = mapped_column(ForeignKey("file_versions.id", ondelete="CASCADE"), primary_key=True)
    # 1-based, like the page numbers the reader sees.
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))


class FileDecision(db.Model):
    """A lead's decision on a file version: approved (the field downloads it) or changes requested."""

    __tablename__ = "file_decisions"
    __table_args__ = (
        Index("ix_file_decisions_attachment_created", "attachment_id", "created_at"),
        # Recent changes read the newest decisions across all files.
        Index("ix_file_decisions_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("file_versions.id", ondelete="CASCADE"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"), default=Decision.APPROVED)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[FileVersion] = relationship()
    decided_by: Mapped[User] = relationship()
