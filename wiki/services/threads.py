"""Comments and suggested edits anchored in a page, and the decisions on them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotAllowed, NotFound, require
from wiki.extensions import db
from wiki.models import (
    AnchorState,
    Comment,
    CommentRound,
    NotificationKind,
    Page,
    Revision,
    RevisionOrigin,
    Role,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    utcnow,
)
from wiki.services import contributions, inbox, pages, search_index
from wiki.services.anchoring import anchor_of, apply_anchor
from wiki.services.file_anchoring import carry_to_head, where_it_is
from wiki.services.pages import append_revision, check_text, name_for_staff
from wiki.services.permissions import (
    can_change_comment,
    can_decide_suggestion,
    can_discuss,
    can_read_drafts,
    can_revise_suggestion,
    is_staff,
)
from wiki.services.tactics import page_owners
from wiki.text.anchor import Reanchorer, make_anchor
from wiki.text.diff import Chunk, word_diff
from wiki.text.selection import locate_selection

MAX_COMMENT = 5000
MAX_REASON = 500
MAX_PASSAGE = 5000
# How many people one comment can notify: more than this is a broadcast, which is what the summary is for.
MAX_MENTIONS = 50
# @priya.raman: the part of the email address before the @.
MENTION = re.compile(r"(?<![\w.@])@([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)", re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    """What the reader selected on the rendered page, and where: enough to find it in the Markdown."""

    quote: str
    line: int = 0
    prefix: str = ""


@dataclass
class PageThreads:
    anchored: list[Thread] = field(default_factory=list)
    page_level: list[Thread] = field(default_factory=list)
    orphaned: list[Thread] = field(default_factory=list)
    closed: list[Thread] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.anchored) + len(self.page_level) + len(self.orphaned)


# Reading ------------------------------------------------------------------------------------------


def get_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        raise NotFound("That comment thread doesn't exist (any more).")
    return thread


def get_comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("That comment doesn't exist.")
    return comment


def page_threads(user: User, page: Page) -> PageThreads:
    """Threads in reading order: anchored ones by position, then whole-page ones, orphans, closed."""
    require(can_discuss(user), "Only the council and marketing leads take part in the discussion.")
    threads = db.session.execute(
        select(Thread)
        # Threads on a file's slides live with the file (wiki/services/file_threads.py), not in the text's margin.
        .where(Thread.page_id == page.id, Thread.attachment_id.is_(None))
        .options(
            selectinload(Thread.comments).selectinload(Comment.author),
            selectinload(Thread.author),
            selectinload(Thread.decided_by),
            # An accepted suggestion links to the revision it made.
            selectinload(Thread.applied_revision),
        )
        .order_by(Thread.start, Thread.id)
    ).scalars()
    result = PageThreads()
    for thread in threads:
        if thread.state != ThreadState.OPEN:
            result.closed.append(thread)
        elif thread.anchor_state == AnchorState.PAGE:
            result.page_level.append(thread)
        elif thread.anchor_state == AnchorState.ORPHANED:
            result.orphaned.append(thread)
        else:
            result.anchored.append(thread)
    result.closed.sort(key=lambda t: t.id, reverse=True)
    return result


# Writing ------------------------------------------------------------------------------------------


def check_comment(body: str, *, required: bool = True) -> str:
    """A comment's text as it is stored: line endings made plain, trimmed, not empty (unless `required` is
    false), at most MAX_COMMENT characters. Raises BadInput saying what is wrong."""
    body = (body or "").replace("\r\n", "\n").strip()
    if required and not body:
        raise BadInput("Write something first: the comment is empty.")
    if len(body) > MAX_COMMENT:
        raise BadInput(f"Comments can be at most {MAX_COMMENT} characters.")
    if "\x00" in body:
        raise BadInput("The comment contains NUL characters, which can't be stored.")
    return body


def lock_discussion(session, page: Page) -> Page:
    """Lock the page for a change to its threads, and mark its discussion as changed: every change to a
    thread, in this module or another, happens under this lock.

    Threads are anchored to the head; the lock keeps a concurrent save from re-anchoring everything
    except the thread being written. The version bump invalidates the cached margin."""
    locked = lock_row(session, select(Page).where(Page.id == page.id))
    locked.discussion_version += 1
    return locked


def revision_text(session, page: Page, number: int) -> str:
    """The Markdown of the page's revision `number`, which a new thread is anchored in; NotFound if the page
    has no such revision."""
    body = session.execute(
        select(Revision.body).where(Revision.page_id == page.id, Revision.number == number)
    ).scalar_one_or_none()
    if body is None:
        raise NotFound(f"“{name_for_staff(page)}” has no revision {number}.")
    return body


def start_thread(user: User, page: Page, number: int, body: str, selection: Selection | None) -> Thread:
    """A new comment, on the passage the reader selected in revision `number`, or on the whole page."""
    require(can_discuss(user), "Only the council and marketing leads can comment on drafts.")
    body = check_comment(body)
    with write_transaction() as session:
        page = lock_discussion(session, page)
        thread = Thread(page_id=page.id, kind=ThreadKind.COMMENT, author_id=user.id, origin_number=number)
        if selection is not None and selection.quote.strip():
            text = revision_text(session, page, number)
            span = locate_selection(text, selection.quote, selection.line, selection.prefix)
            if span is None:
                raise BadInput(
                    "The selected text couldn't be found in the page's source; comment on the page as a whole."
                )
            anchor_new_thread(page, thread, text, span, number)
        else:
            revision_text(session, page, number)
            thread.anchor_state = AnchorState.PAGE
        session.add(thread)
        session.flush()
        session.add(Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=utcnow()))
        search_index.index_thread(session, thread)
        _notify_mentions(session, user, page, thread, body)
    return thread


def anchor_new_thread(page: Page, thread: Thread, text: str, span: tuple[int, int], number: int) -> None:
    """Anchor a new thread to the span [start, end) of `text`, revision `number` of the page, and carry the
    anchor onto the head as every thread is (orphaned if the head no longer has the passage). Raises BadInput
    for a passage longer than MAX_PASSAGE."""
    anchor = make_anchor(text, *span)
    if len(anchor.exact) > MAX_PASSAGE:
        raise BadInput(f"Select at most {MAX_PASSAGE} characters.")
    thread.original_exact = anchor.exact
    thread.anchor_state = AnchorState.ANCHORED
    apply_anchor(thread, anchor, number)
    if number != page.head_number:
        moved = Reanchorer(text, page.head.body).reanchor(anchor)
        if moved is None:
            thread.anchor_state = AnchorState.ORPHANED
        else:
            apply_anchor(thread, moved, page.head_number)


def revision_to_suggest_on(user: User, page: Page, number: int) -> Revision:
    require(can_discuss(user), "Only the council and marketing leads can suggest edits.")
    return pages.visible_revision(user, page, number)


def preview_suggestion(user: User, exact: str, replacement: str) -> list[Chunk]:
    require(can_discuss(user), "Only the council and marketing leads can suggest edits.")
    check_text(replacement, "")
    return word_diff(exact, replacement)


def suggest(
    user: User, page: Page, number: int, start: int, end: int, exact: str, replacement: str, note: str = ""
) -> Thread:
    """Propose replacing the source passage [start, end) of revision `number` with `replacement`."""
    require(can_discuss(user), "Only the council and marketing leads can suggest edits.")
    note = check_comment(note, required=False)
    replacement = replacement.replace("\r\n", "\n")
    check_text(replacement, "")
    if replacement == exact:
        raise BadInput("The suggestion is the same as the current text; change something first.")
    with write_transaction() as session:
        page = lock_discussion(session, page)
        text = revision_text(session, page, number)
        if not (0 <= start < end <= len(text)) or text[start:end] != exact:
            raise Conflict("The passage isn't where it was; select it again and suggest once more.")
        thread = Thread(
            page_id=page.id,
            kind=ThreadKind.SUGGESTION,
            author_id=user.id,
            origin_number=number,
            replacement=replacement,
        )
        anchor_new_thread(page, thread, text, (start, end), number)
        if thread.anchor_state != AnchorState.ANCHORED or thread.exact != exact:
            raise Conflict(
                f"That passage has changed since revision {number}; make the suggestion on the current version."
            )
        session.add(thread)
        session.flush()
        if note:
            session.add(Comment(thread_id=thread.id, author_id=user.id, body=note, created_at=utcnow()))
            search_index.index_thread(session, thread)
            _notify_mentions(session, user, page, thread, note)
        # Whoever decides hears about it: the tactic owners, or the creator of a page no one owns.
        _notify(
            session,
            page_owners(page).user_ids or [page.created_by_id],
            NotificationKind.SUGGESTION,
            user,
            page,
            thread,
            f"{user.name} suggested an edit to “{name_for_staff(page)}”",
        )
    return thread


def reply(user: User, thread: Thread, body: str) -> Comment:
    require(can_discuss(user), "Only the council and marketing leads can reply.")
    body = check_comment(body)
    with write_transaction() as session:
        lock_discussion(session, thread.page)
        thread = session.get(Thread, thread.id)
        comment = Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=utcnow())
        session.add(comment)
        search_index.index_thread(session, thread)
        participants = {thread.author_id} | {c.author_id for c in thread.comments}
        if thread.attachment_id is not None:
            # Not even a draft file's name reaches the field (issue 11): a participant moved there since isn't told.
            people = session.scalars(select(User).where(User.id.in_(participants)))
            participants = {person.id for person in people if can_discuss(person)}
        # A comment round's thread has field reps in it, who may read only the published title (issue 10).
        title = thread.page.published.title if thread.round_id is not None else name_for_staff(thread.page)
        _notify(
            session,
            participants,
            NotificationKind.REPLY,
            user,
            thread.page,
            thread,
            f"{user.name} replied in a thread on {_place(session, thread, title)}",
        )
        _notify_mentions(session, user, thread.page, thread, body)
    return comment


def _require_own_words(user: User, comment: Comment, verb: str) -> None:
    """The author may change their comment (see can_change_comment); a refusal says why, in the reader's terms."""
    now = utcnow()
    round_id = comment.thread.round_id
    comment_round = db.session.get(CommentRound, round_id) if round_id is not None else None
    if can_change_comment(user, comment.author_id, comment_round, now):
        return
    if comment_round is not None and not comment_round.is_open(now) and not can_discuss(user):
        raise NotAllowed(
            f"This comment round closed on {comment_round.ends_at:%d %b %Y}: its threads are kept as a record, "
            "and the comments in them can't be changed any more."
        )
    raise NotAllowed(
        f"You can only {verb} your own comments: in a comment round while it is open, and elsewhere while "
        "you're on the council or a lead."
    )


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    _require_own_words(user, comment, "edit")
    body = check_comment(body)
    with write_transaction() as session:
        lock_discussion(session, comment.thread.page)
        comment = session.get(Comment, comment.id)
        if comment.deleted_at is not None:
            raise Conflict("That comment was deleted.")
        comment.body = body
        comment.edited_at = utcnow()
        search_index.index_thread(session, comment.thread)
    return comment


