"""Tactics: the lines of a plan that council members own and keep reviewing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Integer, Select, bindparam, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from wiki.db import day_number, lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import (
    CouncilMember,
    Page,
    PageKind,
    Revision,
    Tactic,
    TacticReview,
    TacticStatus,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    UTCDateTime,
    tactic_pages,
    utcnow,
)
from wiki.services.pages import name_for_staff, shown, shown_id, shown_id_for, shown_revision, shown_revision_for
from wiki.services.permissions import (
    PageOwners,
    can_manage_tactics,
    can_read_drafts,
    can_review_tactic,
    can_see_page,
    is_signed_in,
)
from wiki.services.seats import current_seat

MAX_NAME = 120
MAX_DESCRIPTION = 20_000
MAX_NOTE = 1000
MAX_CADENCE_DAYS = 365
LINKABLE_KINDS = (PageKind.COLLATERAL, PageKind.NOTE)


@dataclass(frozen=True)
class TacticFields:
    """A tactic as a lead typed it; every value is checked by create_tactic / update_tactic."""

    name: str
    description: str = ""
    page_ids: tuple[int | str, ...] = ()
    cadence_days: int | str | None = 14
    status: str = TacticStatus.ACTIVE.value
    owner_id: int | str | None = None


@dataclass(frozen=True)
class TacticRow:
    """A tactic as a reader sees it in a list: what it links, when its next review is due, what waits."""

    tactic: Tactic
    pages: list[Page]  # the linked pages this reader can open (left out of Attention's rows)
    due_in: int | None  # whole days until the next review, negative when overdue; None unless active
    open_suggestions: int

    @property
    def overdue(self) -> bool:
        return self.due_in is not None and self.due_in < 0

    @property
    def overdue_by(self) -> int:
        return -self.due_in if self.overdue else 0


@dataclass(frozen=True)
class OwnerChoice:
    member: CouncilMember
    owns: Tactic | None  # the tactic they already own in this plan, if any


# Review cadence -----------------------------------------------------------------------------------


def next_review_due(tactic: Tactic) -> datetime:
    return (tactic.last_reviewed_at or tactic.created_at) + timedelta(days=tactic.cadence_days)


def is_overdue(tactic: Tactic, now: datetime) -> bool:
    """Only active tactics fall behind: planned, paused and finished ones have nothing to review."""
    return tactic.status == TacticStatus.ACTIVE and next_review_due(tactic) < now


def due_in_days(tactic: Tactic, now: datetime) -> int:
    """Days until the next review (rounded up: due within that many days), or minus the whole days it is
    overdue, at least one, so a late tactic never reads as "overdue by 0 days"."""
    left = (next_review_due(tactic) - now) / timedelta(days=1)
    return math.ceil(left) if left >= 0 else -max(1, math.floor(-left))


# Reading ------------------------------------------------------------------------------------------


def _loaded(user: User, pages: bool = True):
    """Tactics with their owner and plan, and unless `pages` is False their linked pages, each page with the
    revision this reader sees of it (its title)."""
    revision = shown_revision(user)
    # Each tactic has one owner and one plan: joined into the tactics' own statement.
    options = [joinedload(Tactic.owner), joinedload(Tactic.plan).joinedload(revision)]
    if pages:
        options.append(selectinload(Tactic.pages).joinedload(revision))
    return select(Tactic).options(*options)


def _open_suggestions():
    """How many suggestions wait on the pages a tactic links, counted by tactic."""
    return (
        select(func.count(Thread.id))
        .select_from(tactic_pages)
        .join(Thread, Thread.page_id == tactic_pages.c.page_id)
        .where(
            tactic_pages.c.tactic_id == Tactic.id,
            Thread.kind == ThreadKind.SUGGESTION,
            Thread.state == ThreadState.OPEN,
        )
    )


def _open_suggestion_counts(tactic_ids: list[int]) -> dict[int, int]:
    if not tactic_ids:
        return {}
    rows = db.session.execute(
        _open_suggestions()
        .add_columns(tactic_pages.c.tactic_id)
        .where(tactic_pages.c.tactic_id.in_(tactic_ids))
        .group_by(tactic_pages.c.tactic_id)
    )
    return {tactic_id: count for count, tactic_id in rows}


def _rows(
    user: User, tactics: list[Tactic], now: datetime | None, pages: bool = True, counts: dict[int, int] | None = None
) -> list[TacticRow]:
    """Each tactic as a row; `counts` are their open suggestions when already read, else they are read here."""
    now = now or utcnow()
    visible = [tactic for tactic in tactics if can_see_page(user, tactic.plan)]
    if counts is None:
        counts = _open_suggestion_counts([tactic.id for tactic in visible])
    return [
        TacticRow(
            tactic=tactic,
            pages=sorted(
                (page for page in tactic.pages if can_see_page(user, page)),
                key=lambda page: shown(user, page).title.lower(),
            )
            if pages
            else [],
            due_in=due_in_days(tactic, now) if tactic.status == TacticStatus.ACTIVE else None,
            open_suggestions=counts.get(tactic.id, 0),
        )
        for tactic in visible
    ]


def all_tactics(user: User, now: datetime | None = None) -> list[TacticRow]:
    """Every tactic of every plan this reader can see, plan by plan."""
    require(is_signed_in(user), "Sign in to see the plan's tactics.")
    loaded = db.session.execute(
        _loaded(user)
        .join(Tactic.plan)
        .join(Revision, Revision.id == shown_id(user))
        .order_by(func.lower(Revision.title), Tactic.name)
    )
    return _rows(user, list(loaded.scalars()), now)


@dataclass(frozen=True)
class Attention:
    """The tactics a lead should look at first, and how many there are in all. The rows name no pages: the card
    shows each tactic's plan, owner and reviews, and the tactic's own page lists what it links."""

    rows: list[TacticRow]
    total: int
    overdue: int
    unowned: int


def needing_attention(user: User, limit: int, now: datetime | None = None) -> Attention:
    """The `limit` most urgent tactics of the plans this reader can see, with counts over all of them: the home
    page's card, the Council page has the rest. Overdue reviews come first (already late), then tactics nobody
    owns (nobody will review them), then the rest of the active ones by when their review is due, and tactics
    not active last. Ranked and counted in the database in one statement: `limit` rows come back however many
    tactics there are, and only those are loaded whole."""
    require(is_signed_in(user), "Sign in to see the plan's tactics.")
    now = now or utcnow()
    rows = db.session.execute(_most_urgent(can_read_drafts(user)), {"now": now, "limit": limit}).all()
    total, overdue, unowned = rows[0][2:] if rows else (0, 0, 0)
    return Attention(
        rows=_rows(user, [tactic for tactic, *_ in rows], now, pages=False, counts={t.id: n for t, n, *_ in rows}),
        total=total,
        overdue=overdue,
        unowned=unowned,
    )


@cache
def _most_urgent(drafts: bool) -> Select:
    """needing_attention's statement, built once for each kind of reader (putting it together costs more than
    running it): each tactic with its owner, plan and open suggestions, then the counts over all of them."""
    active = Tactic.status == TacticStatus.ACTIVE
    # next_review_due and is_overdue, as the database reckons them.
    due = day_number(func.coalesce(Tactic.last_reviewed_at, Tactic.created_at)) + Tactic.cadence_days
    overdue = active & (due < day_number(bindparam("now", type_=UTCDateTime)))
    unowned = Tactic.owner_id.is_(None)

    def first(condition):
        return case((condition, 0), else_=1)

    plan = aliased(Page)
    shown = shown_id_for(drafts, plan)
    order = (first(active), first(overdue), first(unowned), due, Tactic.id)
    ranked = (
        select(
            Tactic.id,
            func.row_number().over(order_by=order).label("position"),
            func.count().over().label("total"),
            func.sum(1 - first(overdue)).over().label("overdue"),
            func.sum(1 - first(unowned)).over().label("unowned"),
        )
        .join(plan, plan.id == Tactic.plan_id)
        # The field sees the tactics of published plans only, as it sees the plans.
        .where(shown.is_not(None))
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    # The chosen few are loaded whole, their suggestions counted, only once they are chosen.
    return (
        select(
            Tactic,
            _open_suggestions().correlate(Tactic).scalar_subquery(),
            ranked.c.total,
            ranked.c.overdue,
            ranked.c.unowned,
        )
        .join(ranked, ranked.c.id == Tactic.id)
        .options(joinedload(Tactic.owner), joinedload(Tactic.plan).joinedload(shown_revision_for(drafts)))
        .order_by(ranked.c.position)
    )


def tactics_for_plan(user: User, plan: Page, now: datetime | None = None) -> list[TacticRow]:
    require(is_signed_in(user), "Sign in to see the plan's tactics.")
    loaded = db.session.execute(_loaded(user).where(Tactic.plan_id == plan.id).order_by(Tactic.name))
    return _rows(user, list(loaded.scalars()), now)


def tactic_for_owner(user: User, member: User, now: datetime | None = None) -> list[TacticRow]:
    """What `member` owns (one tactic per plan), e.g. for their own dashboard."""
    require(is_signed_in(user), "Sign in to see the plan's tactics.")
    loaded = db.session.execute(_loaded(user).where(Tactic.owner_id == member.id).order_by(Tactic.name))
    return _rows(user, list(loaded.scalars()), now)


def _visible(user: User, tactic: Tactic | None) -> Tactic:
    if tactic is None or not can_see_page(user, tactic.plan):
        raise NotFound("There is no such tactic.")
    return tactic


def get_tactic(user: User, tactic_id: int) -> Tactic:
    require(is_signed_in(user), "Sign in to see the plan's tactics.")
    return _visible(user, db.session.get(Tactic, tactic_id))


def tactic_row(user: User, tactic_id: int, now: datetime | None = None) -> TacticRow:
    """A tactic for its own page: its pages, and its reviews with who made each, loaded with it."""
    require(is_signed_in(user), "Sign in to see the plan's tactics.")
    tactic = db.session.execute(
        _loaded(user)
        .options(selectinload(Tactic.reviews).selectinload(TacticReview.reviewer))
        .where(Tactic.id == tactic_id)
    ).scalar_one_or_none()
    return _rows(user, [_visible(user, tactic)], now)[0]


def page_owners(page: Page) -> PageOwners:
    """The owners of the tactics that link this page.

    A plan with tactics is covered too, but owned by nobody: each member owns a line of the plan, not
    the plan, so suggestions on the plan itself are the leads' to decide."""
    linked = select(tactic_pages.c.tactic_id).where(tactic_pages.c.page_id == page.id)
    rows = db.session.execute(
        select(Tactic.owner_id, Tactic.plan_id).where(or_(Tactic.plan_id == page.id, Tactic.id.in_(linked)))
    ).all()
    owners = frozenset(owner for owner, plan_id in rows if owner is not None and plan_id != page.id)
    return PageOwners(covered=bool(rows), user_ids=owners)


