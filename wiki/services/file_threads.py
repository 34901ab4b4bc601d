"""Comments on a slide or page of a file (issue 11), threaded like the comments on a page's text.

A file thread is a Thread with `attachment_id` set: replies, resolving, edits, mentions and the inbox are the
text's (wiki/services/threads.py). What differs is the anchor: slide `unit` of version `anchored_number` of the
file, which follows its slide from version to version (wiki/services/file_anchoring.py). Like every thread, it
lives on the newest version: one made on an older version is carried there at once. The discussion is the
council's and the leads', on drafts, so the field never sees these threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wiki.db import write_transaction
from wiki.errors import BadInput, NotFound, require
from wiki.extensions import db
from wiki.files import kinds
from wiki.files.extract import Unit
from wiki.models import (
    AnchorState,
    Attachment,
    Comment,
    FileVersion,
    Page,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    utcnow,
)
from wiki.services import search_index
from wiki.services.file_anchoring import carry_to_head, unit_fingerprint
from wiki.services.permissions import can_discuss
from wiki.services.threads import _notify_mentions, check_comment, lock_discussion


@dataclass(frozen=True)
class Placed:
    """A thread shown away from its slide (an orphan, a closed thread), with the slide it was on when it left."""

    thread: Thread
    # None for a thread on the whole file.
    version: int | None = None
    unit: int | None = None
    title: str = ""
    text: str = ""


@dataclass
class FileThreads:
    """A file's discussion as the preview of `version` shows it."""

    attachment: Attachment
    version: FileVersion
    unit_word: str
    # Open threads by 1-based slide, when reading the newest version (the one threads live on).
    by_unit: dict[int, list[Thread]] = field(default_factory=dict)
    whole_file: list[Thread] = field(default_factory=list)
    orphaned: list[Placed] = field(default_factory=list)
    closed: list[Placed] = field(default_factory=list)
    # Open threads on slides of the newest version, counted when reading an older one.
    on_newest: int = 0

    @property
    def on_head(self) -> bool:
        return self.version.id == self.attachment.head_version_id

    @property
    def open_count(self) -> int:
        return sum(len(listed) for listed in self.by_unit.values()) + len(self.whole_file) + len(self.orphaned)


def _unit_word(version: FileVersion) -> str:
    return kinds.KINDS[version.kind].unit or "page"


# Reading ------------------------------------------------------------------------------------------


def for_preview(user: User, attachment: Attachment, version: FileVersion) -> FileThreads | None:
    """The threads the preview of `version` shows; None for a reader who takes no part in the discussion.

    Open threads sit on their slide of the newest version. Reading an older version, the reader is pointed there
    instead: those threads have followed their slides, and showing them on the old slide numbers would mislead.
    Orphans, whole-file and closed threads belong to the file and are shown with every version."""
    if not can_discuss(user):
        return None
    threads = db.session.execute(
        select(Thread)
        .where(Thread.attachment_id == attachment.id)
        .options(
            selectinload(Thread.comments).selectinload(Comment.author),
            selectinload(Thread.author),
            selectinload(Thread.decided_by),
        )
        .order_by(Thread.unit, Thread.id)
    ).scalars()
    result = FileThreads(attachment, version, _unit_word(version))
    elsewhere: list[Thread] = []
    for thread in threads:
        if thread.state != ThreadState.OPEN:
            elsewhere.append(thread)
        elif thread.anchor_state == AnchorState.PAGE:
            result.whole_file.append(thread)
        elif thread.anchor_state == AnchorState.ORPHANED:
            elsewhere.append(thread)
        elif result.on_head:
            result.by_unit.setdefault(thread.unit, []).append(thread)
        else:
            result.on_newest += 1
    units = _units_of_versions(attachment, {t.anchored_number for t in elsewhere if t.unit is not None})
    for thread in sorted(elsewhere, key=lambda t: t.id, reverse=True):
        placed = _placed(thread, units)
        (result.closed if thread.state != ThreadState.OPEN else result.orphaned).append(placed)
    return result


def _units_of_versions(attachment: Attachment, numbers: set[int]) -> dict[int, list[dict]]:
    if not numbers:
        return {}
    rows = db.session.execute(
        select(FileVersion.number, FileVersion.units).where(
            FileVersion.attachment_id == attachment.id, FileVersion.number.in_(numbers)
        )
    ).all()
    return {row.number: row.units for row in rows}


def _placed(thread: Thread, units: dict[int, list[dict]]) -> Placed:
    """The slide a thread was last on, as that version has it: an orphan's slide is gone from the newest one."""
    if thread.unit is None or thread.anchor_state == AnchorState.PAGE:
        return Placed(thread)
    unit = units[thread.anchored_number][thread.unit - 1]
    return Placed(thread, thread.anchored_number, thread.unit, unit["title"], unit["text"])


# Writing ------------------------------------------------------------------------------------------


def start_thread(
    user: User, page: Page, attachment: Attachment, number: int, unit: int | None, body: str
) -> Thread:
    """A new comment on slide `unit` of version `number` of the file (on the whole file when `unit` is None),
    carried onto the newest version at once if `number` is older."""
    require(can_discuss(user), "Only the council and marketing leads comment on files.")
    body = check_comment(body)
    with write_transaction() as session:
        # The page's lock is the one uploads take too: a new version can't slip in between anchoring and carrying.
        page = lock_discussion(session, page)
        version = session.execute(
            select(FileVersion).where(FileVersion.attachment_id == attachment.id, FileVersion.number == number)
        ).scalar_one_or_none()
        if version is None:
            raise NotFound(f"“{attachment.name}” has no version {number}.")
        thread = Thread(
            page_id=page.id,
            attachment_id=attachment.id,
            kind=ThreadKind.COMMENT,
            author_id=user.id,
            origin_number=number,
            anchored_number=number,
        )
        if unit is None:
            thread.anchor_state = AnchorState.PAGE
        else:
            if not 1 <= unit <= len(version.units):
                raise BadInput(f"Version {number} of “{attachment.name}” has no {_unit_word(version)} {unit}.")
            fingerprint = unit_fingerprint(Unit(**version.units[unit - 1]))
            thread.anchor_state = AnchorState.ANCHORED
            thread.unit = unit
            thread.exact = thread.original_exact = fingerprint
            carry_to_head(session, thread)
        session.add(thread)
        session.flush()
        session.add(Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=utcnow()))
        search_index.index_thread(session, thread)
        _notify_mentions(session, user, page, thread, body)
    return thread


def get_file_thread(user: User, thread_id: int) -> tuple[Thread, Attachment]:
    """A thread on a file, with its file, for someone who takes part in the discussion; to anyone else it is
    missing, as the file itself may be (a draft's name is not the field's to learn)."""
    thread = db.session.get(Thread, thread_id)
    if not can_discuss(user) or thread is None or thread.attachment_id is None:
        raise NotFound("That comment thread doesn't exist (any more).")
    return thread, db.session.get(Attachment, thread.attachment_id)
