"""Reading content requests: the board, one request's page with its story, the lists on the home pages,
and what the summary email and the command line show of them.

A request's demand is the number of people who need it (the requester counts as one). A request done
links the page that answers it; a reader who may not see that page yet sees "done" and nothing of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, Select, bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from wiki.errors import BadInput, NotFound, require
from wiki.extensions import db
from wiki.models import (
    ContentRequest,
    Page,
    RequestEvent,
    RequestEventKind,
    RequestState,
    RequestVote,
    Role,
    Tactic,
    User,
)
from wiki.services import request_story
from wiki.services.form_text import one_line
from wiki.services.pages import shown
from wiki.services.permissions import (
    can_read_drafts,
    can_read_revision,
    can_see_page,
    can_triage_requests,
    can_work_on_request,
    is_signed_in,
)
from wiki.services.request_workflow import MAX_SEGMENT, WORKABLE

MAX_LIST = 300
# The open requests a home page lists.
MAX_HOME_LIST = 20


@dataclass(frozen=True)
class Answer:
    """The page that answers a done request, as this reader may see it: None when they may not see it yet."""

    slug: str
    title: str
    revision_number: int | None  # only when this reader may read that revision


@dataclass(frozen=True)
class Row:
    request: ContentRequest
    demand: int
    joined: bool  # this reader needs it too (or asked for it)
    answer: Answer | None
    tactic_name: str | None  # None when this reader may not see the tactic's plan


@dataclass(frozen=True)
class Filters:
    state: RequestState | None = None
    segment: str = ""
    tactic: Tactic | None = None


@dataclass(frozen=True)
class StoryLine:
    event: RequestEvent
    text: str
    answer: Answer | None
    other_id: int | None


@dataclass(frozen=True)
class RequestView:
    row: Row
    votes: list[RequestVote]
    story: list[StoryLine]
    own_vote: RequestVote | None
    can_triage: bool
    can_work: bool


@dataclass(frozen=True)
class Built:
    """A done request for the summary: what was asked, who asked, the published page that answers it."""

    key: str
    title: str
    page: Page
    askers: list[tuple[str, str]]  # (name, region), the requester first

    @property
    def page_title(self) -> str:
        return self.page.published.title


def loaded_requests():
    return select(ContentRequest).options(
        selectinload(ContentRequest.requester),
        selectinload(ContentRequest.assignee),
        selectinload(ContentRequest.tactic).options(selectinload(Tactic.owner), selectinload(Tactic.plan)),
        selectinload(ContentRequest.answer_page).options(selectinload(Page.head), selectinload(Page.published)),
    )


def demand_counts():
    return (
        select(func.count(RequestVote.id))
        .where(RequestVote.request_id == ContentRequest.id)
        .correlate(ContentRequest)
        .scalar_subquery()
    )


def answer_for(user: User, request: ContentRequest) -> Answer | None:
    page = request.answer_page
    if request.state != RequestState.DONE or page is None:
        return None
    return _answer(user, page, request.answer_revision_number)


def _answer(user: User, page: Page, number: int | None) -> Answer | None:
    if not can_see_page(user, page):
        return None
    return Answer(slug=page.slug, title=shown(user, page).title, revision_number=_readable_number(user, page, number))


def _readable_number(user: User, page: Page, number: int | None) -> int | None:
    """The revision, if this reader may read it (the field: only the published one)."""
    if number is None:
        return None
    if page.published is not None and page.published.number == number:
        return number if can_read_revision(user, page, page.published) else None
    return number if can_read_drafts(user) and number <= page.head_number else None


def _tactic_name(user: User, tactic: Tactic | None) -> str | None:
    return tactic.name if tactic is not None and can_see_page(user, tactic.plan) else None


def board_row(user: User, request: ContentRequest, demand: int, joined: bool) -> Row:
    return Row(
        request=request,
        demand=demand,
        joined=joined,
        answer=answer_for(user, request),
        tactic_name=_tactic_name(user, request.tactic),
    )


# The board ----------------------------------------------------------------------------------------


def visible_tactics(user: User) -> list[Tactic]:
    """The tactics a reader may filter by and a lead may route to: those of plans this reader can see."""
    loaded = db.session.execute(select(Tactic).options(selectinload(Tactic.plan)).order_by(Tactic.name)).scalars()
    return [tactic for tactic in loaded if can_see_page(user, tactic.plan)]


def parse_filters(user: User, state: str | None, segment: str | None, tactic_id: int | None) -> Filters:
    require(is_signed_in(user), "Sign in to see the content requests.")
    parsed_state = None
    if state:
        try:
            parsed_state = RequestState(state)
        except ValueError:
            raise BadInput(f"There is no request state called “{state[:40]}”.") from None
    tactic = None
    if tactic_id is not None:
        tactic = db.session.get(Tactic, tactic_id)
        if tactic is None or not can_see_page(user, tactic.plan):
            raise NotFound("There is no such tactic.")
    return Filters(state=parsed_state, segment=one_line(segment)[:MAX_SEGMENT], tactic=tactic)


def board(user: User, filters: Filters) -> list[Row]:
    """Every request (not the merged duplicates unless asked for), most needed first."""
    require(is_signed_in(user), "Sign in to see the content requests.")
    demand = demand_counts().label("demand")
    query = loaded_requests().add_columns(demand)
    if filters.state is not None:
        query = query.where(ContentRequest.state == filters.state)
    else:
        query = query.where(ContentRequest.state != RequestState.MERGED)
    if filters.segment:
        query = query.where(ContentRequest.segment == filters.segment)
    if filters.tactic is not None:
        query = query.where(ContentRequest.tactic_id == filters.tactic.id)
    rows = db.session.execute(
        query.order_by(demand.desc(), ContentRequest.created_at.desc(), ContentRequest.id.desc()).limit(MAX_LIST)
    ).all()
    mine = set(
        db.session.execute(
            select(RequestVote.request_id).where(
                RequestVote.user_id == user.id, RequestVote.request_id.in_([r.id for r, _ in rows])
            )
        ).scalars()
    )
    return [board_row(user, request, count, request.id in mine) for request, count in rows]


def segments_used() -> list[str]:
    """The segments people asked for before, to pick from."""
    return list(
        db.session.execute(
            select(ContentRequest.segment)
            .where(ContentRequest.segment != "")
            .group_by(ContentRequest.segment)
            .order_by(func.lower(ContentRequest.segment))
        ).scalars()
    )


def routable_people() -> list[User]:
    return list(
        db.session.execute(
            select(User).where(User.active.is_(True), User.role.in_([Role.LEAD, Role.COUNCIL])).order_by(User.name)
        ).scalars()
    )


# One request --------------------------------------------------------------------------------------


def get_request(user: User, request_id: int) -> ContentRequest:
    require(is_signed_in(user), "Sign in to see the content requests.")
    request = db.session.execute(loaded_requests().where(ContentRequest.id == request_id)).scalar_one_or_none()
    if request is None:
        raise NotFound(f"There is no content request #{request_id}.")
    return request


def _story_text(user: User, event: RequestEvent) -> str:
    kind = event.kind
    if kind in request_story.KINDS:
        return request_story.text(user, event)
    if kind == RequestEventKind.ASKED:
        return "asked for it"
    if kind == RequestEventKind.JOINED:
        return "needs this too"
    if kind == RequestEventKind.ACCEPTED:
        routed = []
        name = _tactic_name(user, event.tactic)
        if name:
            routed.append(f"the tactic “{name}”")
        if event.person is not None:
            routed.append(event.person.name)
        return "accepted it" + (", routed to " + " and ".join(routed) if routed else "")
    if kind == RequestEventKind.IN_PROGRESS:
        return "started work on it"
    if kind == RequestEventKind.DONE:
        return "marked it done"
    if kind == RequestEventKind.DECLINED:
        return "declined it"
    if kind == RequestEventKind.MERGED:
        return f"merged it into #{event.other_id}" if event.other_id else "merged it into another request"
    return f"merged #{event.other_id} into it" if event.other_id else "merged a duplicate into it"


def _event_answer(user: User, event: RequestEvent) -> Answer | None:
    if event.kind != RequestEventKind.DONE or event.page is None:
        return None
    return _answer(user, event.page, event.revision_number)


def request_view(user: User, request_id: int) -> RequestView:
    request = get_request(user, request_id)
    votes = list(
        db.session.execute(
            select(RequestVote)
            .where(RequestVote.request_id == request.id)
            .options(selectinload(RequestVote.user))
            .order_by(RequestVote.created_at, RequestVote.id)
        ).scalars()
    )
    events = db.session.execute(
        select(RequestEvent)
        .where(RequestEvent.request_id == request.id)
        .options(
            selectinload(RequestEvent.actor),
            selectinload(RequestEvent.person),
            selectinload(RequestEvent.tactic).selectinload(Tactic.plan),
            selectinload(RequestEvent.page).options(selectinload(Page.head), selectinload(Page.published)),
        )
        .order_by(RequestEvent.created_at, RequestEvent.id)
    ).scalars()
    story = [StoryLine(event, _story_text(user, event), _event_answer(user, event), event.other_id) for event in events]
    own = next((vote for vote in votes if vote.user_id == user.id), None)
    routed = request.routed_to
    return RequestView(
        row=board_row(user, request, len(votes), own is not None),
        votes=votes,
        story=story,
        own_vote=own,
        can_triage=can_triage_requests(user),
        can_work=can_work_on_request(user, routed.id if routed else None) and request.state in WORKABLE,
    )


# The home pages -----------------------------------------------------------------------------------


def _most_needed(user: User, statement: Select, values: dict | None = None) -> list[Row]:
    return [board_row(user, request, count, False) for request, count in db.session.execute(statement, values)]


def _most_needed_where(*criteria) -> Select:
    demand = demand_counts().label("demand")
    return (
        loaded_requests()
        .add_columns(demand)
        .where(*criteria)
        .order_by(demand.desc(), ContentRequest.id)
        .limit(MAX_HOME_LIST)
    )


# The home pages' lists are built once each (with their loads, that costs more than running them) and bound to
# the reader when they run.
@cache
def _routed() -> Select:
    person = bindparam("user_id", type_=Integer)
    owned = select(Tactic.id).where(Tactic.owner_id == person)
    routed_to_me = or_(
        ContentRequest.assignee_id == person,
        (ContentRequest.assignee_id.is_(None)) & ContentRequest.tactic_id.in_(owned),
    )
    return _most_needed_where(routed_to_me, ContentRequest.state.in_(sorted(WORKABLE)))


@cache
def _new() -> Select:
    return _most_needed_where(ContentRequest.state == RequestState.NEW)


def routed_to(user: User) -> list[Row]:
    """The open requests this person builds, most needed first, for their home page."""
    require(is_signed_in(user), "Sign in to see the content requests.")
    return _most_needed(user, _routed(), {"user_id": user.id})


def to_triage(user: User) -> list[Row]:
    """New requests, most needed first, for the leads' home page."""
    require(can_triage_requests(user), "Only marketing leads triage content requests.")
    return _most_needed(user, _new())


