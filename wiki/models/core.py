"""Accounts, pages and revisions, discussion, the council and tactics, feedback, summaries and their outbox."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from wiki.extensions import db

if TYPE_CHECKING:
    from wiki.models.content_requests import ContentRequest
    from wiki.models.files import Attachment, FileVersion


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(db.TypeDecorator):
    """Timestamps go in and come out as aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use wiki.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Role(enum.StrEnum):
    LEAD = "lead"
    COUNCIL = "council"
    FIELD = "field"


class PageKind(enum.StrEnum):
    PLAN = "plan"
    COLLATERAL = "collateral"
    NOTE = "note"


class RevisionOrigin(enum.StrEnum):
    EDIT = "edit"
    MERGE = "merge"
    RESTORE = "restore"
    SUGGESTION = "suggestion"


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no CHECK, no native type), so adding a member needs no migration.
    return Enum(kind, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    region: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie; bumping it ends every session the user has open.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Whether the summary email reaches them; anyone can turn it off from the email itself.
    summary_emails: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str, method: str) -> None:
        # The method is the PASSWORD_HASH_METHOD setting, passed in by the service (scrypt unless overridden).
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login protocol. The id carries the session version so old cookies stop working.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginThrottle(db.Model):
    """Failed sign-ins, kept in the database so every app server sees them (wiki/services/signin_throttle.py).

    A row counts one email from one client address; an empty email counts that address for every email, and an
    empty address that email from everywhere."""

    __tablename__ = "login_throttles"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Pruning reads this on every failed sign-in.
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Page(db.Model):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # No title or kind here: they are part of each revision, so the field reads the published one's.
    # Indexed: the pages a person created are among those they answer for (their home page's open threads).
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Denormalised pointers, updated in the same transaction as the revision they name; the head
    # number is what concurrent saves lock and compare.
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    # Indexed, as is the published one: revision ids follow time, so the recently changed pages are read in order.
    head_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_pages_head_revision_id_revisions"), index=True
    )
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_pages_published_revision_id_revisions"), index=True
    )
    # The first revision after the published one (the first of all, on a page never published) while any wait;
    # NULL when the field reads the head. Kept by append_revision and approve, so the review queue takes the
    # longest-waiting pages from this index rather than finding every waiting page's first revision. (No foreign
    # key: a third pointer into revisions, always one of the page's own.)
    first_waiting_revision_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Bumped by every change to the page's threads, so their rendered margin can be cached.
    discussion_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    head: Mapped[Revision | None] = relationship(foreign_keys=[head_revision_id], post_update=True)
    published: Mapped[Revision | None] = relationship(foreign_keys=[published_revision_id], post_update=True)
    revisions: WriteOnlyMapped[Revision] = relationship(
        foreign_keys="Revision.page_id", back_populates="page", order_by="Revision.number"
    )

    def __repr__(self) -> str:
        return f"<Page {self.slug}>"


