"""Pages and their revisions: reading what a user may see, saving edits that never get lost."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from wiki.db import write_transaction
from wiki.errors import BadInput, Conflict, NotFound, TooLarge, require
from wiki.extensions import db
from wiki.models import Draft, Page, PageKind, Revision, RevisionOrigin, User, utcnow
from wiki.services.anchoring import reanchor_threads
from wiki.services.permissions import can_edit, can_read_drafts, can_read_revision
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


def _parse_kind(kind: str) -> PageKind | None:
    if not kind:
        return None
    try:
        return PageKind(kind)
    except ValueError:
        raise BadInput("The kind of page must be plan, collateral or note.") from None


def default_title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


# Reading ------------------------------------------------------------------------------------------


def get_page(slug: str) -> Page:
    page = db.session.execute(select(Page).where(Page.slug == slug)).scalar_one_or_none()
    if page is None:
        raise NotFound(f"There is no page called “{slug}”.")
    return page


def find_page(slug: str) -> Page | None:
    return db.session.execute(select(Page).where(Page.slug == slug)).scalar_one_or_none()


def get_revision(page: Page, number: int) -> Revision:
    revision = db.session.execute(
        select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFound(f"“{page.title}” has no revision {number}.")
    return revision


def visible_revision(user: User, page: Page, number: int | None = None) -> Revision:
    """The revision this user reads: any for council and leads, only the published one for the field."""
    if can_read_drafts(user):
        if number is None:
            if page.head is None:
                raise NotFound(f"“{page.title}” has no text yet.")
            return page.head
        return get_revision(page, number)
    if page.published is None:
        raise NotFound(
            f"“{page.title}” hasn't been published yet. The marketing leads will publish it once it is approved."
        )
    if number is not None and number != page.published.number:
        raise NotFound(f"Revision {number} of “{page.title}” is not published; you can read the published version.")
    revision = page.published
    require(can_read_revision(user, page, revision), "You can't read this version.")
    return revision


def history(user: User, page: Page, page_no: int, per_page: int) -> tuple[list[Revision], int]:
    require(can_read_drafts(user), "Only the council and marketing leads can see a page's history.")
    total = page.head_number
    pages = max(1, -(-total // per_page))
    if page_no < 1 or page_no > pages:
        raise NotFound(f"History page {page_no} doesn't exist; there are {pages}.")
    revisions = list(
        db.session.execute(
            select(Revision)
            .where(Revision.page_id == page.id)
            .order_by(Revision.number.desc())
            .limit(per_page)
            .offset((page_no - 1) * per_page)
        ).scalars()
    )
    return revisions, pages


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
        raise NotFound(f"“{page.title}” has no revision {missing}.")
    return old, new


def list_pages(user: User) -> dict[PageKind, list[tuple[Page, Revision]]]:
    """Every page this user can read, grouped by kind, with the revision they would see."""
    staff = can_read_drafts(user)
    shown = Page.head_revision_id if staff else Page.published_revision_id
    rows = db.session.execute(
        select(Page, Revision).join(Revision, Revision.id == shown).order_by(func.lower(Page.title))
    ).all()
    grouped: dict[PageKind, list[tuple[Page, Revision]]] = {kind: [] for kind in PageKind}
    for page, revision in rows:
        grouped[page.kind].append((page, revision))
    return grouped


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
    kind = _parse_kind(submission.kind)
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


def _save_locked(
    user: User, slug: str, body: str, summary: str, title: str, kind: PageKind | None, base_number: int
) -> SaveResult:
    with write_transaction() as session:
        page = session.execute(select(Page).where(Page.slug == slug).with_for_update()).scalar_one_or_none()
        if page is None:
            if base_number != 0:
                raise Conflict(f"The page “{slug}” no longer exists, so there is nothing to edit.")
            page = Page(
                slug=slug, title=title or default_title(slug), kind=kind or PageKind.NOTE, created_by_id=user.id
            )
            session.add(page)
            session.flush()
        elif base_number > page.head_number:
            raise BadInput(f"Revision {base_number} doesn't exist yet; the newest is {page.head_number}.")
        else:
            if title:
                page.title = title
            if kind is not None:
                page.kind = kind

        head_body = page.head.body if page.head is not None else ""
        origin = RevisionOrigin.EDIT
        merged_over: tuple[Revision, ...] = ()
        text = body
        if base_number != page.head_number:
            base_body = (
                session.execute(
                    select(Revision.body).where(Revision.page_id == page.id, Revision.number == base_number)
                ).scalar_one()
                if base_number
                else ""
            )
            result = merge(base_body, body, head_body)
            if not result.clean:
                raise EditConflict(
                    page=page,
                    mine=body,
                    summary=summary,
                    base_number=base_number,
                    head=page.head,
                    conflicts=result.conflicts,
                )
            text = result.text
            origin = RevisionOrigin.MERGE
            merged_over = tuple(
                session.execute(
                    select(Revision)
                    .where(Revision.page_id == page.id, Revision.number > base_number)
                    .order_by(Revision.number)
                ).scalars()
            )
        if page.head is not None and text == head_body:
            session.execute(Draft.__table__.delete().where(Draft.user_id == user.id, Draft.slug == slug))
            return SaveResult(page=page, revision=None, unchanged=True)

        revision = append_revision(session, page, user, text, summary, base_number, origin)
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
) -> Revision:
    """The one place a revision is written: numbering, head pointers and re-anchoring happen together."""
    size = len(text.encode("utf-8"))
    previous = page.head.size if page.head is not None else 0
    revision = Revision(
        page_id=page.id,
        number=page.head_number + 1,
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
    old_text = page.head.body if page.head is not None else ""
    session.add(revision)
    session.flush()
    reanchor_threads(session, page, old_text, text, revision.number)
    page.head_number = revision.number
    page.head_revision_id = revision.id
    page.head = revision
    return revision


def lock_page_and_revision(session, page: Page, number: int) -> tuple[Page, Revision]:
    """Lock the page row (so nothing moves its head meanwhile) and find one of its revisions."""
    page = session.execute(select(Page).where(Page.id == page.id).with_for_update()).scalar_one()
    revision = session.execute(
        select(Revision).where(Revision.page_id == page.id, Revision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFound(f"“{page.title}” has no revision {number}.")
    return page, revision


def restore(user: User, page: Page, number: int, summary: str = "") -> Revision:
    """Bring an old version back as a new revision; history is never rewritten."""
    require(can_edit(user), "Only the council and marketing leads can restore versions.")
    check_text("", summary)
    with write_transaction() as session:
        page, old = lock_page_and_revision(session, page, number)
        if page.head is not None and old.body == page.head.body:
            raise Conflict(f"Revision {number} has the same text as the current version; nothing to restore.")
        revision = append_revision(
            session,
            page,
            user,
            old.body,
            summary.strip() or f"Restored revision {number}",
            page.head_number,
            RevisionOrigin.RESTORE,
            restored_from=number,
        )
    return revision
