"""Every endpoint, every role (and nobody signed in), with the status each should get."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import PEOPLE, detached_users
from tests.factories import (
    make_member,
    make_page,
    make_tactic,
    make_user,
    make_variant,
    open_round,
    publish,
    round_comment,
)
from tests.files.makers import make_deck, make_pdf
from tests.files.seed import add_file, approve_file
from tests.worlds import BLANK
from wiki.models import utcnow
from wiki.services import content_requests, pages, subscriptions, summaries, threads, variant_admin
from wiki.services import rounds as rounds_service

ANON, FIELD, COUNCIL, LEAD = "anonymous", "field", "council", "lead"
ROLES = (ANON, FIELD, COUNCIL, LEAD)


@dataclass(frozen=True)
class Upload:
    """A file in a form; each request gets a fresh stream of it, since posting one reads it to the end."""

    filename: str
    data: bytes


DECK_SLIDES = [("Why us", "Three reasons", "Say them slowly"), ("Pricing", "Three tiers", "")]
NEW_DECK = Upload("deck.pptx", make_deck([*DECK_SLIDES, ("Next steps", "Book a call", "")]))

# (method, url, {role: expected status}); anonymous is always sent to sign in unless listed.
MATRIX = [
    ("GET", "/", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/login", {ANON: 200, FIELD: 302, COUNCIL: 302, LEAD: 302}),
    ("GET", "/account", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/changes", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/changes?page=draft-only", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/changes?kind=review&page=fy27-plan", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/search?q=plan", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/feed.atom", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/new?slug=fresh-page", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("GET", "/p/fy27-plan", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan?rev=1", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan?rev=2", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/draft-only", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/raw", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/raw?rev=2", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/edit", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/brand-new/edit", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/history", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/diff?from=1&to=2", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    # A page the field can't read answers as a missing one would, on every route.
    ("GET", "/p/draft-only/raw", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/draft-only/history", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/draft-only/diff?from=1&to=1", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/review", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("GET", "/review/fy27-plan", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("GET", "/review/draft-only", {FIELD: 404, COUNCIL: 403, LEAD: 200}),
    ("POST", "/p/draft-only/publish", {FIELD: 404, COUNCIL: 403, LEAD: 303}),
    ("POST", "/p/fy27-plan/edit", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/fy27-plan/preview", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("POST", "/p/fy27-plan/draft/discard", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/fy27-plan/restore", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/fy27-plan/publish", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("GET", "/admin/users", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/admin/users", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("GET", "/admin/users/{field_id}", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/admin/users/{field_id}", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/admin/users/{field_id}/password", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/p/fy27-plan/threads", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("GET", "/p/fy27-plan/suggest?rev=2&line=3&quote=Two", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("POST", "/p/fy27-plan/suggest/preview", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("POST", "/p/fy27-plan/suggestions", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/threads/{thread_id}/replies", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/threads/{thread_id}/resolve", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/threads/{thread_id}/reopen", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/threads/{suggestion_id}/accept", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/threads/{suggestion_id}/reject", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/threads/{suggestion_id}/refresh", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/comments/{comment_id}/edit", {FIELD: 403, COUNCIL: 303, LEAD: 403}),
    ("POST", "/comments/{comment_id}/delete", {FIELD: 403, COUNCIL: 303, LEAD: 403}),
    ("GET", "/people/mentions?q=a", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("GET", "/inbox", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("POST", "/inbox/read", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("GET", "/threads/999999/replies", {ANON: 405, FIELD: 405, COUNCIL: 405, LEAD: 405}),
    ("POST", "/threads/999999/replies", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    # Summaries: the archive is everyone's; drafts, composing and sending are the leads'.
    ("GET", "/summaries", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/summaries/new", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/summaries/new", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("GET", "/summaries/{sent_summary_id}", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/summaries/{draft_summary_id}", {FIELD: 404, COUNCIL: 404, LEAD: 302}),
    ("GET", "/summaries/{draft_summary_id}/edit", {FIELD: 404, COUNCIL: 404, LEAD: 200}),
    ("POST", "/summaries/{draft_summary_id}/edit", {FIELD: 404, COUNCIL: 404, LEAD: 303}),
    ("GET", "/summaries/{draft_summary_id}/preview", {FIELD: 404, COUNCIL: 404, LEAD: 200}),
    ("POST", "/summaries/{draft_summary_id}/send", {FIELD: 404, COUNCIL: 404, LEAD: 303}),
    ("POST", "/summaries/{draft_summary_id}/discard", {FIELD: 404, COUNCIL: 404, LEAD: 303}),
    ("GET", "/summaries/{sent_summary_id}/progress", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/summaries/{sent_summary_id}/resume", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/logout", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    # Council and tactics: the council user holds a seat and owns the launch plan's tactic.
    ("GET", "/council", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    # An empty form: the lead gets past the permission check to the form's own message.
    ("POST", "/council/members", {FIELD: 403, COUNCIL: 403, LEAD: 400}),
    ("GET", "/council/members/{member_id}/remove", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/council/members/{member_id}/remove", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("GET", "/council/members/999999/remove", {FIELD: 403, COUNCIL: 403, LEAD: 404}),
    ("GET", "/tactics/{tactic_id}", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/tactics/999999", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("GET", "/tactics/new?plan=launch-plan", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/tactics/new?plan=launch-plan", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("GET", "/tactics/{tactic_id}/edit", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("POST", "/tactics/{tactic_id}/edit", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/tactics/{tactic_id}/review", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/threads/{owned_suggestion_id}/accept", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    # Field feedback: only field reps answer, and only about a published page (the plan's revision 1).
    ("POST", "/p/fy27-plan/feedback", {ANON: 302, FIELD: 303, COUNCIL: 403, LEAD: 403}),
    ("POST", "/p/draft-only/feedback", {ANON: 302, FIELD: 404, COUNCIL: 403, LEAD: 403}),
    ("POST", "/p/no-such-page/feedback", {ANON: 302, FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("GET", "/p/fy27-plan/feedback", {ANON: 405, FIELD: 405, COUNCIL: 405, LEAD: 405}),
    # Email subscriptions: an unsubscribe link works for whoever holds it, signed in or not (the field rep's
    # link here); the preferences page is each person's own.
    ("GET", "/unsubscribe/{unsubscribe_token}", {ANON: 200, FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("POST", "/unsubscribe/{unsubscribe_token}", {ANON: 200, FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("POST", "/unsubscribe/not-a-token", {ANON: 400, FIELD: 400, COUNCIL: 400, LEAD: 400}),
    ("GET", "/account/email", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("POST", "/account/email", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    # Reps' own versions (issue 10, part 1). {variant_id} is the field rep's version of the plan, {other_variant_id}
    # another rep's; the council member owns no tactic covering the plan, so both are theirs to not see.
    ("GET", "/p/fy27-plan/variants", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("POST", "/p/fy27-plan/variants", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/draft-only/variants", {FIELD: 404, COUNCIL: 403, LEAD: 403}),
    ("GET", "/p/draft-only/variants", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/variants/{variant_id}", {FIELD: 200, COUNCIL: 404, LEAD: 200}),
    ("GET", "/p/fy27-plan/variants/{other_variant_id}", {FIELD: 404, COUNCIL: 404, LEAD: 200}),
    ("GET", "/p/fy27-plan/variants/999999", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("GET", "/p/launch-plan/variants/{variant_id}", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("GET", "/p/fy27-plan/variants/{variant_id}/edit", {FIELD: 200, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{variant_id}/edit", {FIELD: 303, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{variant_id}/preview", {FIELD: 200, COUNCIL: 404, LEAD: 403}),
    # Already on the newest published revision: past the permission check to the service's own answer.
    ("POST", "/p/fy27-plan/variants/{variant_id}/update", {FIELD: 409, COUNCIL: 404, LEAD: 403}),
    ("GET", "/p/fy27-plan/variants/{variant_id}/send", {FIELD: 200, COUNCIL: 404, LEAD: 403}),
    # Nothing ticked, nobody chosen: the author gets past the permission check to the form's own message.
    ("POST", "/p/fy27-plan/variants/{variant_id}/send", {FIELD: 400, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{variant_id}/shares", {FIELD: 400, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{variant_id}/shares/{other_rep_id}/remove", {FIELD: 303, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{other_variant_id}/edit", {FIELD: 404, COUNCIL: 404, LEAD: 403}),
    ("GET", "/p/fy27-plan/variants/{variant_id}?rev=1", {FIELD: 200, COUNCIL: 404, LEAD: 200}),
    ("GET", "/p/fy27-plan/variants/{variant_id}?rev=99", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("POST", "/p/fy27-plan/variants/{variant_id}/rename", {FIELD: 303, COUNCIL: 404, LEAD: 403}),
    ("GET", "/p/fy27-plan/variants/{variant_id}/delete", {FIELD: 200, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{variant_id}/delete", {FIELD: 303, COUNCIL: 404, LEAD: 403}),
    ("POST", "/p/fy27-plan/variants/{other_variant_id}/delete", {FIELD: 404, COUNCIL: 404, LEAD: 403}),
    # Deleted by the other rep: the council and leads, who read the suggestions that link to it, are told it was
    # removed; to the field user it never existed.
    ("GET", "/p/fy27-plan/variants/{removed_variant_id}", {FIELD: 404, COUNCIL: 410, LEAD: 410}),
    # Content requests (issue 10, part 2).
    ("GET", "/requests", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/requests?state=done&segment=Banks", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/requests?state=nonsense", {FIELD: 400, COUNCIL: 400, LEAD: 400}),
    ("GET", "/requests/new", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("POST", "/requests/new", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("GET", "/requests/{content_request_id}", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/requests/999999", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("POST", "/requests/{content_request_id}/join", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("POST", "/requests/999999/join", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    # An empty form: the lead gets past the permission check to the form's own message.
    ("POST", "/requests/{content_request_id}/accept", {FIELD: 403, COUNCIL: 403, LEAD: 400}),
    ("POST", "/requests/{content_request_id}/decline", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/requests/{content_request_id}/merge", {FIELD: 403, COUNCIL: 403, LEAD: 400}),
    # Routed to the council user, who moves it on; nobody else but a lead may.
    ("POST", "/requests/{routed_request_id}/progress", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/requests/{routed_request_id}/done", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/requests/{content_request_id}/progress", {FIELD: 403, COUNCIL: 403, LEAD: 409}),
    ("GET", "/requests/{content_request_id}/join", {ANON: 405, FIELD: 405, COUNCIL: 405, LEAD: 405}),
    # The field user asked for {content_request_id}, the council user joined it; {routed_request_id} is accepted.
    ("POST", "/requests/{content_request_id}/withdraw", {FIELD: 403, COUNCIL: 303, LEAD: 409}),
    ("GET", "/requests/{content_request_id}/edit", {FIELD: 200, COUNCIL: 403, LEAD: 200}),
    ("POST", "/requests/{content_request_id}/edit", {FIELD: 303, COUNCIL: 403, LEAD: 303}),
    ("GET", "/requests/{routed_request_id}/edit", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("GET", "/requests/999999/edit", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("POST", "/requests/{declined_request_id}/reopen", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/requests/{content_request_id}/reopen", {FIELD: 403, COUNCIL: 403, LEAD: 409}),
    # Comment rounds for the field (issue 10, part 3). The launch plan has an open round, the FY27 plan a
    # closed one (so a lead may open another there); everyone comments while a round is open.
    ("POST", "/p/fy27-plan/rounds", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/p/launch-plan/rounds", {FIELD: 403, COUNCIL: 403, LEAD: 409}),
    ("POST", "/p/draft-only/rounds", {FIELD: 404, COUNCIL: 403, LEAD: 409}),
    ("GET", "/rounds/{open_round_id}", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("GET", "/rounds/{closed_round_id}", {FIELD: 403, COUNCIL: 403, LEAD: 200}),
    ("GET", "/rounds/999999", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("POST", "/rounds/{open_round_id}/close", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/rounds/{closed_round_id}/close", {FIELD: 403, COUNCIL: 403, LEAD: 409}),
    ("POST", "/rounds/{open_round_id}/threads", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("POST", "/rounds/{closed_round_id}/threads", {FIELD: 403, COUNCIL: 403, LEAD: 403}),
    ("POST", "/round-threads/{round_thread_id}/replies", {FIELD: 303, COUNCIL: 303, LEAD: 303}),
    ("POST", "/round-threads/{closed_round_thread_id}/replies", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/round-threads/{thread_id}/replies", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    # The field rep's own comment in each round: theirs to edit and delete while the round is open, nobody's after.
    ("POST", "/comments/{round_comment_id}/edit", {FIELD: 303, COUNCIL: 403, LEAD: 403}),
    ("POST", "/comments/{round_comment_id}/delete", {FIELD: 303, COUNCIL: 403, LEAD: 403}),
    ("POST", "/comments/{closed_round_comment_id}/edit", {FIELD: 403, COUNCIL: 403, LEAD: 403}),
    ("POST", "/comments/{closed_round_comment_id}/delete", {FIELD: 403, COUNCIL: 403, LEAD: 403}),
    # Shared with a client (issue 10, part 4): only the field records shares, of a published page.
    ("POST", "/p/fy27-plan/shares", {ANON: 302, FIELD: 303, COUNCIL: 403, LEAD: 403}),
    ("POST", "/p/draft-only/shares", {ANON: 302, FIELD: 404, COUNCIL: 403, LEAD: 403}),
    ("POST", "/p/no-such-page/shares", {ANON: 302, FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("GET", "/p/fy27-plan/shares", {ANON: 405, FIELD: 405, COUNCIL: 405, LEAD: 405}),
    # Files on pages (issue 11). On the FY27 plan, deck.pptx has version 1 approved and version 2 waiting;
    # plan.pdf has no approved version, so to the field it is missing. The council and leads keep files, only
    # leads approve them, and the field downloads approved versions only.
    ("GET", "/p/fy27-plan/files", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/draft-only/files", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("POST", "/p/fy27-plan/files", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/draft-only/files", {FIELD: 404, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/fy27-plan/files/deck.pptx/versions", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/fy27-plan/files/deck.pptx/restore", {FIELD: 403, COUNCIL: 303, LEAD: 303}),
    ("POST", "/p/fy27-plan/files/deck.pptx/approve", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/p/fy27-plan/files/deck.pptx/request-changes", {FIELD: 403, COUNCIL: 403, LEAD: 303}),
    ("POST", "/p/fy27-plan/files/plan.pdf/approve", {FIELD: 404, COUNCIL: 403, LEAD: 303}),
    ("POST", "/p/fy27-plan/files/plan.pdf/versions", {FIELD: 404, COUNCIL: 400, LEAD: 400}),
    ("GET", "/p/fy27-plan/files/deck.pptx", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx?v=1", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx?v=2", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx?v=3", {FIELD: 404, COUNCIL: 404, LEAD: 404}),
    ("GET", "/p/fy27-plan/files/plan.pdf?v=1", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx/preview", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx/preview?v=1", {FIELD: 200, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx/preview?v=2", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/plan.pdf/preview", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/plan.pdf/pictures/1?v=1", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx/changes?from=1&to=2", {FIELD: 403, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/draft-only/files/sketch.pdf", {FIELD: 404, COUNCIL: 200, LEAD: 200}),
    ("GET", "/p/fy27-plan/files/deck.pptx/approve", {ANON: 405, FIELD: 405, COUNCIL: 405, LEAD: 405}),
]

FORMS = {
    # Comment rounds and shares (issue 10, parts 3 and 4).
    "/p/fy27-plan/rounds": {"prompt": "Tell us", "closes_on": (utcnow().date() + timedelta(days=10)).isoformat()},
    "/p/launch-plan/rounds": {"prompt": "Tell us", "closes_on": (utcnow().date() + timedelta(days=10)).isoformat()},
    "/p/draft-only/rounds": {"prompt": "Tell us", "closes_on": (utcnow().date() + timedelta(days=10)).isoformat()},
    "/rounds/{open_round_id}/threads": {"rev": "1", "body": "From the field"},
    "/rounds/{closed_round_id}/threads": {"rev": "1", "body": "Too late"},
    "/round-threads/{round_thread_id}/replies": {"body": "A reply"},
    "/round-threads/{closed_round_thread_id}/replies": {"body": "A reply"},
    "/round-threads/{thread_id}/replies": {"body": "A reply"},
    "/comments/{round_comment_id}/edit": {"body": "Edited"},
    "/comments/{closed_round_comment_id}/edit": {"body": "Edited"},
    "/p/fy27-plan/shares": {"client_kind": "bank", "reaction": "Liked it"},
    "/p/draft-only/shares": {"client_kind": "bank"},
    "/p/no-such-page/shares": {"client_kind": "bank"},
    "/summaries/{draft_summary_id}/edit": {"subject": "News", "audience": "field"},
    "/p/fy27-plan/edit": {"body": "# Plan\n\nEdited.\n", "summary": "edit", "base_revision": "2"},
    "/p/fy27-plan/preview": {"body": "preview", "base_revision": "2"},
    "/p/fy27-plan/restore": {"rev": "1"},
    "/p/fy27-plan/publish": {"rev": "2"},
    "/p/draft-only/publish": {"rev": "1"},
    "/admin/users": {"email": "x@example.com", "name": "X", "role": "field", "password": "long enough pass"},
    "/admin/users/{field_id}": {"name": "Finn Field", "role": "field", "active": "y"},
    "/admin/users/{field_id}/password": {"password": "another long password"},
    "/p/fy27-plan/threads": {"body": "A comment", "rev": "2", "quote": "Two", "line": "3"},
    "/p/fy27-plan/suggest/preview": {"exact": "Two.", "replacement": "Three."},
    "/p/fy27-plan/suggestions": {"rev": "2", "start": "8", "end": "12", "exact": "Two.", "replacement": "Three."},
    "/threads/{thread_id}/replies": {"body": "A reply"},
    "/threads/{suggestion_id}/reject": {"reason": "Not now"},
    "/threads/{suggestion_id}/refresh": {"replacement": "Four."},
    "/comments/{comment_id}/edit": {"body": "Edited"},
    "/tactics/new?plan=launch-plan": {"name": "Webinar series", "cadence_days": "30", "status": "planned"},
    "/tactics/{tactic_id}/edit": {"name": "Launch deck", "cadence_days": "14", "status": "active", "owner_id": ""},
    "/tactics/{tactic_id}/review": {"note": "Went through the deck"},
    "/p/fy27-plan/feedback": {"would_share": "no", "note": "Clients found it generic"},
    "/p/draft-only/feedback": {"would_share": "yes"},
    "/p/no-such-page/feedback": {"would_share": "yes"},
    "/p/fy27-plan/variants": {"name": "Regional bank, Lyon"},
    "/p/draft-only/variants": {"name": "Regional bank, Lyon"},
    "/p/fy27-plan/variants/{variant_id}/edit": {"body": "# Plan\n\nOne, for banks.\n", "base_revision": "2"},
    "/p/fy27-plan/variants/{other_variant_id}/edit": {"body": "Mine", "base_revision": "1"},
    "/p/fy27-plan/variants/{variant_id}/preview": {"body": "# Plan"},
    # Content requests (issue 10, part 2).
    "/requests/new": {"title": "A DORA checklist", "segment": "Banks", "stage": "proposal"},
    "/requests/{content_request_id}/join": {"note": "Me too"},
    "/requests/{content_request_id}/decline": {"reason": "Already in the deck"},
    "/requests/{routed_request_id}/done": {"page": "fy27-plan", "revision": "1"},
    "/requests/{content_request_id}/edit": {"title": "A checklist for banks"},
    "/requests/{declined_request_id}/reopen": {"to": "new", "note": "Next quarter"},
    "/requests/{content_request_id}/reopen": {"to": "new", "note": "Next quarter"},
    "/p/fy27-plan/variants/{variant_id}/rename": {"name": "Mutual bank, Lyon"},
    # Files on pages (issue 11).
    "/p/fy27-plan/files": {"file": Upload("new-deck.pptx", NEW_DECK.data), "note": "First cut"},
    "/p/draft-only/files": {"file": NEW_DECK, "note": ""},
    "/p/fy27-plan/files/deck.pptx/versions": {"file": NEW_DECK, "note": "Adds next steps"},
    # A deck is not a new version of a PDF: past the permission check to the service's own answer.
    "/p/fy27-plan/files/plan.pdf/versions": {"file": NEW_DECK},
    "/p/fy27-plan/files/deck.pptx/restore": {"v": "1"},
    "/p/fy27-plan/files/deck.pptx/approve": {"v": "2"},
    "/p/fy27-plan/files/deck.pptx/request-changes": {"v": "2", "note": "Say which tiers"},
    "/p/fy27-plan/files/plan.pdf/approve": {"v": "1"},
}


def build_world(people) -> dict[str, int]:
    """Pages, threads, a council seat and a tactic, summaries: what every route of the matrix needs to exist."""
    page = make_page(people["lead"], bodies=("# Plan\n\nOne.\n", "# Plan\n\nTwo.\n"))
    publish(people["lead"], page, 1)
    make_page(people["council"], slug="draft-only")
    thread = threads.start_thread(people["council"], page, 2, "Is this right?", None)
    suggestion = threads.suggest(people["lead"], page, 2, 8, 12, "Two.", "Two and a half.")
    ids = {"thread_id": thread.id, "suggestion_id": suggestion.id, "comment_id": thread.comments[0].id}
    launch = make_page(people["lead"], slug="launch-plan", title="Launch plan")
    publish(people["lead"], launch, 1)
    deck = make_page(people["lead"], slug="launch-deck", kind="collateral", bodies=("# Deck\n\nSlide one.\n",))
    member = make_member(people["lead"], people["council"])
    tactic = make_tactic(people["lead"], launch, "Launch deck", owner=people["council"], pages=(deck,))
    owned = threads.suggest(people["lead"], deck, 1, 8, 18, "Slide one.", "Slide one, named.")
    ids |= {"member_id": member.id, "tactic_id": tactic.id, "owned_suggestion_id": owned.id}
    ids["unsubscribe_token"] = subscriptions.unsubscribe_token(people["field"].id)
    draft = summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
    sent = summaries.start_sending(
        people["lead"], summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
    )
    ids |= {"draft_summary_id": draft.id, "sent_summary_id": sent.id}
    # Reps' own versions (issue 10, part 1).
    other_rep = make_user(role="field", name="Olga Other", email="olga@example.com")
    mine = make_variant(people["field"], page, "Regional bank, Lyon", "# Plan\n\nOne, in euros.\n")
    theirs = make_variant(other_rep, page, "Insurer, Oslo")
    ids |= {"variant_id": mine.id, "other_variant_id": theirs.id, "other_rep_id": other_rep.id}
    gone = make_variant(other_rep, page, "Closed account")
    variant_admin.remove(other_rep, gone)
    ids["removed_variant_id"] = gone.id
    # Files on pages (issue 11).
    add_file(people["council"], "fy27-plan", "deck.pptx", make_deck(DECK_SLIDES))
    approve_file(people["lead"], "fy27-plan", "deck.pptx", 1)
    add_file(people["council"], "fy27-plan", "deck.pptx", make_deck(DECK_SLIDES[:1]), note="One slide only")
    add_file(people["council"], "fy27-plan", "plan.pdf", make_pdf(["The plan on one page"]))
    add_file(people["council"], "draft-only", "sketch.pdf", make_pdf(["A sketch"]))
    # Content requests (issue 10, part 2): one new, one routed to the council user.
    asked = content_requests.create_request(people["field"], content_requests.RequestFields(title="A checklist"))
    routed = content_requests.create_request(people["field"], content_requests.RequestFields(title="A deck"))
    content_requests.accept(people["lead"], routed.id, None, people["council"].id)
    content_requests.join(people["council"], asked.id, "")
    declined = content_requests.create_request(people["field"], content_requests.RequestFields(title="A brochure"))
    content_requests.decline(people["lead"], declined.id, "Not this quarter")
    ids |= {"content_request_id": asked.id, "routed_request_id": routed.id, "declined_request_id": declined.id}
    # Comment rounds (issue 10, part 3): open on the launch plan, closed on the FY27 plan, a field thread in each.
    opened = open_round(people["lead"], launch)
    closed = open_round(people["lead"], pages.get_page("fy27-plan"))
    closed_thread = round_comment(people["field"], closed, "Before it closed")
    rounds_service.close_round(people["lead"], closed)
    round_thread = round_comment(people["field"], opened, "From the field")
    ids |= {"open_round_id": opened.id, "closed_round_id": closed.id}
    ids |= {"round_thread_id": round_thread.id, "closed_round_thread_id": closed_thread.id}
    ids |= {"round_comment_id": round_thread.comments[0].id, "closed_round_comment_id": closed_thread.comments[0].id}
    return ids


def build_roles(app) -> dict:
    people = detached_users(app, PEOPLE[1]())
    return {"people": {role: user.id for role, user in people.items()}, "ids": build_world(people)}


@pytest.fixture
def roles_world(app, worlds):
    """Built once per run; each case gets its own copy, so a POST in one case can't change another's."""
    built = worlds.restore(app, "roles", lambda: build_roles(app), base=BLANK)
    return {**detached_users(app, built["people"]), "ids": built["ids"]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_route_answers_each_role_as_expected(roles_world, browser, role, method, url, expected):
    world = roles_world
    person = browser(None if role == ANON else world[role])
    form = FORMS.get(url, {})
    files = {key: (io.BytesIO(value.data), value.filename) for key, value in form.items() if isinstance(value, Upload)}
    encoding = {"content_type": "multipart/form-data"} if files else {}
    url = url.format(field_id=world["field"].id, **world["ids"])
    response = (
        person.get(url) if method == "GET" else person.post(url, {**form, **files}, token_from="/login", **encoding)
    )
    wanted = expected.get(role, 302 if method == "GET" or role == ANON else None)
    if role == ANON and method == "POST":
        wanted = expected.get(role, 302)
    assert response.status_code == wanted, response.get_data(as_text=True)[:500]
    if role == ANON and wanted == 302:
        assert "/login" in response.headers["Location"]
