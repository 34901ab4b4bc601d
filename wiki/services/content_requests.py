"""Content requests: the field asks for what would help them sell, leads triage, an owner builds it.

A request's demand is the number of people who need it (the requester counts as one). Its watchers — the
requester, everyone who joined, and whoever it is routed to — hear about every step in their inbox. A request
done links the page that answers it; a reader who may not see that page yet sees "done" and nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import (
    ContentRequest,
    NotificationKind,
    Page,
    RequestEvent,
    RequestEventKind,
    RequestStage,
    RequestState,
    RequestVote,
    Role,
    Tactic,
    User,
    utcnow,
)
from wiki.services import inbox
from wiki.services.pages import find_page, shown
from wiki.services.permissions import (
    can_ask_for_content,
    can_be_routed_request,
    can_read_drafts,
    can_read_revision,
    can_see_page,
    can_triage_requests,
    can_work_on_request,
    is_signed_in,
)

MAX_TITLE = 200
MAX_DETAILS = 5_000
MAX_SEGMENT = 80
MAX_NOTE = 500
MAX_LIST = 300
# Notification.text is a String(300).
MAX_NOTIFICATION = 300
STAGE_LABELS = {
    RequestStage.PROSPECTING: "Prospecting",
    RequestStage.PROPOSAL: "Proposal",
    RequestStage.CLOSING: "Closing",
    RequestStage.RENEWAL: "Renewal",
}
STATE_LABELS = {
    RequestState.NEW: "New",
    RequestState.ACCEPTED: "Accepted",
    RequestState.IN_PROGRESS: "In progress",
    RequestState.DONE: "Done",
    RequestState.DECLINED: "Declined",
    RequestState.MERGED: "Merged",
}
# Where each step may start from; done and merged requests are settled.
ACCEPTABLE = {RequestState.NEW, RequestState.ACCEPTED, RequestState.IN_PROGRESS, RequestState.DECLINED}
WORKABLE = {RequestState.ACCEPTED, RequestState.IN_PROGRESS}
DECLINABLE = {RequestState.NEW, RequestState.ACCEPTED, RequestState.IN_PROGRESS}
MERGEABLE = {RequestState.NEW, RequestState.ACCEPTED, RequestState.IN_PROGRESS, RequestState.DECLINED}


@dataclass(frozen=True)
class RequestFields:
    title: str
    details: str = ""
    segment: str = ""
    stage: str = ""
    needed_by: str = ""


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


# Checking input -----------------------------------------------------------------------------------


def _line(value: str | None) -> str:
    return " ".join((value or "").split())


def _text(value: str | None, field: str, label: str, limit: int) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise BadInput(f"{label} can be at most {limit:,} characters; yours has {len(value):,}.", field=field)
    return value


def _check_fields(fields: RequestFields, today: date) -> dict:
    title = _line(fields.title)
    if not title:
        raise BadInput("Say what content you need.", field="title")
    if len(title) > MAX_TITLE:
        raise BadInput(f"What you need can be at most {MAX_TITLE} characters; yours has {len(title)}.", field="title")
    details = _text(fields.details, "details", "Why it would help", MAX_DETAILS)
    segment = _line(fields.segment)
    if len(segment) > MAX_SEGMENT:
        raise BadInput(f"The segment can be at most {MAX_SEGMENT} characters.", field="segment")
    stage = None
    if fields.stage:
        try:
            stage = RequestStage(fields.stage)
        except ValueError:
            raise BadInput("The stage must be prospecting, proposal, closing or renewal.", field="stage") from None
    needed_by = None
    if fields.needed_by:
        try:
            needed_by = date.fromisoformat(fields.needed_by.strip())
        except ValueError:
            raise BadInput("“Needed by” must be a date such as 2027-01-15.", field="needed_by") from None
        # A day's grace: it may still be yesterday in UTC for a rep west of it.
        if needed_by < today - timedelta(days=1):
            raise BadInput(f"“Needed by” can't be in the past ({needed_by.isoformat()}).", field="needed_by")
        if needed_by > today + timedelta(days=5 * 366):
            raise BadInput("“Needed by” must be within the next five years.", field="needed_by")
    return {"title": title, "details": details, "segment": segment, "stage": stage, "needed_by": needed_by}


def _note(value: str | None, label: str = "The note") -> str:
    return _text(value, "note", label, MAX_NOTE)


def _clip(text: str, limit: int = MAX_NOTIFICATION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Reading ------------------------------------------------------------------------------------------


def _loaded():
    return select(ContentRequest).options(
        selectinload(ContentRequest.requester),
        selectinload(ContentRequest.assignee),
        selectinload(ContentRequest.tactic).options(selectinload(Tactic.owner), selectinload(Tactic.plan)),
        selectinload(ContentRequest.answer_page).options(selectinload(Page.head), selectinload(Page.published)),
    )


def _demand():
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


def _row(user: User, request: ContentRequest, demand: int, joined: bool) -> Row:
    return Row(
        request=request,
        demand=demand,
        joined=joined,
        answer=answer_for(user, request),
        tactic_name=_tactic_name(user, request.tactic),
    )


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
    return Filters(state=parsed_state, segment=_line(segment)[:MAX_SEGMENT], tactic=tactic)


def board(user: User, filters: Filters) -> list[Row]:
    """Every request (not the merged duplicates unless asked for), most needed first."""
    require(is_signed_in(user), "Sign in to see the content requests.")
    demand = _demand().label("demand")
    query = _loaded().add_columns(demand)
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
    return [_row(user, request, count, request.id in mine) for request, count in rows]


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
            select(User)
            .where(User.active.is_(True), User.role.in_([Role.LEAD, Role.COUNCIL]))
            .order_by(User.name)
        ).scalars()
    )


def get_request(user: User, request_id: int) -> ContentRequest:
    require(is_signed_in(user), "Sign in to see the content requests.")
    request = db.session.execute(_loaded().where(ContentRequest.id == request_id)).scalar_one_or_none()
    if request is None:
        raise NotFound(f"There is no content request #{request_id}.")
    return request


def _story_text(user: User, event: RequestEvent) -> str:
    kind = event.kind
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
    story = [
        StoryLine(event, _story_text(user, event), _event_answer(user, event), event.other_id) for event in events
    ]
    own = next((vote for vote in votes if vote.user_id == user.id), None)
    routed = request.routed_to
    return RequestView(
        row=_row(user, request, len(votes), own is not None),
        votes=votes,
        story=story,
        own_vote=own,
        can_triage=can_triage_requests(user),
        can_work=can_work_on_request(user, routed.id if routed else None) and request.state in WORKABLE,
    )


def _routed_to_me(user: User):
    owned = select(Tactic.id).where(Tactic.owner_id == user.id)
    return or_(
        ContentRequest.assignee_id == user.id,
        (ContentRequest.assignee_id.is_(None)) & ContentRequest.tactic_id.in_(owned),
    )


def routed_to(user: User) -> list[Row]:
    """The open requests this person builds, most needed first, for their home page."""
    require(is_signed_in(user), "Sign in to see the content requests.")
    demand = _demand().label("demand")
    rows = db.session.execute(
        _loaded()
        .add_columns(demand)
        .where(_routed_to_me(user), ContentRequest.state.in_(list(WORKABLE)))
        .order_by(demand.desc(), ContentRequest.id)
        .limit(20)
    ).all()
    return [_row(user, request, count, False) for request, count in rows]


def to_triage(user: User) -> list[Row]:
    """New requests, most needed first, for the leads' home page."""
    require(can_triage_requests(user), "Only marketing leads triage content requests.")
    demand = _demand().label("demand")
    rows = db.session.execute(
        _loaded()
        .add_columns(demand)
        .where(ContentRequest.state == RequestState.NEW)
        .order_by(demand.desc(), ContentRequest.id)
        .limit(20)
    ).all()
    return [_row(user, request, count, False) for request, count in rows]


