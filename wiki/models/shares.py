"""Shares: a field rep's record that they sent a page to a client."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import Page, Revision, User, UTCDateTime, utcnow


class Share(db.Model):
    """One client meeting: the rep sent the published version of a page to a client (several per rep are fine)."""

    __tablename__ = "shares"
    __table_args__ = (
        Index("ix_shares_page_created", "page_id", "created_at"),
        Index("ix_shares_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    # The published revision the rep sent, so marketing sees which version travels.
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # One of the usual kinds ("bank", "insurer"…) or the rep's own words.
    client_kind: Mapped[str] = mapped_column(String(80))
    reaction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the rep sent one of the page's files: its approved version, and the slide or page they pointed to.
    file_version_id: Mapped[int | None] = mapped_column(ForeignKey("file_versions.id", ondelete="SET NULL"))
    unit: Mapped[int | None] = mapped_column(Integer)

    page: Mapped[Page] = relationship()
    revision: Mapped[Revision] = relationship()
    author: Mapped[User] = relationship()
