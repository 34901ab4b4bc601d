"""Field feedback: a rep's answer to "would you share this with a client?" on a published page.

Answers are kept per published revision: a rep who answers again about the same version changes their answer,
and an answer about a newer version is a new one, so marketing sees whether a change helped. An answer can be
about one of the page's files instead (issue 11): then it is kept per approved version of that file, and may
point to a slide or page of it ("clients found slide 7 generic"). Answers about files are counted apart: a
page's numbers are its text's answers only, so a rep's "no" on one slide never overrides their "yes" on the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, Select, bindparam, case, cast, delete, distinct, func, insert, select, true
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, NotFound, require
from wiki.extensions import db
from wiki.models import (
    AnswerTally,
    Attachment,
    Feedback,
    FileVersion,
    NotificationKind,
    Page,
    Revision,
    Role,
    Tactic,
    User,
    tactic_pages,
    utcnow,
)
from wiki.services import file_mentions, inbox
from wiki.services.file_mentions import Mention, OnFile
from wiki.services.permissions import can_give_feedback, can_see_page, is_lead, is_signed_in, is_staff
from wiki.services.tactics import page_owners

MAX_NOTE = 1000
MAX_QUOTES = 5
# Notification.text is a String(300).
MAX_NOTIFICATION = 300


@dataclass(frozen=True)
class PageTally:
    """One page's answers in a period."""

    page_id: int
    slug: str
    title: str
    would_share: int
    would_not: int

    @property
    def total(self) -> int:
        return self.would_share + self.would_not


@dataclass(frozen=True)
class FileTally:
    """One file's answers in a period, whichever of its versions they were about."""

    page_slug: str
    page_title: str
    name: str
    would_share: int
    would_not: int

    @property
    def total(self) -> int:
        return self.would_share + self.would_not


@dataclass(frozen=True)
class FileAnswers:
    """Answers about files, counted apart from the pages': `tallies` has the most "would not share" first."""

    tallies: list[FileTally]

    @property
    def would_share(self) -> int:
        return sum(tally.would_share for tally in self.tallies)

    @property
    def would_not(self) -> int:
        return sum(tally.would_not for tally in self.tallies)

    @property
    def total(self) -> int:
        return self.would_share + self.would_not


@dataclass(frozen=True)
class FeedbackCounts:
    """Answers since a moment, for a dashboard: the pages' (`pages` has the most "would not share" first), and
    apart from them the files'."""

    since: datetime
    would_share: int
    would_not: int
    pages: list[PageTally]
    files: FileAnswers

    @property
    def total(self) -> int:
        return self.would_share + self.would_not


@dataclass(frozen=True)
class Quote:
    """A rep's note, as plain values, so an email can be composed from it without the database."""

    author: str
    region: str  # "" when the rep's account has none
    page_slug: str
    page_title: str
    revision_number: int
    would_share: bool
    note: str
    created_at: datetime
    on_file: str = ""  # "customer-presentation.pptx, slide 7" when the answer was about a file


@dataclass(frozen=True)
class FeedbackReport:
    """Answers given in [start, end), for the summary email: the pages' numbers, the files' apart, and a few
    notable quotes."""

    start: datetime
    end: datetime
    would_share: int
    would_not: int
    pages: list[PageTally]  # most "would not share" first
    files: FileAnswers
    # Answers with a note, about a page or one of its files: "would not share" first, then newest first; at most
    # MAX_QUOTES.
    quotes: list[Quote]

    @property
    def total(self) -> int:
        return self.would_share + self.would_not


@dataclass(frozen=True)
class PageFeedback:
    """The answers on one page that this reader may see, newest first. The counts are the page's text's only;
    `on_files` says how many of the answers listed are about its files instead."""

    answers: list[Feedback]
    would_share: int
    would_not: int
    on_files: int
    # Feedback id → the file (and slide) the answer was about, for those that named one.
    files: dict[int, OnFile]

    @property
    def total(self) -> int:
        return self.would_share + self.would_not


@dataclass(frozen=True)
class OwnAnswer:
    """A rep's newest answer on a page (or on one of its files), and whether it is about the version published
    now (so a new answer replaces it) or about an older one (so a new answer is added beside it)."""

    latest: Feedback | None
    on_current: bool


# Writing ------------------------------------------------------------------------------------------


