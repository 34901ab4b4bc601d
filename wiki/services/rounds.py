"""Comment rounds: a lead opens a published page to comments from the whole field until a date.

The round's threads are ordinary threads (anchored onto the head like any other, so the council and leads
answer them in the margin they already use) marked with the round. The field reads those threads only, and
reads each passage as it was quoted from the published text, never as it reads in a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import (
    AnchorState,
    Comment,
    CommentRound,
    NotificationKind,
    Page,
    Role,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    utcnow,
)
from wiki.services import inbox, search_index
from wiki.services.permissions import (
    can_comment_in_round,
    can_manage_rounds,
    can_reply_in_round,
    can_see_page,
    is_signed_in,
)
from wiki.services.tactics import page_owners
from wiki.services.threads import Selection, anchor_new_thread, check_comment, lock_discussion, revision_text
from wiki.text.selection import locate_selection

MAX_PROMPT = 200
MAX_DAYS_AHEAD = 365
NO_SUCH_ROUND = "There is no such comment round."


@dataclass(frozen=True)
class RegionTurnout:
    region: str  # "No region" for accounts without one
    people: list[str]


@dataclass(frozen=True)
class RoundReport:
    """Who took part in a round, by region, and how its threads stand."""

    round: CommentRound
    title: str
    threads: list[Thread]
    regions: list[RegionTurnout]
    comments: int

    @property
    def open_count(self) -> int:
        return sum(1 for thread in self.threads if thread.state == ThreadState.OPEN)

    @property
    def resolved_count(self) -> int:
        return len(self.threads) - self.open_count

    @property
    def participants(self) -> int:
        return sum(len(turnout.people) for turnout in self.regions)


# Reading ------------------------------------------------------------------------------------------


def get_round(user: User, round_id: int) -> CommentRound:
    """A round on a page this reader may see; to anyone else it doesn't exist."""
    found = db.session.get(CommentRound, round_id)
    if found is None or not can_see_page(user, found.page):
        raise NotFound(NO_SUCH_ROUND)
    return found


def page_rounds(page: Page) -> list[CommentRound]:
    """Every round the page had, newest first. A round is only ever opened on a published page."""
    return list(
        db.session.execute(
            select(CommentRound)
            .where(CommentRound.page_id == page.id)
            .order_by(CommentRound.opened_at.desc(), CommentRound.id.desc())
        ).scalars()
    )


def open_rounds(user: User, now: datetime | None = None) -> list[CommentRound]:
    """Rounds taking comments now, closing soonest first, for the home page."""
    require(is_signed_in(user), "Sign in to see the comment rounds.")
    now = now or utcnow()
    candidates = db.session.execute(
        select(CommentRound)
        .where(CommentRound.closed_at.is_(None), CommentRound.closes_on >= now.date())
        # The card names each page by the revision its reader sees: the head for staff, the published one for the field.
        .options(selectinload(CommentRound.page).options(selectinload(Page.head), selectinload(Page.published)))
        .order_by(CommentRound.closes_on, CommentRound.id)
    ).scalars()
    return [found for found in candidates if found.is_open(now) and can_see_page(user, found.page)]


def rounds_open_at(now: datetime) -> list[CommentRound]:
    """For the summary email (composed by a lead, read by the field): only published pages have rounds."""
    return [
        found
        for found in db.session.execute(
            select(CommentRound)
            .where(CommentRound.closed_at.is_(None), CommentRound.closes_on >= now.date())
            .options(selectinload(CommentRound.page).selectinload(Page.published))
            .order_by(CommentRound.closes_on, CommentRound.id)
        ).scalars()
        if found.is_open(now) and found.page.published is not None
    ]


def round_threads(user: User, page: Page) -> list[Thread]:
    """The threads written in the page's rounds, in page order then newest: what the field reads of the
    discussion. Never a thread of the council's own."""
    if not can_see_page(user, page):
        raise NotFound(f"There is no page called “{page.slug}”.")
    threads = db.session.execute(
        select(Thread)
        .where(Thread.page_id == page.id, Thread.round_id.is_not(None))
        .options(selectinload(Thread.comments).selectinload(Comment.author), selectinload(Thread.author))
        .order_by(Thread.id)
    ).scalars()
    return list(threads)