# The tactic form ----------------------------------------------------------------------------------


def plan_for_new_tactic(user: User, slug: str) -> Page:
    require(can_manage_tactics(user), "Only marketing leads create tactics.")
    plan = db.session.execute(select(Page).where(Page.slug == (slug or "").strip())).scalar_one_or_none()
    if plan is None:
        raise NotFound(f"There is no plan called “{slug}”.")
    _check_is_plan(plan)
    return plan


def tactic_to_edit(user: User, tactic_id: int) -> Tactic:
    require(can_manage_tactics(user), "Only marketing leads edit tactics.")
    return get_tactic(user, tactic_id)


def owner_choices(user: User, plan: Page) -> list[OwnerChoice]:
    """Current council members, each with the tactic they already own in this plan (if any)."""
    require(can_manage_tactics(user), "Only marketing leads assign tactics.")
    members = db.session.execute(
        select(CouncilMember)
        .join(CouncilMember.user)
        .where(CouncilMember.left_at.is_(None))
        .options(selectinload(CouncilMember.user))
        .order_by(func.lower(User.name))
    ).scalars()
    owned = {
        tactic.owner_id: tactic
        for tactic in db.session.execute(
            select(Tactic).where(Tactic.plan_id == plan.id, Tactic.owner_id.is_not(None))
        ).scalars()
    }
    return [OwnerChoice(member, owned.get(member.user_id)) for member in members]


