"""Asking for content, *I need this too*, and each step a request takes: a lead accepts and routes it (or
declines it, or merges a duplicate into another), the person it is routed to builds it.

Every step is recorded in the request's story and heard by its watchers: the requester, everyone who
joined, and whoever it is routed to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.models import (
    ContentRequest,
    NotificationKind,
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
from wiki.services.form_text import checked_line, one_line
from wiki.services.pages import find_page
from wiki.services.permissions import (
    can_ask_for_content,
    can_be_routed_request,
    can_triage_requests,
    can_work_on_request,
)

MAX_TITLE = 200
MAX_DETAILS = 5_000
MAX_SEGMENT = 80
MAX_NOTE = 500
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


# Checking input -----------------------------------------------------------------------------------


def _text(value: str | None, field: str, label: str, limit: int) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise BadInput(f"{label} can be at most {limit:,} characters; yours has {len(value):,}.", field=field)
    return value


def checked_fields(fields: RequestFields, today: date) -> dict:
    title = checked_line(
        fields.title, field="title", label="What you need", limit=MAX_TITLE, missing="Say what content you need."
    )
    details = _text(fields.details, "details", "Why it would help", MAX_DETAILS)
    segment = one_line(fields.segment)
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


def checked_note(value: str | None, label: str = "The note") -> str:
    return _text(value, "note", label, MAX_NOTE)


def clipped(text: str, limit: int = MAX_NOTIFICATION) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Recording and telling ----------------------------------------------------------------------------


def locked_request(session, request_id: int) -> ContentRequest:
    request = lock_row(session, select(ContentRequest).where(ContentRequest.id == request_id))
    if request is None:
        raise NotFound(f"There is no content request #{request_id}.")
    return request


def watchers_of(session, request: ContentRequest) -> set[int]:
    voters = set(session.execute(select(RequestVote.user_id).where(RequestVote.request_id == request.id)).scalars())
    routed = request.routed_to
    return voters | {request.requester_id} | ({routed.id} if routed is not None else set())


def record_event(session, request: ContentRequest, kind: RequestEventKind, actor: User, note: str = "", **named):
    session.add(
        RequestEvent(request_id=request.id, kind=kind, actor_id=actor.id, note=note, created_at=utcnow(), **named)
    )


def tell_watchers(session, request: ContentRequest, actor: User, text: str, extra: set[int] = frozenset()) -> None:
    inbox.notify(
        session,
        watchers_of(session, request) | set(extra),
        NotificationKind.REQUEST,
        actor,
        None,
        clipped(f"#{request.id} “{request.title}”: {text}"),
        content_request=request,
    )


def _active_leads(session) -> set[int]:
    return set(session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars())


def _require_worker(user: User, request: ContentRequest) -> None:
    routed = request.routed_to
    require(
        can_work_on_request(user, routed.id if routed else None),
        "Only the person this request is routed to, or a marketing lead, moves it on.",
    )


def state_label(request: ContentRequest) -> str:
    return STATE_LABELS[request.state].lower()


# The steps ----------------------------------------------------------------------------------------


def create_request(user: User, fields: RequestFields, today: date | None = None) -> ContentRequest:
    require(can_ask_for_content(user), "Sign in to ask for content.")
    values = checked_fields(fields, today or utcnow().date())
    with write_transaction() as session:
        now = utcnow()
        request = ContentRequest(requester_id=user.id, created_at=now, state=RequestState.NEW, **values)
        session.add(request)
        session.flush()
        session.add(RequestVote(request_id=request.id, user_id=user.id, note="", created_at=now))
        record_event(session, request, RequestEventKind.ASKED, user)
        inbox.notify(
            session,
            _active_leads(session),
            NotificationKind.REQUEST,
            user,
            None,
            clipped(f"{user.name} asked for content: #{request.id} “{request.title}”"),
            content_request=request,
        )
    return request


def join(user: User, request_id: int, note: str) -> RequestVote:
    """*I need this too*, once per person; joining again changes the note."""
    require(can_ask_for_content(user), "Sign in to say you need this too.")
    note = checked_note(note)
    with write_transaction() as session:
        request = locked_request(session, request_id)
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
        record_event(session, request, RequestEventKind.JOINED, user, note)
        session.flush()
        tell_watchers(session, request, user, f"{user.name} needs this too" + (f": {note}" if note else ""))
    return vote


def accept(user: User, request_id: int, tactic_id: int | None, person_id: int | None, note: str = "") -> ContentRequest:
    """Accept and route it to a tactic (its owner builds it), a person, or both (the person builds it)."""
    require(can_triage_requests(user), "Only marketing leads accept and route content requests.")
    note = checked_note(note)
    if tactic_id is None and person_id is None:
        raise BadInput("Route it to a tactic or to a person.", field="tactic_id")
    with write_transaction() as session:
        request = locked_request(session, request_id)
        if request.state not in ACCEPTABLE:
            raise Conflict(f"This request is {state_label(request)}; it can't be accepted now.")
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
        record_event(
            session,
            request,
            RequestEventKind.ACCEPTED,
            user,
            note,
            tactic_id=request.tactic_id,
            person_id=request.assignee_id,
        )
        builder = request.routed_to
        tell_watchers(session, request, user, f"{user.name} accepted it; {builder.name} will build it")
    return request


def start(user: User, request_id: int, note: str = "") -> ContentRequest:
    note = checked_note(note)
    with write_transaction() as session:
        request = locked_request(session, request_id)
        _require_worker(user, request)
        if request.state != RequestState.ACCEPTED:
            raise Conflict(f"Only an accepted request can go in progress; this one is {state_label(request)}.")
        request.state = RequestState.IN_PROGRESS
        record_event(session, request, RequestEventKind.IN_PROGRESS, user, note)
        tell_watchers(session, request, user, f"{user.name} started work on it")
    return request


def finish(user: User, request_id: int, slug: str, revision_number: int | None, note: str = "") -> ContentRequest:
    """Done, answered by a page (and, if given, one of its revisions)."""
    note = checked_note(note)
    slug = (slug or "").strip().strip("/")
    if slug.startswith("p/"):
        slug = slug[2:]
    with write_transaction() as session:
        request = locked_request(session, request_id)
        _require_worker(user, request)
        if request.state not in WORKABLE:
            raise Conflict(f"Only an accepted or in-progress request can be done; this one is {state_label(request)}.")
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
        record_event(
            session, request, RequestEventKind.DONE, user, note, page_id=page.id, revision_number=revision_number
        )
        # The notice goes to the field too: it names the page only once the field can read it.
        where = "; it will be readable once published"
        if page.published is not None:
            where = f": see “{page.published.title}”"
        tell_watchers(session, request, user, f"{user.name} marked it done{where}")
    return request


def decline(user: User, request_id: int, reason: str) -> ContentRequest:
    require(can_triage_requests(user), "Only marketing leads decline content requests.")
    reason = _text(reason, "reason", "The reason", MAX_NOTE)
    if not reason:
        raise BadInput("Say why it is declined: the people who asked will read it.", field="reason")
    with write_transaction() as session:
        request = locked_request(session, request_id)
        if request.state not in DECLINABLE:
            raise Conflict(f"This request is {state_label(request)}; it can't be declined now.")
        request.state = RequestState.DECLINED
        request.decline_reason = reason
        record_event(session, request, RequestEventKind.DECLINED, user, reason)
        tell_watchers(session, request, user, f"{user.name} declined it: {reason}")
    return request


def merge(user: User, request_id: int, into_id: int | None, note: str = "") -> ContentRequest:
    """A duplicate goes into another request: its people's votes move over (nobody counts twice) and they
    watch the other one from now on."""
    require(can_triage_requests(user), "Only marketing leads merge content requests.")
    note = checked_note(note)
    if into_id is None:
        raise BadInput("Give the number of the request to merge it into.", field="into")
    if into_id == request_id:
        raise BadInput("A request can't be merged into itself.", field="into")
    with write_transaction() as session:
        # Both rows, in id order, so two merges of the same pair can't wait on each other.
        locked = {rid: locked_request(session, rid) for rid in sorted((request_id, into_id))}
        duplicate, target = locked[request_id], locked[into_id]
        if duplicate.state not in MERGEABLE:
            raise Conflict(f"This request is {state_label(duplicate)}; it can't be merged now.")
        if target.state == RequestState.MERGED:
            raise Conflict(f"#{target.id} was itself merged into #{target.merged_into_id}: merge into that one.")
        had = watchers_of(session, duplicate)
        already = set(session.execute(select(RequestVote.user_id).where(RequestVote.request_id == target.id)).scalars())
        for vote in session.execute(select(RequestVote).where(RequestVote.request_id == duplicate.id)).scalars():
            if vote.user_id in already:
                session.delete(vote)
            else:
                vote.request_id = target.id
        duplicate.state = RequestState.MERGED
        duplicate.merged_into_id = target.id
        record_event(session, duplicate, RequestEventKind.MERGED, user, note, other_id=target.id)
        record_event(session, target, RequestEventKind.ABSORBED, user, note, other_id=duplicate.id)
        session.flush()
        text = f"{user.name} merged #{duplicate.id} “{clipped(duplicate.title, 80)}” into it"
        tell_watchers(session, target, user, text, had)
    return duplicate
