"""What each person contributed, day by day, kept as it happens: the numbers behind the leads' contributions
chart (wiki/services/activity.py council_contributions). A revision counts on the day it was saved, as an edit or,
credited to whoever suggested it, as an accepted suggestion; a comment thread counts for its author on the day it
was last resolved, and no longer once it is reopened."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Integer, delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from wiki.db import utc_day, write_transaction
from wiki.models import ContributionDay, Revision, RevisionOrigin, Thread, ThreadKind, ThreadState

EDITS, SUGGESTIONS, RESOLVED = "edits", "accepted_suggestions", "resolved_threads"
KINDS = (EDITS, SUGGESTIONS, RESOLVED)


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def count(session, user_id: int, kind: str, at: datetime, by: int = 1) -> None:
    """Add `by` (-1 takes one back) to the `kind` of contributions `user_id` made on the day of `at`: one
    statement that makes the day's row or adds to it, so two saves by the same person at once both count."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    row = {"user_id": user_id, "day": day_of(at), **dict.fromkeys(KINDS, 0), kind: by}
    statement = dialect.insert(ContributionDay).values(row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "day"], set_={kind: ContributionDay.__table__.c[kind] + by}
        )
    )


def revision_saved(session, revision: Revision) -> None:
    kind = SUGGESTIONS if revision.origin == RevisionOrigin.SUGGESTION else EDITS
    count(session, revision.author_id, kind, revision.created_at)


def recount() -> None:
    """Every day's numbers counted again from the revisions and threads, for history stored around the services
    (the demo spreads its history over a month; the bench loads it in bulk)."""

    def per_day(user, moment, kind: str, *conditions):
        columns = [literal(1 if name == kind else 0, Integer).label(name) for name in KINDS]
        return select(user.label("user_id"), utc_day(moment).label("day"), *columns).where(*conditions)

    every = union_all(
        per_day(Revision.author_id, Revision.created_at, EDITS, Revision.origin != RevisionOrigin.SUGGESTION),
        per_day(Revision.author_id, Revision.created_at, SUGGESTIONS, Revision.origin == RevisionOrigin.SUGGESTION),
        per_day(
            Thread.author_id,
            Thread.decided_at,
            RESOLVED,
            Thread.kind == ThreadKind.COMMENT,
            Thread.state == ThreadState.RESOLVED,
        ),
    ).subquery()
    summed = select(every.c.user_id, every.c.day, *(func.sum(every.c[name]) for name in KINDS)).group_by(
        every.c.user_id, every.c.day
    )
    with write_transaction() as session:
        session.execute(delete(ContributionDay))
        session.execute(insert(ContributionDay).from_select(["user_id", "day", *KINDS], summed))
