"""A wiki with a few of everything, and the same wiki with many: the query-count tests compare a page in both.

`grow` adds one "unit" of rows per number: pages in every review state, with tactics and owners, threads of
every kind and state, notifications of different kinds to each of the three people the tests sign in as,
revisions, decisions and feedback by people no other unit has, and the other things a listing shows (files,
shares, reps' own versions, content requests, comment rounds, summaries). Every row a template could follow a
relationship from differs from unit to unit, so a lazy load per row shows up as a count that grows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import (
    make_feedback,
    make_member,
    make_page,
    make_request,
    make_share,
    make_tactic,
    make_user,
    make_variant,
    open_round,
    publish,
    round_comment,
    send_variant_back,
)
from tests.files.makers import make_deck, make_png
from tests.files.seed import add_file, approve_file
from wiki.db import write_transaction
from wiki.extensions import db
from wiki.models import ContentRequest, Page, Summary, SummaryState, Tactic, User, Variant, utcnow
from wiki.services import content_requests, file_threads, files, pages, review, rounds, summaries, tactics, threads
from wiki.services import variants as variant_service
from wiki.services.pages import EditSubmission
from wiki.services.tactics import TacticFields

FEW = range(5)
MANY = range(5, 50)
# The page whose own lists (threads, revisions, files, the field's answers) grow with every unit.
BUSY = "busy-plan"
# The rows every unit adds to: a tactic, a content request, the signed-in rep's own version.
HUB_TACTIC = "Hub tactic"
HUB_REQUEST = "Hub request"
HUB_VERSION = "Hub client"
# The page reps make their own versions of: one per unit, each from a newer published revision.
VERSIONED = "versioned-plan"
BUSY_TEXT = "# Busy plan\n\n" + "".join(f"Passage {n} of the plan.\n\n" for n in range(60))


def _body(title: str, n: int, version: int) -> str:
    return f"# {title}\n\nSegments are banks, unit {n}.\n\nVersion {version} of the text.\n"


def _edit(person: User, page: Page, body: str, summary: str = "") -> None:
    page = pages.get_page(page.slug)
    pages.save_revision(person, EditSubmission(page.slug, body, summary, page.head_number))


def start(lead: User, council: User, field: User) -> None:
    """What every unit builds on: the signed-in council member's seat; the page the page-view and history tests
    read, published, with a comment round open; the page reps make their own versions of; and the rows each unit
    adds to, which a page of their own lists: a tactic (its pages and reviews), a content request (who needs it)
    and the signed-in rep's own version (its revisions)."""
    make_member(lead, council, "EMEA")
    make_page(lead, slug=BUSY, title="Busy plan", bodies=(BUSY_TEXT,))
    publish(lead, pages.get_page(BUSY), 1)
    open_round(lead, pages.get_page(BUSY), days=30)
    make_page(lead, slug=VERSIONED, title="Versioned plan", bodies=("# Versioned plan\n\nSegments are banks.\n",))
    publish(lead, pages.get_page(VERSIONED), 1)
    make_tactic(lead, pages.get_page(BUSY), HUB_TACTIC, owner=council)
    make_request(field, title=HUB_REQUEST, segment="Every segment")
    make_variant(field, pages.get_page(VERSIONED), HUB_VERSION)


def grow(lead: User, council: User, field: User, numbers: range) -> None:
    """One unit of rows per number (see the module's docstring); `lead`, `council` and `field` are the people
    the tests sign in as, and each unit gives them something to see."""
    for n in numbers:
        _unit(lead, council, field, n)


