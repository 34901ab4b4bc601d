"""What a summary tells: everything a period brought that the field may read, and who to thank for it.

Published changes (as the words the field reads), newly approved file versions, accepted suggestions and
resolved recommendations credited by name and region, each tactic's status, the field's feedback and quotes,
built content requests, comment rounds and shares. Each item goes out once, in the first summary that covers it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from wiki.extensions import db
from wiki.models import (
    Approval,
    Attachment,
    CouncilMember,
    Decision,
    FileDecision,
    FileVersion,
    Page,
    PageKind,
    Revision,
    Role,
    Summary,
    SummaryState,
    Tactic,
    TacticStatus,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    utcnow,
)
from wiki.services import content_requests, feedback, files, rounds, shares, tactics
from wiki.text.diff import Chunk, excerpt, word_diff
from wiki.text.mail_text import markdown_as_text


@dataclass(frozen=True)
class PageChange:
    key: str
    page: Page
    revision: Revision
    previous: Revision | None
    summaries: list[str]
    authors: list[User]
    approved_by: User
    excerpt: list[Chunk]


@dataclass(frozen=True)
class FileChange:
    """A file on a page whose new version the field downloads now: what changed since the version it had."""

    key: str
    page: Page
    attachment: Attachment
    version: FileVersion
    previous: FileVersion | None
    # "slides 7 and 12 changed" against the previous approved version; "12 slides" for a new file.
    headline: str
    uploaders: list[User]
    approved_by: User

    @property
    def page_title(self) -> str:
        return self.page.published.title


@dataclass(frozen=True)
class Credit:
    """A council member's contribution that made it into the plan: an accepted suggestion or a resolved
    recommendation."""

    key: str
    person: User
    region: str
    page: Page
    text: str
    decided_by: User | None

    @property
    def page_title(self) -> str:
        """The summary goes to the field: the page's published title, never a draft's."""
        return self.page.published.title


@dataclass(frozen=True)
class Contributor:
    person: User
    region: str
    count: int


@dataclass(frozen=True)
class TacticLine:
    tactic: Tactic
    due_in: int | None  # days until the next review, negative when overdue; None unless active

    @property
    def overdue(self) -> bool:
        return self.due_in is not None and self.due_in < 0


@dataclass
class Content:
    start: datetime
    end: datetime
    changes: list[PageChange] = field(default_factory=list)
    accepted: list[Credit] = field(default_factory=list)
    resolved: list[Credit] = field(default_factory=list)
    tactics: list[TacticLine] = field(default_factory=list)
    feedback: object = None
    quotes: list = field(default_factory=list)
    thanks: list[Contributor] = field(default_factory=list)
    seats: dict[int, str] = field(default_factory=dict)
    # Content requests (issue 10, part 2): "You asked, we built".
    built: list = field(default_factory=list)
    # Comment rounds open when it is composed or sent, and shares with clients (issue 10, parts 3 and 4).
    rounds: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    # File versions approved in the period (issue 11).
    files: list[FileChange] = field(default_factory=list)

    def keys(self) -> list[str]:
        items = [*self.changes, *self.files, *self.accepted, *self.resolved, *self.built]
        return [item.key for item in items] + [quote_key(quote) for quote in self.quotes]

    @property
    def is_empty(self) -> bool:
        return not (self.changes or self.files or self.accepted or self.resolved or self.quotes or self.built)


def quote_key(quote: feedback.Quote) -> str:
    """Quotes are plain values; who said it on which page and when names one answer."""
    digest = hashlib.sha256(f"{quote.page_slug}|{quote.author}|{quote.created_at.isoformat()}".encode()).hexdigest()
    return f"quote:{digest[:16]}"


def _region(person: User, seats: dict[int, str]) -> str:
    return seats.get(person.id) or person.region or ""


def gather(start: datetime, end: datetime) -> Content:
    """Everything the period brought that the field may read: published changes and the credits behind them."""
    content = Content(start=start, end=end)
    content.seats = seats = dict(
        db.session.execute(
            select(CouncilMember.user_id, CouncilMember.represents).where(CouncilMember.left_at.is_(None))
        ).all()
    )
    sent = _sent_periods(start, end)
    content.changes = _published_changes(start, end, sent)
    content.files = _approved_files(start, end, sent)
    content.accepted = _accepted_suggestions(start, end, seats, sent)
    content.resolved = _resolved_recommendations(start, end, seats, sent)
    content.tactics = _tactic_lines(end)
    numbers = feedback.feedback_in_period(start, end)
    content.feedback = numbers
    content.quotes = [quote for quote in numbers.quotes if not _in_any(quote.created_at, sent)]
    content.thanks = thanks(content, seats)
    # Content requests (issue 10, part 2).
    content.built = content_requests.built_in_period(start, end, seats)
    # Comment rounds and shares with clients (issue 10, parts 3 and 4).
    content.rounds = rounds.round_lines(utcnow())
    content.shares = shares.shares_in_period(start, end)
    return content


def _sent_periods(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The periods of summaries that already went out and overlap this one. Whatever happened in them was told
    already: each change, suggestion, resolution and quote goes out once, in the first summary that covers it
    (a lead picking calendar days would otherwise send the morning's news again in the afternoon)."""
    rows = db.session.execute(
        select(Summary.period_start, Summary.period_end).where(
            Summary.state != SummaryState.DRAFT, Summary.period_start < end, Summary.period_end > start
        )
    )
    return [(begins, ends) for begins, ends in rows]


