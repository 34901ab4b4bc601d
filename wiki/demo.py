"""The demo company: who works there and the plan they are writing, loaded through the real services."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from wiki import demo_files
from wiki.extensions import db
from wiki.models import (
    Approval,
    Decision,
    DeliveryState,
    Feedback,
    Notification,
    NotificationKind,
    Page,
    Revision,
    Summary,
    SummaryDelivery,
    SummaryState,
    Tactic,
    TacticReview,
    Thread,
    User,
    utcnow,
)
from wiki.services import (
    accounts,
    content_requests,
    contributions,
    council,
    feedback,
    pages,
    review,
    rounds,
    shares,
    summaries,
    summary_content,
    tactics,
    threads,
)
from wiki.services import variants as variant_service
from wiki.services.pages import EditSubmission
from wiki.services.tactics import TacticFields

PASSWORD = "council-demo-2027"
CONTENT = Path(__file__).resolve().parent / "demo_content"

LEADS = [
    ("maya.chen@example.com", "Maya Chen", "Marketing"),
    ("daniel.okafor@example.com", "Daniel Okafor", "Marketing"),
]
COUNCIL = [
    ("priya.raman@example.com", "Priya Raman", "North America East"),
    ("tom.becker@example.com", "Tom Becker", "North America West"),
    ("sofia.lindqvist@example.com", "Sofia Lindqvist", "EMEA"),
    ("kenji.watanabe@example.com", "Kenji Watanabe", "APAC"),
    ("lucia.fernandez@example.com", "Lucía Fernández", "LATAM"),
    ("marcus.hill@example.com", "Marcus Hill", "CRM / inside sales"),
]
FIELD_NAMES = [
    "Aisha Khan",
    "Ben Carter",
    "Chloe Dubois",
    "David Kim",
    "Elena Rossi",
    "Farid Haddad",
    "Grace Liu",
    "Hugo Martin",
    "Isabel Costa",
    "Jack Murphy",
    "Kavya Iyer",
    "Liam O'Brien",
    "Mei Tanaka",
    "Noah Schmidt",
    "Olivia Brown",
    "Pedro Alves",
    "Quinn Taylor",
    "Rosa Jiménez",
    "Samuel Adeyemi",
    "Tara Nguyen",
]
FIELD_REGIONS = ["North America East", "North America West", "EMEA", "APAC", "LATAM"]

# (slug, title, kind, [(author email, content file, summary)], published revision numbers)
PAGES = [
    (
        "fy27-financial-services-plan",
        "FY27 Financial Services Marketing Plan",
        "plan",
        [
            ("maya.chen@example.com", "plan-1.md", "First draft for the council"),
            ("sofia.lindqvist@example.com", "plan-2.md", "EMEA: DORA is the conversation opener, not cost"),
            ("priya.raman@example.com", "plan-3.md", "Regional banks segment: add credit unions"),
            ("daniel.okafor@example.com", "plan-4.md", "Tactics table with owners"),
            ("marcus.hill@example.com", "plan-5.md", "Inside sales: lead-scoring threshold"),
        ],
        [2, 4],
    ),
    (
        "customer-presentation",
        "Customer presentation: modernising the core",
        "collateral",
        [
            ("daniel.okafor@example.com", "presentation-1.md", "Outline"),
            ("tom.becker@example.com", "presentation-2.md", "Slide 7 was generic: replace with a named customer story"),
            ("kenji.watanabe@example.com", "presentation-3.md", "APAC proof points"),
        ],
        [2],
    ),
    (
        "direct-marketing-email",
        "Direct-marketing email: the DORA readiness check",
        "collateral",
        [
            ("maya.chen@example.com", "email-1.md", "First version"),
            ("lucia.fernandez@example.com", "email-2.md", "Shorter subject line; reps won't forward long emails"),
        ],
        [1],
    ),
    (
        "lead-scoring-criteria",
        "Lead-scoring criteria",
        "collateral",
        [
            ("marcus.hill@example.com", "scoring-1.md", "Criteria from the CRM team"),
            ("daniel.okafor@example.com", "scoring-2.md", "Weights agreed in the council call"),
            ("marcus.hill@example.com", "scoring-3.md", "Drop webinar attendance below 20 minutes"),
        ],
        [2, 3],
    ),
    (
        "webinar-series",
        "Webinar series: Resilience in Financial Services",
        "collateral",
        [
            ("kenji.watanabe@example.com", "webinar-1.md", "Four sessions, one per quarter"),
            ("sofia.lindqvist@example.com", "webinar-2.md", "Add an EMEA time slot"),
        ],
        [],
    ),
    (
        "council-charter",
        "How the sales advisory council works",
        "note",
        [("maya.chen@example.com", "charter-1.md", "Charter")],
        [1],
    ),
]


PLAN = "fy27-financial-services-plan"
# The tactics table of the plan, one per council member: (name, owner email, linked pages, review cadence in
# days, status, days since the last review or None, that review's note, description).
TACTICS = [
    (
        "Customer presentation",
        "tom.becker@example.com",
        ["customer-presentation"],
        30,
        "active",
        36,
        "Slide 7 replaced with the Harbour Savings story; APAC proof points still to check.",
        "The deck reps show heads of operations. **One named customer per region**, no generic slides.",
    ),
    (
        "Direct-marketing email",
        "lucia.fernandez@example.com",
        ["direct-marketing-email"],
        14,
        "active",
        3,
        "Shorter subject line is live; two reps in LATAM forwarded it unchanged.",
        "The DORA readiness check, sent by reps to their own contacts. Short enough to forward.",
    ),
    (
        "Webinar series",
        "kenji.watanabe@example.com",
        ["webinar-series"],
        30,
        "planned",
        None,
        "",
        "Four sessions on resilience, one per quarter, with an EMEA and an APAC time slot.",
    ),
    (
        "Lead-scoring criteria",
        "marcus.hill@example.com",
        ["lead-scoring-criteria"],
        30,
        "active",
        8,
        "Threshold 65 holds; webinar attendance under 20 minutes no longer scores.",
        "What makes a lead worth a rep's call. Inside sales tunes the weights with the council.",
    ),
    (
        "EMEA regulatory briefings",
        "sofia.lindqvist@example.com",
        [],
        90,
        "planned",
        None,
        "",
        "Briefing notes on DORA for EMEA reps, refreshed each quarter.",
    ),
    (
        "Regional bank roadshow",
        "priya.raman@example.com",
        [],
        30,
        "planned",
        None,
        "",
        "Half-day events for regional banks and credit unions in North America East.",
    ),
]


def database_is_empty() -> bool:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def _logins(field_emails: list[str]) -> list[tuple[str, str, str]]:
    return (
        [(email, "lead", PASSWORD) for email, _, _ in LEADS]
        + [(email, "council", PASSWORD) for email, _, _ in COUNCIL]
        + [(field_emails[0], "field", PASSWORD), (f"(and {len(field_emails) - 1} more field reps)", "", "")]
    )


def _field_email(name: str) -> str:
    # Plain ASCII, as most mail servers want local parts: "Rosa Jiménez" → rosa.jimenez@example.com.
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace("'", "").replace(" ", ".") + "@example.com"


def existing_logins() -> list[tuple[str, str, str]]:
    """The demo logins, if the demo company is what's in the database."""
    if accounts.find_user_by_email(LEADS[0][0]) is None:
        return []
    return _logins([_field_email(name) for name in FIELD_NAMES])