def delete_comment(user: User, comment: Comment) -> Comment:
    """The text goes, the place stays: replies below it still read in order."""
    _require_own_words(user, comment, "delete")
    with write_transaction() as session:
        lock_discussion(session, comment.thread.page)
        comment = session.get(Comment, comment.id)
        comment.body = ""
        comment.deleted_at = comment.deleted_at or utcnow()
        search_index.index_thread(session, comment.thread)
    return comment


def set_resolved(user: User, thread: Thread, resolved: bool) -> Thread:
    require(can_discuss(user), "Only the council and marketing leads can resolve threads.")
    with write_transaction() as session:
        page = lock_discussion(session, thread.page)
        thread = session.get(Thread, thread.id)
        if thread.kind != ThreadKind.COMMENT:
            raise Conflict("Suggestions are accepted or rejected, not resolved.")
        if thread.state == ThreadState.RESOLVED:
            # It counts on the day it was last resolved, and not at all once reopened.
            contributions.count(session, thread.author_id, contributions.RESOLVED, thread.decided_at, -1)
        if resolved:
            thread.state = ThreadState.RESOLVED
            thread.decided_by_id, thread.decided_at = user.id, utcnow()
            contributions.count(session, thread.author_id, contributions.RESOLVED, thread.decided_at)
        elif thread.state == ThreadState.RESOLVED:
            thread.state = ThreadState.OPEN
            _catch_up(session, page, thread)
    return thread