# Writing ------------------------------------------------------------------------------------------


def _locked(session, request_id: int) -> ContentRequest:
    request = lock_row(session, select(ContentRequest).where(ContentRequest.id == request_id))
    if request is None:
        raise NotFound(f"There is no content request #{request_id}.")
    return request


def _watchers(session, request: ContentRequest) -> set[int]:
    voters = set(session.execute(select(RequestVote.user_id).where(RequestVote.request_id == request.id)).scalars())
    routed = request.routed_to
    return voters | {request.requester_id} | ({routed.id} if routed is not None else set())


def _record(session, request: ContentRequest, kind: RequestEventKind, actor: User, note: str = "", **named):
    session.add(
        RequestEvent(request_id=request.id, kind=kind, actor_id=actor.id, note=note, created_at=utcnow(), **named)
    )


def _tell(session, request: ContentRequest, actor: User, text: str, extra: set[int] = frozenset()) -> None:
    inbox.notify(
        session,
        _watchers(session, request) | set(extra),
        NotificationKind.REQUEST,
        actor,
        None,
        _clip(f"#{request.id} “{request.title}”: {text}"),
        content_request=request,
    )


def _active_leads(session) -> set[int]:
    return set(session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars())


def create_request(user: User, fields: RequestFields, today: date | None = None) -> ContentRequest:
    require(can_ask_for_content(user), "Sign in to ask for content.")
    values = _check_fields(fields, today or utcnow().date())
    with write_transaction() as session:
        now = utcnow()
        request = ContentRequest(requester_id=user.id, created_at=now, state=RequestState.NEW, **values)
        session.add(request)
        session.flush()
        session.add(RequestVote(request_id=request.id, user_id=user.id, note="", created_at=now))
        _record(session, request, RequestEventKind.ASKED, user)
        inbox.notify(
            session,
            _active_leads(session),
            NotificationKind.REQUEST,
            user,
            None,
            _clip(f"{user.name} asked for content: #{request.id} “{request.title}”"),
            content_request=request,
        )
    return request