def linkable_pages(user: User) -> list[Page]:
    require(can_manage_tactics(user), "Only marketing leads link pages to tactics.")
    return list(
        db.session.execute(
            select(Page)
            .join(Revision, Revision.id == Page.head_revision_id)
            # The form names each page by its head (a lead's view), read in the same query.
            .options(contains_eager(Page.head))
            .where(Revision.kind.in_(LINKABLE_KINDS))
            .order_by(Revision.kind, func.lower(Revision.title))
        ).scalars()
    )


# Writing ------------------------------------------------------------------------------------------


def _check_is_plan(plan: Page) -> None:
    head = plan.head
    if head is None or head.kind != PageKind.PLAN:
        kind = head.kind.value if head is not None else "empty"
        raise BadInput(f"Tactics belong to a plan; “{name_for_staff(plan)}” is a {kind} page.")


def _check_text(value: str, field: str, label: str, limit: int, *, required: bool) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise BadInput(f"Give the tactic a {label}.", field=field)
    if len(value) > limit:
        raise BadInput(f"The {label} can be at most {limit} characters.", field=field)
    if "\x00" in value:
        raise BadInput(f"The {label} contains NUL characters, which can't be stored.", field=field)
    return value


def _check_cadence(value: int | str | None) -> int:
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_CADENCE_DAYS:
        raise BadInput(
            f"The review cadence is a number of days from 1 to {MAX_CADENCE_DAYS} (14 for every two weeks).",
            field="cadence_days",
        )
    return int(text)