def _check_note(note: str | None) -> str:
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise BadInput(
            f"The customer's reaction can be at most {MAX_NOTE:,} characters; yours has {len(note):,}.", field="note"
        )
    if "\x00" in note:
        raise BadInput("The note contains NUL characters, which can't be stored.", field="note")
    return note


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _headline(
    user: User, page: Page, would_share: bool, note: str, changed: bool, on_file: OnFile | None = None
) -> str:
    """“Aisha Khan (EMEA) would not share “Customer presentation”: clients found slide 7 generic”, or with a file
    “… would not share “Customer presentation”, on customer-presentation.pptx, slide 7: …”."""
    who = f"{user.name} ({user.region})" if user.region else user.name
    verdict = "would share" if would_share else "would not share"
    text = f"{who} {'changed their answer: ' if changed else ''}{verdict} “{page.published.title}”"
    if on_file is not None:
        text += f", on {on_file}"
    if note:
        # One line in the inbox, however the rep laid the note out.
        text += ": " + " ".join(note.split())
    return _clip(text, MAX_NOTIFICATION)


def give_feedback(
    user: User, page: Page, would_share: bool | None, note: str, mention: Mention | None = None
) -> Feedback:
    """Record the rep's answer about the page's published version, or with `mention` about the approved version
    of one of its files (and a slide or page of it), and tell whoever answers for the page.

    `would_share` None means the rep didn't pick yes or no (a 400, after the permission checks). Answering again
    about the same version updates that answer (and notifies again only if it changed); about a newer version,
    it is a new answer and the old one is kept. A file that isn't approved answers 404, like a missing one."""
    require(
        can_give_feedback(user),
        "Feedback comes from field reps. Council members and marketing leads comment on the page instead.",
    )
    if not can_see_page(user, page):
        raise NotFound(f"There is no page called “{page.slug}”.")
    if would_share is None:
        raise BadInput("Answer yes or no: would you share this with a client?", field="would_share")
    note = _check_note(note)
    with write_transaction() as session:
        # Under the page lock, so the answer names the version published when it is stored and two quick
        # submissions can't both add an answer for the same version.
        page = lock_row(session, select(Page).where(Page.id == page.id))
        if page.published_revision_id is None:
            raise NotFound(f"There is no page called “{page.slug}”.")
        pinned = file_mentions.pin(session, page, mention) if mention is not None else None
        same = (
            Feedback.file_version_id == pinned.version.id
            if pinned is not None
            else (Feedback.revision_id == page.published_revision_id) & Feedback.file_version_id.is_(None)
        )
        answer = session.execute(
            select(Feedback).where(Feedback.author_id == user.id, same).order_by(Feedback.id.desc()).limit(1)
        ).scalar_one_or_none()
        unit = pinned.unit if pinned is not None else None
        if answer is not None and (answer.would_share, answer.note, answer.unit) == (would_share, note, unit):
            return answer
        changed = answer is not None
        if answer is None:
            answer = Feedback(
                page_id=page.id,
                revision_id=page.published_revision_id,
                author_id=user.id,
                file_version_id=pinned.version.id if pinned is not None else None,
            )
            session.add(answer)
        answer.would_share = would_share
        answer.note = note
        answer.unit = unit
        answer.created_at = utcnow()
        session.flush()
        if pinned is None:
            _retally(session, page.id)
        on_file = pinned.on_file if pinned is not None else None
        _notify(session, user, page, _headline(user, page, would_share, note, changed, on_file), pinned)
    return answer


def answer_query(condition, group=None):
    """How many reps answered about the text of the pages matching `condition` (grouped by `group` when given),
    and how many of them would share it: each rep's latest answer on each page's text counts once; their
    answers about its files don't."""
    latest = (
        select(func.max(Feedback.id))
        .where(condition, Feedback.file_version_id.is_(None))
        .group_by(Feedback.page_id, Feedback.author_id)
    )
    columns = [
        func.count(distinct(Feedback.author_id)).label("answering"),
        func.count(distinct(case((Feedback.would_share, Feedback.author_id)))).label("would_share"),
    ]
    query = select(*([group] if group is not None else []), *columns).where(Feedback.id.in_(latest))
    return query.group_by(group) if group is not None else query


def _retally(session, page_id: int) -> None:
    """The page's AnswerTally, counted again from its answers; under the page's lock, as every answer is."""
    reps, would_share = session.execute(answer_query(Feedback.page_id == page_id)).one()
    session.merge(AnswerTally(page_id=page_id, reps=reps, would_share=would_share))


def retally_all() -> None:
    """Every page's AnswerTally counted again, for answers stored around give_feedback (the bench loads them in
    bulk)."""
    with write_transaction() as session:
        session.execute(delete(AnswerTally))
        counted = answer_query(true(), Feedback.page_id)
        session.execute(insert(AnswerTally).from_select(["page_id", "reps", "would_share"], counted))


