"""Who is editing a page (issue 15, part 4): the open editor's heartbeat, and what the others are told.

Presence is a hint so that two people know before they would conflict, not a lock: saving still merges or
conflicts as ever (wiki/services/pages.py). Someone is editing while their editor keeps beating; a row whose beats
stopped (a closed laptop, a dropped connection) is ignored once it is older than the window, and swept at the next
beat. Its table doesn't move the wiki's generation (wiki/generation.py), so beating keeps every kept page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from wiki.db import write_transaction
from wiki.errors import require
from wiki.extensions import db
from wiki.models import EditingPresence, User, utcnow
from wiki.services.pages import check_slug
from wiki.services.permissions import can_edit, can_see_who_is_editing


@dataclass(frozen=True)
class Editor:
    """Someone else with the editor open: who, and since when."""

    name: str
    since: datetime


def beat(user: User, slug: str, now: datetime | None = None) -> list[Editor]:
    """The editor of `slug` is open in front of `user`: keep them listed, and say who else is editing it."""
    require(can_edit(user), "Only the council and marketing leads edit pages.")
    check_slug(slug)
    now = now or utcnow()
    with write_transaction() as session:
        # The stale rows go first, so a beat after a long silence starts a new stay rather than extending the old.
        session.execute(delete(EditingPresence).where(EditingPresence.seen_at < _cutoff(now)))
        session.execute(_upsert(slug, user.id, now))
    return editing(user, slug, now)


def leave(user: User, slug: str) -> None:
    """The editor closed (the browser says so as the page goes): the others stop seeing them at their next look."""
    require(can_edit(user), "Only the council and marketing leads edit pages.")
    check_slug(slug)
    with write_transaction() as session:
        session.execute(delete(EditingPresence).where(EditingPresence.slug == slug, EditingPresence.user_id == user.id))


def editing(user: User, slug: str, now: datetime | None = None) -> list[Editor]:
    """Everyone but `user` whose editor of `slug` beat within the window, the longest there first."""
    require(can_see_who_is_editing(user), "Only the council and marketing leads see who is editing a page.")
    check_slug(slug)
    rows = db.session.execute(
        select(User.name, EditingPresence.started_at)
        .join(User, User.id == EditingPresence.user_id)
        .where(
            EditingPresence.slug == slug,
            EditingPresence.user_id != user.id,
            EditingPresence.seen_at >= _cutoff(now or utcnow()),
        )
        .order_by(EditingPresence.started_at, User.name)
    )
    return [Editor(name=name, since=since) for name, since in rows]


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config["PRESENCE_WINDOW_SECONDS"])


def _upsert(slug: str, user_id: int, now: datetime):
    """One statement, so the same person's two tabs beating at once can't both insert (PostgreSQL has no
    BEGIN IMMEDIATE to put them in line)."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(EditingPresence).values(slug=slug, user_id=user_id, started_at=now, seen_at=now)
    return statement.on_conflict_do_update(index_elements=["slug", "user_id"], set_={"seen_at": now})