def _check_status(value: str) -> TacticStatus:
    try:
        return TacticStatus(value)
    except ValueError:
        raise BadInput("The status must be planned, active, paused or done.", field="status") from None


def _as_id(value: int | str | None) -> int | None:
    """An id from a form: a positive whole number, or None for an empty or malformed value."""
    text = str(value if value is not None else "").strip()
    # isascii: "²".isdigit() is true, but int("²") raises.
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 10 else None


def _check_owner(session, owner_id: int | str | None) -> User | None:
    if owner_id is None or str(owner_id).strip() == "":
        return None
    member = current_seat(session, _as_id(owner_id))
    if member is None:
        raise BadInput("The owner must be a current council member; pick one from the list.", field="owner_id")
    return member.user


def _owned_in_plan(session, plan_id: int, owner_id: int, excluding: int | None) -> Tactic | None:
    query = select(Tactic).where(Tactic.plan_id == plan_id, Tactic.owner_id == owner_id)
    if excluding is not None:
        query = query.where(Tactic.id != excluding)
    return session.execute(query).scalar_one_or_none()


def _owner_taken(owner: User | None, taken: Tactic | None) -> Conflict:
    who = owner.name if owner is not None else "That council member"
    what = f"“{taken.name}”" if taken is not None else "another tactic"
    return Conflict(
        f"{who} already owns {what} in this plan; a council member owns at most one tactic per plan.",
        field="owner_id",
    )


def _check_owner_free(session, plan_id: int, owner: User, tactic_id: int | None) -> None:
    """The friendly check. The unique constraint on (plan, owner) still decides when two saves race."""
    taken = _owned_in_plan(session, plan_id, owner.id, tactic_id)
    if taken is not None:
        raise _owner_taken(owner, taken)


def _check_name_free(session, plan_id: int, name: str, tactic_id: int | None) -> None:
    query = select(Tactic.id).where(Tactic.plan_id == plan_id, func.lower(Tactic.name) == name.lower())
    if tactic_id is not None:
        query = query.where(Tactic.id != tactic_id)
    if session.execute(query).first() is not None:
        raise Conflict(f"This plan already has a tactic called “{name}”.", field="name")