def load() -> list[tuple[str, str, str]]:
    """Create the company and its pages; returns the logins to print."""
    for email, name, region in LEADS:
        accounts.create_user(None, email, name, "lead", PASSWORD, region)
    for email, name, region in COUNCIL:
        accounts.create_user(None, email, name, "council", PASSWORD, region)
    field_emails = []
    for index, name in enumerate(FIELD_NAMES):
        email = _field_email(name)
        field_emails.append(email)
        accounts.create_user(None, email, name, "field", PASSWORD, FIELD_REGIONS[index % len(FIELD_REGIONS)])

    users = {user.email: user for user in db.session.execute(select(User)).scalars()}
    lead = users[LEADS[0][0]]
    for slug, title, kind, steps, published in PAGES:
        for number, (email, filename, summary) in enumerate(steps, start=1):
            body = (CONTENT / filename).read_text(encoding="utf-8")
            pages.save_revision(
                users[email],
                EditSubmission(slug=slug, body=body, summary=summary, base_number=number - 1, title=title, kind=kind),
            )
        page = pages.get_page(slug)
        for number in published:
            review.approve(lead, page, number)
    _seat_council_and_assign_tactics(lead, users)
    _discuss(users)
    _field_feedback(users)
    _rounds_and_shares(users)
    _variants(users)
    _content_requests(users)
    demo_files.load(users, lead, CONTENT)
    _spread_over_recent_weeks()
    _past_summary(users[LEADS[0][0]])
    return _logins(field_emails)