def _unit(lead: User, council: User, field: User, n: int) -> None:
    author = make_user("council", name=f"Author {n}", email=f"author{n}@example.com", region=f"Region {n}")
    make_member(lead, author, f"Region {n}")
    other_lead = make_user("lead", name=f"Lead {n}", email=f"lead{n}@example.com")
    rep = make_user("field", name=f"Rep {n}", email=f"rep{n}@example.com", region=f"Region {n}")
    # Council without a seat, whose work shows only where it is listed: edits of the busy page, and comments.
    editor = make_user("council", name=f"Editor {n}", email=f"editor{n}@example.com")

    # A plan, published, then edited by the unit's author: it waits for review.
    plan = make_page(lead, slug=f"plan-{n}", title=f"Plan {n}", bodies=(_body("Plan", n, 1),))
    publish(other_lead, plan, 1)
    _edit(author, plan, _body("Plan", n, 2), f"Plan edit {n}")
    # Collateral by the author, in a state that depends on the unit: a draft, published, waiting, sent back.
    kind = ("collateral", "note")[n % 2]
    deck = make_page(author, slug=f"deck-{n}", title=f"Deck {n}", bodies=(_body("Deck", n, 1),), kind=kind)
    state = n % 4
    if state >= 1:
        publish(other_lead, deck, 1)
    if state >= 2:
        _edit(council, deck, _body("Deck", n, 2) + "@lead mention\n", f"Deck edit {n}")
    if state == 3:
        review.request_changes(other_lead, pages.get_page(deck.slug), 2, f"Not yet, unit {n}")
    deck = pages.get_page(deck.slug)
    plan = pages.get_page(plan.slug)

    # Tactics: the unit's author owns one with the deck, and the signed-in council member one on the same plan
    # with the deck and a brief of their own.
    tactic = make_tactic(lead, plan, f"Tactic {n}", owner=author, pages=(deck,), status=("active", "paused")[n % 2])
    brief = make_page(council, slug=f"brief-{n}", title=f"Brief {n}", bodies=(_body("Brief", n, 1),), kind="collateral")
    make_tactic(lead, plan, f"Council tactic {n}", owner=council, pages=(brief, deck))

    # Threads: on the deck an open comment mentioning the council member and the lead (their inboxes) with a reply,
    # the editor's comment and an open suggestion; on the plan one resolved and one rejected; on the council
    # member's brief an accepted suggestion of theirs, which credits them with a revision a lead accepted.
    mention = threads.start_thread(
        other_lead, deck, deck.head_number, f"@council @lead have a look, unit {n}", threads.Selection("Segments")
    )
    threads.reply(author, mention, f"Done, @council, unit {n}")
    threads.start_thread(editor, deck, deck.head_number, f"Editor {n} on the deck", None)
    threads.suggest(other_lead, deck, deck.head_number, *_span(deck, "banks"), "insurers", f"Unit {n}")
    resolved = threads.start_thread(author, plan, plan.head_number, f"Resolved, unit {n}", None)
    threads.set_resolved(lead, resolved, True)
    rejected = threads.suggest(author, plan, plan.head_number, *_span(plan, "Segments"), "Markets", "")
    threads.reject(lead, rejected, f"No, unit {n}")
    accepted = threads.suggest(council, brief, 1, *_span(brief, "banks"), "banks and insurers", "")
    threads.accept(other_lead, accepted)
    if n % 2:
        publish(other_lead, pages.get_page(brief.slug), 2)
    # The field: answers, shares, an own version shared with the signed-in rep, a content request, a comment round
    # with the reps' comments, a summary sent to everyone and a lead's draft of the next one.
    published = deck if state >= 1 else plan
    make_feedback(rep, published, would_share=bool(n % 2), note=f"Clients liked unit {n}")
    make_feedback(field, plan, would_share=not n % 2, note=f"Unit {n}")
    make_share(rep, published, reaction=("positive", "")[n % 2])
    variant = make_variant(rep, plan, f"Client {n}", _body("Plan", n, 1) + f"\nFor client {n}.\n")
    variant_service.share(rep, variant, field.id)
    _request(field, rep, council, other_lead, tactic, n)
    comment_round = open_round(lead, pages.get_page(plan.slug))
    round_comment(field, comment_round, f"Clients ask about unit {n}.")
    round_comment(rep, comment_round, f"Rep {n} heard about it.")
    _sent_summary(other_lead, n)
    summaries.create_draft(other_lead, utcnow() - timedelta(days=14), utcnow())

    _on_busy(lead, council, field, n, author, editor, other_lead, rep, deck)
    _files(council, n, author, other_lead, pages.get_page(deck.slug))
    _on_hubs(lead, council, field, n, other_lead, rep, brief)


