"""Review by the marketing leads: what waits for a decision, the decisions, and each page's review state.

The draft head is what the council works on; a lead's approval publishes a revision to the field. A
lead can also send the changes back ("changes requested") with a note for the authors.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import Integer, Select, bindparam, case, func, inspect, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from wiki.db import write_transaction
from wiki.errors import BadInput, Conflict, NotAllowed, require
from wiki.extensions import db
from wiki.models import (
    Approval,
    Decision,
    NotificationKind,
    Page,
    PageKind,
    Revision,
    Thread,
    ThreadState,
    User,
    utcnow,
)
from wiki.services import diffs, inbox, search_index
from wiki.services.pages import lock_page_and_revision, name_for_staff
from wiki.services.permissions import can_publish, can_read_drafts

MAX_NOTE = 500


class ReviewState(enum.StrEnum):
    DRAFT = "draft"  # never published: the field can't read it yet
    IN_REVIEW = "in_review"  # published, with newer revisions waiting for a lead
    CHANGES_REQUESTED = "changes_requested"  # a lead sent the newest revision back
    PUBLISHED = "published"  # the field reads the newest revision


_LABELS = {
    ReviewState.DRAFT: "Draft",
    ReviewState.IN_REVIEW: "In review",
    ReviewState.CHANGES_REQUESTED: "Changes requested",
    ReviewState.PUBLISHED: "Published",
}


@dataclass(frozen=True)
class PageStatus:
    state: ReviewState
    published_number: int | None
    head_number: int
    latest: Approval | None = None

    @property
    def label(self) -> str:
        return _LABELS[self.state]

    @property
    def waiting(self) -> bool:
        return self.state != ReviewState.PUBLISHED


@dataclass(frozen=True)
class ReviewView:
    """What a lead reads before deciding: the diff published → head, credited per revision."""

    page: Page
    status: PageStatus
    base: Revision | None
    head: Revision
    revisions: dict[int, Revision]
    chunks: list
    open_threads: list[Thread]
    # What the field reads of the page's title and kind today, when approving would change it.
    title_from: str | None = None
    kind_from: PageKind | None = None

    @property
    def text_waiting(self) -> bool:
        """Whether the text has revisions to decide on; a page can be in review for its files alone."""
        return bool(self.revisions)


# States -------------------------------------------------------------------------------------------


def _state(page: Page, latest: Approval | None, published: int | None) -> PageStatus | None:
    if page.head_revision_id is None:
        return None
    if page.published_revision_id == page.head_revision_id:
        state = ReviewState.PUBLISHED
    elif (
        latest is not None
        and latest.decision == Decision.CHANGES_REQUESTED
        and latest.revision_id == page.head_revision_id
    ):
        state = ReviewState.CHANGES_REQUESTED
    elif published is None:
        state = ReviewState.DRAFT
    else:
        state = ReviewState.IN_REVIEW
    return PageStatus(state, published, page.head_number, latest)


def _latest_decisions(page_ids: list[int]) -> dict[int, Approval]:
    if not page_ids:
        return {}
    rows = db.session.execute(_latest_decisions_of(), {"page_ids": page_ids}).scalars()
    return {approval.page_id: approval for approval in rows}


# The statements every list of pages and the home page run are built once each, with the pages bound when they
# run: putting one together costs more than running it.
@cache
def _latest_decisions_of() -> Select:
    newest = (
        select(func.max(Approval.id))
        .where(Approval.page_id.in_(bindparam("page_ids", expanding=True)))
        .group_by(Approval.page_id)
        .scalar_subquery()
    )
    # Who decided is named wherever a decision is shown (the queue, the badges' notes).
    return select(Approval).options(joinedload(Approval.decided_by)).where(Approval.id.in_(newest))


def _published_numbers(pages: list[Page]) -> dict[int, int]:
    """The number of each page's published revision: the head's where the head is published, else that of the
    revision already loaded, and of the rest in one query rather than a lazy load per page."""
    numbers: dict[int, int] = {}
    wanted: dict[int, int] = {}
    for page in pages:
        if page.published_revision_id is None:
            continue
        if page.published_revision_id == page.head_revision_id:
            numbers[page.id] = page.head_number
        elif "published" not in inspect(page).unloaded:
            numbers[page.id] = page.published.number
        else:
            wanted[page.published_revision_id] = page.id
    if wanted:
        for revision_id, number in db.session.execute(
            select(Revision.id, Revision.number).where(Revision.id.in_(wanted))
        ).all():
            numbers[wanted[revision_id]] = number
    return numbers


def statuses(pages: list[Page]) -> dict[int, PageStatus]:
    """Review state of many pages in at most two queries, however many (for lists and dashboards)."""
    # A page whose head is published needs no decision to say so.
    latest = _latest_decisions([page.id for page in pages if page.published_revision_id != page.head_revision_id])
    published = _published_numbers(pages)
    found = {page.id: _state(page, latest.get(page.id), published.get(page.id)) for page in pages}
    return {page_id: status for page_id, status in found.items() if status is not None}


def status(page: Page) -> PageStatus | None:
    return statuses([page]).get(page.id)


# The queue ----------------------------------------------------------------------------------------
# What waits, text and files together, is wiki/services/review_queue.py; these are the text's parts of it.


def text_ahead():
    """The condition on Page for a draft ahead of what the field reads."""
    return Page.head_revision_id.is_not(None) & (
        (Page.published_revision_id.is_(None)) | (Page.published_revision_id != Page.head_revision_id)
    )


@dataclass(frozen=True)
class WaitingText:
    """A page's revisions after its published one, as the queue shows them: how many, since when, the newest
    few with who wrote and accepted them, and everyone who wrote one (in the order they first did)."""

    count: int
    since: datetime
    recent: list[Revision]
    authors: list[User]


def _unpublished(*columns):
    """Revisions after their page's published one (all of them, on a page never published)."""
    published = aliased(Revision)
    return (
        select(*columns)
        .select_from(Revision)
        .join(Page, Page.id == Revision.page_id)
        .outerjoin(published, published.id == Page.published_revision_id)
        .where(Revision.number > func.coalesce(published.number, 0))
    )


