"""Every page each role can open, at a laptop's width and a phone's, audited as issue 16 asks: axe-core finds no
WCAG 2.2 AA or best-practice problem of any impact, and on the phone no page is wider than the screen.

axe-core is vendored (tests/browser/vendor/, from npm like htmx) and run in the page with `page.evaluate`: the
app's Content-Security-Policy refuses the inline script `page.add_script_tag` would add, and evaluating leaves
that policy in force for everything the app itself runs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PEOPLE, detached_users
from tests.factories import (
    PASSWORD,
    make_feedback,
    make_member,
    make_page,
    make_request,
    make_share,
    make_tactic,
    make_variant,
    open_round,
    publish,
    round_comment,
    send_variant_back,
)
from tests.files.makers import make_deck, make_pdf
from tests.files.seed import add_file, approve_file
from tests.worlds import BLANK
from wiki.extensions import db
from wiki.models import Tactic, utcnow
from wiki.services import (
    content_requests,
    file_threads,
    files,
    pages,
    subscriptions,
    summaries,
    summary_content,
    threads,
)

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
RULE_SETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LAPTOP, PHONE = (1280, 900), (375, 812)

PLAN = "fy27-plan"
DECK = "customer-deck"
PLAN_TEXT = """# FY27 plan

Northwind sells core banking to regional banks, credit unions and insurers. This plan says whom we talk to in
FY27, with what, and who on the council looks after each part.

## Segments

| Segment | Accounts | Region | Council owner | Target wins | Budget | First message |
|---|--:|---|---|--:|--:|---|
| Regional banks | 420 | EMEA | Cora Council | 38 | €120,000 | DORA readiness, one product at a time |
| Credit unions | 1,150 | North America | Cora Council | 45 | €90,000 | Shared services without a core swap |
| Insurers | 210 | APAC | nobody yet | 12 | €60,000 | Claims ledgers that reconcile overnight |

Regional banks come first: their regulators ask about operational resilience before anything else.

## Launch checklist

- [x] Approve the customer deck
- [ ] Book the **roadshow** venues
  - [x] Lyon
  - [ ] Porto
- [ ] Send the first webinar invitation

## Tactics

Each council member owns one tactic and reviews it on a cadence.

> Clients found slide 7 generic; the new one tells a real customer's story.

### Webinars

Four sessions, one per quarter, with an EMEA slot.

## Budget and timeline

Spend follows the wins: half in the first two quarters, the rest once the deck has been used in ten meetings.
Longer than one slide, so that present mode has a slide to scroll:

- Q1: the customer deck, the DORA checklist and the first two webinars; the roadshow venues booked in Lyon and Porto.
- Q2: the roadshow itself, six cities in eight weeks, with a council member at every stop to tell the story.
- Q3: the credit-union proof points, the direct-marketing email to 1,150 accounts and the lead-scoring review.
- Q4: what the field told us, in numbers; next year's plan drafted by the council before the budget round.
- Every quarter: the council's summary to the field, crediting by name the reps whose changes were accepted.
"""
# The council's draft: what waits for review, and what the diffs compare.
PLAN_DRAFT = PLAN_TEXT.replace("Four sessions, one per quarter", "Six sessions, two in the first quarter").replace(
    "half in the first two quarters", "60% in the first two quarters"
)
DECK_TEXT = """# Customer deck

Twelve slides for a first meeting with a head of operations at a regional bank.

## Why us

Three quotes from customer interviews: migration risk, scarce skills, regulator questions.

## Pricing