def _files(council: User, n: int, author: User, other_lead: User, deck: Page) -> None:
    """The unit's author's slides on their deck, approved where the deck is published, with a newer version by
    the council member waiting in every other unit and a lead's comment on its second slide; and a picture on the
    busy page, approved, with a newer one waiting in every third unit."""
    name = f"slides-{n}.pptx"
    add_file(author, deck.slug, name, make_deck([(f"Slides {n}", "Banks first.", ""), ("Pricing", "Per seat.", "")]))
    if deck.published_revision_id is not None:
        approve_file(other_lead, deck.slug, name, 1)
    if n % 2:
        newer = make_deck([(f"Slides {n}", "Banks first.", ""), ("Pricing", f"Per seat, unit {n}.", "")])
        number = add_file(council, deck.slug, name, newer, note=f"Pricing of unit {n}")
        slides = files.get_attachment(other_lead, pages.get_page(deck.slug), name)
        file_threads.start_thread(other_lead, pages.get_page(deck.slug), slides, number, 2, f"Slide two, unit {n}")
    picture = f"picture-{n}.png"
    add_file(author, BUSY, picture, make_png(color=(n, 40, 40)))
    approve_file(other_lead, BUSY, picture, 1)
    if n % 3 == 0:
        add_file(council, BUSY, picture, make_png(color=(n, 80, 80)), note=f"Brighter, unit {n}")


def _on_hubs(lead: User, council: User, field: User, n: int, other_lead: User, rep: User, brief: Page) -> None:
    """The unit's brief linked to the hub tactic, which its owner or another lead marks reviewed; the unit's rep
    needs the hub request too; the signed-in rep saves their hub version once more."""
    hub = db.session.execute(select(Tactic).where(Tactic.name == HUB_TACTIC)).scalar_one()
    tactics.update_tactic(
        lead,
        hub,
        TacticFields(
            name=hub.name,
            owner_id=council.id,
            page_ids=tuple(page.id for page in hub.pages) + (brief.id,),
            cadence_days=hub.cadence_days,
            status=hub.status.value,
        ),
    )
    tactics.mark_reviewed(other_lead if n % 2 else council, hub, f"Reviewed in unit {n}")
    request = db.session.execute(select(ContentRequest).where(ContentRequest.title == HUB_REQUEST)).scalar_one()
    content_requests.join(rep, request.id, f"Unit {n} needs it")
    version = db.session.execute(select(Variant).where(Variant.name == HUB_VERSION)).scalar_one()
    head = variant_service.head(version)
    variant_service.save(field, version, head.body + f"\nFor unit {n}.\n", f"Unit {n}", version.head_number)


