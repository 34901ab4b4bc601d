"""Plain functions that make test data through the real services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from wiki.db import write_transaction
from wiki.extensions import db
from wiki.models import CouncilMember, Feedback, Page, Summary, SummaryState, Tactic, User, utcnow
from wiki.services import accounts, council, feedback, pages, review, tactics
from wiki.services.pages import EditSubmission
from wiki.services.tactics import TacticFields

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(
    role: str = "council", name: str | None = None, email: str | None = None, region: str | None = None
) -> User:
    n = next(_counter)
    user = accounts.create_user(None, email or f"person{n}@example.com", name or f"Person {n}", role, PASSWORD, region)
    # Detached with its attributes loaded, so tests can use it after the app context is gone.
    user = db.session.get(User, user.id)
    db.session.refresh(user)
    db.session.expunge(user)
    return user


def make_page(
    author: User,
    slug: str = "fy27-plan",
    bodies: tuple[str, ...] = ("# Plan\n\nFirst.\n",),
    title: str = "",
    kind: str = "plan",
) -> Page:
    """A page with one revision per body, each written on top of the previous one."""
    for number, body in enumerate(bodies):
        pages.save_revision(
            author,
            EditSubmission(slug=slug, body=body, summary=f"r{number + 1}", base_number=number, title=title, kind=kind),
        )
    return pages.get_page(slug)


def publish(lead: User, page: Page, number: int) -> None:
    review.approve(lead, page, number)


def make_member(lead: User, person: User, represents: str = "EMEA", term_start: date | None = None) -> CouncilMember:
    """A council seat for `person` (a field rep becomes council, which ends their sessions)."""
    change = council.add_member(lead, person.id, represents, term_start or date.today(), None, confirm_over_target=True)
    return db.session.get(CouncilMember, change.member.id)


def make_tactic(
    lead: User,
    plan: Page,
    name: str = "Customer presentation",
    owner: User | None = None,
    pages: tuple[Page, ...] = (),
    cadence_days: int = 14,
    status: str = "active",
) -> Tactic:
    return tactics.create_tactic(
        lead,
        plan,
        TacticFields(
            name=name,
            owner_id=owner.id if owner else None,
            page_ids=tuple(page.id for page in pages),
            cadence_days=cadence_days,
            status=status,
        ),
    )


def make_feedback(rep: User, page: Page, would_share: bool = False, note: str = "") -> Feedback:
    """A field rep's answer on the page's published version."""
    return feedback.give_feedback(rep, page, would_share, note)


FROZEN_TEXT = (
    "Council summary\n\nThanks to Cora Council (EMEA) for the new pricing slide.\n"
    "Read it in your browser: https://wiki.example.com/summaries/{id}\n\n"
    "Unsubscribe: __UNSUBSCRIBE_URL__\n"
)
FROZEN_HTML = (
    '<!doctype html><html><body><p style="color:#1f2933">Thanks to <strong>Cora Council</strong> (EMEA) for the '
    'new pricing slide.</p><p><a href="https://wiki.example.com/summaries/{id}">View in your browser</a></p>'
    '<p><a href="__UNSUBSCRIBE_URL__">Unsubscribe</a></p></body></html>'
)


def make_frozen_summary(
    lead: User, subject: str = "Council summary", audience: tuple[str, ...] = ("field", "council", "lead")
) -> int:
    """A summary as a lead's Send leaves it: state SENDING, its email bodies frozen with the unsubscribe marker."""
    now = utcnow()
    with write_transaction() as session:
        summary = Summary(
            subject=subject,
            period_start=now - timedelta(days=14),
            period_end=now,
            audience=list(audience),
            state=SummaryState.SENDING,
            created_by_id=lead.id,
            sent_by_id=lead.id,
            sent_at=now,
        )
        session.add(summary)
        session.flush()
        summary.text_body = FROZEN_TEXT.format(id=summary.id)
        summary.html_body = FROZEN_HTML.format(id=summary.id)
    return summary.id


# Content requests (issue 10, part 2) --------------------------------------------------------------

from wiki.services import content_requests  # noqa: E402


def make_request(
    asker: User, title: str = "A DORA checklist for bank CIOs", segment: str = "Regional banks", **fields
):
    """A content request, as the form sends it; `fields` are the other RequestFields (details, stage …)."""
    return content_requests.create_request(
        asker, content_requests.RequestFields(title=title, segment=segment, **fields)
    )


def join_request(person: User, request_id: int, note: str = ""):
    return content_requests.join(person, request_id, note)


# Comment rounds and shares with clients (issue 10, parts 3 and 4) ---------------------------------

from wiki.services import rounds as rounds_service  # noqa: E402
from wiki.services import shares as shares_service  # noqa: E402


def make_share(rep: User, page: Page, kind: str = "bank", reaction: str = "", other: str = ""):
    """A field rep's record that they sent the page's published version to a client."""
    return shares_service.record_share(rep, page, kind, other, reaction)


def open_round(lead: User, page: Page, days: int = 14, prompt: str = "Tell us before the council call"):
    """A comment round on the page's published version, closing `days` from today."""
    return rounds_service.open_round(lead, page, utcnow().date() + timedelta(days=days), prompt)


def round_comment(person: User, comment_round, body: str = "Clients ask about this.", quote: str = ""):
    """A comment in the round on `quote` in the published text (or on the whole page)."""
    selection = rounds_service.Selection(quote=quote) if quote else None
    return rounds_service.start_comment(person, comment_round, comment_round.page.published.number, body, selection)


# Reps' own versions (issue 10, part 1) ------------------------------------------------------------

from wiki.services import variants as variants_service  # noqa: E402


def make_variant(rep: User, page: Page, name: str = "Regional bank, Lyon", *bodies: str):
    """A rep's own version of the page's published text, then one edit per body."""
    variant = variants_service.make_variant(rep, page, name)
    for body in bodies:
        variants_service.save(rep, variant, body, "", variant.head_number)
    return variant


def send_variant_back(rep: User, variant, reaction: str = "", link: str = "/p/x/variants/1") -> int:
    """Every change of the rep's version, sent back to the original."""
    keys = [hunk.key for hunk in variants_service.my_changes(variant)]
    return variants_service.send_back(rep, variant, keys, reaction, link)