Per product line, per year; no licence for the legacy core.
"""
# The page for an address that names nothing, which everyone meets sooner or later.
MISSING = "/p/no-such-page"
SLIDES = [("Why us", "Three reasons", "Say them slowly"), ("Pricing", "Per product line", "")]


def _span(text: str, passage: str) -> tuple[int, int, str]:
    start = text.index(passage)
    return start, start + len(passage), passage


def build_audit_world(app) -> dict:
    """One of everything a page can show: a published plan with a table, a task list and sections, a draft of
    it waiting for review, threads, suggestions and the field's answers on it, a comment round, tactics (one
    overdue, one without an owner), a deck page with files, a rep's own version sent back, content requests in
    every state, and a summary sent to the field."""
    people = detached_users(app, PEOPLE[1]())
    lead, council, field = people["lead"], people["council"], people["field"]
    seat = make_member(lead, council, "EMEA")
    plan = make_page(lead, slug=PLAN, title="FY27 plan", bodies=(PLAN_TEXT,))
    publish(lead, plan, 1)
    deck = make_page(council, slug=DECK, title="Customer deck", kind="collateral", bodies=(DECK_TEXT,))
    publish(lead, deck, 1)

    presentation = make_tactic(lead, plan, "Customer presentation", owner=council, pages=(deck,), cadence_days=7)
    db.session.get(Tactic, presentation.id).created_at = utcnow() - timedelta(days=20)
    db.session.commit()
    make_tactic(lead, plan, "Webinar series", cadence_days=30)

    # The field's answers and a comment round, on what is published.
    make_feedback(field, pages.get_page(PLAN), would_share=False, note="Clients want the credit-union numbers.")
    make_share(field, pages.get_page(PLAN), "bank", "positive")
    comment_round = open_round(lead, pages.get_page(PLAN))
    round_comment(field, comment_round, "My banks ask about this first.", quote="Regional banks come first")

    # The council's draft, and the discussion on it.
    pages.save_revision(council, pages.EditSubmission(PLAN, PLAN_DRAFT, "Webinars and spend", 1))
    plan = pages.get_page(PLAN)
    passage = threads.start_thread(
        lead, plan, 2, "@council can we name the venue?", threads.Selection("Book the roadshow venues")
    )
    threads.reply(council, passage, "Lyon is booked; Porto next week.")
    threads.start_thread(council, plan, 2, "The budget section needs the Q3 figures.", None)
    resolved = threads.start_thread(lead, plan, 2, "Is APAC in scope?", threads.Selection("Insurers"))
    threads.set_resolved(lead, resolved, True)
    threads.suggest(lead, plan, 2, *_span(PLAN_DRAFT, "with an EMEA slot"), "with EMEA and APAC slots", "Both")

    # Files: the deck's slides, approved, with a newer version waiting and a comment on its second slide.
    add_file(council, DECK, "deck.pptx", make_deck(SLIDES))
    approve_file(lead, DECK, "deck.pptx", 1)
    newer = add_file(council, DECK, "deck.pptx", make_deck([*SLIDES, ("Next steps", "Book a call", "")]), "Next steps")
    slides = files.get_attachment(lead, pages.get_page(DECK), "deck.pptx")
    file_threads.start_thread(lead, pages.get_page(DECK), slides, newer, 2, "Add the per-seat price?")
    add_file(council, DECK, "one-pager.pdf", make_pdf(["The plan on one page", "Contacts"]))
    approve_file(lead, DECK, "one-pager.pdf", 1)

    # The rep's own version of the deck, changed and sent back as suggestions.
    variant = make_variant(field, pages.get_page(DECK), "Regional bank, Lyon", DECK_TEXT.replace("Twelve", "Ten"))
    send_variant_back(field, variant, reaction="They liked the shorter deck", link=f"/p/{DECK}/variants/{variant.id}")

    # Content requests: new, routed to the council's tactic, declined and done.
    asked = make_request(field, "A DORA checklist for bank CIOs", "Regional banks", details="Two pages at most.")
    routed = make_request(field, "Credit-union proof points", "Credit unions")
    content_requests.accept(lead, routed.id, presentation.id, council.id, "For the deck")
    declined = make_request(field, "A brochure in Portuguese", "Insurers")
    content_requests.decline(lead, declined.id, "Not this quarter")
    done = make_request(field, "Short webinar clips", "Regional banks")
    content_requests.accept(lead, done.id, presentation.id, council.id)
    content_requests.finish(council, done.id, PLAN, None, "In the plan's webinar section")

    # A summary sent to the field, and the lead's draft of the next.
    sent = summaries.create_draft(lead, utcnow() - timedelta(days=14), utcnow())
    told = set(summary_content.gather(sent.period_start, sent.period_end).keys())
    summaries.update_draft(lead, sent, "FY27 plan: the first two weeks", "Thank you, council.", told, ["field"])
    summaries.start_sending(lead, sent)
    draft = summaries.create_draft(lead, utcnow() - timedelta(days=14), utcnow())

    return {
        "people": {role: person.id for role, person in people.items()},
        "ids": {
            "tactic": presentation.id,
            "seat": seat.id,
            "field": field.id,
            "round": comment_round.id,
            "variant": variant.id,
            "request": asked.id,
            "summary": sent.id,
            "draft": draft.id,
            "unsubscribe": subscriptions.unsubscribe_token(field.id),
        },
    }


@pytest.fixture
def audit_world(app, worlds):
    built = worlds.restore(app, "audit", lambda: build_audit_world(app), base=BLANK)
    return {**detached_users(app, built["people"]), "ids": built["ids"]}


def pages_for(role: str, ids: dict) -> list[str]:
    """Every page the role can open, listed by hand: a page added to the app is added here."""
    if role == "signed out":
        return ["/login", f"/unsubscribe/{ids['unsubscribe']}"]
    everyone = [
        "/",
        "/pages",
        f"/p/{PLAN}",
        f"/p/{DECK}",
        "/council",
        f"/tactics/{ids['tactic']}",
        "/changes",
        "/search?q=banks",
        "/inbox",
        "/summaries",
        f"/summaries/{ids['summary']}",
        "/requests",
        f"/requests/{ids['request']}",
        "/requests/new",
        f"/p/{DECK}/files",
        f"/p/{DECK}/files/deck.pptx/preview",
        f"/p/{DECK}/files/one-pager.pdf/preview",
        f"/p/{DECK}/variants",
        f"/p/{DECK}/variants/{ids['variant']}",
        f"/p/{PLAN}/present",
        "/account",
        "/account/email",
        MISSING,
    ]
    own = [
        f"/p/{DECK}/variants/{ids['variant']}/edit",
        f"/p/{DECK}/variants/{ids['variant']}/send",
        f"/p/{DECK}/variants/{ids['variant']}/delete",
        f"/requests/{ids['request']}/edit",
    ]
    staff = [
        f"/p/{PLAN}/history",
        f"/p/{PLAN}/diff?from=1&to=2",
        f"/p/{PLAN}/diff?from=1&to=2&view=side",
        f"/p/{PLAN}/edit",
        f"/p/{DECK}/files/deck.pptx/changes?from=1&to=2",
        f"/p/{PLAN}/present/speaker",
    ]
    leads = [
        "/review",
        f"/review/{PLAN}",
        f"/rounds/{ids['round']}",
        f"/p/{PLAN}/presenters",
        f"/summaries/{ids['draft']}/edit",
        "/summaries/new",
        "/summaries/schedule",
        f"/tactics/new?plan={PLAN}",
        f"/tactics/{ids['tactic']}/edit",
        f"/council/members/{ids['seat']}/remove",
        f"/requests/{ids['request']}/edit",
        "/admin/users",
        f"/admin/users/{ids['field']}",
        "/admin/import",
    ]
    return everyone + {"field": own, "council": staff, "lead": staff + leads}[role]


RUN_AXE = """async (ruleSets) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: ruleSets}});
  return results.violations.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help,
    targets: rule.nodes.map((node) => node.target.join(" ")),
  }));
}"""
# The outermost elements that reach past the right edge of the screen: where the extra width comes from.
TOO_WIDE = """() => {
  const edge = document.documentElement.clientWidth;
  const sticking = [...document.body.querySelectorAll("*")].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && Math.round(box.right) > edge;
  });
  const outermost = sticking.filter((element) => !sticking.includes(element.parentElement));
  return {
    width: document.documentElement.scrollWidth, screen: window.innerWidth,
    culprits: outermost.slice(0, 3).map((element) =>
      element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
      [...element.classList].map((name) => "." + name).join("") +
      ` (${Math.round(element.getBoundingClientRect().right)} px)`),
  };
}"""


def sign_in(page, email: str) -> None:
    """As tests/browser/test_editing.py does, but on a phone too, where Sign out is inside the closed menu."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()


