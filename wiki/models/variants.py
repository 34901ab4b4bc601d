"""Reps' own versions of published pages, for a client or segment (issue 10, part 1)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import Page, Revision, Thread, User, UTCDateTime, _enum, utcnow


class VariantOrigin(enum.StrEnum):
    START = "start"  # the published text, copied when the version was made
    EDIT = "edit"
    MERGE = "merge"  # an edit that met another saved meanwhile, merged
    UPDATE = "update"  # a newer published revision brought in


class Variant(db.Model):
    """A rep's private copy of a page's published text, named for the client or segment it is for."""

    __tablename__ = "variants"
    __table_args__ = (
        Index("ix_variants_page_author", "page_id", "author_id"),
        # The dashboard lists recently changed versions.
        Index("ix_variants_updated_at", "updated_at"),
        # A removed version's number is never given to a new one (SQLite would reuse the highest), so a link
        # to it keeps saying "removed" instead of opening someone else's version.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    # The published revision of the page this version's text is based on; "Bring in the update" moves it on.
    base_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    page: Mapped[Page] = relationship()
    author: Mapped[User] = relationship()
    base: Mapped[Revision] = relationship()
    shares: Mapped[list[VariantShare]] = relationship(
        back_populates="variant", order_by="VariantShare.shared_at", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Variant {self.id} of page {self.page_id}>"


class VariantRevision(db.Model):
    """An immutable snapshot of a version's text, numbered 1, 2, 3… per version like a page's revisions."""

    __tablename__ = "variant_revisions"
    __table_args__ = (
        UniqueConstraint("variant_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The version's revision the author started from, and the published revision the text is based on.
    base_number: Mapped[int | None] = mapped_column(Integer)
    upstream_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    origin: Mapped[VariantOrigin] = mapped_column(_enum(VariantOrigin, "variant_origin"), default=VariantOrigin.EDIT)

    author: Mapped[User] = relationship()
    upstream: Mapped[Revision] = relationship()


class VariantShare(db.Model):
    """A colleague the author shows their version to (to read, not to edit)."""

    __tablename__ = "variant_shares"

    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    variant: Mapped[Variant] = relationship(back_populates="shares")
    user: Mapped[User] = relationship()


class VariantOffer(db.Model):
    """A change the author sent back to the original: the suggestion (or comment) thread it became, the
    passage of the published revision it changes, and what the customer said."""

    __tablename__ = "variant_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), unique=True)
    base_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    passage: Mapped[str] = mapped_column(Text)
    replacement: Mapped[str] = mapped_column(Text)
    reaction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[Thread] = relationship()


class RemovedVariant(db.Model):
    """What is left of a version its author deleted: enough for the links in the suggestions it sent back to
    say it was removed. Its text, revisions and shares are gone."""

    __tablename__ = "removed_variants"

    # The removed version's own id.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