def _in_any(moment: datetime, periods: list[tuple[datetime, datetime]]) -> bool:
    return any(begins <= moment < ends for begins, ends in periods)


def _told(column, periods: list[tuple[datetime, datetime]]):
    """SQL: the moment in `column` falls in a summary that went out."""
    return or_(false(), *(and_(column >= begins, column < ends) for begins, ends in periods))


def _new_in(start: datetime, end: datetime, sent: list[tuple[datetime, datetime]], column) -> tuple:
    """SQL conditions: the moment in `column` is in the period and no summary that went out told it yet."""
    return (column >= start, column < end, ~_told(column, sent))


def _known_before(start: datetime, sent: list[tuple[datetime, datetime]], column):
    """SQL: the field was told of the moment in `column` before this summary: before its period, or by a summary
    that went out."""
    return or_(column < start, _told(column, sent))


def _published_changes(start: datetime, end: datetime, sent: list[tuple[datetime, datetime]]) -> list[PageChange]:
    """Per page, what the field reads now that it didn't before the period: the newest approval in the
    period against the one before it. The same queries however many pages changed."""
    approvals = db.session.execute(
        select(Approval)
        .where(
            Approval.decision == Decision.APPROVED,
            *_new_in(start, end, sent, Approval.created_at),
        )
        .options(selectinload(Approval.revision), selectinload(Approval.decided_by))
        .order_by(Approval.created_at, Approval.id)
    ).scalars()
    newest: dict[int, Approval] = {}
    for approval in approvals:
        newest[approval.page_id] = approval
    if not newest:
        return []
    found = {page.id: page for page in db.session.execute(select(Page).where(Page.id.in_(newest))).scalars()}
    previous, covered = _revisions_told(start, sent, [approval.id for approval in newest.values()])
    bodies = dict(
        db.session.execute(
            select(Revision.id, Revision.body).where(
                Revision.id.in_(
                    [approval.revision_id for approval in newest.values()]
                    + [revision.id for revision in previous.values()]
                )
            )
        ).all()
    )
    # The field reads words, not Markdown: compare what each version says, as the email will show it.
    site = current_app.config["SITE_URL"]
    words = {key: markdown_as_text(body, site, references=False) for key, body in bodies.items()}
    changes = []
    for page_id, approval in newest.items():
        before = previous.get(page_id)
        revisions = covered.get(page_id, [])
        chunks = word_diff(words[before.id] if before else "", words[approval.revision_id])
        authors: dict[int, User] = {}
        for revision in revisions:
            authors.setdefault(revision.author_id, revision.author)
        changes.append(
            PageChange(
                key=f"page:{page_id}",
                page=found[page_id],
                revision=approval.revision,
                previous=before,
                summaries=[r.summary for r in revisions if r.summary],
                authors=list(authors.values()),
                approved_by=approval.decided_by,
                # A page's first publication is all new text; its title and summaries say enough.
                excerpt=excerpt(chunks, max_chars=500) if before else [],
            )
        )
    return sorted(changes, key=lambda change: change.revision.title.lower())