def field_quote(thread: Thread) -> str:
    """The passage as the reader quoted it from the published text. `thread.exact` follows the head, which
    may be a draft, so it is never what the field is shown."""
    return thread.original_exact if thread.anchor_state != AnchorState.PAGE else ""


def report(user: User, comment_round: CommentRound) -> RoundReport:
    require(can_manage_rounds(user), "Only marketing leads read a round's report.")
    threads = list(
        db.session.execute(
            select(Thread)
            .where(Thread.round_id == comment_round.id)
            .options(selectinload(Thread.comments).selectinload(Comment.author), selectinload(Thread.author))
            .order_by(Thread.id)
        ).scalars()
    )
    people: dict[int, User] = {}
    comments = 0
    for thread in threads:
        for comment in thread.comments:
            comments += 1
            # Taking part means the field's voice: the council and leads answering are not counted.
            if comment.author.role == Role.FIELD:
                people.setdefault(comment.author_id, comment.author)
    by_region: dict[str, list[str]] = {}
    for person in people.values():
        by_region.setdefault(person.region or "No region", []).append(person.name)
    regions = [
        RegionTurnout(region=region, people=sorted(names))
        for region, names in sorted(by_region.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    title = comment_round.page.published.title
    return RoundReport(round=comment_round, title=title, threads=threads, regions=regions, comments=comments)


# Opening and closing ------------------------------------------------------------------------------


def _check_prompt(prompt: str | None) -> str:
    prompt = " ".join((prompt or "").split())
    if not prompt:
        raise BadInput("Write a short prompt for the field, such as “Tell us before 15 Jan”.", field="prompt")
    if len(prompt) > MAX_PROMPT:
        raise BadInput(f"The prompt can be at most {MAX_PROMPT} characters; yours has {len(prompt)}.", field="prompt")
    if "\x00" in prompt:
        raise BadInput("The prompt contains NUL characters, which can't be stored.", field="prompt")
    return prompt


def _check_closes_on(raw: str | date | None, today: date) -> date:
    if isinstance(raw, date):
        closes_on = raw
    else:
        try:
            closes_on = date.fromisoformat((raw or "").strip())
        except ValueError:
            raise BadInput("Give the closing date as a date, such as 2027-01-15.", field="closes_on") from None
    if closes_on <= today:
        raise BadInput("The closing date must be in the future.", field="closes_on")
    if closes_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise BadInput("A round can stay open for at most a year.", field="closes_on")
    return closes_on


def open_round(
    user: User, page: Page, closes_on: str | date | None, prompt: str | None, now: datetime | None = None
) -> CommentRound:
    require(can_manage_rounds(user), "Only marketing leads open a page to the field's comments.")
    now = now or utcnow()
    prompt = _check_prompt(prompt)
    closes_on = _check_closes_on(closes_on, now.date())
    with write_transaction() as session:
        # Under the page lock, so two leads can't open two rounds at once.
        page = lock_row(session, select(Page).where(Page.id == page.id))
        if page.published_revision_id is None:
            raise Conflict("Publish the page first: the field comments on the published version.")
        current = next((found for found in page_rounds(page) if found.is_open(now)), None)
        if current is not None:
            raise Conflict(
                f"This page is already open to the field's comments until {current.closes_on:%d %b %Y}; "
                "close that round first."
            )
        opened = CommentRound(page_id=page.id, prompt=prompt, closes_on=closes_on, opened_by_id=user.id, opened_at=now)
        session.add(opened)
    return opened


def close_round(user: User, comment_round: CommentRound, now: datetime | None = None) -> CommentRound:
    require(can_manage_rounds(user), "Only marketing leads close a comment round.")
    now = now or utcnow()
    with write_transaction() as session:
        lock_row(session, select(Page).where(Page.id == comment_round.page_id))
        comment_round = session.get(CommentRound, comment_round.id)
        if not comment_round.is_open(now):
            raise Conflict("This round is already closed.")
        comment_round.closed_at, comment_round.closed_by_id = now, user.id
    return comment_round


# Commenting ---------------------------------------------------------------------------------------


def _closed_message(comment_round: CommentRound) -> str:
    return (
        f"This comment round closed on {comment_round.ends_at:%d %b %Y}; "
        "its threads stay here to read, but they take no new comments or replies from the field."
    )


def start_comment(
    user: User,
    comment_round: CommentRound,
    number: int,
    body: str,
    selection: Selection | None,
    now: datetime | None = None,
) -> Thread:
    """A comment in the round on the passage the reader selected in the published revision `number` (or on the
    page as a whole), anchored onto the head like every thread so the council sees it where it belongs."""
    now = now or utcnow()
    require(can_comment_in_round(user, comment_round, now), _closed_message(comment_round))
    body = check_comment(body)
    with write_transaction() as session:
        page = lock_discussion(session, comment_round.page)
        published = page.published
        if number != published.number:
            raise Conflict("A newer version was published while you were reading; reload the page and comment again.")
        thread = Thread(
            page_id=page.id,
            kind=ThreadKind.COMMENT,
            author_id=user.id,
            origin_number=number,
            round_id=comment_round.id,
        )
        if selection is not None and selection.quote.strip():
            text = revision_text(session, page, number)
            span = locate_selection(text, selection.quote, selection.line, selection.prefix)
            if span is None:
                raise BadInput("The selected text couldn't be found in the page; comment on the page as a whole.")
            anchor_new_thread(page, thread, text, span, number)
        else:
            thread.anchor_state = AnchorState.PAGE
        session.add(thread)
        session.flush()
        session.add(Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=now))
        search_index.index_thread(session, thread)
        who = f"{user.name} ({user.region})" if user.region else user.name
        leads = session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars()
        inbox.notify(
            session,
            set(page_owners(page).user_ids) | set(leads),
            NotificationKind.ROUND,
            user,
            page,
            f"{who} commented in the round on “{published.title}”: " + " ".join(body.split()),
            thread,
        )
    return thread


def reply(user: User, thread: Thread, body: str, now: datetime | None = None) -> Comment:
    """A reply in a round's thread: the field while the round is open, the council and leads at any time."""
    if thread.round_id is None or not can_see_page(user, thread.page):
        raise NotFound("That comment thread doesn't exist (any more).")
    now = now or utcnow()
    comment_round = db.session.get(CommentRound, thread.round_id)
    require(can_reply_in_round(user, comment_round, now), _closed_message(comment_round))
    if thread.state != ThreadState.OPEN:
        raise Conflict("This thread was resolved; it takes no more replies.")
    body = check_comment(body)
    with write_transaction() as session:
        page = lock_discussion(session, thread.page)
        thread = session.get(Thread, thread.id)
        comment = Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=now)
        session.add(comment)
        search_index.index_thread(session, thread)
        participants = {thread.author_id} | {c.author_id for c in thread.comments}
        inbox.notify(
            session,
            participants,
            NotificationKind.REPLY,
            user,
            page,
            # Field reps read this notice: the published title, never the draft's.
            f"{user.name} replied in the comment round on “{page.published.title}”",
            thread,
        )
    return comment


@dataclass(frozen=True)
class RoundLine:
    """An open round as the summary email announces it, in plain values."""

    slug: str
    title: str  # the published title
    prompt: str
    closes_on: date


def round_lines(now: datetime) -> list[RoundLine]:
    """The rounds open at `now`, for the summary email (composed by a lead, read by the field)."""
    return [
        RoundLine(
            slug=found.page.slug, title=found.page.published.title, prompt=found.prompt, closes_on=found.closes_on
        )
        for found in rounds_open_at(now)
    ]
