"""What waits for a lead, text and files together: the review queue, and a page's review with its files.

The text's rules are wiki/services/review.py and the files' wiki/services/file_review.py, which builds on
them; this module sits above both, so that neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from wiki.errors import require
from wiki.extensions import db
from wiki.files import kinds
from wiki.models import Attachment, FileVersion, Page, Thread, ThreadState, User
from wiki.services import file_review, files, review
from wiki.services.file_review import WaitingFile
from wiki.services.permissions import can_publish


@dataclass(frozen=True)
class Waiting:
    """A page in the review queue: its unpublished revisions, its files with new versions, and who made them."""

    page: Page
    status: review.PageStatus | None
    text: review.WaitingText | None
    files: list[WaitingFile]
    since: datetime

    @property
    def authors(self) -> list[User]:
        seen: dict[int, User] = {person.id: person for person in (self.text.authors if self.text else [])}
        for waiting in self.files:
            for version in waiting.versions:
                seen.setdefault(version.author_id, version.author)
        return list(seen.values())

    @property
    def file_lines(self) -> list[tuple[WaitingFile, str]]:
        """Each waiting file with the versions a decision would cover, for "deck.pptx: version 3 waiting"."""
        return [(waiting, versions_waiting(waiting)) for waiting in self.files]


@dataclass(frozen=True)
class FileUnderReview:
    """A file on the review page: the versions a decision covers and what they change for the field."""

    waiting: WaitingFile
    published: FileVersion | None
    # None for a file the field has never had: there is nothing to compare it with.
    comparison: files.Comparison | None
    # The council's open threads on the file's slides and pages, which a lead reads before approving.
    open_threads: list[Thread]

    @property
    def attachment(self) -> Attachment:
        return self.waiting.attachment

    @property
    def head(self) -> FileVersion:
        return self.waiting.versions[-1]

    @property
    def kind(self) -> kinds.FileKind:
        return files.kind_of(self.head)

    @property
    def waiting_line(self) -> str:
        return versions_waiting(self.waiting)

    @property
    def headline(self) -> str:
        """ "slides 7 and 12 changed", or "new file, 12 slides" for one the field has never had."""
        if self.comparison is not None:
            return self.comparison.headline
        return new_file_line(self.head)


@dataclass(frozen=True)
class PageReview:
    text: review.ReviewView
    files: list[FileUnderReview]


def new_file_line(version: FileVersion) -> str:
    """ "new file, 12 slides" (or just "new file" for a document not made of slides or pages)."""
    made_of = files.units_line(version)
    return f"new file, {made_of}" if made_of else "new file"


def versions_waiting(waiting: WaitingFile) -> str:
    """ "version 3 waiting", "versions 2–4 waiting": the file's versions that a decision would cover."""
    numbers = [version.number for version in waiting.versions]
    if len(numbers) == 1:
        return f"version {numbers[0]} waiting"
    return f"versions {numbers[0]}–{numbers[-1]} waiting"


def _file_ahead():
    return Attachment.head_version_id.is_not(None) & (
        Attachment.published_version_id.is_(None) | (Attachment.published_version_id != Attachment.head_version_id)
    )


# Built once each, with the pages bound when they run: putting them together costs more than running them.
@cache
def _pages_with_files_ahead() -> Select:
    return select(Attachment.page_id).where(_file_ahead()).distinct()


@cache
def _pages_listed() -> Select:
    return (
        select(Page)
        .options(joinedload(Page.head), joinedload(Page.published))
        .where(Page.id.in_(bindparam("ids", expanding=True)))
    )


def _load_people(waiting_files: list[WaitingFile]) -> None:
    """Who uploaded and who decided, in one query, set on each version and decision as a selectinload would:
    the queue names them on every line."""
    versions = [version for waiting in waiting_files for version in waiting.versions]
    decisions = [waiting.latest for waiting in waiting_files if waiting.latest is not None]
    ids = {version.author_id for version in versions} | {decision.decided_by_id for decision in decisions}
    if not ids:
        return
    people = {person.id: person for person in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}
    for version in versions:
        set_committed_value(version, "author", people[version.author_id])
    for decision in decisions:
        set_committed_value(decision, "decided_by", people[decision.decided_by_id])