def _notify(session, actor: User, page: Page, text: str, pinned: file_mentions.Pinned | None) -> None:
    """The owners of the tactics covering the page and every active lead; an answer about a file opens it there."""
    leads = session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars()
    inbox.notify(
        session,
        set(page_owners(page).user_ids) | set(leads),
        NotificationKind.FEEDBACK,
        actor,
        page,
        text,
        attachment=pinned.attachment if pinned is not None else None,
        version=pinned.version if pinned is not None else None,
        unit=pinned.unit if pinned is not None else None,
    )


# Reading ------------------------------------------------------------------------------------------


def feedback_for_page(user: User, page: Page) -> PageFeedback:
    """Every answer on the page for the council and leads; a field rep gets only their own."""
    require(is_signed_in(user), "Sign in to see feedback.")
    if not can_see_page(user, page):
        raise NotFound(f"There is no page called “{page.slug}”.")
    query = (
        select(Feedback)
        .where(Feedback.page_id == page.id)
        .options(selectinload(Feedback.author), selectinload(Feedback.revision))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    if not is_staff(user):
        query = query.where(Feedback.author_id == user.id)
    answers = list(db.session.execute(query).scalars())
    on_page = [answer for answer in answers if answer.file_version_id is None]
    would_share = sum(1 for answer in on_page if answer.would_share)
    return PageFeedback(
        answers=answers,
        would_share=would_share,
        would_not=len(on_page) - would_share,
        on_files=len(answers) - len(on_page),
        files=file_mentions.on_files(answers),
    )


def own_answer(user: User, page: Page) -> OwnAnswer:
    """What the rep said last about this page's text, to show them and let them change it."""
    require(can_give_feedback(user), "Only field reps answer “would you share this with a client?”.")
    latest = db.session.execute(
        select(Feedback)
        .where(Feedback.page_id == page.id, Feedback.author_id == user.id, Feedback.file_version_id.is_(None))
        .options(selectinload(Feedback.revision))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return OwnAnswer(latest=latest, on_current=latest is not None and latest.revision_id == page.published_revision_id)


def own_file_answer(user: User, page: Page, attachment: Attachment) -> OwnAnswer:
    """What the rep said last about this file, whichever of its versions, to show them beside its preview."""
    require(can_give_feedback(user), "Only field reps answer “would you share this with a client?”.")
    versions = select(FileVersion.id).where(FileVersion.attachment_id == attachment.id)
    latest = db.session.execute(
        select(Feedback)
        .where(Feedback.page_id == page.id, Feedback.author_id == user.id, Feedback.file_version_id.in_(versions))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return OwnAnswer(
        latest=latest,
        on_current=latest is not None and latest.file_version_id == attachment.published_version_id,
    )


def _tallies(statement: Select, values: dict) -> tuple[int, int, list[PageTally]]:
    """How many would and would not share in all, and per page, from a `_tally_statement`."""
    rows = db.session.execute(statement, values).all()
    pages = [
        PageTally(page_id=page_id, slug=slug, title=title, would_share=would_share, would_not=would_not)
        for page_id, slug, title, would_share, would_not, *_ in rows
    ]
    would_share, would_not = rows[0][5:] if rows else (0, 0)
    return would_share, would_not, pages


def _tally_statement(condition, limited: bool) -> Select:
    """The pages' own answers (those about their files are counted by `_file_answers`): how many would and would
    not share, and per page, the most "would not share" first, then the most answered, then the most recently;
    only the first `limit` pages when `limited`. Counted and ranked in the database before any title is read, so
    a dashboard naming five pages reads five rows however many were answered about."""
    on_text = (condition, Feedback.file_version_id.is_(None))
    yes = func.coalesce(func.sum(case((Feedback.would_share, 1), else_=0)), 0)
    no = func.count() - yes
    answers, last = func.count().label("answers"), func.max(Feedback.created_at).label("last")
    ranked = (
        select(
            Feedback.page_id,
            yes.label("yes"),
            no.label("no"),
            answers,
            last,
            # Over every page answered about, before the limit: the totals in the same statement.
            # (PostgreSQL sums a sum as a numeric: cast back to a whole number.)
            cast(func.sum(yes).over(), Integer).label("all_yes"),
            cast(func.sum(no).over(), Integer).label("all_no"),
        )
        .where(*on_text)
        .group_by(Feedback.page_id)
        .order_by(no.desc(), answers.desc(), last.desc(), Feedback.page_id)
        .limit(bindparam("limit", type_=Integer) if limited else None)
        .subquery()
    )
    return (
        select(Page.id, Page.slug, Revision.title, ranked.c.yes, ranked.c.no, ranked.c.all_yes, ranked.c.all_no)
        .join(ranked, ranked.c.page_id == Page.id)
        # Feedback is only ever on published pages, and these lists can reach the field's summary.
        .join(Revision, Revision.id == Page.published_revision_id)
        .order_by(ranked.c.no.desc(), ranked.c.answers.desc(), ranked.c.last.desc(), Page.id)
    )


def _file_answer_statement(condition) -> Select:
    return (
        select(Attachment.id, Page.slug, Revision.title, Attachment.name, Feedback.would_share, func.count())
        .join(FileVersion, FileVersion.id == Feedback.file_version_id)
        .join(Attachment, Attachment.id == FileVersion.attachment_id)
        .join(Page, Page.id == Feedback.page_id)
        .join(Revision, Revision.id == Page.published_revision_id)
        .where(condition)
        .group_by(Attachment.id, Page.slug, Revision.title, Attachment.name, Feedback.would_share)
    )


def _file_answers(statement: Select, values: dict) -> FileAnswers:
    found: dict[int, dict] = {}
    for attachment_id, slug, title, name, would_share, count in db.session.execute(statement, values):
        tally = found.setdefault(attachment_id, {"slug": slug, "title": title, "name": name, "yes": 0, "no": 0})
        tally["yes" if would_share else "no"] += count
    tallies = [
        FileTally(page_slug=t["slug"], page_title=t["title"], name=t["name"], would_share=t["yes"], would_not=t["no"])
        for t in found.values()
    ]
    tallies.sort(key=lambda t: (-t.would_not, -t.total, t.name.lower(), t.page_title.lower()))
    return FileAnswers(tallies=tallies)


def feedback_counts(user: User, since: datetime, pages: int | None = None) -> FeedbackCounts:
    """Answers since `since`, on the pages and apart on their files: on every page for a lead, on the pages of
    the tactics they own for a council member; the `pages` with the most "would not share" when given."""
    require(is_staff(user), "Only the council and marketing leads see the field's feedback.")
    tallies, files = _since_statements(is_lead(user), pages is not None)
    values = {"since": since, "user_id": user.id, "limit": pages}
    would_share, would_not, tallied = _tallies(tallies, values)
    return FeedbackCounts(
        since=since, would_share=would_share, would_not=would_not, pages=tallied, files=_file_answers(files, values)
    )


@cache
def _since_statements(lead: bool, limited: bool) -> tuple[Select, Select]:
    """feedback_counts' two statements, built once for each shape (that costs more than running them): answers
    since `since`, on every page for a lead, else on the pages of the tactics `user_id` owns."""
    condition = Feedback.created_at >= bindparam("since")
    if not lead:
        owned = (
            select(tactic_pages.c.page_id)
            .join(Tactic, Tactic.id == tactic_pages.c.tactic_id)
            .where(Tactic.owner_id == bindparam("user_id", type_=Integer))
        )
        condition = condition & Feedback.page_id.in_(owned)
    return _tally_statement(condition, limited), _file_answer_statement(condition)


def feedback_in_period(start: datetime, end: datetime) -> FeedbackReport:
    """Every answer given in [start, end) (an answer changed later counts when it was last changed): the
    pages' numbers, the files' apart, and the reps' names in the quotes, which say which file one was about.

    No permission check: this is for composing the summary email, whose service lets only leads do so; the
    caller decides who reads the result (the quotes name reps and carry their words)."""
    condition = (Feedback.created_at >= start) & (Feedback.created_at < end)
    would_share, would_not, pages = _tallies(_tally_statement(condition, limited=False), {})
    noted = list(
        db.session.execute(
            select(Feedback)
            .where(condition, Feedback.note != "")
            .options(selectinload(Feedback.author), selectinload(Feedback.page), selectinload(Feedback.revision))
            .order_by(Feedback.would_share, Feedback.created_at.desc(), Feedback.id.desc())
            .limit(MAX_QUOTES)
        ).scalars()
    )
    files = file_mentions.on_files(noted)
    quotes = [
        Quote(
            author=answer.author.name,
            region=answer.author.region or "",
            page_slug=answer.page.slug,
            page_title=answer.revision.title,
            revision_number=answer.revision.number,
            would_share=answer.would_share,
            note=answer.note,
            created_at=answer.created_at,
            on_file=str(files[answer.id]) if answer.id in files else "",
        )
        for answer in noted
    ]
    return FeedbackReport(
        start=start,
        end=end,
        would_share=would_share,
        would_not=would_not,
        pages=pages,
        files=_file_answers(_file_answer_statement(condition), {}),
        quotes=quotes,
    )
