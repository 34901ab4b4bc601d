"""The summary's schedule (issue 12): when the worker composes the next draft for the leads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import Summary, User, UTCDateTime, utcnow


class SummarySchedule(db.Model):
    """The cadence the leads set, and where the worker is in it. One row: the wiki has one summary rhythm.

    next_due_at and remind_at are kept computed, so the worker's check on every poll is one indexed query that
    finds nothing until one of them has passed."""

    __tablename__ = "summary_schedules"
    __table_args__ = (
        Index("ix_summary_schedules_enabled_next_due_at", "enabled", "next_due_at"),
        Index("ix_summary_schedules_enabled_remind_at", "enabled", "remind_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    every_days: Mapped[int] = mapped_column(Integer, default=14)
    # 0 is Monday.
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    hour: Mapped[int] = mapped_column(Integer, default=9)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The due time the worker last composed for: a second worker, or a second pass, finds it taken.
    last_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The draft that run composed, while it may still need its one reminder.
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("summaries.id", ondelete="SET NULL"))
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    draft: Mapped[Summary | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
