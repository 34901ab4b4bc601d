"""Pages and their revisions: reading what a user may see, saving edits that never get lost."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, undefer

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, TooLarge, require
from wiki.extensions import db
from wiki.models import Draft, Page, PageKind, Revision, RevisionOrigin, User, utcnow
from wiki.services import contributions, search_index
from wiki.services.anchoring import reanchor_threads
from wiki.services.permissions import can_edit, can_read_drafts, can_read_revision, can_see_page
from wiki.text.merge import merge
from wiki.text.slugs import SLUG_RULE, is_valid_slug

MAX_SUMMARY = 300
MAX_TITLE = 200


@dataclass(frozen=True)
class SaveResult:
    page: Page
    revision: Revision | None
    merged: bool = False
    unchanged: bool = False
    merged_over: tuple[Revision, ...] = ()


@dataclass(eq=False)
class EditConflict(Conflict):
    """Both edits touched the same lines; the user's text travels with the error so nothing is lost."""

    page: Page
    mine: str
    summary: str
    base_number: int
    head: Revision
    conflicts: tuple = field(default=())

    def __post_init__(self) -> None:
        Conflict.__init__(
            self,
            f"Someone saved revision {self.head.number} while you were editing, and both of you changed "
            "the same lines. Your text is below and kept as your draft; combine the two and save again.",
        )


@dataclass(frozen=True)
class EditSubmission:
    slug: str
    body: str
    summary: str
    base_number: int
    title: str = ""
    kind: str = ""


def normalise_body(body: str) -> str:
    return body.replace("\r\n", "\n").replace("\r", "\n")


def check_slug(slug: str) -> str:
    if not is_valid_slug(slug):
        raise BadInput(f"“{slug}” can't be a page name. {SLUG_RULE}")
    return slug


def check_text(body: str, summary: str, title: str = "") -> None:
    if "\x00" in body or "\x00" in summary or "\x00" in title:
        raise BadInput("The text contains NUL characters, which can't be stored. Remove them and save again.")
    limit = current_app.config["MAX_PAGE_BYTES"]
    size = len(body.encode("utf-8"))
    if size > limit:
        raise TooLarge(
            f"The page is {size // 1024} KB; pages can be at most {limit // 1024} KB ({limit} bytes). "
            "Split it into several pages and link them."
        )
    if len(summary) > MAX_SUMMARY:
        raise BadInput(f"The edit summary can be at most {MAX_SUMMARY} characters.")
    if len(title) > MAX_TITLE:
        raise BadInput(f"The title can be at most {MAX_TITLE} characters.")


def parse_kind(kind: str) -> PageKind | None:
    if not kind:
        return None
    try:
        return PageKind(kind)
    except ValueError:
        raise BadInput("The kind of page must be plan, collateral or note.") from None


def default_title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


# Reading ------------------------------------------------------------------------------------------


def shown_id(user: User | None):
    """The column naming the revision this reader sees of each page, for queries over many pages."""
    return shown_id_for(can_read_drafts(user))


def shown_id_for(drafts: bool, page=Page):
    """The same for a reader who does (or doesn't) read drafts, of `page` or an alias of it: for statements built
    once per kind of reader."""
    return page.head_revision_id if drafts else page.published_revision_id


def shown_revision(user: User | None):
    """The relationship `shown` reads, for loading it with many pages."""
    return shown_revision_for(can_read_drafts(user))


def shown_revision_for(drafts: bool):
    return Page.head if drafts else Page.published


def shown(user: User | None, page: Page) -> Revision | None:
    """The revision of the page this reader sees — its text, title and kind: the draft head for council
    and leads, the published revision for everyone else (None when they may not see the page at all)."""
    return page.head if can_read_drafts(user) else page.published


def name_for_staff(page: Page) -> str:
    """The head's title, for messages only council and leads read (notices, errors on staff-only routes)."""
    return page.head.title if page.head is not None else default_title(page.slug)


def _no_such_page(slug: str) -> NotFound:
    return NotFound(f"There is no page called “{slug}”.")


def get_page(slug: str) -> Page:
    page = find_page(slug)
    if page is None:
        raise _no_such_page(slug)
    return page


