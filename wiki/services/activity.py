"""Who contributed what: the numbers behind the dashboards (and, later, the summaries' credits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import Date, Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from wiki.errors import require
from wiki.extensions import db
from wiki.models import (
    ContributionDay,
    CouncilMember,
    Page,
    Revision,
    Tactic,
    Thread,
    ThreadState,
    User,
    utcnow,
)
from wiki.models import tactic_pages as tactic_pages_table
from wiki.services import contributions
from wiki.services.contributions import KINDS
from wiki.services.permissions import can_publish, can_read_drafts


@dataclass(frozen=True)
class Contribution:
    member: User
    represents: str
    edits: int
    accepted_suggestions: int
    resolved_threads: int

    @property
    def total(self) -> int:
        return self.edits + self.accepted_suggestions + self.resolved_threads


def council_contributions(user: User, days: int = 90) -> list[Contribution]:
    """Per current council member over the last `days` (today and the days before it, UTC): edits saved, their
    suggestions accepted, and their threads (recommendations) resolved — most active first. Summed from the
    numbers kept per person and day (wiki/services/contributions.py): a row per member and day, however busy."""
    require(can_publish(user), "Only marketing leads see the contributions chart.")
    first_day = contributions.day_of(utcnow()) - timedelta(days=days - 1)
    rows = [
        Contribution(seat.user, seat.represents, *numbers)
        for seat, *numbers in db.session.execute(_contributions_since(), {"first_day": first_day})
    ]
    return sorted(rows, key=lambda row: (-row.total, row.member.name))


@cache
def _contributions_since() -> Select:
    """Each current seat with its holder and what they did from the day `first_day` on, in one statement, built
    once: putting it together costs more than running it."""
    summed = (
        select(ContributionDay.user_id, *(func.sum(ContributionDay.__table__.c[kind]).label(kind) for kind in KINDS))
        .where(
            ContributionDay.day >= bindparam("first_day", type_=Date),
            ContributionDay.user_id.in_(select(CouncilMember.user_id).where(CouncilMember.left_at.is_(None))),
        )
        .group_by(ContributionDay.user_id)
        .subquery()
    )
    return (
        select(CouncilMember, *(func.coalesce(summed.c[kind], 0) for kind in KINDS))
        .options(joinedload(CouncilMember.user))
        .outerjoin(summed, summed.c.user_id == CouncilMember.user_id)
        .where(CouncilMember.left_at.is_(None))
        .order_by(CouncilMember.represents)
    )


def my_recent_revisions(user: User, limit: int = 8) -> list[Revision]:
    require(can_read_drafts(user), "Only the council and marketing leads edit pages.")
    return list(
        db.session.execute(
            select(Revision)
            # Each links to its page, and names who accepted it when it was a suggestion.
            .options(joinedload(Revision.page), joinedload(Revision.accepted_by))
            .where(Revision.author_id == user.id)
            .order_by(Revision.created_at.desc(), Revision.id.desc())
            .limit(limit)
        ).scalars()
    )


def open_threads_on_my_pages(user: User, limit: int = 20) -> list[Thread]:
    """Open comments and suggestions on the pages this person answers for: the pages of the tactics
    they own, and the pages they created."""
    require(can_read_drafts(user), "Only the council and marketing leads take part in the discussion.")
    owned_pages = (
        select(tactic_pages_table.c.page_id)
        .join(Tactic, Tactic.id == tactic_pages_table.c.tactic_id)
        .where(Tactic.owner_id == user.id)
    )
    # Two lists rather than their union: the newest open threads are read from ix_threads_state_created and each
    # looked up in both lists (hashed on PostgreSQL, which compared each thread with every page of a union).
    mine = Thread.page_id.in_(select(Page.id).where(Page.created_by_id == user.id)) | Thread.page_id.in_(owned_pages)
    return list(
        db.session.execute(
            select(Thread)
            # The list names each thread's author and its page, by the title this reader sees.
            .options(
                joinedload(Thread.author),
                joinedload(Thread.page).options(joinedload(Page.head), joinedload(Page.published)),
            )
            .where(
                mine,
                Thread.state == ThreadState.OPEN,
                Thread.author_id != user.id,
            )
            .order_by(Thread.created_at.desc())
            .limit(limit)
        ).scalars()
    )