def longest_waiting_texts(limit: int) -> tuple[dict[int, datetime], int]:
    """The `limit` pages whose draft has waited longest, with since when, and how many pages have one. Revision
    ids follow time, so the longest-waiting are those whose first waiting revision has the lowest id: read in
    order from the pages' index of it, `limit` rows however many drafts wait."""
    rows = db.session.execute(_longest_waiting(), {"limit": limit}).all()
    return {page_id: began for page_id, began, _ in rows}, rows[0][2] if rows else 0


@cache
def _longest_waiting() -> Select:
    # The time as a subquery, read only for the rows returned; the count over all of them, before the limit.
    since = select(Revision.created_at).where(Revision.id == Page.first_waiting_revision_id).scalar_subquery()
    return (
        select(Page.id, since, func.count().over())
        .where(Page.first_waiting_revision_id.is_not(None))
        .order_by(Page.first_waiting_revision_id)
        .limit(bindparam("limit", type_=Integer))
    )


def text_waiting_since(page_ids: list[int]) -> dict[int, datetime]:
    """When the draft of each of these pages began to wait (pages with none are left out)."""
    if not page_ids:
        return {}
    return dict(
        db.session.execute(
            select(Page.id, Revision.created_at)
            .join(Revision, Revision.id == Page.first_waiting_revision_id)
            .where(Page.id.in_(page_ids))
        ).all()
    )


def find_first_waiting_again() -> None:
    """Every page's first waiting revision found again from its revisions, for history stored around the
    services (the bench loads it in bulk): revisions are numbered without gaps, so it is the one numbered after
    the published one."""
    published = aliased(Revision)
    first = aliased(Revision)
    # Both read the page being updated (the inner one two levels down, where it isn't found by itself).
    published_number = (
        select(published.number).where(published.id == Page.published_revision_id).correlate(Page).scalar_subquery()
    )
    first_id = (
        select(first.id)
        .where(first.page_id == Page.id, first.number == func.coalesce(published_number, 0) + 1)
        .correlate(Page)
        .scalar_subquery()
    )
    with write_transaction() as session:
        session.execute(update(Page).values(first_waiting_revision_id=case((text_ahead(), first_id), else_=None)))


def _newest_waiting(chosen, recent: int) -> dict[int, list[Revision]]:
    """The newest `recent` unpublished revisions of each page, ranked in the database, with who wrote and
    accepted them."""
    rank = func.row_number().over(partition_by=Revision.page_id, order_by=Revision.number.desc())
    ranked = _unpublished(Revision.id, rank.label("rank")).where(chosen).subquery()
    newest: dict[int, list[Revision]] = {}
    for revision in db.session.execute(
        select(Revision)
        .join(ranked, ranked.c.id == Revision.id)
        .where(ranked.c.rank <= recent)
        .options(joinedload(Revision.author), joinedload(Revision.accepted_by))
        .order_by(Revision.page_id, Revision.number)
        # A page's head may already be loaded without its author: load that too.
        .execution_options(populate_existing=True)
    ).scalars():
        newest.setdefault(revision.page_id, []).append(revision)
    return newest