def join(user: User, request_id: int, note: str) -> RequestVote:
    """*I need this too*, once per person; joining again changes the note."""
    require(can_ask_for_content(user), "Sign in to say you need this too.")
    note = _note(note)
    with write_transaction() as session:
        request = _locked(session, request_id)
        if request.state == RequestState.MERGED:
            raise Conflict(f"This request was merged into #{request.merged_into_id}: say you need that one.")
        vote = session.execute(
            select(RequestVote).where(RequestVote.request_id == request.id, RequestVote.user_id == user.id)
        ).scalar_one_or_none()
        if vote is not None:
            vote.note = note
            return vote
        vote = RequestVote(request_id=request.id, user_id=user.id, note=note, created_at=utcnow())
        session.add(vote)
        _record(session, request, RequestEventKind.JOINED, user, note)
        session.flush()
        _tell(session, request, user, f"{user.name} needs this too" + (f": {note}" if note else ""))
    return vote


def accept(user: User, request_id: int, tactic_id: int | None, person_id: int | None, note: str = "") -> ContentRequest:
    """Accept and route it to a tactic (its owner builds it), a person, or both (the person builds it)."""
    require(can_triage_requests(user), "Only marketing leads accept and route content requests.")
    note = _note(note)
    if tactic_id is None and person_id is None:
        raise BadInput("Route it to a tactic or to a person.", field="tactic_id")
    with write_transaction() as session:
        request = _locked(session, request_id)
        if request.state not in ACCEPTABLE:
            raise Conflict(f"This request is {STATE_LABELS[request.state].lower()}; it can't be accepted now.")
        tactic = session.get(Tactic, tactic_id) if tactic_id is not None else None
        if tactic_id is not None and tactic is None:
            raise BadInput("There is no such tactic.", field="tactic_id")
        person = session.get(User, person_id) if person_id is not None else None
        if person_id is not None and (person is None or not can_be_routed_request(person)):
            raise BadInput("Route it to an active council member or marketing lead.", field="person_id")
        if person is None and tactic.owner is None:
            raise BadInput(f"“{tactic.name}” has no owner right now: route it to a person too.", field="person_id")
        request.state = RequestState.ACCEPTED
        request.tactic_id = tactic.id if tactic else None
        request.assignee_id = person.id if person else None
        request.decline_reason = ""
        session.flush()
        session.refresh(request, ["tactic", "assignee"])
        _record(
            session,
            request,
            RequestEventKind.ACCEPTED,
            user,
            note,
            tactic_id=request.tactic_id,
            person_id=request.assignee_id,
        )
        builder = request.routed_to
        _tell(session, request, user, f"{user.name} accepted it; {builder.name} will build it")
    return request


def start(user: User, request_id: int, note: str = "") -> ContentRequest:
    note = _note(note)
    with write_transaction() as session:
        request = _locked(session, request_id)
        _require_worker(user, request)
        if request.state != RequestState.ACCEPTED:
            raise Conflict(f"Only an accepted request can go in progress; this one is {_state(request)}.")
        request.state = RequestState.IN_PROGRESS
        _record(session, request, RequestEventKind.IN_PROGRESS, user, note)
        _tell(session, request, user, f"{user.name} started work on it")
    return request


