"""Comment rounds: a lead opens a published page to comments from the whole field until a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import Page, User, UTCDateTime, utcnow


class CommentRound(db.Model):
    """Open from `opened_at` to the end of `closes_on` (UTC), or until a lead closes it early.

    Nothing runs at the closing date: whether a round is open is computed from the date when asked."""

    __tablename__ = "comment_rounds"
    __table_args__ = (Index("ix_comment_rounds_page_closes", "page_id", "closes_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    prompt: Mapped[str] = mapped_column(String(200))
    closes_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a lead closes the round before its date.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    page: Mapped[Page] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def ends_at(self) -> datetime:
        """The moment the round stops taking comments."""
        end = datetime.combine(self.closes_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        return min(end, self.closed_at) if self.closed_at is not None else end

    def is_open(self, now: datetime) -> bool:
        return now < self.ends_at