def waiting_texts(pages: list[Page], since: dict[int, datetime], recent: int) -> dict[int, WaitingText]:
    """What waits on the text of each of these pages (loaded with their published revision), which began to wait
    at `since`, in a few queries however many pages and revisions wait: the counts (from the head's number), the
    newest `recent` revisions of each (none when 0: the home page only counts them), and the authors."""
    published = _published_numbers(pages)
    counts = {
        page.id: page.head_number - published.get(page.id, 0)
        for page in pages
        if page.head_revision_id is not None and page.head_number > published.get(page.id, 0)
    }
    if not counts:
        return {}
    newest = _newest_waiting(Revision.page_id.in_(list(counts)), recent) if recent else {}
    authors: dict[int, list[User]] = {}
    for page_id, author in db.session.execute(_waiting_authors(), {"page_ids": list(counts)}):
        authors.setdefault(page_id, []).append(author)
    return {
        page_id: WaitingText(count, since[page_id], newest.get(page_id, []), authors.get(page_id, []))
        for page_id, count in counts.items()
    }


@cache
def _waiting_authors() -> Select:
    """Everyone who wrote an unpublished revision of each page, in the order they first did."""
    return (
        _unpublished(Revision.page_id, User)
        .join(User, User.id == Revision.author_id)
        .where(Revision.page_id.in_(bindparam("page_ids", expanding=True)))
        .group_by(Revision.page_id, User.id)
        .order_by(Revision.page_id, func.min(Revision.number))
    )


def review_view(user: User, page: Page) -> ReviewView:
    require(can_publish(user), "Only marketing leads review changes.")
    if page.head is None:
        raise BadInput(f"“{name_for_staff(page)}” has no text yet.")
    after = page.published.number if page.published is not None else 0
    revisions = list(
        db.session.execute(
            select(Revision)
            # Each revision under review is credited to who wrote it, and who accepted it if it was a suggestion.
            .options(selectinload(Revision.author), selectinload(Revision.accepted_by))
            .where(Revision.page_id == page.id, Revision.number >= max(after, 1))
            .order_by(Revision.number)
        ).scalars()
    )
    base = revisions[0] if after else None
    newer = [revision for revision in revisions if revision.number > after]
    open_threads = list(
        db.session.execute(
            select(Thread)
            .options(selectinload(Thread.author))
            .where(Thread.page_id == page.id, Thread.attachment_id.is_(None), Thread.state == ThreadState.OPEN)
            .order_by(Thread.start)
        ).scalars()
    )
    return ReviewView(
        page=page,
        status=status(page),
        base=base,
        head=page.head,
        revisions={revision.number: revision for revision in newer},
        chunks=diffs.attributed(base, newer),
        open_threads=open_threads,
        title_from=base.title if base is not None and base.title != page.head.title else None,
        kind_from=base.kind if base is not None and base.kind != page.head.kind else None,
    )


# Decisions ----------------------------------------------------------------------------------------


def check_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise BadInput("Say what should change; the authors will read your note.")
    if len(note) > MAX_NOTE:
        raise BadInput(f"The note can be at most {MAX_NOTE} characters.")
    return note


def _authors_since(session, page: Page, number: int) -> list[int]:
    """Everyone whose revisions this decision covers: the unpublished ones up to `number`."""
    after = page.published.number if page.published is not None else 0
    rows = session.execute(
        select(Revision.author_id, Revision.accepted_by_id).where(
            Revision.page_id == page.id, Revision.number > after, Revision.number <= number
        )
    ).all()
    return sorted({author for author, _ in rows} | {accepter for _, accepter in rows if accepter})


def _check_second_approver(session, user: User, page: Page, revision: Revision) -> None:
    if not current_app.config["REQUIRE_SECOND_APPROVER"]:
        return
    after = page.published.number if page.published is not None else 0
    own = session.execute(
        select(Revision.number)
        .where(
            Revision.page_id == page.id,
            Revision.number > after,
            Revision.number <= revision.number,
            Revision.author_id == user.id,
        )
        .order_by(Revision.number)
        .limit(1)
    ).scalar_one_or_none()
    if own is not None:
        raise NotAllowed(
            f"You wrote revision {own} of “{name_for_staff(page)}”, and this site requires a second lead to approve "
            "a lead's own changes. Ask another marketing lead to approve it."
        )


