"""Present mode (issue 15, part 1): who presents each section of a page to the field."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import User, UTCDateTime, utcnow


class SectionPresenter(db.Model):
    """The council member a lead asked to present one `##` section of a page.

    The section is named by its heading's slug (wiki/text/slides.py), not by its position, so the assignment
    follows the section when others are added or moved; a section whose heading is renamed loses its presenter,
    and the presenters page lists such assignments so a lead can remove them."""

    __tablename__ = "section_presenters"
    __table_args__ = (UniqueConstraint("page_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id])