def _told_before(
    start, sent, decision_ids: list[int], decision, version, owner: str, pointer: str
) -> tuple[dict, dict]:
    """For each page or file of these decisions (the newest approval of the period on each): the version the
    field was told of before (the newest approved before the period or in a summary that went out, older than
    the one approved now), and the versions after it up to the approved one, oldest first, with their authors.
    `decision` is Approval or FileDecision, `version` Revision or FileVersion, `owner` the column naming the
    page or file on both, `pointer` the decision's column naming its version."""
    new, new_version = aliased(decision), aliased(version)
    told, told_version = aliased(decision), aliased(version)
    before = (
        select(getattr(told, owner).label("owner"), func.max(told_version.number).label("number"))
        .join(told_version, told_version.id == getattr(told, pointer))
        .join(new, getattr(new, owner) == getattr(told, owner))
        .join(new_version, new_version.id == getattr(new, pointer))
        .where(
            new.id.in_(decision_ids),
            told.decision == Decision.APPROVED,
            _known_before(start, sent, told.created_at),
            told_version.number < new_version.number,
        )
        .group_by(getattr(told, owner))
        .subquery()
    )
    rows = db.session.execute(
        select(version, before.c.number)
        .join(new, getattr(new, owner) == getattr(version, owner))
        .join(new_version, new_version.id == getattr(new, pointer))
        .outerjoin(before, before.c.owner == getattr(version, owner))
        .where(
            new.id.in_(decision_ids),
            version.number <= new_version.number,
            version.number >= func.coalesce(before.c.number, 1),
        )
        .options(selectinload(version.author))
        .order_by(getattr(version, owner), version.number)
    ).all()
    previous: dict = {}
    covered: dict = {}
    for found, told_number in rows:
        if found.number == told_number:
            previous[getattr(found, owner)] = found
        else:
            covered.setdefault(getattr(found, owner), []).append(found)
    return previous, covered


def _revisions_told(
    start: datetime, sent: list[tuple[datetime, datetime]], approval_ids: list[int]
) -> tuple[dict[int, Revision], dict[int, list[Revision]]]:
    return _told_before(start, sent, approval_ids, Approval, Revision, "page_id", "revision_id")


def _approved_files(start: datetime, end: datetime, sent: list[tuple[datetime, datetime]]) -> list[FileChange]:
    """Per file, the newest version approved in the period against the one the field had before it; only on
    pages the field can read, since the email goes to the field."""
    decisions = db.session.execute(
        select(FileDecision)
        .join(Attachment, Attachment.id == FileDecision.attachment_id)
        .join(Page, Page.id == Attachment.page_id)
        .where(
            FileDecision.decision == Decision.APPROVED,
            *_new_in(start, end, sent, FileDecision.created_at),
            Page.published_revision_id.is_not(None),
        )
        .options(selectinload(FileDecision.version), selectinload(FileDecision.decided_by))
        .order_by(FileDecision.created_at, FileDecision.id)
    ).scalars()
    newest: dict[int, FileDecision] = {}
    for decision in decisions:
        newest[decision.attachment_id] = decision
    if not newest:
        return []
    attachments = {
        attachment.id: attachment
        for attachment in db.session.execute(
            select(Attachment)
            .where(Attachment.id.in_(newest))
            # The email names each file's page by its published title.
            .options(selectinload(Attachment.page).selectinload(Page.published))
        ).scalars()
    }
    previous, covered = _versions_told(start, sent, [decision.id for decision in newest.values()])
    found = []
    for attachment_id, decision in newest.items():
        attachment = attachments[attachment_id]
        version = decision.version
        before = previous.get(attachment_id)
        uploaders: dict[int, User] = {}
        for each in covered.get(attachment_id, []):
            uploaders.setdefault(each.author_id, each.author)
        found.append(
            FileChange(
                key=f"file:{attachment_id}",
                page=attachment.page,
                attachment=attachment,
                version=version,
                previous=before,
                headline=files.change_headline(before, version) if before else files.units_line(version),
                uploaders=list(uploaders.values()),
                approved_by=decision.decided_by,
            )
        )
    return sorted(found, key=lambda change: (change.page_title.lower(), change.attachment.name))


def _versions_told(
    start: datetime, sent: list[tuple[datetime, datetime]], decision_ids: list[int]
) -> tuple[dict[int, FileVersion], dict[int, list[FileVersion]]]:
    return _told_before(start, sent, decision_ids, FileDecision, FileVersion, "attachment_id", "version_id")