class Revision(db.Model):
    """An immutable snapshot of a page's whole body."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("page_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        # Recent changes and the summaries read revisions by time across all pages.
        Index("ix_revisions_created_at", "created_at"),
        # A person's own recent revisions (their home page), the contributions chart, and who made changes; the
        # chart counts by origin, which the index holds so that it never reads the rows.
        Index("ix_revisions_author_created_origin", "author_id", "created_at", "origin"),
        # Who accepted suggestions, for the changes' filter: without it that reads past every body in the table.
        Index("ix_revisions_accepted_by_id", "accepted_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # Part of the snapshot like the body: a retitle is reviewed and published like any other change.
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PageKind] = mapped_column(_enum(PageKind, "page_kind"), default=PageKind.NOTE)
    # Deferred: lists of revisions never need the text, and a view usually finds it rendered in the cache.
    body: Mapped[str] = mapped_column(Text, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    size_change: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    base_number: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[RevisionOrigin] = mapped_column(
        _enum(RevisionOrigin, "revision_origin"), default=RevisionOrigin.EDIT
    )
    # For a restore: which revision's text came back.
    restored_from: Mapped[int | None] = mapped_column(Integer)
    # For an accepted suggestion: the author is the suggester, this is who accepted it.
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    page: Mapped[Page] = relationship(foreign_keys=[page_id], back_populates="revisions")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    def __repr__(self) -> str:
        return f"<Revision {self.page_id}#{self.number}>"


class Decision(enum.StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class Approval(db.Model):
    """A lead's review decision on a revision: approved (published) or changes requested.

    The most recently approved revision of a page is what the field reads."""

    __tablename__ = "approvals"
    __table_args__ = (
        Index("ix_approvals_page_created", "page_id", "created_at"),
        # Recent changes, the feed and the summaries read decisions by time across all pages.
        Index("ix_approvals_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"), default=Decision.APPROVED)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[Revision] = relationship()
    decided_by: Mapped[User] = relationship()


class Draft(db.Model):
    """Text a user typed but has not saved (a conflict, or a tab closed mid-edit): kept so nothing is lost."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # A slug rather than a page id: a draft can be for a page that doesn't exist yet.
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="")
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(300), default="")
    base_number: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadKind(enum.StrEnum):
    COMMENT = "comment"
    SUGGESTION = "suggestion"