def audit(page, url: str, axe: str, phone: bool) -> list[str]:
    """What is wrong with one page, one line per problem."""
    response = page.goto(url, wait_until="networkidle")
    expected = 404 if url == MISSING else 200
    if response.status != expected:
        return [f"{url}: answered {response.status}, not {expected}"]
    page.evaluate(axe)
    problems = [
        f"{url}: {rule['id']} ({rule['impact']}) {rule['help']}: {', '.join(rule['targets'][:5])}"
        + (f" and {len(rule['targets']) - 5} more" if len(rule["targets"]) > 5 else "")
        for rule in page.evaluate(RUN_AXE, RULE_SETS)
    ]
    if phone:
        fit = page.evaluate(TOO_WIDE)
        if fit["width"] > fit["screen"]:
            problems.append(
                f"{url}: {fit['width']} px wide on a {fit['screen']} px screen, {fit['width'] - fit['screen']} px "
                f"too wide; reaching past the edge: {', '.join(fit['culprits']) or 'nothing visible'}"
            )
    return problems


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("role", ["signed out", "field", "council", "lead"])
def test_every_page_passes_axe_and_fits_the_screen(chromium, live_server, audit_world, role, size):
    width, height = size
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": height})
    context.set_default_timeout(30_000)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(f"{page.url}: {error}"))
    try:
        if role != "signed out":
            sign_in(page, audit_world[role].email)
        axe = AXE.read_text(encoding="utf-8")
        problems = [
            problem
            for url in pages_for(role, audit_world["ids"])
            for problem in audit(page, url, axe, phone=size == PHONE)
        ]
    finally:
        context.close()
    problems += script_errors
    assert not problems, f"{len(problems)} problems for {role} at {width} px:\n" + "\n".join(problems)


