"""Changing a request after it was asked: its requester or a lead rewords it, a lead reopens a settled one.

Both steps go into the request's story; reopening is news to everyone watching it, rewording is not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from wiki.db import write_transaction
from wiki.errors import BadInput, Conflict, NotAllowed, require
from wiki.models import ContentRequest, RequestEventKind, RequestState, User, utcnow
from wiki.services.permissions import can_edit_request, can_reopen_request
from wiki.services.request_reading import get_request
from wiki.services.request_workflow import (
    MAX_NOTE,
    STAGE_LABELS,
    RequestFields,
    checked_fields,
    checked_note,
    clipped,
    locked_request,
    record_event,
    state_label,
    tell_watchers,
    watchers_of,
)

REOPENABLE = {RequestState.DONE, RequestState.DECLINED}
REOPEN_TO = {"accepted": RequestState.ACCEPTED, "new": RequestState.NEW}
NOT_YOURS = "Only the person who asked can edit a request, while it is new; the marketing leads can at any time."


# Editing --------------------------------------------------------------------------------------------


def may_edit(user: User, request: ContentRequest) -> bool:
    return can_edit_request(user, request.requester_id, request.state == RequestState.NEW)


def editable_request(user: User, request_id: int) -> ContentRequest:
    request = get_request(user, request_id)
    require(may_edit(user, request), NOT_YOURS)
    return request


def fields_of(request: ContentRequest) -> RequestFields:
    """The request as its edit form shows it."""
    return RequestFields(
        title=request.title,
        details=request.details,
        segment=request.segment,
        stage=request.stage.value if request.stage else "",
        needed_by=request.needed_by.isoformat() if request.needed_by else "",
    )


def _checked(fields: RequestFields, request: ContentRequest, today: date) -> dict:
    # A "needed by" date that has passed since it was asked stays as it was; only a new one must be ahead.
    kept = request.needed_by.isoformat() if request.needed_by else ""
    unchanged_date = bool(kept) and (fields.needed_by or "").strip() == kept
    values = checked_fields(replace(fields, needed_by="") if unchanged_date else fields, today)
    if unchanged_date:
        values["needed_by"] = request.needed_by
    return values


def _what_changed(request: ContentRequest, values: dict) -> list[str]:
    """Each change as the story tells it, with what the request said before where that is short."""
    changed = []
    if values["title"] != request.title:
        changed.append(f"the title (it said “{request.title}”)")
    if values["details"] != request.details:
        changed.append("the details")
    if values["segment"] != request.segment:
        changed.append(f"the segment (it was “{request.segment}”)" if request.segment else "the segment")
    if values["stage"] != request.stage:
        was = STAGE_LABELS[request.stage].lower() if request.stage else "any stage"
        changed.append(f"the stage (it was {was})")
    if values["needed_by"] != request.needed_by:
        was = f"it was {request.needed_by.strftime('%d %b %Y')}" if request.needed_by else "it had none"
        changed.append(f"the date it is needed by ({was})")
    return changed


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def edit_request(user: User, request_id: int, fields: RequestFields, today: date | None = None) -> list[str]:
    """The new text, checked like a new request's; returns what changed (nothing: no step in the story)."""
    with write_transaction() as session:
        request = locked_request(session, request_id)
        if not may_edit(user, request):
            if can_edit_request(user, request.requester_id, still_new=True):
                # The requester's own request, triaged while they were typing: their text comes back with this.
                raise Conflict(
                    f"Your request is {state_label(request)} now, so only the marketing leads can change it. Your "
                    "text is below: send it to them, or keep it as your note with I need this too."
                )
            raise NotAllowed(NOT_YOURS)
        values = _checked(fields, request, today or utcnow().date())
        changed = _what_changed(request, values)
        if not changed:
            return []
        for name, value in values.items():
            setattr(request, name, value)
        record_event(session, request, RequestEventKind.EDITED, user, clipped(_listed(changed), MAX_NOTE))
    return changed


# Reopening ------------------------------------------------------------------------------------------


def reopen(user: User, request_id: int, to: str, note: str) -> ContentRequest:
    """A done or declined request goes back to accepted (with whoever was building it) or to new (for the
    leads to triage again, routed to nobody). What answered it, or why it was declined, stays in its story."""
    require(can_reopen_request(user), "Only marketing leads reopen content requests.")
    target = REOPEN_TO.get(to or "")
    if target is None:
        raise BadInput("Choose whether it goes back to accepted or to new.", field="to")
    note = checked_note(note)
    if not note:
        raise BadInput("Say why it is reopened: the people who asked will read it.", field="note")
    with write_transaction() as session:
        request = locked_request(session, request_id)
        if request.state not in REOPENABLE:
            raise Conflict(f"Only a done or declined request can be reopened; this one is {state_label(request)}.")
        builder = request.routed_to
        if target == RequestState.ACCEPTED and builder is None:
            raise BadInput(
                "Nobody is routed to build it any more: reopen it as new, then accept and route it.", field="to"
            )
        watching = watchers_of(session, request)
        request.state = target
        request.decline_reason = ""
        request.answer_page_id = None
        request.answer_revision_number = None
        request.done_at = None
        if target == RequestState.NEW:
            request.tactic_id = None
            request.assignee_id = None
            record_event(session, request, RequestEventKind.REOPENED, user, note)
            told = f"{user.name} reopened it for triage: {note}"
        else:
            record_event(
                session,
                request,
                RequestEventKind.REOPENED_ACCEPTED,
                user,
                note,
                tactic_id=request.tactic_id,
                person_id=request.assignee_id,
            )
            told = f"{user.name} reopened it; {builder.name} builds it again: {note}"
        session.flush()
        session.refresh(request, ["tactic", "assignee"])
        # Whoever was building it hears too, though a request back to new is routed to nobody.
        tell_watchers(session, request, user, told, watching)
    return request