def _catch_up(session, page: Page, thread: Thread) -> None:
    """A reopened thread missed the re-anchoring done while it was closed; bring it to the head now."""
    if thread.attachment_id is not None:
        # On a file's slide (issue 11), anchored_number is a version of the file, not a revision of the page.
        carry_to_head(session, thread)
        return
    if thread.anchor_state == AnchorState.PAGE or thread.anchored_number in (None, page.head_number):
        return
    old = revision_text(session, page, thread.anchored_number)
    moved = Reanchorer(old, page.head.body).reanchor(anchor_of(thread))
    if moved is None:
        thread.anchor_state = AnchorState.ORPHANED
    else:
        apply_anchor(thread, moved, page.head_number)


def _open_suggestion(session, user: User, thread: Thread) -> tuple[Page, Thread]:
    page = lock_discussion(session, thread.page)
    require(
        can_decide_suggestion(user, page, page_owners(page)),
        "Only a marketing lead or the owner of this page's tactic can decide on suggestions.",
    )
    thread = session.get(Thread, thread.id)
    if thread.kind != ThreadKind.SUGGESTION or thread.state != ThreadState.OPEN:
        raise Conflict("This suggestion was already decided.")
    return page, thread


def accept(user: User, thread: Thread) -> Revision:
    """Apply the suggestion to the current head as a new revision by the suggester, accepted by `user`."""
    with write_transaction() as session:
        page, thread = _open_suggestion(session, user, thread)
        head = page.head
        placed = (
            thread.anchor_state == AnchorState.ANCHORED
            and thread.anchored_number == page.head_number
            and head.body[thread.start : thread.start + len(thread.exact)] == thread.exact
        )
        if not placed:
            thread.anchor_state = AnchorState.STALE
            session.commit()
            raise Conflict(
                "The passage this suggestion changes was edited since; it is stale and can't be applied. "
                "Its author can refresh it against the new text."
            )
        text = head.body[: thread.start] + thread.replacement + head.body[thread.start + len(thread.exact) :]
        check_text(text, "")
        thread.state = ThreadState.ACCEPTED
        thread.decided_by_id, thread.decided_at = user.id, utcnow()
        author = session.get(User, thread.author_id)
        revision = append_revision(
            session,
            page,
            author,
            text,
            f"Suggested by {author.name}, accepted by {user.name}",
            page.head_number,
            RevisionOrigin.SUGGESTION,
            accepted_by=user,
        )
        thread.applied_revision_id = revision.id
        _notify(
            session,
            [thread.author_id],
            NotificationKind.DECISION,
            user,
            page,
            thread,
            _accepted_notice(user, author, page, revision),
        )
    return revision