SUMMARY_INTRO = """The council's first two weeks on the FY27 plan. Thank you all: the plan now opens with
DORA readiness in EMEA, the regional-banks segment includes credit unions, and slide 7 of the customer deck
finally tells a real customer's story.

Tell us what your customers say: every published page has a *Would you share this?* box at the bottom."""


def _past_summary(lead: User) -> None:
    """The summary the leads sent two weeks ago, so the archive isn't empty. It is marked delivered without
    sending anything: loading the demo must not send mail."""
    sent = utcnow() - timedelta(days=14)
    draft = summaries.create_draft(lead, sent - timedelta(days=16), sent)
    everything = set(summary_content.gather(draft.period_start, draft.period_end).keys())
    subject = "FY27 plan: what the council changed in its first two weeks"
    summaries.update_draft(lead, draft, subject, SUMMARY_INTRO, everything, list(summaries.AUDIENCES))
    summary = summaries.start_sending(lead, draft)
    db.session.execute(
        update(SummaryDelivery)
        .where(SummaryDelivery.summary_id == summary.id)
        .values(state=DeliveryState.SENT, attempts=1, sent_at=sent)
    )
    db.session.execute(
        update(Summary)
        .where(Summary.id == summary.id)
        .values(state=SummaryState.SENT, sent_at=sent, finished_at=sent, created_at=sent - timedelta(hours=2))
    )
    db.session.commit()


# (page, commenter, quoted passage or None for the whole page, comment, who resolves it or None)
COMMENTS = [
    (
        "customer-presentation",
        "maya.chen@example.com",
        "Three quotes from customer interviews",
        "Can we get one of these quotes from an APAC insurer? All three are from US banks.",
        None,
    ),
    (
        PLAN,
        "kenji.watanabe@example.com",
        None,
        "Should APAC get its own webinar slot? 9am CET is 4pm in Tokyo, after most calls.",
        "maya.chen@example.com",
    ),
]
# (page, suggester, passage, replacement, who accepts it or None to leave it open)
SUGGESTIONS = [
    (
        "direct-marketing-email",
        "priya.raman@example.com",
        "DORA and your core migration: a 20-minute check",
        "Is your core migration DORA-ready? A 20-minute check",
        None,
    ),
    (
        "lead-scoring-criteria",
        "sofia.lindqvist@example.com",
        "| Region covered by a council member's team | 5 |",
        "| Region covered by a council member's team | 10 |",
        "marcus.hill@example.com",
    ),
]


def _discuss(users: dict[str, User]) -> None:
    """A few open and settled threads, an accepted suggestion and a request for changes, as a real
    council would leave behind after a month."""
    for slug, email, quote, body, resolver in COMMENTS:
        page = pages.get_page(slug)
        selection = threads.Selection(quote=quote) if quote else None
        thread = threads.start_thread(users[email], page, page.head_number, body, selection)
        if resolver:
            threads.reply(users[resolver], thread, "Yes: Kenji, pick a slot and add it to the webinar page.")
            threads.set_resolved(users[resolver], thread, True)
    for slug, email, passage, replacement, accepter in SUGGESTIONS:
        page = pages.get_page(slug)
        start = page.head.body.index(passage)
        end = start + len(passage)
        thread = threads.suggest(users[email], page, page.head_number, start, end, passage, replacement)
        if accepter:
            threads.accept(users[accepter], thread)
    webinars = pages.get_page("webinar-series")
    review.request_changes(
        users[LEADS[0][0]], webinars, webinars.head_number, "Name the speaker for each session before we publish."
    )