def _check_pages(session, page_ids: tuple[int | str, ...]) -> list[Page]:
    wanted = {_as_id(page_id) for page_id in page_ids}
    if not wanted:
        return []
    found = list(session.execute(select(Page).where(Page.id.in_(wanted - {None}))).scalars())
    if len(found) != len(wanted) or any(page.head is None or page.head.kind not in LINKABLE_KINDS for page in found):
        raise BadInput("Link collateral or note pages from the list.", field="page_ids")
    return found


def _constraint_conflict(error: IntegrityError, plan_id: int, owner_id: int | None, name: str) -> Conflict:
    """The database caught what the checks missed because another save landed in between."""
    # PostgreSQL names the constraint; SQLite's message names the columns (neither quotes user text).
    diag = getattr(error.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or str(error.orig)
    if ("uq_tactics_plan_id_owner_id" in constraint or "tactics.owner_id" in constraint) and owner_id is not None:
        return _owner_taken(db.session.get(User, owner_id), _owned_in_plan(db.session, plan_id, owner_id, None))
    if "uq_tactics_plan_id_name" in constraint or "tactics.name" in constraint:
        return Conflict(f"This plan already has a tactic called “{name}”.", field="name")
    return Conflict("Someone changed this plan's tactics at the same moment; reload and try again.")


def _save(plan_id: int, tactic_id: int | None, fields: TacticFields) -> Tactic:
    name = _check_text(fields.name, "name", "name", MAX_NAME, required=True)
    description = _check_text(fields.description, "description", "description", MAX_DESCRIPTION, required=False)
    cadence = _check_cadence(fields.cadence_days)
    status = _check_status(fields.status)
    try:
        with write_transaction() as session:
            plan = session.get(Page, plan_id)
            _check_is_plan(plan)
            if tactic_id is None:
                tactic = Tactic(plan_id=plan.id, created_at=utcnow())
            else:
                tactic = session.get(Tactic, tactic_id)
                if tactic is None:
                    raise NotFound("There is no such tactic.")
            _check_name_free(session, plan.id, name, tactic_id)
            owner = _check_owner(session, fields.owner_id)
            if owner is not None:
                _check_owner_free(session, plan.id, owner, tactic_id)
            linked = _check_pages(session, fields.page_ids)
            # Assigned only after every check: a query above would otherwise flush a half-made tactic.
            tactic.name, tactic.description, tactic.cadence_days, tactic.status = name, description, cadence, status
            tactic.owner_id = owner.id if owner is not None else None
            tactic.pages = linked
            session.add(tactic)
            session.flush()
    except IntegrityError as error:
        raise _constraint_conflict(error, plan_id, _as_id(fields.owner_id), name) from None
    return tactic


def create_tactic(user: User, plan: Page, fields: TacticFields) -> Tactic:
    require(can_manage_tactics(user), "Only marketing leads create tactics.")
    return _save(plan.id, None, fields)


def update_tactic(user: User, tactic: Tactic, fields: TacticFields) -> Tactic:
    require(can_manage_tactics(user), "Only marketing leads edit tactics.")
    return _save(tactic.plan_id, tactic.id, fields)


def mark_reviewed(user: User, tactic: Tactic, note: str) -> TacticReview:
    """The owner went through the tactic's collateral: record what they found and restart the cadence."""
    require(is_signed_in(user), "Sign in to review a tactic.")
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise BadInput(f"The review note can be at most {MAX_NOTE} characters.", field="note")
    if "\x00" in note:
        raise BadInput("The review note contains NUL characters, which can't be stored.", field="note")
    with write_transaction() as session:
        # Locked, so a review and a change of owner don't cross: the reviewer is checked against the owner now.
        tactic = lock_row(session, select(Tactic).where(Tactic.id == tactic.id))
        if tactic is None:
            raise NotFound("There is no such tactic.")
        require(can_review_tactic(user, tactic.owner_id), "Only the tactic's owner or a lead can mark it reviewed.")
        now = utcnow()
        review = TacticReview(tactic_id=tactic.id, reviewer_id=user.id, note=note, created_at=now)
        tactic.last_reviewed_at = now
        session.add(review)
    return review
