"""Keeping threads on a file's slides and pages with their slide as new versions arrive.

Called inside the transaction that adds each version, so a thread and the version it points into never
disagree. A slide that moved keeps its thread; one that is gone orphans it (a thread on the wrong slide is
worse than an orphan, which still shows the slide it was about).
"""

from __future__ import annotations

from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.files import kinds
from wiki.files.changes import match
from wiki.files.extract import Unit
from wiki.models import AnchorState, Attachment, FileVersion, Thread, ThreadState


def unit_fingerprint(unit: Unit) -> str:
    """What a thread remembers of its slide: enough to show an orphan, and to recognise the slide later."""
    return "\n".join(part for part in (unit.title, unit.text, unit.notes) if part)


def follow_new_version(session: Session, attachment: Attachment, previous: FileVersion, version: FileVersion) -> None:
    threads = list(
        session.execute(
            select(Thread).where(
                Thread.attachment_id == attachment.id,
                Thread.state == ThreadState.OPEN,
                Thread.anchor_state == AnchorState.ANCHORED,
                Thread.anchored_number == previous.number,
            )
        ).scalars()
    )
    if not threads:
        return
    new_units = [Unit(**unit) for unit in version.units]
    moves = match([Unit(**unit) for unit in previous.units], new_units)
    for thread in threads:
        _step(thread, moves, new_units, version.number)


def _step(thread: Thread, moves: dict[int, int | None], new_units: list[Unit], number: int) -> bool:
    """Move the thread to its slide in version `number`, or orphan it there; False when it was orphaned."""
    new_index = moves.get(thread.unit - 1) if thread.unit else None
    if new_index is None:
        thread.anchor_state = AnchorState.ORPHANED
        return False
    thread.unit = new_index + 1
    thread.anchored_number = number
    thread.exact = unit_fingerprint(new_units[new_index])
    return True


def carry_to_head(session: Session, thread: Thread) -> None:
    """Bring a thread on a slide of an older version to the file's newest version: for a comment made on an old
    version, and for a reopened thread that missed the versions uploaded while it was resolved.

    It goes version by version, as an open thread does, so it lands where a thread left open all along would."""
    if thread.anchor_state != AnchorState.ANCHORED:
        return
    attachment = session.get(Attachment, thread.attachment_id)
    if thread.anchored_number >= attachment.head_number:
        return
    versions = session.execute(
        select(FileVersion.number, FileVersion.units)
        .where(FileVersion.attachment_id == attachment.id, FileVersion.number >= thread.anchored_number)
        .order_by(FileVersion.number)
    ).all()
    for previous, version in pairwise(versions):
        new_units = [Unit(**unit) for unit in version.units]
        moves = match([Unit(**unit) for unit in previous.units], new_units)
        if not _step(thread, moves, new_units, version.number):
            return


def where_it_is(session: Session, thread: Thread) -> str:
    """Where a notice says a thread on a file is: "slide 7 of customer-presentation.pptx", or the file's name
    for a thread on the whole file or on a slide that is gone."""
    attachment = session.get(Attachment, thread.attachment_id)
    unit_word = kinds.KINDS[attachment.head.kind].unit
    if thread.anchor_state == AnchorState.ANCHORED and thread.unit and unit_word:
        return f"{unit_word} {thread.unit} of {attachment.name}"
    return attachment.name