def find_page(slug: str) -> Page | None:
    return db.session.execute(select(Page).where(Page.slug == slug)).scalar_one_or_none()


def readable_page(user: User | None, slug: str) -> Page:
    """The page, if this reader may know it exists; a page they may not see answers exactly as a missing one,
    so its title, and even its existence, stay with the people working on it."""
    page = find_page(slug)
    if page is None or not can_see_page(user, page):
        raise _no_such_page(slug)
    return page


def get_revision(page: Page, number: int) -> Revision:
    revision = db.session.execute(
        select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFound(f"“{name_for_staff(page)}” has no revision {number}.")
    return revision


def visible_revision(user: User, page: Page, number: int | None = None) -> Revision:
    """The revision this user reads: any for council and leads, only the published one for the field."""
    if can_read_drafts(user):
        if number is None:
            if page.head is None:
                raise NotFound(f"“{name_for_staff(page)}” has no text yet.")
            return page.head
        return get_revision(page, number)
    if page.published is None:
        raise _no_such_page(page.slug)
    if number is not None and number != page.published.number:
        raise NotFound(
            f"Revision {number} of this page is not published; you can read the published version, "
            f"revision {page.published.number}."
        )
    revision = page.published
    require(can_read_revision(user, page, revision), "You can't read this version.")
    return revision


@dataclass(frozen=True)
class HistoryRow:
    """A line of a page's history: the revision, and what it changed of the title and kind."""

    revision: Revision
    title_from: str | None = None  # the previous revision's title, when this one changed it
    kind_from: PageKind | None = None


def history(user: User, page: Page, page_no: int, per_page: int) -> tuple[list[HistoryRow], int]:
    require(can_read_drafts(user), "Only the council and marketing leads can see a page's history.")
    total = page.head_number
    pages = max(1, -(-total // per_page))
    if page_no < 1 or page_no > pages:
        raise NotFound(f"History page {page_no} doesn't exist; there are {pages}.")
    # One more than shown, so the oldest revision listed can say what it changed.
    revisions = list(
        db.session.execute(
            select(Revision)
            .options(selectinload(Revision.author))
            .where(Revision.page_id == page.id)
            .order_by(Revision.number.desc())
            .limit(per_page + 1)
            .offset((page_no - 1) * per_page)
        ).scalars()
    )
    rows = []
    for revision, older in zip(revisions[:per_page], [*revisions[1:], None], strict=False):
        rows.append(
            HistoryRow(
                revision,
                title_from=older.title if older is not None and older.title != revision.title else None,
                kind_from=older.kind if older is not None and older.kind != revision.kind else None,
            )
        )
    return rows, pages


def compare(user: User, page: Page, from_number: int, to_number: int) -> tuple[Revision, Revision]:
    require(can_read_drafts(user), "Only the council and marketing leads can compare versions.")
    old = db.session.execute(
        select(Revision)
        .options(undefer(Revision.body))
        .where(Revision.page_id == page.id, Revision.number == from_number)
    ).scalar_one_or_none()
    new = db.session.execute(
        select(Revision)
        .options(undefer(Revision.body))
        .where(Revision.page_id == page.id, Revision.number == to_number)
    ).scalar_one_or_none()
    if old is None or new is None:
        missing = from_number if old is None else to_number
        raise NotFound(f"“{name_for_staff(page)}” has no revision {missing}.")
    return old, new


# Drafts -------------------------------------------------------------------------------------------


def get_draft(user: User, slug: str) -> Draft | None:
    return db.session.execute(select(Draft).where(Draft.user_id == user.id, Draft.slug == slug)).scalar_one_or_none()


def _is_revision_number(number: int) -> bool:
    # Revision numbers are stored as 32-bit integers (PostgreSQL refuses anything larger).
    return 0 <= number < 2**31


def keep_draft(user: User, submission: EditSubmission) -> Draft:
    """Store what the user typed, so a closed tab or a conflict loses nothing."""
    require(can_edit(user), "Only the council and marketing leads can edit pages.")
    check_slug(submission.slug)
    body = normalise_body(submission.body)
    check_text(body, submission.summary, submission.title)
    with write_transaction() as session:
        draft = session.execute(
            select(Draft).where(Draft.user_id == user.id, Draft.slug == submission.slug)
        ).scalar_one_or_none()
        if draft is None:
            draft = Draft(user_id=user.id, slug=submission.slug)
            session.add(draft)
        draft.body = body
        draft.summary = submission.summary
        draft.title = submission.title
        draft.kind = submission.kind
        # A garbled base is not a reason to lose the text; with base 0 the next save merges or conflicts.
        draft.base_number = submission.base_number if _is_revision_number(submission.base_number) else 0
        draft.updated_at = utcnow()
    return draft


def open_editor(user: User, slug: str) -> tuple[Page | None, Revision | None, Draft | None]:
    """What the edit form starts from: the page (None when creating it), its head, and any kept draft."""
    require(can_edit(user), "Only the council and marketing leads can edit pages.")
    check_slug(slug)
    page = find_page(slug)
    return page, (page.head if page else None), get_draft(user, slug)


def autosave_draft(user: User, submission: EditSubmission) -> Draft | None:
    """Called while the user types; an untouched editor leaves no draft behind."""
    require(can_edit(user), "Only the council and marketing leads can edit pages.")
    page = find_page(submission.slug)
    if page is not None and page.head is not None and normalise_body(submission.body) == page.head.body:
        return None
    if page is None and not submission.body.strip():
        return None
    return keep_draft(user, submission)


def discard_draft(user: User, slug: str) -> None:
    require(can_edit(user), "Only the council and marketing leads have drafts.")
    with write_transaction() as session:
        session.execute(Draft.__table__.delete().where(Draft.user_id == user.id, Draft.slug == slug))


# Saving -------------------------------------------------------------------------------------------


def save_revision(user: User, submission: EditSubmission) -> SaveResult:
    """Save an edit on top of the current head, merging with edits saved since the user's base.

    The head is read and the new revision written in one locked transaction, so two saves can't both
    believe they are on top. Overlapping edits raise EditConflict after keeping the user's draft.
    """
    require(can_edit(user), "Only the council and marketing leads can edit pages.")
    check_slug(submission.slug)
    body = normalise_body(submission.body)
    summary = submission.summary.strip()
    title = submission.title.strip()
    check_text(body, summary, title)
    kind = parse_kind(submission.kind)
    if not _is_revision_number(submission.base_number):
        raise BadInput("The base revision must be a revision number.")
    try:
        return _save_locked(user, submission.slug, body, summary, title, kind, submission.base_number)
    except EditConflict:
        keep_draft(user, submission)
        raise
    except IntegrityError:
        # Two people created the same new page at once; the loser's save now meets the winner's page.
        db.session.rollback()
        try:
            return _save_locked(user, submission.slug, body, summary, title, kind, submission.base_number)
        except EditConflict:
            keep_draft(user, submission)
            raise


def _three_way(base, mine, theirs):
    """A field of the page (title, kind) after a merge: what I changed wins, what I left alone follows theirs."""
    return theirs if mine == base else mine


def _save_locked(
    user: User, slug: str, body: str, summary: str, title: str, kind: PageKind | None, base_number: int
) -> SaveResult:
    with write_transaction() as session:
        page = lock_row(session, select(Page).where(Page.slug == slug))
        if page is None:
            if base_number != 0:
                raise Conflict(f"The page “{slug}” no longer exists, so there is nothing to edit.")
            page = Page(slug=slug, created_by_id=user.id)
            session.add(page)
            session.flush()
        elif base_number > page.head_number:
            raise BadInput(f"Revision {base_number} doesn't exist yet; the newest is {page.head_number}.")

        head = page.head
        head_body = head.body if head is not None else ""
        origin = RevisionOrigin.EDIT
        merged_over: tuple[Revision, ...] = ()
        text = body
        new_title = title or (head.title if head is not None else default_title(slug))
        new_kind = kind or (head.kind if head is not None else PageKind.NOTE)
        if base_number != page.head_number:
            base = (
                session.execute(
                    select(Revision)
                    .options(undefer(Revision.body))
                    .where(Revision.page_id == page.id, Revision.number == base_number)
                ).scalar_one()
                if base_number
                else None
            )
            result = merge(base.body if base is not None else "", body, head_body)
            if not result.clean:
                raise EditConflict(
                    page=page,
                    mine=body,
                    summary=summary,
                    base_number=base_number,
                    head=head,
                    conflicts=result.conflicts,
                )
            text = result.text
            if base is not None and head is not None:
                new_title = _three_way(base.title, new_title, head.title)
                new_kind = _three_way(base.kind, new_kind, head.kind)
            origin = RevisionOrigin.MERGE
            merged_over = tuple(
                session.execute(
                    select(Revision)
                    .where(Revision.page_id == page.id, Revision.number > base_number)
                    .order_by(Revision.number)
                ).scalars()
            )
        if head is not None and (text, new_title, new_kind) == (head_body, head.title, head.kind):
            session.execute(Draft.__table__.delete().where(Draft.user_id == user.id, Draft.slug == slug))
            return SaveResult(page=page, revision=None, unchanged=True)

        revision = append_revision(
            session, page, user, text, summary, base_number, origin, title=new_title, kind=new_kind
        )
        session.execute(Draft.__table__.delete().where(Draft.user_id == user.id, Draft.slug == slug))
    return SaveResult(page=page, revision=revision, merged=origin == RevisionOrigin.MERGE, merged_over=merged_over)


def append_revision(
    session,
    page: Page,
    author: User,
    text: str,
    summary: str,
    base_number: int | None,
    origin: RevisionOrigin,
    restored_from: int | None = None,
    accepted_by: User | None = None,
    title: str | None = None,
    kind: PageKind | None = None,
) -> Revision:
    """The one place a revision is written: numbering, head pointers and re-anchoring happen together.

    Title and kind carry over from the head unless the change sets them."""
    head = page.head
    size = len(text.encode("utf-8"))
    previous = head.size if head is not None else 0
    revision = Revision(
        page_id=page.id,
        number=page.head_number + 1,
        title=title or (head.title if head is not None else default_title(page.slug)),
        kind=kind or (head.kind if head is not None else PageKind.NOTE),
        body=text,
        size=size,
        size_change=size - previous,
        summary=summary,
        author_id=author.id,
        base_number=base_number,
        origin=origin,
        restored_from=restored_from,
        accepted_by_id=accepted_by.id if accepted_by else None,
        created_at=utcnow(),
    )
    old_text = head.body if head is not None else ""
    session.add(revision)
    session.flush()
    contributions.revision_saved(session, revision)
    reanchor_threads(session, page, old_text, text, revision.number)
    page.head_number = revision.number
    page.head_revision_id = revision.id
    page.head = revision
    if page.first_waiting_revision_id is None:
        # Nothing waited: this one is the first the field hasn't been given.
        page.first_waiting_revision_id = revision.id
    search_index.index_page(session, page)
    return revision


def lock_page_and_revision(session, page: Page, number: int) -> tuple[Page, Revision]:
    """Lock the page row (so nothing moves its head meanwhile) and find one of its revisions."""
    page = lock_row(session, select(Page).where(Page.id == page.id))
    revision = session.execute(
        select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFound(f"“{name_for_staff(page)}” has no revision {number}.")
    return page, revision


def restore(user: User, page: Page, number: int, summary: str = "") -> Revision:
    """Bring an old version back as a new revision; history is never rewritten."""
    require(can_edit(user), "Only the council and marketing leads can restore versions.")
    check_text("", summary)
    with write_transaction() as session:
        page, old = lock_page_and_revision(session, page, number)
        head = page.head
        if head is not None and (old.body, old.title, old.kind) == (head.body, head.title, head.kind):
            raise Conflict(f"Revision {number} is the same as the current version; nothing to restore.")
        revision = append_revision(
            session,
            page,
            user,
            old.body,
            summary.strip() or f"Restored revision {number}",
            page.head_number,
            RevisionOrigin.RESTORE,
            restored_from=number,
            title=old.title,
            kind=old.kind,
        )
    return revision
