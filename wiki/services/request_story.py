"""How the later steps of a request's story read: *no longer needs it*, reopened, edited.

Kept apart from wiki/services/content_requests.py, which asks here for the kinds in KINDS. Like the rest of
the story it is told to each reader with only what they may see: a tactic of a plan the field can't read yet
goes unnamed."""

from __future__ import annotations

from wiki.models import RequestEvent, RequestEventKind, User
from wiki.services.permissions import can_see_page

KINDS = frozenset(
    {
        RequestEventKind.WITHDREW,
        RequestEventKind.REOPENED,
        RequestEventKind.REOPENED_ACCEPTED,
        RequestEventKind.EDITED,
    }
)


def text(user: User, event: RequestEvent) -> str:
    kind = event.kind
    if kind == RequestEventKind.WITHDREW:
        return "no longer needs it"
    if kind == RequestEventKind.EDITED:
        # The note is what changed, written by wiki/services/request_changes.py.
        return f"edited {event.note}" if event.note else "edited it"
    if kind == RequestEventKind.REOPENED:
        return "reopened it for the leads to triage again"
    back_with = []
    tactic = event.tactic
    if tactic is not None and can_see_page(user, tactic.plan):
        back_with.append(f"the tactic “{tactic.name}”")
    if event.person is not None:
        back_with.append(event.person.name)
    return "reopened it" + (", back with " + " and ".join(back_with) if back_with else "")