def finish(user: User, request_id: int, slug: str, revision_number: int | None, note: str = "") -> ContentRequest:
    """Done, answered by a page (and, if given, one of its revisions)."""
    note = _note(note)
    slug = (slug or "").strip().strip("/")
    if slug.startswith("p/"):
        slug = slug[2:]
    with write_transaction() as session:
        request = _locked(session, request_id)
        _require_worker(user, request)
        if request.state not in WORKABLE:
            raise Conflict(f"Only an accepted or in-progress request can be done; this one is {_state(request)}.")
        if not slug:
            raise BadInput("Name the page that answers the request.", field="page")
        page = find_page(slug)
        if page is None:
            raise BadInput(f"There is no page called “{slug[:80]}”.", field="page")
        if revision_number is not None and revision_number > page.head_number:
            raise BadInput(f"“{slug}” has no revision {revision_number}.", field="revision")
        request.state = RequestState.DONE
        request.answer_page_id = page.id
        request.answer_revision_number = revision_number
        request.done_at = utcnow()
        _record(session, request, RequestEventKind.DONE, user, note, page_id=page.id, revision_number=revision_number)
        # The notice goes to the field too: it names the page only once the field can read it.
        where = "; it will be readable once published"
        if page.published is not None:
            where = f": see “{page.published.title}”"
        _tell(session, request, user, f"{user.name} marked it done{where}")
    return request


def decline(user: User, request_id: int, reason: str) -> ContentRequest:
    require(can_triage_requests(user), "Only marketing leads decline content requests.")
    reason = _text(reason, "reason", "The reason", MAX_NOTE)
    if not reason:
        raise BadInput("Say why it is declined: the people who asked will read it.", field="reason")
    with write_transaction() as session:
        request = _locked(session, request_id)
        if request.state not in DECLINABLE:
            raise Conflict(f"This request is {_state(request)}; it can't be declined now.")
        request.state = RequestState.DECLINED
        request.decline_reason = reason
        _record(session, request, RequestEventKind.DECLINED, user, reason)
        _tell(session, request, user, f"{user.name} declined it: {reason}")
    return request


def merge(user: User, request_id: int, into_id: int | None, note: str = "") -> ContentRequest:
    """A duplicate goes into another request: its people's votes move over (nobody counts twice) and they
    watch the other one from now on."""
    require(can_triage_requests(user), "Only marketing leads merge content requests.")
    note = _note(note)
    if into_id is None:
        raise BadInput("Give the number of the request to merge it into.", field="into")
    if into_id == request_id:
        raise BadInput("A request can't be merged into itself.", field="into")
    with write_transaction() as session:
        # Both rows, in id order, so two merges of the same pair can't wait on each other.
        locked = {rid: _locked(session, rid) for rid in sorted((request_id, into_id))}
        duplicate, target = locked[request_id], locked[into_id]
        if duplicate.state not in MERGEABLE:
            raise Conflict(f"This request is {_state(duplicate)}; it can't be merged now.")
        if target.state == RequestState.MERGED:
            raise Conflict(f"#{target.id} was itself merged into #{target.merged_into_id}: merge into that one.")
        had = _watchers(session, duplicate)
        already = set(
            session.execute(select(RequestVote.user_id).where(RequestVote.request_id == target.id)).scalars()
        )
        for vote in session.execute(select(RequestVote).where(RequestVote.request_id == duplicate.id)).scalars():
            if vote.user_id in already:
                session.delete(vote)
            else:
                vote.request_id = target.id
        duplicate.state = RequestState.MERGED
        duplicate.merged_into_id = target.id
        _record(session, duplicate, RequestEventKind.MERGED, user, note, other_id=target.id)
        _record(session, target, RequestEventKind.ABSORBED, user, note, other_id=duplicate.id)
        session.flush()
        _tell(session, target, user, f"{user.name} merged #{duplicate.id} “{_clip(duplicate.title, 80)}” into it", had)
    return duplicate


def _require_worker(user: User, request: ContentRequest) -> None:
    routed = request.routed_to
    require(
        can_work_on_request(user, routed.id if routed else None),
        "Only the person this request is routed to, or a marketing lead, moves it on.",
    )


def _state(request: ContentRequest) -> str:
    return STATE_LABELS[request.state].lower()


# The summary --------------------------------------------------------------------------------------


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


# The command line ---------------------------------------------------------------------------------


def every_request() -> list[tuple[ContentRequest, int]]:
    """For the command line, which has no user."""
    demand = _demand().label("demand")
    return [
        (request, count)
        for request, count in db.session.execute(
            _loaded().add_columns(demand).order_by(demand.desc(), ContentRequest.id)
        ).all()
    ]