@dataclass(frozen=True)
class Queue:
    """One page of the review queue, and how many pages wait in all."""

    waiting: list[Waiting]
    total: int
    page_no: int
    per_page: int

    @property
    def has_more(self) -> bool:
        return self.page_no * self.per_page < self.total


# The queue names the newest few revisions of each page and counts the rest.
RECENT_REVISIONS = 5
PER_PAGE = 50


def queue(user: User, page_no: int = 1, per_page: int = PER_PAGE, recent: int = RECENT_REVISIONS) -> Queue:
    """Every page whose text or one of whose files is ahead of what the field reads, the longest-waiting
    first, `per_page` at a time, each naming its newest `recent` revisions. The order comes from the index of
    revisions, and only the pages shown are loaded, so the same few queries answer however many pages,
    revisions and files wait."""
    require(can_publish(user), "Only marketing leads review changes.")
    wanted = page_no * per_page
    # Pages with files waiting are few: all of them, with their text's time too. Of the pages with only text
    # waiting, those that could reach this page of the queue are its `wanted` longest-waiting: files can
    # only push them later.
    since, text_total = review.longest_waiting_texts(wanted)
    waiting_files = file_review.waiting_files(user, list(db.session.execute(_pages_with_files_ahead()).scalars()))
    text_of_file_pages = review.text_waiting_since(list(waiting_files))
    # When each page's text began to wait, before its files' times are taken into account below.
    text_began = since | text_of_file_pages
    for page_id, found in waiting_files.items():
        first_version = min(waiting.versions[0].created_at for waiting in found)
        text_since = text_of_file_pages.get(page_id)
        since[page_id] = min(text_since, first_version) if text_since else first_version
    total = text_total + sum(page_id not in text_of_file_pages for page_id in waiting_files)
    order = sorted(since, key=lambda page_id: (since[page_id], page_id))
    shown = order[(page_no - 1) * per_page : wanted]
    loaded = {page.id: page for page in db.session.execute(_pages_listed(), {"ids": shown}).scalars()} if shown else {}
    pages = [loaded[page_id] for page_id in shown]
    states = review.statuses(pages)
    texts = review.waiting_texts(pages, text_began, recent)
    files_shown = [waiting for page_id in shown for waiting in waiting_files.get(page_id, [])]
    _load_people(files_shown)
    waiting = [
        Waiting(page, states.get(page.id), texts.get(page.id), waiting_files.get(page.id, []), since[page.id])
        for page in pages
    ]
    return Queue(waiting, total, page_no, per_page)


def page_review(user: User, page: Page) -> PageReview:
    """What a lead reads before deciding on a page: the text's changes, and each waiting file's, slide by slide
    from the version the field has to the newest."""
    text = review.review_view(user, page)
    under_review = []
    waiting_files = file_review.waiting_files(user, [page.id]).get(page.id, [])
    threads = _open_file_threads([waiting.attachment.id for waiting in waiting_files])
    published = _published_versions([waiting.attachment for waiting in waiting_files])
    for waiting in waiting_files:
        attachment = waiting.attachment
        field_has = published.get(attachment.id)
        comparison = None
        if field_has is not None:
            comparison = files.comparison_of(attachment, field_has, waiting.versions[-1])
        under_review.append(FileUnderReview(waiting, field_has, comparison, threads.get(attachment.id, [])))
    return PageReview(text, under_review)


def _published_versions(attachments: list[Attachment]) -> dict[int, FileVersion]:
    """The version the field has of each file, all in one query (the newer ones are the waiting file's)."""
    ids = [attachment.published_version_id for attachment in attachments if attachment.published_version_id]
    if not ids:
        return {}
    rows = db.session.execute(select(FileVersion).where(FileVersion.id.in_(ids))).scalars()
    return {version.attachment_id: version for version in rows}


def _open_file_threads(attachment_ids: list[int]) -> dict[int, list[Thread]]:
    if not attachment_ids:
        return {}
    found: dict[int, list[Thread]] = {}
    for thread in db.session.execute(
        select(Thread)
        .options(selectinload(Thread.author))
        .where(Thread.attachment_id.in_(attachment_ids), Thread.state == ThreadState.OPEN)
        .order_by(Thread.unit.is_(None), Thread.unit, Thread.id)
    ).scalars():
        found.setdefault(thread.attachment_id, []).append(thread)
    return found