def reject(user: User, thread: Thread, reason: str) -> Thread:
    reason = (reason or "").strip()
    if not reason:
        raise BadInput("Say why the suggestion is rejected; its author will read it.")
    if len(reason) > MAX_REASON:
        raise BadInput(f"The reason can be at most {MAX_REASON} characters.")
    with write_transaction() as session:
        page, thread = _open_suggestion(session, user, thread)
        thread.state = ThreadState.REJECTED
        thread.decided_by_id, thread.decided_at = user.id, utcnow()
        thread.decision_reason = reason
        _notify(
            session,
            [thread.author_id],
            NotificationKind.DECISION,
            user,
            page,
            thread,
            f"{user.name} rejected your suggestion on “{_title_for(thread.author, page)}”: {reason}"[:300],
        )
    return thread


def refresh(user: User, thread: Thread, replacement: str) -> Thread:
    """The suggester revises their open suggestion; for a stale one this re-bases it on the passage as
    it reads now, which makes it acceptable again."""
    require(
        can_revise_suggestion(user, thread.author_id),
        "Only the person who made a suggestion, while on the council or a lead, can revise it.",
    )
    replacement = replacement.replace("\r\n", "\n")
    check_text(replacement, "")
    with write_transaction() as session:
        page = lock_discussion(session, thread.page)
        thread = session.get(Thread, thread.id)
        if thread.kind != ThreadKind.SUGGESTION or thread.state != ThreadState.OPEN:
            raise Conflict("Only open suggestions can be revised.")
        current = page.head.body
        in_place = (
            thread.start is not None
            and thread.anchored_number == page.head_number
            and current[thread.start : thread.start + len(thread.exact)] == thread.exact
        )
        if thread.anchor_state == AnchorState.ORPHANED or not in_place:
            raise Conflict("The passage is gone from the page; make a new suggestion instead.")
        if replacement == thread.exact:
            raise BadInput("The suggestion is the same as the current text; change something first.")
        thread.replacement = replacement
        thread.anchor_state = AnchorState.ANCHORED
    return thread


