"""Keeping open threads and suggestions attached to their passages as the page changes.

Called inside the transaction that writes each new revision, so anchors and text never disagree.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.models import AnchorState, Page, Thread, ThreadKind, ThreadState
from wiki.text.anchor import Anchor, Reanchorer

_LIVE = (AnchorState.ANCHORED, AnchorState.STALE)


def anchor_of(thread: Thread) -> Anchor:
    return Anchor(exact=thread.exact, prefix=thread.prefix, suffix=thread.suffix, start=thread.start or 0)


def apply_anchor(thread: Thread, anchor: Anchor, number: int) -> None:
    thread.exact, thread.prefix, thread.suffix, thread.start = anchor.exact, anchor.prefix, anchor.suffix, anchor.start
    thread.anchored_number = number


def reanchor_threads(session: Session, page: Page, old_text: str, new_text: str, new_number: int) -> None:
    threads = session.execute(
        select(Thread).where(
            Thread.page_id == page.id,
            Thread.attachment_id.is_(None),
            Thread.state == ThreadState.OPEN,
            Thread.anchor_state.in_(_LIVE),
        )
    ).scalars()
    reanchorer: Reanchorer | None = None
    for thread in threads:
        if reanchorer is None:
            reanchorer = Reanchorer(old_text, new_text)
        moved = reanchorer.reanchor(anchor_of(thread))
        if thread.kind == ThreadKind.SUGGESTION:
            _follow_suggestion(thread, moved, new_number)
        elif moved is None:
            thread.anchor_state = AnchorState.ORPHANED
        else:
            apply_anchor(thread, moved, new_number)


def _follow_suggestion(thread: Thread, moved: Anchor | None, number: int) -> None:
    """A suggestion replaces exact text; if that text changed at all, applying it would undo someone's
    edit, so it goes stale until its author refreshes it against the new wording."""
    if moved is not None and thread.anchor_state == AnchorState.ANCHORED and moved.exact == thread.exact:
        apply_anchor(thread, moved, number)
        return
    thread.anchor_state = AnchorState.STALE
    if moved is not None:
        apply_anchor(thread, moved, number)