def approve(user: User, page: Page, number: int, note: str = "") -> Revision:
    """Publish revision `number` — the one the lead reviewed, even if the head moved meanwhile.

    The field reads the newest approved revision, so publishing goes forward only; going back to an
    older text is a restore (a new revision) and then an approval, which keeps history honest."""
    require(can_publish(user), "Only marketing leads can approve and publish.")
    note = check_note(note, required=False)
    with write_transaction() as session:
        page, revision = lock_page_and_revision(session, page, number)
        published = page.published
        if published is not None and published.number > revision.number:
            raise Conflict(
                f"Revision {published.number} of “{name_for_staff(page)}”, which is newer, is already published. "
                f"To bring back revision {number}, restore it from the history and approve the restored version."
            )
        # A second lead approving what is already published (say, both pressed at once) is recorded as
        # their decision too; the published state doesn't change. The same lead pressing twice is one decision.
        already = published is not None and published.id == revision.id
        if already and _repeats_latest(session, page, revision, user, Decision.APPROVED, note):
            return revision
        _check_second_approver(session, user, page, revision)
        notified = _authors_since(session, page, revision.number)
        session.add(
            Approval(
                page_id=page.id,
                revision_id=revision.id,
                decided_by_id=user.id,
                decision=Decision.APPROVED,
                note=note,
                created_at=utcnow(),
            )
        )
        if not already:
            page.published_revision_id = revision.id
            page.published = revision
            page.first_waiting_revision_id = (
                session.execute(
                    select(Revision.id).where(Revision.page_id == page.id, Revision.number == revision.number + 1)
                ).scalar_one()
                if revision.number < page.head_number
                else None
            )
            search_index.index_page(session, page)
            text = f"{user.name} published revision {revision.number} of “{name_for_staff(page)}”"
            _notify(session, notified, user, page, text)
    return revision


def _repeats_latest(session, page: Page, revision: Revision, user: User, decision: Decision, note: str):
    """The page's latest decision if it is this very one (a double click, a resubmitted form), else None."""
    latest = session.execute(
        select(Approval).where(Approval.page_id == page.id).order_by(Approval.id.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is not None and (latest.revision_id, latest.decided_by_id, latest.decision, latest.note) == (
        revision.id,
        user.id,
        decision,
        note,
    ):
        return latest
    return None


def request_changes(user: User, page: Page, number: int, note: str) -> Approval:
    require(can_publish(user), "Only marketing leads can request changes.")
    note = check_note(note, required=True)
    with write_transaction() as session:
        page, revision = lock_page_and_revision(session, page, number)
        if page.published is not None and page.published.number >= revision.number:
            raise Conflict(
                f"Revision {number} of “{name_for_staff(page)}” is already published; review the newer revisions."
            )
        repeated = _repeats_latest(session, page, revision, user, Decision.CHANGES_REQUESTED, note)
        if repeated is not None:
            return repeated
        decision = Approval(
            page_id=page.id,
            revision_id=revision.id,
            decided_by_id=user.id,
            decision=Decision.CHANGES_REQUESTED,
            note=note,
            created_at=utcnow(),
        )
        session.add(decision)
        _notify(
            session,
            _authors_since(session, page, revision.number),
            user,
            page,
            f"{user.name} asked for changes to “{name_for_staff(page)}” (revision {revision.number}): {note}",
        )
    return decision


def _notify(session, user_ids, actor: User, page: Page, text: str) -> None:
    inbox.notify(session, user_ids, NotificationKind.REVIEW, actor, page, text)


def decisions_for(user: User, page: Page) -> dict[int, list[Approval]]:
    """Every decision on the page's revisions, keyed by revision id, oldest first (for the history)."""
    require(can_read_drafts(user), "Only the council and marketing leads see review decisions.")
    rows = db.session.execute(
        select(Approval)
        .options(selectinload(Approval.decided_by))
        .where(Approval.page_id == page.id)
        .order_by(Approval.created_at, Approval.id)
    ).scalars()
    found: dict[int, list[Approval]] = {}
    for approval in rows:
        found.setdefault(approval.revision_id, []).append(approval)
    return found