# Notifications ------------------------------------------------------------------------------------


def _notify(session, user_ids, kind: NotificationKind, actor: User, page: Page, thread: Thread, text: str) -> None:
    inbox.notify(session, user_ids, kind, actor, page, text, thread)


def mentioned_users(session, text: str) -> list[User]:
    """Council members and leads named as @handle (the part of their email before the @).

    Handles are matched against the staff, not looked up one by one: a comment may hold thousands of
    @words that name nobody (a list of social accounts), and one query per comment stays one query."""
    handles = {match.lower() for match in MENTION.findall(text)}
    if not handles:
        return []
    staff = session.execute(
        select(User).where(User.active.is_(True), User.role.in_((Role.LEAD, Role.COUNCIL))).order_by(User.id)
    ).scalars()
    users = [user for user in staff if is_staff(user) and user.email.split("@", 1)[0].lower() in handles]
    if len(users) > MAX_MENTIONS:
        raise BadInput(f"A comment can mention at most {MAX_MENTIONS} people; this one mentions {len(users)}.")
    return users


def _notify_mentions(session, actor: User, page: Page, thread: Thread, text: str) -> None:
    users = mentioned_users(session, text)
    _notify(
        session,
        [u.id for u in users],
        NotificationKind.MENTION,
        actor,
        page,
        thread,
        f"{actor.name} mentioned you on {_place(session, thread, name_for_staff(page))}",
    )


def _place(session, thread: Thread, title: str) -> str:
    """Where a notice says the thread is: the page, or the slide of the page's file it is on (issue 11)."""
    if thread.attachment_id is None:
        return f"“{title}”"
    return f"{where_it_is(session, thread)} in “{title}”"


def mention_candidates(user: User, query: str, limit: int = 8) -> list[User]:
    """People a comment can @mention: the council and leads, matched on name or email."""
    require(can_discuss(user), "Only the council and marketing leads can mention people.")
    query = query.strip().lower()[:50]
    people = db.session.execute(select(User).where(User.active.is_(True)).order_by(User.name)).scalars()
    return [
        person
        for person in people
        if is_staff(person) and (query in person.name.lower() or person.email.lower().startswith(query))
    ][:limit]


# A suggestion's author may be a field rep (sent back from their own version, issue 10, part 1): the notice
# names the page as they see it, and never the number of a revision that isn't published yet.


def _title_for(person: User, page: Page) -> str:
    revision = pages.shown(person, page)
    return revision.title if revision is not None else pages.default_title(page.slug)


def _accepted_notice(decider: User, author: User, page: Page, revision: Revision) -> str:
    if can_read_drafts(author):
        return f"{decider.name} accepted your suggestion on “{_title_for(author, page)}” (revision {revision.number})"
    return f"{decider.name} accepted your suggestion on “{_title_for(author, page)}”; the field reads it once published"
