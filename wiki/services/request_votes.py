"""*I no longer need this*, and the requests a person needs, for their home page."""

from __future__ import annotations

from sqlalchemy import case, select

from wiki.db import write_transaction
from wiki.errors import Conflict, require
from wiki.extensions import db
from wiki.models import ContentRequest, RequestEventKind, RequestState, RequestVote, User
from wiki.services.permissions import can_withdraw_need, is_signed_in
from wiki.services.request_reading import Row, board_row, demand_counts, loaded_requests
from wiki.services.request_workflow import locked_request, record_event, state_label

# A need can be taken back while the request is open; once settled, who needed it stays on record (the
# summary credits them for what was built).
WITHDRAWABLE = {RequestState.NEW, RequestState.ACCEPTED, RequestState.IN_PROGRESS}
MAX_MINE = 20


def withdraw(user: User, request_id: int) -> ContentRequest:
    """The person stops counting, and stops hearing about it; the story says they no longer need it."""
    with write_transaction() as session:
        request = locked_request(session, request_id)
        require(
            can_withdraw_need(user, request.requester_id),
            "You asked for it, so your need is the request itself. If nobody needs it any more, a marketing "
            "lead can decline it.",
        )
        if request.state == RequestState.MERGED:
            raise Conflict(f"This request was merged into #{request.merged_into_id}: take your need back there.")
        if request.state not in WITHDRAWABLE:
            raise Conflict(f"This request is {state_label(request)}; who needed it stays on record.")
        vote = session.execute(
            select(RequestVote).where(RequestVote.request_id == request.id, RequestVote.user_id == user.id)
        ).scalar_one_or_none()
        if vote is None:
            raise Conflict("You haven't said you need this.")
        session.delete(vote)
        record_event(session, request, RequestEventKind.WITHDREW, user)
    return request


def my_requests(user: User) -> list[Row]:
    """The requests this person asked for or joined, the open ones first, newest first."""
    require(is_signed_in(user), "Sign in to see your content requests.")
    demand = demand_counts().label("demand")
    mine = select(RequestVote.request_id).where(RequestVote.user_id == user.id)
    settled = case((ContentRequest.state.in_(list(WITHDRAWABLE)), 0), else_=1)
    rows = db.session.execute(
        loaded_requests()
        .add_columns(demand)
        .where(ContentRequest.id.in_(mine))
        .order_by(settled, ContentRequest.created_at.desc(), ContentRequest.id.desc())
        .limit(MAX_MINE)
    ).all()
    return [board_row(user, request, count, True) for request, count in rows]
