"""The stored data and the constraints that keep it consistent.

One module per area; everything is importable from `wiki.models`, and importing it registers every table."""

from __future__ import annotations

from wiki.models.content_requests import (
    ContentRequest,
    RequestEvent,
    RequestEventKind,
    RequestStage,
    RequestState,
    RequestVote,
)
from wiki.models.core import (
    AnchorState,
    AnswerTally,
    Approval,
    Comment,
    ContributionDay,
    CouncilMember,
    Decision,
    DeliveryState,
    Draft,
    Feedback,
    LoginThrottle,
    Notification,
    NotificationKind,
    Page,
    PageKind,
    Revision,
    RevisionOrigin,
    Role,
    Summary,
    SummaryDelivery,
    SummaryState,
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

# Files on pages (issue 11).
from wiki.models.files import Attachment, Blob, FileDecision, FileImage, FileVersion
from wiki.models.presence import EditingPresence  # who has a page's editor open (issue 15, part 4)
from wiki.models.presenting import SectionPresenter  # who presents each section (issue 15, part 1)

# The field's voice (issue 10): one module per area, imported here so its tables are registered.
from wiki.models.rounds import CommentRound
from wiki.models.schedule import SummarySchedule  # the summary's schedule (issue 12)
from wiki.models.search import SearchDoc, SearchSource  # the full-text index (issue 14, item 3)
from wiki.models.shares import Share
from wiki.models.site import Generation  # what cached views are keyed by (issue 14)
from wiki.models.variants import Variant, VariantOffer, VariantOrigin, VariantRevision, VariantShare

__all__ = [
    "Generation",
    "AnchorState",
    "AnswerTally",
    "Approval",
    "Comment",
    "ContributionDay",
    "ContentRequest",
    "CouncilMember",
    "Decision",
    "DeliveryState",
    "Draft",
    "Feedback",
    "LoginThrottle",
    "Notification",
    "NotificationKind",
    "Page",
    "PageKind",
    "Revision",
    "RevisionOrigin",
    "RequestEvent",
    "RequestEventKind",
    "RequestStage",
    "RequestState",
    "RequestVote",
    "Role",
    "Summary",
    "SummaryDelivery",
    "SummarySchedule",
    "SummaryState",
    "Tactic",
    "tactic_pages",
    "TacticReview",
    "TacticStatus",
    "Thread",
    "ThreadKind",
    "ThreadState",
    "User",
    "UTCDateTime",
    "utcnow",
    # Files on pages (issue 11).
    "Attachment",
    "Blob",
    "FileDecision",
    "FileImage",
    "FileVersion",
    # Comment rounds and shares with clients (issue 10, parts 3 and 4).
    "CommentRound",
    "Share",
    # Reps' own versions (issue 10, part 1).
    "Variant",
    "VariantOffer",
    "VariantOrigin",
    "VariantRevision",
    "VariantShare",
    # The full-text index (issue 14, item 3).
    "SearchDoc",
    "SearchSource",
    # Present mode (issue 15, part 1).
    "SectionPresenter",
    # Who is editing (issue 15, part 4).
    "EditingPresence",
]