# (page, field rep, would share it with a client, what the customer said), in the order they answered.
FEEDBACK = [
    (
        "customer-presentation",
        "Chloe Dubois",
        False,
        "Clients found slide 7 generic: Harbour is a US credit union, and my insurers in France want a European "
        "insurer's story.",
    ),
    (
        "customer-presentation",
        "Aisha Khan",
        True,
        "Showed it to a credit union COO in Boston; the month-end close figures on slide 7 kept us talking an hour.",
    ),
    (
        "direct-marketing-email",
        "Hugo Martin",
        False,
        "The subject line is cut off on a phone, and one CRO said it read like a compliance notice.",
    ),
    (
        "customer-presentation",
        "David Kim",
        False,
        "Slide 10 prices in US dollars only; two banks in Singapore asked for local-currency bands first.",
    ),
    (
        "direct-marketing-email",
        "Elena Rossi",
        True,
        "Sent it unchanged to three contacts at a bank in Madrid; one booked the readiness check.",
    ),
    ("customer-presentation", "Ben Carter", True, ""),
    (
        "customer-presentation",
        "Isabel Costa",
        False,
        "A small insurer balked at the 24-month programme on slide 9. Lead with the first product live in 8 months.",
    ),
    ("direct-marketing-email", "Mei Tanaka", True, ""),
]


def _field_feedback(users: dict[str, User]) -> None:
    """Reps answering "would you share this with a client?" on the published collateral."""
    for slug, name, would_share, note in FEEDBACK:
        feedback.give_feedback(users[_field_email(name)], pages.get_page(slug), would_share, note)


def _seat_council_and_assign_tactics(lead: User, users: dict[str, User]) -> None:
    """Each council member holds the seat for their region and owns one tactic; one review is overdue."""
    for email, _, region in COUNCIL:
        council.add_member(lead, users[email].id, region, (utcnow() - timedelta(days=60)).date(), None)
    plan = pages.get_page(PLAN)
    created = utcnow() - timedelta(days=50)
    for name, email, slugs, cadence, status, reviewed_days_ago, note, description in TACTICS:
        fields = TacticFields(
            name=name,
            description=description,
            page_ids=tuple(pages.get_page(slug).id for slug in slugs),
            cadence_days=cadence,
            status=status,
            owner_id=users[email].id,
        )
        tactic_id = tactics.create_tactic(lead, plan, fields).id
        db.session.execute(update(Tactic).where(Tactic.id == tactic_id).values(created_at=created))
        db.session.commit()
        if reviewed_days_ago is not None:
            # Reviewed through the service, then moved back in time so the cadence has something to show.
            done = tactics.mark_reviewed(users[email], db.session.get(Tactic, tactic_id), note)
            when = utcnow() - timedelta(days=reviewed_days_ago)
            db.session.execute(update(TacticReview).where(TacticReview.id == done.id).values(created_at=when))
            db.session.execute(update(Tactic).where(Tactic.id == tactic_id).values(last_reviewed_at=when))
            db.session.commit()


def _spread_over_recent_weeks() -> None:
    """Loaded in a second, the history would read as if written in one; space it over a month instead.
    Each decision and thread lands a few hours after the revision it followed."""
    revisions = list(db.session.execute(select(Revision.id).order_by(Revision.id)).scalars())
    start = utcnow() - timedelta(days=30)
    step = timedelta(days=29) / max(1, len(revisions))
    for index, revision_id in enumerate(revisions):
        db.session.execute(update(Revision).where(Revision.id == revision_id).values(created_at=start + step * index))
    later = timedelta(hours=5)
    for approval in db.session.execute(select(Approval)).scalars():
        approval.created_at = approval.revision.created_at + later
    for thread in db.session.execute(select(Thread)).scalars():
        head = db.session.get(Page, thread.page_id).head
        thread.created_at = min(head.created_at, utcnow() - 2 * later) + later / 2
        for comment in thread.comments:
            comment.created_at = thread.created_at
        if thread.decided_at is not None:
            thread.decided_at = thread.created_at + later
    # Reps answer over the days after a version is published, and their notifications arrive as they do.
    answered: dict[int, int] = {}
    for answer in db.session.execute(select(Feedback).order_by(Feedback.id)).scalars().all():
        published = db.session.execute(
            select(func.min(Approval.created_at)).where(
                Approval.revision_id == answer.revision_id, Approval.decision == Decision.APPROVED
            )
        ).scalar_one()
        answered[answer.page_id] = answered.get(answer.page_id, 0) + 1
        answer.created_at = min(published + timedelta(hours=19) * answered[answer.page_id], utcnow() - later)
        db.session.execute(
            update(Notification)
            .where(
                Notification.kind == NotificationKind.FEEDBACK,
                Notification.actor_id == answer.author_id,
                Notification.page_id == answer.page_id,
            )
            .values(created_at=answer.created_at)
        )
    db.session.commit()
    # The chart counts each contribution on its day: on the days it now has.
    contributions.recount()