# The summary and the command line -----------------------------------------------------------------


def built_in_period(start: datetime, end: datetime, seats: dict[int, str]) -> list[Built]:
    """Requests done in [start, end) whose page the field can read, with everyone who asked for them.

    No permission check: for composing the summary email, which only leads do."""
    requests = list(
        db.session.execute(
            select(ContentRequest)
            .join(Page, Page.id == ContentRequest.answer_page_id)
            .where(
                ContentRequest.state == RequestState.DONE,
                ContentRequest.done_at >= start,
                ContentRequest.done_at < end,
                Page.published_revision_id.isnot(None),
            )
            .options(selectinload(ContentRequest.answer_page).selectinload(Page.published))
            .order_by(ContentRequest.done_at, ContentRequest.id)
        ).scalars()
    )
    votes = db.session.execute(
        select(RequestVote)
        .where(RequestVote.request_id.in_([request.id for request in requests]))
        .options(selectinload(RequestVote.user))
        .order_by(RequestVote.created_at, RequestVote.id)
    ).scalars()
    askers: dict[int, list[User]] = {}
    for vote in votes:
        askers.setdefault(vote.request_id, []).append(vote.user)
    built = []
    for request in requests:
        people = sorted(askers.get(request.id, []), key=lambda person: person.id != request.requester_id)
        built.append(
            Built(
                key=f"request:{request.id}",
                title=request.title,
                page=request.answer_page,
                askers=[(person.name, seats.get(person.id) or person.region or "") for person in people],
            )
        )
    return built


def every_request() -> list[tuple[ContentRequest, int]]:
    """For the command line, which has no user."""
    demand = demand_counts().label("demand")
    return [
        (request, count)
        for request, count in db.session.execute(
            loaded_requests().add_columns(demand).order_by(demand.desc(), ContentRequest.id)
        ).all()
    ]