# The focused element's ring, and what it is drawn on: the first background behind the element (the ring sits
# outside it), over white where nothing is painted.
FOCUS_RING = """() => {
  const element = document.activeElement;
  if (element === document.body) return null;
  const rgb = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = [r, g, b].map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  };
  let behind = [255, 255, 255];
  for (let node = element.parentElement; node; node = node.parentElement) {
    const [r, g, b, alpha = 1] = rgb(getComputedStyle(node).backgroundColor);
    if (alpha > 0) { behind = [r, g, b]; break; }
  }
  const style = getComputedStyle(element);
  const [lighter, darker] = [luminance(rgb(style.outlineColor)), luminance(behind)].sort((a, b) => b - a);
  return {
    element: element.tagName.toLowerCase() + [...element.classList].map((name) => "." + name).join("") +
      ` “${(element.textContent || element.value || "").trim().replace(/\\s+/g, " ").slice(0, 30)}”`,
    ring: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    contrast: (lighter + 0.05) / (darker + 0.05),
  };
}"""


def test_the_focus_ring_stands_out_from_whatever_it_is_drawn_on(page, audit_world):
    """WCAG 2.2 asks 3:1 of a focus indicator against what is next to it: on the page, the cards, the pink of an
    overdue tactic, a content request's tinted row. axe-core doesn't check it, so every Tab stop of these pages
    does."""
    sign_in(page, audit_world["lead"].email)
    faint = set()
    for url in ("/", f"/p/{PLAN}", "/requests", f"/tactics/{audit_world['ids']['tactic']}"):
        page.goto(url, wait_until="networkidle")
        # Tab until focus leaves the page, past its last stop.
        for _ in range(300):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUS_RING)
            if ring is None:
                break
            if ring["ring"] < 2 or ring["contrast"] < 3:
                faint.add(f"{url}: {ring['element']}: a {ring['ring']} px ring at {ring['contrast']:.2f}:1")
    assert not faint, "focus rings too faint to see:\n" + "\n".join(sorted(faint))