# Content requests (issue 10, part 2) --------------------------------------------------------------

# (asking rep, title, segment, stage, why, [(rep who needs it too, note)], what happened)
# What happened: ("new",), ("accept", tactic), ("progress", tactic), ("done", tactic, slug, revision),
# ("decline", reason) or ("merge", index of the request it duplicates).
REQUESTS = [
    (
        "Aisha Khan",
        "A one-page DORA checklist for bank CIOs",
        "Regional banks",
        "proposal",
        "CIOs ask what they must have in place by January. The email is good, but they want a page to tick off.",
        [("Chloe Dubois", "Two CIOs in Lyon asked for exactly this"), ("Elena Rossi", ""), ("Noah Schmidt", "")],
        ("done", "Direct-marketing email", "direct-marketing-email", 1),
    ),
    (
        "Ben Carter",
        "Credit-union proof points for the customer deck",
        "Credit unions",
        "closing",
        "The deck's stories are all banks; credit-union boards ask for one of their own.",
        [("Grace Liu", "Needed for two renewals in Q3"), ("Quinn Taylor", "")],
        ("progress", "Customer presentation"),
    ),
    (
        "Farid Haddad",
        "Short webinar clips to send after a first meeting",
        "Insurers",
        "prospecting",
        "A three-minute clip gets watched; a one-hour recording doesn't.",
        [("David Kim", "")],
        ("done", "Webinar series", "webinar-series", None),
    ),
    (
        "Hugo Martin",
        "A price comparison against FinCore",
        "Regional banks",
        "closing",
        "Every deal ends on price.",
        [("Jack Murphy", "")],
        ("decline", "Competitive pricing stays with the deal desk: ask your deal-desk contact for the current sheet."),
    ),
    (
        "Pedro Alves",
        "DORA one-pager for IT directors",
        "Regional banks",
        "proposal",
        "",
        [("Tara Nguyen", "")],
        ("merge", 0),
    ),
    (
        "Rosa Jiménez",
        "The DORA readiness email in Spanish",
        "LATAM banks",
        "prospecting",
        "Half my contacts won't read English marketing email.",
        [("Isabel Costa", "Portuguese too, please")],
        ("new",),
    ),
]


def _content_requests(users: dict[str, User]) -> None:
    """The field asking for content, others needing it too, and the leads and owners answering."""
    lead = users[LEADS[0][0]]
    owned = {tactic.name: tactic for tactic in db.session.execute(select(Tactic)).scalars()}
    made = []
    for asker, title, segment, stage, details, joined, outcome in REQUESTS:
        fields = content_requests.RequestFields(title=title, details=details, segment=segment, stage=stage)
        request_id = content_requests.create_request(users[_field_email(asker)], fields).id
        made.append(request_id)
        for name, note in joined:
            content_requests.join(users[_field_email(name)], request_id, note)
        step = outcome[0]
        if step in ("accept", "progress", "done"):
            tactic = owned[outcome[1]]
            content_requests.accept(lead, request_id, tactic.id, None)
            owner = db.session.get(User, tactic.owner_id)
            if step == "progress":
                content_requests.start(owner, request_id, "Collecting two stories from the regions")
            if step == "done":
                content_requests.finish(owner, request_id, outcome[2], outcome[3], "Here it is")
        elif step == "decline":
            content_requests.decline(lead, request_id, outcome[1])
        elif step == "merge":
            content_requests.merge(lead, request_id, made[outcome[1]], "The same checklist")


# Reps' own versions (issue 10, part 1) ------------------------------------------------------------