def _accepted_suggestions(
    start: datetime, end: datetime, seats: dict[int, str], sent: list[tuple[datetime, datetime]]
) -> list[Credit]:
    """Accepted suggestions whose revision the field can read by now (a draft's text never goes out)."""
    rows = db.session.execute(
        select(Thread)
        .join(Page, Page.id == Thread.page_id)
        .where(
            Page.published_revision_id.isnot(None),
            Thread.kind == ThreadKind.SUGGESTION,
            Thread.state == ThreadState.ACCEPTED,
            *_new_in(start, end, sent, Thread.decided_at),
        )
        .options(
            selectinload(Thread.author),
            selectinload(Thread.decided_by),
            selectinload(Thread.page).selectinload(Page.published),
            selectinload(Thread.applied_revision),
        )
        .order_by(Thread.decided_at)
    ).scalars()
    credits = []
    for thread in rows:
        published = thread.page.published
        if published is None or thread.applied_revision is None or thread.applied_revision.number > published.number:
            continue
        credits.append(
            Credit(
                key=f"suggestion:{thread.id}",
                person=thread.author,
                region=_region(thread.author, seats),
                page=thread.page,
                text=_short(thread.replacement or ""),
                decided_by=thread.decided_by,
            )
        )
    return credits


def _resolved_recommendations(
    start: datetime, end: datetime, seats: dict[int, str], sent: list[tuple[datetime, datetime]]
) -> list[Credit]:
    """Comment threads resolved in the period on pages the field can read, credited to who raised them."""
    rows = db.session.execute(
        select(Thread)
        .join(Page, Page.id == Thread.page_id)
        .where(
            Thread.kind == ThreadKind.COMMENT,
            Thread.state == ThreadState.RESOLVED,
            *_new_in(start, end, sent, Thread.decided_at),
            Page.published_revision_id.isnot(None),
        )
        .options(
            selectinload(Thread.author),
            selectinload(Thread.decided_by),
            selectinload(Thread.comments),
            selectinload(Thread.page).selectinload(Page.published),
        )
        .order_by(Thread.decided_at)
    ).scalars()
    credits = []
    for thread in rows:
        first = next((c for c in thread.comments if c.deleted_at is None), None)
        if first is None:
            continue
        credits.append(
            Credit(
                key=f"thread:{thread.id}",
                person=thread.author,
                region=_region(thread.author, seats),
                page=thread.page,
                text=_short(first.body),
                decided_by=thread.decided_by,
            )
        )
    return credits


def _tactic_lines(now: datetime) -> list[TacticLine]:
    """Every tactic of the published plans, with its owner and whether its review is on time."""
    rows = db.session.execute(
        select(Tactic)
        .join(Page, Page.id == Tactic.plan_id)
        .join(Revision, Revision.id == Page.published_revision_id)
        .where(Revision.kind == PageKind.PLAN)
        .options(selectinload(Tactic.owner), selectinload(Tactic.plan))
        .order_by(func.lower(Revision.title), Tactic.name)
    ).scalars()
    return [TacticLine(t, tactics.due_in_days(t, now) if t.status == TacticStatus.ACTIVE else None) for t in rows]


def _short(markdown: str, limit: int = 280) -> str:
    """A suggestion's or comment's Markdown as the few words an email quotes: the field reads words, not syntax."""
    text = " ".join(markdown_as_text(markdown, current_app.config["SITE_URL"], references=False).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def thanks(content: Content, seats: dict[int, str]) -> list[Contributor]:
    """Everyone on the council whose work is in this summary, most contributions first."""
    counts: dict[int, list] = {}
    for change in content.changes:
        for author in change.authors:
            counts.setdefault(author.id, [author, 0])[1] += 1
    for file_change in content.files:
        for uploader in file_change.uploaders:
            counts.setdefault(uploader.id, [uploader, 0])[1] += 1
    for credit in [*content.accepted, *content.resolved]:
        counts.setdefault(credit.person.id, [credit.person, 0])[1] += 1
    people = [
        Contributor(person, _region(person, seats), count)
        for person, count in counts.values()
        if person.role == Role.COUNCIL or person.id in seats
    ]
    return sorted(people, key=lambda c: (-c.count, c.person.name))
