"""The council's seats: who is on it, for which region or group, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import CouncilMember, Page, PageKind, Revision, Role, Tactic, User
from wiki.services import tactics
from wiki.services.accounts import apply_role
from wiki.services.pages import shown_id
from wiki.services.permissions import can_manage_council, is_signed_in
from wiki.services.seats import current_seat, end_seat
from wiki.services.tactics import TacticRow

MAX_REPRESENTS = 80


class OverTarget(Conflict):
    """Adding would take the council past its target size: the lead confirms, then the member is added."""

    def __init__(self, size: int, target: int):
        super().__init__(f"This makes {size} members; the council's target is {target}. Add anyway?")
        self.size = size
        self.target = target


@dataclass(frozen=True)
class Seat:
    member: CouncilMember
    tactics: list[TacticRow]


@dataclass(frozen=True)
class SeatChange:
    """What joining or leaving did besides the seat itself, so the lead can be told."""

    member: CouncilMember
    role_changed: bool
    unassigned: list[str]  # names of the tactics left without an owner


@dataclass(frozen=True)
class Overview:
    members: list[Seat]
    former: list[CouncilMember]
    plans: list[tuple[Page, list[TacticRow]]]
    target: int
    candidates: list[User]  # whom a lead can add; empty for everyone else


def _members(current: bool):
    query = select(CouncilMember).options(selectinload(CouncilMember.user))
    if current:
        return query.where(CouncilMember.left_at.is_(None)).order_by(CouncilMember.represents)
    return query.where(CouncilMember.left_at.is_not(None)).order_by(CouncilMember.left_at.desc())


def current_members(user: User) -> list[CouncilMember]:
    """Everyone signed in may see who is on the council."""
    require(is_signed_in(user), "Sign in to see the council.")
    return list(db.session.execute(_members(current=True)).scalars())


def former_members(user: User) -> list[CouncilMember]:
    """Past seats, most recent first; a person who left and came back appears in both lists."""
    require(is_signed_in(user), "Sign in to see the council.")
    return list(db.session.execute(_members(current=False)).scalars())


def candidates(user: User) -> list[User]:
    """Active field reps and council-role users without a current seat."""
    require(can_manage_council(user), "Only marketing leads manage the council.")
    seated = select(CouncilMember.user_id).where(CouncilMember.left_at.is_(None))
    return list(
        db.session.execute(
            select(User)
            .where(User.active.is_(True), User.role.in_((Role.FIELD, Role.COUNCIL)), User.id.not_in(seated))
            .order_by(func.lower(User.name))
        ).scalars()
    )


def target_size() -> int:
    return current_app.config["COUNCIL_TARGET_SIZE"]


def overview(user: User, now: datetime | None = None) -> Overview:
    """The council page: members with what they own, former members, and every plan's tactics."""
    rows = tactics.all_tactics(user, now)
    by_owner: dict[int, list[TacticRow]] = {}
    by_plan: dict[int, list[TacticRow]] = {}
    for row in rows:
        by_plan.setdefault(row.tactic.plan_id, []).append(row)
        if row.tactic.owner_id is not None:
            by_owner.setdefault(row.tactic.owner_id, []).append(row)
    # Plans by the kind and title this reader sees (a draft retitle or a page turned into a plan stays with staff).
    plans = db.session.execute(
        select(Page, Revision)
        .join(Revision, Revision.id == shown_id(user))
        .where(Revision.kind == PageKind.PLAN)
        .order_by(func.lower(Revision.title))
    )
    return Overview(
        members=[Seat(member, by_owner.get(member.user_id, [])) for member in current_members(user)],
        former=former_members(user),
        plans=[(plan, by_plan.get(plan.id, [])) for plan, _ in plans],
        target=target_size(),
        candidates=candidates(user) if can_manage_council(user) else [],
    )


def add_member(
    user: User,
    person_id: int | None,
    represents: str,
    term_start: date | None,
    term_end: date | None,
    *,
    confirm_over_target: bool = False,
) -> SeatChange:
    """Give a field rep or council-role user a seat. A field rep becomes `council`, which signs them out."""
    require(can_manage_council(user), "Only marketing leads manage the council.")
    if person_id is None:
        raise BadInput("Choose who joins the council.", field="person_id")
    if term_start is None:
        raise BadInput("Give the date the term starts.", field="term_start")
    if term_end is not None and term_end < term_start:
        raise BadInput("The term can't end before it starts.", field="term_end")
    represents = " ".join((represents or "").split())
    try:
        with write_transaction() as session:
            person = session.get(User, person_id)
            if person is None or not person.active:
                raise BadInput("Choose an active person from the list.", field="person_id")
            if person.role == Role.LEAD:
                raise BadInput(
                    f"{person.name} is a marketing lead; leads run the council, they don't sit on it.",
                    field="person_id",
                )
            represents = represents or (person.region or "")
            if not represents:
                raise BadInput(f"Say which region or group {person.name} speaks for.", field="represents")
            if len(represents) > MAX_REPRESENTS:
                raise BadInput(f"The region or group can be at most {MAX_REPRESENTS} characters.", field="represents")
            seat = current_seat(session, person.id)
            if seat is not None:
                raise Conflict(f"{person.name} is already on the council, for {seat.represents}.", field="person_id")
            size = (
                session.execute(
                    select(func.count()).select_from(CouncilMember).where(CouncilMember.left_at.is_(None))
                ).scalar_one()
                + 1
            )
            if size > target_size() and not confirm_over_target:
                raise OverTarget(size, target_size())
            member = CouncilMember(
                user_id=person.id,
                represents=represents,
                term_start=term_start,
                term_end=term_end,
                added_by_id=user.id,
            )
            session.add(member)
            role_changed = person.role == Role.FIELD
            if role_changed:
                apply_role(session, person, Role.COUNCIL, user)
            session.flush()
    except IntegrityError:
        # The partial unique index: another lead seated the same person a moment ago.
        raise Conflict("That person was just added to the council by someone else.", field="person_id") from None
    return SeatChange(member, role_changed, [])


def _seat(session, member_id: int, *, lock: bool = False) -> CouncilMember:
    query = select(CouncilMember).where(CouncilMember.id == member_id)
    member = lock_row(session, query) if lock else session.execute(query).scalar_one_or_none()
    if member is None:
        raise NotFound("There is no such council seat.")
    if member.left_at is not None:
        raise Conflict(f"{member.user.name} already left the council.")
    return member


def removal_preview(user: User, member_id: int) -> SeatChange:
    """What removing this member would do, for the confirmation page."""
    require(can_manage_council(user), "Only marketing leads manage the council.")
    member = _seat(db.session, member_id)
    owned = db.session.execute(select(Tactic.name).where(Tactic.owner_id == member.user_id).order_by(Tactic.name))
    return SeatChange(member, member.user.role == Role.COUNCIL, list(owned.scalars()))


def remove_member(user: User, member_id: int) -> SeatChange:
    """End the seat, put a council-role member back to field, and leave their tactics needing an owner."""
    require(can_manage_council(user), "Only marketing leads manage the council.")
    with write_transaction() as session:
        member = _seat(session, member_id, lock=True)
        ended = end_seat(session, member, user)
        role_changed = member.user.role == Role.COUNCIL
        if role_changed:
            apply_role(session, member.user, Role.FIELD, user)
    return SeatChange(member, role_changed, ended.unassigned)