# (rep, client or segment, [(published line, their line)], shared with, what the customer said when sent back)
VARIANTS = [
    (
        "Isabel Costa",
        "Small insurer, Porto",
        [
            (
                "- First product live in 7–9 months; typical programme 24 months.",
                "- First product live in 8 months, as at Harbour Federal; the rest follows at your own pace.",
            )
        ],
        None,
        "The 24-month programme scared them; leading with the first product in 8 months kept them in the room.",
    ),
    (
        "Ben Carter",
        "Regional bank, Lyon",
        [
            (
                "- First product live in 7–9 months; typical programme 24 months.",
                "- First product live in 7–9 months; each later product line in about 4 months.",
            ),
            (
                "- Subscription per account band; no licence for the parts not yet migrated.",
                "- Subscription per account band, in euros; no licence for the parts not yet migrated.",
            ),
        ],
        None,
        None,
    ),
    (
        "Elena Rossi",
        "Credit unions, Madrid",
        [
            (
                "- Offer a two-hour discovery workshop with their operations and risk teams.",
                "- Offer a two-hour discovery workshop in Spanish, with a DORA readiness check.",
            )
        ],
        "Ben Carter",
        None,
    ),
]


def _variants(users: dict[str, User]) -> None:
    """Reps' own versions of the customer presentation; one rep sent their change back with the customer's words."""
    page = pages.get_page("customer-presentation")
    for name, client, changes, shared_with, reaction in VARIANTS:
        rep = users[_field_email(name)]
        variant = variant_service.make_variant(rep, page, client)
        body = variant.base.body
        for published, theirs in changes:
            body = body.replace(published, theirs)
        variant_service.save(rep, variant, body, f"For {client}", variant.head_number)
        if shared_with:
            variant_service.share(rep, variant, users[_field_email(shared_with)].id)
        if reaction:
            link = f"/p/{page.slug}/variants/{variant.id}"
            keys = [hunk.key for hunk in variant_service.my_changes(variant)]
            variant_service.send_back(rep, variant, keys, reaction, link)


# Comment rounds and shares with clients (issue 10, parts 3 and 4) ---------------------------------

ROUND_PROMPT = "Inside sales will act on these criteria next quarter: tell us what your clients' buying looks like"
ROUND_COMMENTS = [
    ("Aisha Khan", "within two working days", "Two days is too slow: credit unions buy from the first caller."),
    ("Ben Carter", "Booked a DORA readiness check", "Only EMEA banks book these; in North America this never scores."),
    ("David Kim", "Visited the pricing page", "APAC procurement reads pricing first, decides later: 15 is too much."),
    ("Elena Rossi", "", "Could a referral from a client count? That is how my Madrid deals start."),
]
SHARES = [
    ("direct-marketing-email", "Elena Rossi", "bank", "Booked the readiness check the same week."),
    ("direct-marketing-email", "Hugo Martin", "insurer", ""),
    ("direct-marketing-email", "Mei Tanaka", "bank", "Forwarded to her CRO."),
    ("direct-marketing-email", "Elena Rossi", "credit union", ""),
    ("direct-marketing-email", "Grace Liu", "wealth manager", "Asked for a version without the DORA deadline."),
    ("customer-presentation", "Aisha Khan", "credit union", "Slide 7 kept us talking for an hour."),
    ("customer-presentation", "Ben Carter", "bank", ""),
    ("customer-presentation", "Isabel Costa", "insurer", "Wanted the 8-month first product up front."),
    ("customer-presentation", "Farid Haddad", "other", "Family office in Dubai; they skipped to pricing."),
]


def _rounds_and_shares(users: dict[str, User]) -> None:
    """A round open on the lead-scoring criteria with a few field comments, a council answer, and shares of the
    DORA email and the customer presentation."""
    lead = users[LEADS[0][0]]
    scoring = pages.get_page("lead-scoring-criteria")
    opened = rounds.open_round(lead, scoring, utcnow().date() + timedelta(days=12), ROUND_PROMPT)
    text = scoring.published.body
    first = None
    for name, quote, body in ROUND_COMMENTS:
        selection = rounds.Selection(quote=quote) if quote and quote in text else None
        thread = rounds.start_comment(users[_field_email(name)], opened, scoring.published.number, body, selection)
        first = first or thread
    threads.reply(users[COUNCIL[0][0]], threads.get_thread(first.id), "Fair point: we will test one working day.")
    for slug, name, kind, reaction in SHARES:
        other = reaction.split(";")[0] if kind == "other" else ""
        shares.record_share(users[_field_email(name)], pages.get_page(slug), kind, other, reaction)
