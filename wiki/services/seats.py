"""Who is on the council, and the one way off it.

Being on the council means holding a current seat (a CouncilMember row with no left_at). A seat needs an
active account with the council role, so a removal from the council page, a change of role on the People
page or the command line, and a deactivation all end it here, the same way: the seat ends, the tactics it
owned wait for a new owner, and the leads and the person hear about it in their inbox.

Below accounts and council, which both call it, so neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from wiki.db import lock_row
from wiki.models import CouncilMember, NotificationKind, Role, Tactic, User, utcnow
from wiki.services import inbox


@dataclass(frozen=True)
class SeatEnd:
    member: CouncilMember
    unassigned: list[str]  # names of the tactics left without an owner


def current_seat(session, user_id: int, *, lock: bool = False) -> CouncilMember | None:
    """The person's seat on the council now, if they have one (at most one: a partial unique index)."""
    query = select(CouncilMember).where(CouncilMember.user_id == user_id, CouncilMember.left_at.is_(None))
    return lock_row(session, query) if lock else session.execute(query).scalar_one_or_none()


def end_seat(session, member: CouncilMember, actor: User | None) -> SeatEnd:
    """End the seat inside the caller's transaction, leaving its tactics without an owner.

    `actor` is whoever made the change, or None from the command line (the notices then come from the
    person themselves, as nobody signed in did it)."""
    person = member.user
    member.left_at = utcnow()
    owned = list(session.execute(select(Tactic).where(Tactic.owner_id == person.id).order_by(Tactic.name)).scalars())
    leads = session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars()
    told = {*leads, person.id}
    for tactic in owned:
        tactic.owner_id = None
        inbox.notify(
            session,
            told,
            NotificationKind.COUNCIL,
            actor or person,
            tactic.plan,
            f"{person.name} left the council ({member.represents}): “{tactic.name}” needs a new owner.",
        )
    return SeatEnd(member, [tactic.name for tactic in owned])
