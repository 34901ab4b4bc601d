"""Content requests (issue 10, part 2): the field asks for content, leads triage, an owner builds it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.extensions import db
from wiki.models.core import Page, Tactic, User, UTCDateTime, _enum, utcnow


class RequestState(enum.StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"
    MERGED = "merged"  # a duplicate: its votes and watchers moved to `merged_into`


class RequestStage(enum.StrEnum):
    """Where in the sale the content would help."""

    PROSPECTING = "prospecting"
    PROPOSAL = "proposal"
    CLOSING = "closing"
    RENEWAL = "renewal"


class RequestEventKind(enum.StrEnum):
    ASKED = "asked"
    JOINED = "joined"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"
    MERGED = "merged"  # this request went into `other_id`
    ABSORBED = "absorbed"  # `other_id` went into this request
    # Told by wiki/services/request_story.py.
    WITHDREW = "withdrew"  # someone who had joined no longer needs it
    REOPENED = "reopened"  # a done or declined request, back to new for triage
    REOPENED_ACCEPTED = "reopened_accepted"  # …or back to accepted, with whoever was building it
    EDITED = "edited"  # its text changed; the note says what, and what it said before


class ContentRequest(db.Model):
    __tablename__ = "content_requests"
    __table_args__ = (Index("ix_content_requests_state", "state"), Index("ix_content_requests_done_at", "done_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    segment: Mapped[str] = mapped_column(String(80), default="")
    stage: Mapped[RequestStage | None] = mapped_column(_enum(RequestStage, "request_stage"))
    needed_by: Mapped[date | None] = mapped_column(Date)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[RequestState] = mapped_column(_enum(RequestState, "request_state"), default=RequestState.NEW)
    # Routed to a tactic (its owner builds it) and/or a named person, who then takes precedence.
    tactic_id: Mapped[int | None] = mapped_column(ForeignKey("tactics.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    answer_page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    answer_revision_number: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("content_requests.id", ondelete="SET NULL"))

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    tactic: Mapped[Tactic | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    answer_page: Mapped[Page | None] = relationship()
    merged_into: Mapped[ContentRequest | None] = relationship(remote_side=[id])

    @property
    def routed_to(self) -> User | None:
        """Who builds it: the named person, else the tactic's current owner."""
        if self.assignee is not None:
            return self.assignee
        return self.tactic.owner if self.tactic is not None else None


class RequestVote(db.Model):
    """*I need this too*: one per person per request; the requester holds the first."""

    __tablename__ = "request_votes"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("content_requests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class RequestEvent(db.Model):
    """One step of a request's story: who did what, when, and what they said."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("content_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequestEventKind] = mapped_column(_enum(RequestEventKind, "request_event_kind"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the step named, kept so the story can be told to each reader with only what they may see.
    tactic_id: Mapped[int | None] = mapped_column(ForeignKey("tactics.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    revision_number: Mapped[int | None] = mapped_column(Integer)
    other_id: Mapped[int | None] = mapped_column(ForeignKey("content_requests.id", ondelete="SET NULL"))

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    tactic: Mapped[Tactic | None] = relationship()
    page: Mapped[Page | None] = relationship()