def _on_busy(
    lead: User, council: User, field: User, n: int, author: User, editor: User, other_lead: User, rep: User, deck: Page
) -> None:
    """The unit's rows on the page whose own lists the page view, its history, its review, its versions and its
    round read: a tactic; an anchored comment with a reply, an open suggestion, a resolved page comment; an
    accepted suggestion (every other unit); an edit by the unit's editor, which in every fourth unit takes out
    the unit's passage (orphaning its comment, making its suggestion stale); changes requested by another lead
    in every third unit; the field's answer, a share and a comment in its round."""
    busy = pages.get_page(BUSY)
    make_tactic(lead, busy, f"Busy tactic {n}", owner=author, pages=(deck,))
    passage = f"Passage {n} of the plan."
    on_passage = threads.start_thread(author, busy, busy.head_number, f"@council busy {n}", threads.Selection(passage))
    threads.reply(council, on_passage, f"Reply {n}")
    threads.suggest(other_lead, busy, busy.head_number, *_span(busy, f"Passage {n} "), f"Part {n} ", f"Unit {n}")
    resolved = threads.start_thread(author, busy, busy.head_number, f"Whole page, unit {n}", None)
    threads.set_resolved(other_lead, resolved, True)
    if n % 2 == 0:
        accepted = threads.suggest(author, busy, busy.head_number, *_span(busy, f"{n} of the plan."), f"{n}, kept.", "")
        threads.accept(other_lead, accepted)
    busy = pages.get_page(BUSY)
    body = busy.head.body + f"\nAdded by unit {n}.\n"
    if n % 4 == 1:
        body = body.replace(passage, "")
    _edit(editor, busy, body, f"Busy {n}")
    if n % 3 == 0:
        review.request_changes(other_lead, pages.get_page(BUSY), pages.get_page(BUSY).head_number, f"Unit {n}")
    busy = pages.get_page(BUSY)
    make_feedback(rep, busy, would_share=bool(n % 2), note=f"Busy answer {n}")
    make_share(rep, busy, kind=("bank", "insurer")[n % 2], reaction=("positive", "")[n % 2])
    busy_round = rounds.page_rounds(busy)[0]
    round_comment(rep, busy_round, f"Rep {n} on the busy plan.")
    _on_versioned(other_lead, field, rep, n)


def _on_versioned(other_lead: User, field: User, rep: User, n: int) -> None:
    """A newer published revision of the page the reps make their own versions of, and the unit's rep's version
    of it (so each version starts from a different revision), changed and shared with the signed-in rep, and in
    every other unit sent back with a reaction."""
    versioned = pages.get_page(VERSIONED)
    _edit(other_lead, versioned, versioned.head.body + f"\nNews of unit {n}.\n", f"News {n}")
    versioned = pages.get_page(VERSIONED)
    publish(other_lead, versioned, versioned.head_number)
    published = pages.get_page(VERSIONED).published
    variant = make_variant(
        rep, pages.get_page(VERSIONED), f"Client {n}", published.body.replace("Segments", f"Segments of client {n}")
    )
    variant_service.share(rep, variant, field.id)
    if n % 2:
        send_variant_back(rep, variant, reaction=f"Client {n} liked it")


def _request(field: User, rep: User, council: User, other_lead: User, tactic: Tactic, n: int) -> None:
    """A content request: the signed-in rep's in odd units (joined by the unit's rep), the unit's rep's in even
    ones; new, routed through the tactic, in progress with the council member, or done with the busy page as the
    answer, by the unit. The rep's home lists 20 at most, open ones first: with half of theirs open, it shows
    open and done ones in both worlds."""
    request = make_request(field if n % 2 else rep, title=f"Request {n}", segment=f"Segment {n}")
    if n % 2:
        content_requests.join(rep, request.id, "")
    step = n % 4
    if step:
        content_requests.accept(other_lead, request.id, tactic.id, council.id if step >= 2 else None, "")
    if step == 2:
        content_requests.start(council, request.id)
    if step == 3:
        content_requests.finish(council, request.id, BUSY, None, f"Built, unit {n}")


def _span(page: Page, passage: str) -> tuple[int, int, str]:
    text = page.head.body
    start = text.index(passage)
    return start, start + len(passage), passage


def _sent_summary(lead: User, n: int) -> None:
    """A summary that went out (still sending in every other unit) about a period long before the world's rows,
    so that what it told leaves everything since for the drafts to tell."""
    sent = utcnow() - timedelta(days=400 - n)
    with write_transaction() as session:
        session.add(
            Summary(
                subject=f"Summary {n}",
                period_start=sent - timedelta(days=14),
                period_end=sent,
                audience=["field", "council", "lead"],
                state=SummaryState.SENT if n % 2 else SummaryState.SENDING,
                created_by_id=lead.id,
                sent_by_id=lead.id,
                sent_at=sent,
                finished_at=sent if n % 2 else None,
                text_body=f"Summary {n}",
                html_body=f"<p>Summary {n}</p>",
            )
        )