class ThreadState(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class AnchorState(enum.StrEnum):
    PAGE = "page"  # about the page as a whole
    ANCHORED = "anchored"
    ORPHANED = "orphaned"  # its passage is gone; shown with its original quote
    STALE = "stale"  # a suggestion whose passage changed: it can't be applied until refreshed


class Thread(db.Model):
    """A comment thread or a suggested edit, anchored to a passage of the page (or to the whole page)."""

    __tablename__ = "threads"
    __table_args__ = (
        Index("ix_threads_page_state", "page_id", "state"),
        # Resolved and accepted threads by when they were decided: the summaries, and counting contributions again.
        Index("ix_threads_state_decided", "state", "decided_at"),
        # The newest open threads first, for the home page's "open on my pages" (PostgreSQL otherwise reads them all).
        Index("ix_threads_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    kind: Mapped[ThreadKind] = mapped_column(_enum(ThreadKind, "thread_kind"), default=ThreadKind.COMMENT)
    state: Mapped[ThreadState] = mapped_column(_enum(ThreadState, "thread_state"), default=ThreadState.OPEN)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The revision the author was reading when they wrote it.
    origin_number: Mapped[int] = mapped_column(Integer)
    anchor_state: Mapped[AnchorState] = mapped_column(_enum(AnchorState, "anchor_state"), default=AnchorState.PAGE)
    # The text-quote selector, in the Markdown source of revision `anchored_number`.
    exact: Mapped[str] = mapped_column(Text, default="")
    prefix: Mapped[str] = mapped_column(String(64), default="")
    suffix: Mapped[str] = mapped_column(String(64), default="")
    start: Mapped[int | None] = mapped_column(Integer)
    anchored_number: Mapped[int | None] = mapped_column(Integer)
    # The passage as first quoted, kept for orphans and for the "made on revision N" note.
    original_exact: Mapped[str] = mapped_column(Text, default="")
    replacement: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    applied_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    # The field's comment round it was written in (issue 10, part 3); None for the council's own threads.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("comment_rounds.id", ondelete="SET NULL"), index=True)
    # A thread on a slide or page of a file (issue 11) rather than on the text: `unit` is its 1-based position in
    # version `anchored_number` of the file, and `exact` the unit's text then, which finds it in later versions.
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), index=True)
    unit: Mapped[int | None] = mapped_column(Integer)

    page: Mapped[Page] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    applied_revision: Mapped[Revision | None] = relationship()
    comments: Mapped[list[Comment]] = relationship(
        back_populates="thread", order_by="Comment.id", cascade="all, delete-orphan"
    )


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deleted comments keep their place so replies still make sense; the text is cleared.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class NotificationKind(enum.StrEnum):
    MENTION = "mention"
    REPLY = "reply"
    DECISION = "decision"
    SUGGESTION = "suggestion"
    REVIEW = "review"
    FEEDBACK = "feedback"
    COUNCIL = "council"  # a seat ended and left a tactic without an owner
    VARIANT = "variant"  # a colleague shared their own version of a page with you (issue 10, part 1)
    REQUEST = "request"  # a content request moved on (issue 10, part 2)
    SHARE = "share"  # a rep sent a page to a client (issue 10, part 4)
    ROUND = "round"  # a field comment in a comment round (issue 10, part 3)
    SUMMARY = "summary"  # the schedule composed a summary draft, or it waits unsent (issue 12, part 2)


class Notification(db.Model):
    """An inbox item: something happened that this user should know about."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        # The inbox lists a person's notices newest first.
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind, "notification_kind"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None for a notice about something that isn't a page, such as a content request.
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    # A notice about one of the page's files (issue 11) opens that file at the version it is about, and at slide
    # or page `unit` when it names one: slide 5 of version 4 is what the rep meant, whatever version 6 did to it.
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    file_version_id: Mapped[int | None] = mapped_column(ForeignKey("file_versions.id", ondelete="CASCADE"))
    unit: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("content_requests.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    page: Mapped[Page | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    attachment: Mapped[Attachment | None] = relationship()
    file_version: Mapped[FileVersion | None] = relationship()
    content_request: Mapped[ContentRequest | None] = relationship()


class CouncilMember(db.Model):
    """A seat on the sales advisory council. Leaving ends the seat (left_at) but keeps its record."""

    __tablename__ = "council_members"
    __table_args__ = (
        # One current seat per person; past seats stay for the record.
        Index(
            "uq_council_members_current_user",
            "user_id",
            unique=True,
            sqlite_where=text("left_at IS NULL"),
            postgresql_where=text("left_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The region or group the member speaks for ("EMEA", "CRM / inside sales").
    represents: Mapped[str] = mapped_column(String(80))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class TacticStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    PAUSED = "paused"
    DONE = "done"


tactic_pages = db.Table(
    "tactic_pages",
    Column("tactic_id", ForeignKey("tactics.id", ondelete="CASCADE"), primary_key=True),
    Column("page_id", ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True),
    # Who answers for a page (its tactics' owners) is asked on every page view; the key starts with the tactic.
    Index("ix_tactic_pages_page_id", "page_id"),
)


class Tactic(db.Model):
    """A line of the plan that one council member owns and keeps reviewing."""

    __tablename__ = "tactics"
    __table_args__ = (
        # A council member owns at most one tactic per plan.
        UniqueConstraint("plan_id", "owner_id"),
        UniqueConstraint("plan_id", "name"),
        CheckConstraint("cadence_days >= 1", name="cadence_positive"),
        # A member's own tactics and the pages they answer for, on their home page and in their queues.
        Index("ix_tactics_owner_id", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cadence_days: Mapped[int] = mapped_column(Integer, default=14)
    status: Mapped[TacticStatus] = mapped_column(_enum(TacticStatus, "tactic_status"), default=TacticStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[Page] = relationship(foreign_keys=[plan_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    pages: Mapped[list[Page]] = relationship(secondary=tactic_pages, order_by="Page.slug")
    reviews: Mapped[list[TacticReview]] = relationship(
        back_populates="tactic", order_by="TacticReview.created_at.desc()", cascade="all, delete-orphan"
    )


class TacticReview(db.Model):
    """The owner's periodic "I went through it" mark, with what they found."""

    __tablename__ = "tactic_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    tactic_id: Mapped[int] = mapped_column(ForeignKey("tactics.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tactic: Mapped[Tactic] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()


class Feedback(db.Model):
    """A field rep's answer to "would you share this with a client?" on a published version of a page."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_page_created", "page_id", "created_at"),
        Index("ix_feedback_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    # The published revision the rep was reading when they answered.
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    would_share: Mapped[bool]
    # The customer's reaction, in the rep's words (optional).
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the customer reacted to, when it was one of the page's files: the version, and the slide or page.
    file_version_id: Mapped[int | None] = mapped_column(ForeignKey("file_versions.id", ondelete="SET NULL"))
    unit: Mapped[int | None] = mapped_column(Integer)

    page: Mapped[Page] = relationship()
    revision: Mapped[Revision] = relationship()
    author: Mapped[User] = relationship()


class ContributionDay(db.Model):
    """What one person contributed on one day (UTC): revisions saved, their suggestions accepted (a revision
    credited to them) and their comment threads resolved. Kept as it happens (wiki/services/contributions.py),
    so the leads' chart sums a row per member and day instead of counting every revision of the last 90 days."""

    __tablename__ = "contribution_days"
    # The chart reads the last 90 days of every member: by day, not every day there ever was.
    __table_args__ = (Index("ix_contribution_days_day", "day"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    edits: Mapped[int] = mapped_column(Integer, default=0)
    accepted_suggestions: Mapped[int] = mapped_column(Integer, default=0)
    resolved_threads: Mapped[int] = mapped_column(Integer, default=0)


class AnswerTally(db.Model):
    """Per page, how many field reps answered "would you share this?" about its text, and how many of them said
    yes last: kept by give_feedback (wiki/services/feedback.py) under the page's lock, so ranking every page by
    its answers reads a row per page rather than every answer ever given."""

    __tablename__ = "answer_tallies"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True)
    reps: Mapped[int] = mapped_column(Integer)
    would_share: Mapped[int] = mapped_column(Integer)


class SummaryState(enum.StrEnum):
    DRAFT = "draft"  # a lead is still editing it
    SENDING = "sending"  # content frozen, the outbox is being worked through
    SENT = "sent"  # every delivery was attempted to the end


class Summary(db.Model):
    """The regular email to the field: what the council changed in a period, and who did it."""

    __tablename__ = "summaries"
    __table_args__ = (Index("ix_summaries_state_sent", "state", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    intro: Mapped[str] = mapped_column(Text, default="")
    # Keys of the gathered items the lead chose to leave out.
    dropped: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Which roles receive it.
    audience: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["field", "council", "lead"])
    state: Mapped[SummaryState] = mapped_column(_enum(SummaryState, "summary_state"), default=SummaryState.DRAFT)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When sending began (the date the archive shows) and when the outbox ran dry.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Frozen when sending begins, so every recipient and the archive read exactly the same summary.
    html_body: Mapped[str | None] = mapped_column(Text)
    text_body: Mapped[str | None] = mapped_column(Text)
    # Issue 12: why the sender stopped for something a person must fix (the mail settings); empty while it may go
    # on. The worker leaves such a summary alone until a lead resumes it.
    sending_stopped: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # When a sender last worked on this summary's outbox: the progress page says so when none seems to be running.
    outbox_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender; a claim older than the lease is taken over
    SENT = "sent"
    FAILED = "failed"  # refused for good (or out of retries); the reason is kept
    # Two attempts went unanswered (the connection dropped after the message, or the reply came too late): the
    # recipient may have it twice or not at all, and a third copy is never sent. A lead checks with them.
    UNCERTAIN = "uncertain"


class SummaryDelivery(db.Model):
    """The outbox: one row per recipient of a summary, so a crash or an outage resumes without duplicates."""

    __tablename__ = "summary_deliveries"
    __table_args__ = (
        UniqueConstraint("summary_id", "user_id"),
        Index("ix_summary_deliveries_summary_state", "summary_id", "state"),
        # A sender finds the deliveries it claimed by its token.
        Index("ix_summary_deliveries_claim_token", "claim_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Copied when queued: the message goes where the account pointed when the lead pressed send.
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    state: Mapped[DeliveryState] = mapped_column(_enum(DeliveryState, "delivery_state"), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    # Fixed when queued, so a resend after a lost reply carries the same id and mail clients collapse it.
    message_id: Mapped[str] = mapped_column(String(255))
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Attempts whose outcome is unknown (the server may have taken the message): it bounds the copies a
    # recipient can get, so it is never reset, not even when a lead retries the failed recipients.
    unknown_outcomes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    summary: Mapped[Summary] = relationship()
    user: Mapped[User] = relationship()
