"""What each role's dashboard shows, gathered in one place so the view stays a line long."""

from __future__ import annotations

from datetime import timedelta

from wiki.models import User, utcnow
from wiki.services import (
    activity,
    content_requests,
    feedback,
    page_index,
    request_votes,
    review,
    review_queue,
    rounds,
    shares,
    summaries,
    tactics,
)
from wiki.services import changes as changelog
from wiki.services import variants as variant_service
from wiki.services.permissions import can_see_usage, can_triage_requests, is_lead, is_staff
from wiki.views.charts import contribution_chart

FEEDBACK_DAYS = 30
# The home page names the longest-waiting few; the review queue has the rest.
DASHBOARD_WAITING = 6
# The most recently changed pages of each kind; /pages lists them all.
DASHBOARD_PAGES = 10
# The pages sent to clients most; each tactic's page has its own.
DASHBOARD_USAGE = 6
# The pages the field would share least; their page's feedback section has every answer.
DASHBOARD_FEEDBACK = 5
# Tactics overdue, without an owner or due soonest; the Council page lists them all.
DASHBOARD_TACTICS = 8


def list_statuses(user: User, rows) -> dict:
    """Each listed page's review badge, for the staff who see drafts (the field reads published pages only)."""
    return review.statuses([page for page, _ in rows]) if is_staff(user) else {}


def dashboard_context(user: User) -> dict:
    context: dict = {
        "recently_changed": page_index.recently_changed(user, DASHBOARD_PAGES),
        "kind_names": page_index.KIND_NAMES,
        "recent": changelog.recent_changes(user, changelog.Filters(), 1, per_page=8).changes,
    }
    if not is_staff(user):
        context["latest_summary"] = summaries.latest_sent(user)
    if is_staff(user):
        listed = [row for recent in context["recently_changed"].values() for row in recent.rows]
        context["statuses"] = list_statuses(user, listed)
        context["feedback"] = feedback.feedback_counts(
            user, utcnow() - timedelta(days=FEEDBACK_DAYS), DASHBOARD_FEEDBACK
        )
        context["feedback_days"] = FEEDBACK_DAYS
    if is_lead(user):
        context["waiting"] = review_queue.queue(user, per_page=DASHBOARD_WAITING, recent=0)
        context["tactics"] = tactics.needing_attention(user, DASHBOARD_TACTICS)
        context["chart"] = contribution_chart(activity.council_contributions(user, days=90))
    elif is_staff(user):
        # A council member's own cards; a lead's home has the whole council's in their place.
        context["my_tactics"] = tactics.tactic_for_owner(user, user)
        context["my_threads"] = activity.open_threads_on_my_pages(user)
        context["my_revisions"] = activity.my_recent_revisions(user, 6)
    # Content requests (issue 10, part 2).
    if is_staff(user):
        context["requests_routed"] = content_requests.routed_to(user)
    if can_triage_requests(user):
        context["requests_to_triage"] = content_requests.to_triage(user)
    if not is_staff(user):
        context["my_requests"] = request_votes.my_requests(user)
        context["request_states"] = content_requests.STATE_LABELS
    # Comment rounds and shares with clients (issue 10, parts 3 and 4).
    context["open_rounds"] = rounds.open_rounds(user)
    if can_see_usage(user):
        context["usage_rows"] = shares.dashboard_usage(user, DASHBOARD_USAGE)
    # Reps' own versions (issue 10, part 1).
    if is_staff(user):
        context["recent_variants"] = variant_service.recent_on_my_pages(user)
    return context
