"""Who has a page's editor open right now: one row per person and page, refreshed by the open editor's heartbeat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import User, UTCDateTime


class EditingPresence(db.Model):
    """Someone's editor for `slug` is open: since `started_at`, and still beating at `seen_at`. A row not seen for
    a while is someone who left without saying so (a closed laptop); it is ignored, then swept."""

    __tablename__ = "editing_presences"
    __table_args__ = (UniqueConstraint("slug", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A slug rather than a page id, as for drafts: someone may be writing a page that doesn't exist yet.
    slug: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
