"""A realistic page for scoring re-anchoring, with the truth known by construction.

The page is a ~30 KB marketing plan in Markdown, held as blocks (headings, paragraphs, lists, tables) made of
segments; some segments are commented passages and carry the passage's id. Each round of edits rewrites the
segment list the way people edit a plan (inserts above, rewording, rewriting a neighbour, deleting or moving a
section, duplicating a sentence elsewhere, bold and list markers, heavy rewrites, deleting a paragraph, a list
item or a table row) and keeps the ids on the segments, so after every round the true span of each passage
is known, and so is every passage that is gone.

A passage is in one of three states:
- "alive": its own words are there, at most one word changed, so a comment must still be on it;
- "rewritten": a heavy rewrite kept less than half of its words; a comment may stay on the new words in
  the same place or become an orphan, but may not land anywhere else;
- "gone": its segment was deleted; a comment on it must be an orphan.

`replay` re-anchors every comment round after round as the app does (each round's result is the next
round's anchor; an orphan stays an orphan) and counts comments on a wrong passage and needless orphans.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

ALIVE, REWRITTEN, GONE = "alive", "rewritten", "gone"


@dataclass
class Seg:
    text: str
    passage: str | None = None
    markup: bool = False  # list markers, table pipes, emphasis marks, sentence spaces


@dataclass
class Block:
    kind: str  # "heading", "para", "list" or "table"
    segs: list[Seg]


# The plan ----------------------------------------------------------------------------------------------------
# Written as Markdown with commented passages marked [[id: text]]; `parse` turns it into blocks and segments.

INTRO = """# FY25 Field Marketing Plan: Ledgerline Core

Ledgerline Core is our cloud core banking platform for institutions that cannot afford a big-bang migration. \
This plan sets out how marketing and the field sales force will take it to regional banks, credit unions, \
insurers and building societies over the next four quarters. [[intro-council: It was written with the sales \
advisory council, and every tactic in it has an owner from the council who reviews it every two weeks.]] \
Comments and suggestions stay open on the page, and the marketing leads approve what becomes the official version.

The plan replaces last year's product-led plan. Last year we told buyers about features; this year we start \
from the risk they carry today, because that is what the field hears in every first meeting. Where the two \
plans disagree, this one wins, and the old collateral is withdrawn from the shared drive by the end of Q1.

## Executive summary

[[exec-thesis: Our buyers do not wake up wanting a new core: they want to stop being the bank whose payments \
went down on a Friday.]] Resilience is the message that opens doors, and cost is the message that closes them, \
in that order. The council confirmed this in all four regions, and the win-loss interviews from last year say \
the same. In short: lead with resilience, not cost.

We will concentrate on 180 priority accounts, not the whole market. Each region owns its list, and each \
council member brings the objections of the field back to marketing every two weeks. [[exec-focus: Accounts \
outside the list get the webinar series and the newsletter, but no field time until they book a discovery \
workshop themselves.]]

Goals for the year:

- [[goal-pipeline: Build $24M of qualified pipeline, of which at least $9M comes from credit unions.]]
- Win 14 new logos, at least three of them outside North America.
- Raise the share of first meetings that reach a discovery workshop from 22% to 35%.
- [[goal-reuse: Get every rep to send at least one piece of plan collateral to a client each quarter.]]
- Cut the time from first meeting to proposal from 19 weeks to 12.
- Publish [[goal-story: one customer story per quarter]], reviewed by the council before it goes out.

What changed since last year: the plan has fewer tactics, each with an owner from the field, and every piece \
of collateral is measured by how often reps send it. The council meets every two weeks instead of once a \
quarter, and its suggestions go straight into this page instead of a slide deck nobody reads. [[exec-change: \
Marketing no longer writes anything for the field without a council member reading it first.]]

How to read this plan: the sections on segments and regions say whom we talk to; the tactics say what we \
send them and who owns it; the budget, the timeline and the measurement say what it costs and how we know it \
works. Comment on any passage you disagree with, and the owner of that part will answer within a week.

## Market and segments

The addressable market is about 2,400 institutions in our four regions with assets between $500M and $40B. \
Most of them run a core that was installed before 2008 and has been patched ever since. [[market-window: The \
window is open now because the vendors of those cores are ending support for their on-premise versions between \
2025 and 2028.]] Buyers who miss it face a forced migration on the vendor's timetable, not their own.

### Regional banks

Regional banks remain the heart of the plan: they have the oldest cores and the thinnest IT teams. They buy \
through a committee of the CIO, the COO and the chief risk officer, and the risk officer now has a veto. \
[[seg-banks-cycle: A typical cycle runs fourteen to twenty months from first meeting to signature.]]

- Lead with the resilience brief and the regulator mapping.
- Offer a discovery workshop with their own outage data.
- Bring a reference bank of the same size to the second meeting.

### Credit unions

[[seg-cu-merge: Credit unions merge often, and every merger forces the question of which core survives.]] \
They share services through leagues and cooperatives, so one good reference travels fast. They are price \
sensitive, but they are also loyal once a platform works for them.

- Work through the leagues: one talk at a league conference is worth twenty cold calls.
- Show the shared-services model and what it costs per member per year.
- Invite them to book a discovery workshop with a credit union that migrated last year.

### Insurers

Insurers buy slower and want proof of scale. Our policy administration module is new, and we will not lead \
with it. [[seg-ins-rule: Talk to insurers only where they already bank with a Ledgerline customer.]]

### Building societies

Building societies are a UK and Ireland segment with a strong mutual identity. They want a partner who will \
be there in twenty years, and they read every clause of the exit plan. The EMEA council member owns this \
segment together with the EMEA region.

## Regional plans

Every region follows the same structure so that the field can compare notes, but the numbers and the local \
arguments differ. The council member of each region owns the region's list of priority accounts."""

REGIONS = [
    # name, council member, city, banks, credit unions, old cores, workshops, quarter, language, pipeline,
    # opportunities, local argument, field notes
    (
        "EMEA",
        "Ingrid Solberg",
        "Oslo",
        48,
        22,
        31,
        18,
        2,
        "German and French",
        "$7.2M",
        26,
        "DORA is the door-opener: every CIO we meet has a register of third-party risks due this year",
        "Field notes from EMEA: buyers in the Nordics ask about data residency before anything else, and German "
        "savings banks want to hear from another savings bank, not from us. French mutuals read the exit clauses "
        "first. A workshop that starts from the customer's own incident log works everywhere.",
    ),
    (
        "APAC",
        "Wei Ling Tan",
        "Singapore",
        36,
        9,
        20,
        12,
        3,
        "Japanese",
        "$5.1M",
        18,
        "MAS and APRA outsourcing rules have put operational resilience on every board agenda",
        "Field notes from APAC: meetings take longer to get and go further once they happen. Buyers expect a "
        "senior person from head office at the second meeting, and they ask for the regulator's view in writing. "
        "Australian credit unions compare us with their mutual banking peers, so references matter most there.",
    ),
    (
        "North America",
        "Marcus Reed",
        "Chicago",
        64,
        41,
        44,
        24,
        2,
        "Spanish for Puerto Rico",
        "$8.4M",
        31,
        "Credit union mergers are the moment a board questions its core, and there were 160 last year",
        "Field notes from North America: the league conferences are where credit unions decide whom to call. "
        "Community banks ask about the cost of their current contract's exit fee, and we have a calculator for "
        "it. Buyers here respond to a peer's numbers far more than to an analyst's.",
    ),
    (
        "LATAM",
        "Camila Duarte",
        "Sao Paulo",
        22,
        12,
        15,
        8,
        3,
        "Portuguese and Spanish",
        "$3.3M",
        11,
        "Instant payments through Pix and SPEI have raised the bar for uptime overnight",
        "Field notes from LATAM: cooperatives in Brazil buy as a system, so one central cooperative can bring "
        "thirty members with it. Mexican banks want a local delivery partner named in the proposal. Everyone "
        "asks what happens to their data if they leave, and the answer has to be in Portuguese or Spanish.",
    ),
]


def region_section(index: int) -> str:
    name, member, city, banks, unions, old, workshops, quarter, language, pipeline, opps, local, notes = REGIONS[index]
    key = name.lower().replace(" ", "-")
    # Several passages sit on words every region shares: the near-twin sections are the hard case.
    message = f"[[{key}-message: Lead with resilience, not cost.]]" if index != 2 else "Lead with resilience, not cost."
    workshop = f"[[{key}-workshop: book a discovery workshop]]" if index in (0, 1, 3) else "book a discovery workshop"
    review = f"[[{key}-review: every two weeks]]" if index in (0, 2) else "every two weeks"
    return f"""### {name}

**Council member:** {member}, {city}. **Priority accounts:** {banks} regional banks and {unions} credit unions, \
[[{key}-old: {old} of them on a core older than fifteen years]].

Key message: {message} {local}. Bring cost in only once they ask for it.

- [[{key}-item-workshops: Run {workshops} discovery workshops with priority accounts before the end of Q{quarter}.]]
- Send the resilience brief to every CIO on the list and invite them to {workshop}.
- Hold a council review {review} and log each objection from the field in the CRM.
- Localise the customer presentation ({language}) and test it with two friendly clients.
- Invite the ten warmest accounts to the regional webinar and follow up within two days.

{notes}

[[{key}-pipeline: **Pipeline target:** {pipeline} in qualified pipeline from {opps} opportunities.]]"""


TACTICS = """## Tactics

Each tactic has one owner from the council, who keeps it current and reviews it with the field every two \
weeks. Owners accept or reject suggestions on their tactic; the leads approve the result.

### Customer presentation

**Owner:** Ingrid Solberg, EMEA council. **Review cadence:** every two weeks.

The customer presentation is the deck reps show in a first meeting. Last year's deck had 42 slides and reps \
used eight of them. [[deck-rule: The new deck has twelve slides, and the first three are about the customer's \
risk, not about us.]] Every slide has speaker notes written by a rep, not by marketing.

1. Rebuild the first three slides around the outage and regulator story.
2. Replace the architecture slide with one picture a COO can explain to their board.
3. Add two reference slides per region, refreshed each quarter.
4. Test the deck with two friendly clients per region and book a discovery workshop at the end of each test.

**Success measure:** [[deck-measure: half of first meetings move to a discovery workshop within thirty days.]]

### Direct marketing

**Owner:** Marcus Reed, North America council. **Review cadence:** [[dm-review: every two weeks]].

Direct marketing covers the resilience brief, the email sequence and the printed pack for board members. \
Reps told us they will not send anything that reads like an advertisement to a CIO they know personally. \
[[dm-tone: Every piece is written as a note from one practitioner to another, signed by the rep and never \
by marketing.]]

1. Write the resilience brief: four pages, one regulator map per region.
2. Build a five-email sequence that a rep can edit before it goes out.
3. Print 400 board packs and let reps choose who receives one.
4. Track which pieces reps actually send, and retire the ones nobody sends.

**Success measure:** one in five recipients replies or asks to book a discovery workshop.

### Webinar series

**Owner:** Wei Ling Tan, APAC council. **Review cadence:** every two weeks.

[[web-format: The webinar series runs monthly, forty minutes, with a customer on screen for at least half \
of it.]] Each session has a regional host and is recorded for reps to send afterwards. Topics follow the \
questions the field hears most often, which the council collects.

1. Publish the calendar for the year by the end of January.
2. Recruit one customer speaker per session, with a backup.
3. Cut each recording into three clips of under four minutes.
4. Send every attendee a follow-up from their own rep within two days.

**Success measure:** [[web-measure: 25 priority accounts attend at least one session per quarter.]]

### Lead scoring

**Owner:** Priya Raman, inside sales council. **Review cadence:** every two weeks.

Lead scoring decides which accounts get field time. Last year the score was driven by email clicks, and reps \
ignored it. [[score-rule: This year the score counts what a buyer does, not what they open: a workshop request \
is worth ten times a download.]] The inside sales team reviews the top fifty accounts every Monday.

1. Agree the scoring criteria with the council by the end of February.
2. Feed webinar attendance and workshop requests into the CRM automatically.
3. Show each rep their top ten accounts on the dashboard.
4. Review the criteria each quarter against the deals we actually won.

**Success measure:** reps act on 70% of the accounts the score puts in their top ten.

### Case studies

**Owner:** Tomas Novak, EMEA council. **Review cadence:** every two weeks.

Buyers trust a peer more than any deck. [[case-goal: We will publish one customer story per quarter, with \
numbers the customer has signed off, and a reference call the rep can offer.]] Stories are short: one page, \
one chart, one quote.

1. Ask each region for two candidate customers by the end of Q1.
2. Interview the customer's COO, not only the project lead.
3. Have the council review every story before it goes out.

**Success measure:** every region has a story from a customer of the same size as its priority accounts.

### Events

**Owner:** Camila Duarte, LATAM council. **Review cadence:** every two weeks.

We will stop paying for booths at large fintech shows. [[events-rule: Our event money goes to small \
roundtables of eight to twelve executives, hosted by a customer, in the cities where our priority accounts \
are.]] Each roundtable ends with an invitation to book a discovery workshop.

- One roundtable per region per quarter.
- A customer host for every roundtable, thanked in the quarterly summary.
- No roundtable without at least six confirmed priority accounts.

### Partner co-marketing

**Owner:** Marcus Reed, North America council. **Review cadence:** every two weeks.

Two system integrators bring us into most large deals. We will run joint campaigns with them only where they \
have a delivery team in the region. [[partner-rule: A joint campaign needs a named partner lead and a shared \
list of no more than thirty accounts.]]

### Sales enablement

**Owner:** Priya Raman, inside sales council. **Review cadence:** every two weeks.

New reps need to hold a first meeting on their own within six weeks. Enablement gives them the story, the \
deck and the objections with answers, in that order. [[enable-long: The enablement kit is one page of story, \
the twelve-slide deck with speaker notes, the ten objections the council hears most often with an answer a \
rep has used successfully, and a recorded first meeting with a friendly client, which every new rep watches \
before their first call and discusses with their council member in the same week.]]

- A two-day boot camp each quarter, run by council members.
- A monthly call where one rep walks through a deal they lost.
- A shared folder of objections and answers, owned by the council.

### Newsletter

**Owner:** Tomas Novak, EMEA council. **Review cadence:** every two weeks.

The newsletter goes to the accounts outside the priority list, once a month. [[news-rule: Every issue has one \
customer story, one regulator update and one invitation to the webinar series, and nothing else.]] It is \
written in the four languages of the regional plans and signed by a council member.

1. Agree the first six topics with the council by the end of January.
2. Keep each issue under four hundred words.
3. Measure replies, not opens, and report them every two weeks.

**Success measure:** [[news-measure: one in fifty readers books a discovery workshop within the year.]]

### Referral programme

**Owner:** Wei Ling Tan, APAC council. **Review cadence:** every two weeks.

Happy customers already send us their peers; the referral programme makes it easy and says thank you. \
[[referral-rule: A customer who introduces a peer gets a place at the customer advisory board and a donation \
to a charity of their choice, never a discount.]] The rep who receives the referral calls within two days.

- A one-page note customers can forward, with no product names in it.
- A thank-you from the leads, credited in the quarterly summary.
- A quarterly list of referrals reviewed by the council.

### Analyst relations

**Owner:** Priya Raman, inside sales council. **Review cadence:** every two weeks.

Analysts matter to insurers and to the largest banks, and much less to credit unions. [[analyst-rule: We brief \
the two analyst firms our priority accounts name most often, twice a year, with a customer on the call.]] We \
do not pay for placement in any ranking."""

OBJECTIONS = """## Objections and answers

The council collects the objections the field hears most often and the answers that worked. Reps add to this \
section; the council member who owns sales enablement keeps it tidy.

### Risk objections

**Objection:** "A core migration is the riskiest project a bank can run." Answer: agree, and show how a \
migration product by product keeps the old core running until the last product moves. [[obj-risk-answer: \
Offer to book a discovery workshop where their own team maps the first product to move.]]

**Objection:** "Cloud means losing control of our data." Answer: show where the data lives, who can reach \
it, and the exit plan that returns it in a standard format within thirty days. Offer to book a discovery \
workshop with their risk officer in the room.

**Objection:** "Our regulator will not approve it." Answer: name the regulators who already have, in their \
region, and offer the regulator mapping from the resilience brief. Most regulators ask for an exit plan and \
a tested recovery, and we have both.

### Cost objections

**Objection:** "We just renewed our contract." Answer: a renewal is the best time to plan the next move, \
because the exit fee is known. [[obj-renewal: Use the exit-fee calculator with them, and do not push for a \
decision this year.]]

**Objection:** "Your licence costs more than what we pay today." Answer: compare the cost of running the \
old core, including the team that patches it, not the licence alone. Lead with resilience, not cost, and \
bring the five-year model only when they ask for it.

**Objection:** "We cannot afford a big project now." Answer: the first product can move in four months with \
a team of six. Offer to book a discovery workshop to size it with their own numbers.

### Timing objections

**Objection:** "Come back after our merger." Answer: a merger is when two cores compete and one has to go; \
we can help decide which. [[obj-merger: Ask when the merger board meets, and offer a short paper for it.]]

**Objection:** "We are waiting for our vendor's roadmap." Answer: ask what the vendor has said about the end \
of support for their on-premise version, and show the dates we know of.

## Competitive landscape

Three vendors compete with us in most deals: the incumbent core vendors, who offer to host their old core, \
and two cloud-native cores from fintech backgrounds. [[comp-incumbent: The incumbents win on familiarity and \
lose on the cost of every change request.]] The cloud-native cores win demos and lose on references from \
regulated institutions of the same size. We never name a competitor in writing; reps can discuss them in a \
meeting when the buyer raises them first.

What the field tells us about each deal we lost goes into the win-loss notes, which the council reads every \
two weeks. Last year we lost more deals to "no decision" than to any competitor, which is why this plan \
starts from the buyer's risk of doing nothing.

## Priority accounts

The full lists are in the CRM; these are the accounts the council discusses at every review.

| Account | Region | Segment | Core age | Status | Rep |
|---|---|---|---|---|---|
| Fjordbank | EMEA | Regional bank | 19 years | [[acct-fjord-status: Workshop booked]] | Ingrid Solberg |
| Rheinland Sparkasse | EMEA | Regional bank | 23 years | First meeting | Tomas Novak |
| Harbour Federal | North America | Credit union | 17 years | Workshop booked | Marcus Reed |
| Lakeshore Community | North America | Regional bank | 21 years | [[acct-lake-status: First meeting]] | Marcus Reed |
| Coral Mutual | APAC | Credit union | 16 years | Workshop booked | Wei Ling Tan |
| Southern Cross Bank | APAC | Regional bank | 18 years | [[acct-cross-status: TBD]] | Wei Ling Tan |
| Cooperativa Serra | LATAM | Credit union | 20 years | Workshop booked | Camila Duarte |
| Banco Altiplano | LATAM | Regional bank | 25 years | First meeting | Camila Duarte |
| Moorland Building Society | EMEA | Building society | 22 years | TBD | Ingrid Solberg |
| Prairie Members | North America | Credit union | 15 years | [[acct-prairie-status: Workshop booked]] | Priya Raman |

## Field feedback so far

Reps posted 46 pieces of feedback on the published plan in its first month. [[feedback-deck: The new deck \
was the most shared piece: 31 reps sent it to at least one client, and most of them kept the first three \
slides as they were.]] The resilience brief came second. The board pack was sent only nine times, mostly by \
reps in EMEA, and the council will decide at the next review whether to keep it.

The most common reason not to share a piece was that it named a product the client does not use. The second \
was length: reps want one page they can forward without an explanation. [[feedback-length: Anything longer \
than two pages is sent by fewer than one rep in ten.]]"""


BUDGET = """## Budget

The budget is per tactic and per quarter. Amounts marked TBD are decided at the quarterly review, once the \
first results are in.

| Tactic | Q1 | Q2 | Q3 | Q4 | Owner |
|---|---|---|---|---|---|
| Customer presentation | $40,000 | $25,000 | [[budget-deck-q3: TBD]] | TBD | Ingrid Solberg |
| Direct marketing | $60,000 | $60,000 | $45,000 | TBD | Marcus Reed |
| Webinar series | $18,000 | $18,000 | $18,000 | [[budget-web-q4: $18,000]] | Wei Ling Tan |
| Lead scoring | $12,000 | TBD | TBD | TBD | Priya Raman |
| Case studies | $20,000 | $20,000 | [[budget-case-q3: TBD]] | $20,000 | Tomas Novak |
| Events | $35,000 | $50,000 | $50,000 | [[budget-events-q4: TBD]] | Camila Duarte |
| Partner co-marketing | $15,000 | $15,000 | TBD | TBD | Marcus Reed |
| Sales enablement | $22,000 | [[budget-enable-q2: $22,000]] | $22,000 | $22,000 | Priya Raman |

[[budget-note: Unspent money in a quarter goes back to the pool; it does not roll over to the same tactic.]] \
The leads can move up to 15% between tactics without a new approval."""

CLOSING = """## Timeline

- January: publish the plan, the calendar of webinars and the new deck.
- February: agree the lead scoring criteria with the council.
- [[timeline-march: March: first quarterly review of results and of the TBD budget lines.]]
- April: first customer story and first roundtable in every region.
- June: mid-year review with the council and the field.
- September: refresh the deck and the regional reference slides.
- December: review of the year and the first draft of next year's plan.

## Measurement

We measure what the field does with the plan, not only what marketing produces. [[measure-principle: A piece \
of collateral nobody sends is a cost, not an asset, however good it looks.]] The CRM records every share, and \
the summary email reports it every two weeks.

Each quarter the leads compare the plan with what happened: pipeline by region, the tactics reps used, and \
the feedback they posted. [[measure-review: A tactic that reps did not use for two quarters in a row is \
stopped, and its budget goes back to the pool.]] A tactic that works is written up for the other regions, \
with the numbers of the region that tried it first.

- Qualified pipeline per region, against target.
- Share of first meetings that reach a discovery workshop.
- [[kpi-shares: Number of pieces of collateral sent by reps, per tactic and per region.]]
- Field feedback: would share, would not share, and why.
- Suggestions from the council accepted into the plan, credited by name.

## Risks

- [[risk-capacity: The delivery team cannot run more than six migrations at once, so a strong pipeline can \
become a long waiting list.]]
- A competitor announces a cloud core at a lower price before our first stories are out.
- Reps keep using last year's deck because it is on their laptops.
- [[risk-council: Council members are top reps and their own quota comes first; the plan fails if reviews \
slip.]]

## Messaging guide

[[guide-long: Start every conversation from the customer's own risk: when their core last failed, how long \
the recovery took, what their regulator asked afterwards, and who had to explain it to the board. Only once \
they have told that story do we show how Ledgerline Core runs the same payments through two regions at \
once, and how a migration can go product by product instead of in one weekend.]] Never open with price, \
and never compare ourselves to a named competitor in writing.

Lead with resilience, not cost. Cost matters, but a buyer who hears about cost first files us with the \
vendors they are trying to leave.

Do:

- Use the customer's words for their problem.
- Offer to book a discovery workshop when they describe an outage.
- [[guide-do-reference: Offer a reference call with a customer of the same size and regulator.]]

Don't:

- Send the full deck before the first meeting.
- Promise a migration date before the discovery workshop.
- [[guide-dont-cost: Lead with the five-year cost model, however good the numbers look.]]

### Messaging by segment

For regional banks, the story is the outage that did not happen: two regions running the same payments, and \
a recovery measured in minutes. Use their own incident log if they share it, and the regulator's latest \
letter if they do not. The risk officer is the person to convince, and the CIO is the person to reassure.

For credit unions, the story is the merger that went well: two cores became one in a weekend of planned \
work, not a year of parallel running. [[guide-cu: Credit unions want to hear it from another credit union, \
so every credit union meeting has a reference ready before it starts.]] Mention the shared-services price \
per member only once they ask about cost.

For insurers, the story is the bank they already trust: Ledgerline runs the accounts of the bank they use, \
and the policy module reuses the same platform. Keep it short and let the partner lead.

For building societies, the story is the long term: an exit plan they can read in an afternoon, a roadmap \
agreed with other mutuals, and a council of customers that meets twice a year.

## Regional calendar

| Month | EMEA | APAC | North America | LATAM |
|---|---|---|---|---|
| January | Plan launch | Plan launch | Plan launch | Plan launch |
| February | Webinar | Roundtable | Webinar | TBD |
| March | Roundtable | Webinar | League conference | Webinar |
| April | Webinar | TBD | Roundtable | Roundtable |
| May | [[cal-emea-may: Board pack mailing]] | Webinar | Webinar | TBD |
| June | Mid-year review | Mid-year review | Mid-year review | Mid-year review |
| July | TBD | Roundtable | [[cal-na-july: Webinar]] | Webinar |
| September | Deck refresh | Deck refresh | League conference | Roundtable |
| October | Roundtable | Webinar | Roundtable | [[cal-latam-oct: TBD]] |
| November | Webinar | Roundtable | Webinar | Webinar |

## Open questions

- Should the board pack survive the mid-year review, given how rarely it is sent?
- [[open-insurers: Do we want a separate plan for insurers next year, or keep them inside the regional plans?]]
- How many priority accounts can one rep serve well: thirty, or fewer?
- Should the newsletter move from monthly to every two weeks once the webinar series is running?

## Council and owners

The council has six members: one per region, plus inside sales and the CRM team. Members serve for a year \
and can be renewed once. [[council-terms: Each member owns one tactic, keeps it current, and reviews it with \
the field every two weeks; a member who misses three reviews in a row hands the tactic to a colleague.]]

| Member | Region | Tactic | Since |
|---|---|---|---|
| Ingrid Solberg | EMEA | Customer presentation | January |
| Marcus Reed | North America | [[owners-marcus: Direct marketing]] | January |
| Wei Ling Tan | APAC | Webinar series | January |
| Priya Raman | Inside sales | Lead scoring | February |
| Tomas Novak | EMEA | Case studies | March |
| Camila Duarte | LATAM | Events | January |

The leads recognise the council's work in the bi-weekly summary: every accepted suggestion is credited by \
name and region, and the field can see who improved which tactic. [[council-recognition: Recognition is what \
keeps the council going, so no summary goes out without naming at least one member.]]

## Glossary

- Core: the system of record for accounts, balances and transactions.
- Discovery workshop: a half-day session where the customer's team maps their own migration.
- [[gloss-priority: Priority account: an institution on a region's list, which gets field time and a named \
rep.]]
- Resilience brief: the four-page paper on outages, regulators and recovery, one regulator map per region.
- Exit plan: how a customer leaves us, with their data, in thirty days.
- Qualified pipeline: opportunities with a budget, a sponsor and a date the customer has agreed to."""


def plan_markdown() -> str:
    regions = "\n\n".join(region_section(i) for i in range(len(REGIONS)))
    return "\n\n".join([INTRO, regions, TACTICS, OBJECTIONS, BUDGET, CLOSING])


_MARKED = re.compile(r"\[\[([a-z0-9-]+): (.+?)\]\]", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z*\[])")
_LIST_MARKER = re.compile(r"(?:[-*] |\d+[.)] )")


def _inline(text: str) -> list[Seg]:
    """Segments of one line of running text: marked passages, and the sentences between them."""
    segs: list[Seg] = []
    at = 0
    for match in _MARKED.finditer(text):
        segs.extend(_sentences(text[at : match.start()]))
        segs.append(Seg(match.group(2), match.group(1)))
        at = match.end()
    segs.extend(_sentences(text[at:]))
    return segs


def _sentences(text: str) -> list[Seg]:
    """Sentences as segments; the spaces around and between them are markup, so that rewording a sentence
    never touches the passage next to it."""
    body = text.strip()
    if not body:
        return [Seg(text, markup=True)] if text else []
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    segs = [Seg(lead, markup=True)] if lead else []
    at = 0
    for match in _SENTENCE_END.finditer(body):
        segs.append(Seg(body[at : match.start()]))
        segs.append(Seg(match.group(), markup=True))
        at = match.end()
    segs.append(Seg(body[at:]))
    if trail:
        segs.append(Seg(trail, markup=True))
    return segs


def parse(markdown: str) -> list[Block]:
    blocks = []
    for raw in markdown.strip().split("\n\n"):
        lines = raw.split("\n")
        if raw.startswith("#"):
            marker, _, title = raw.partition(" ")
            blocks.append(Block("heading", [Seg(marker + " ", markup=True), *_inline(title)]))
        elif raw.startswith("|"):
            segs: list[Seg] = []
            for n, line in enumerate(lines):
                if n:
                    segs.append(Seg("\n", markup=True))
                if set(line) <= set("|- "):
                    segs.append(Seg(line, markup=True))
                    continue
                cells = line.strip("|").split("|")
                segs.append(Seg("| ", markup=True))
                for k, cell in enumerate(cells):
                    if k:
                        segs.append(Seg(" | ", markup=True))
                    segs.extend(_inline(cell.strip()))
                segs.append(Seg(" |", markup=True))
            blocks.append(Block("table", segs))
        elif _LIST_MARKER.match(raw):
            segs = []
            for n, line in enumerate(lines):
                if n:
                    segs.append(Seg("\n", markup=True))
                marker = _LIST_MARKER.match(line).group()
                segs.append(Seg(marker, markup=True))
                segs.extend(_inline(line[len(marker) :]))
            blocks.append(Block("list", segs))
        else:
            blocks.append(Block("para", _inline(raw.replace("\n", " "))))
    return blocks


def render(blocks: list[Block]) -> tuple[str, dict[str, tuple[int, int]]]:
    """The page's text, and the span [start, end) of every passage still on it."""
    parts: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    at = 0
    for n, block in enumerate(blocks):
        if n:
            parts.append("\n\n")
            at += 2
        for seg in block.segs:
            if seg.passage:
                spans[seg.passage] = (at, at + len(seg.text))
            parts.append(seg.text)
            at += len(seg.text)
    parts.append("\n")
    return "".join(parts), spans


# Edits ---------------------------------------------------------------------------------------------------------

NEW_PARAGRAPHS = [
    "Update after the mid-quarter review: the council asked for fewer, longer meetings with each priority account "
    "rather than many short ones, and the leads agreed.",
    "Note from the leads: two priority accounts in this list have started a tender. Reps should not send them any "
    "new material until the tender documents are out.",
    "The field asked for a single page that explains the plan to a new rep in five minutes. It is linked from the "
    "top of this page and kept in step with it.",
    "Since the last version, three regional banks have asked for a migration estimate before any workshop. We give "
    "a range, never a single number, and we say why.",
    "A reminder for everyone editing this page: comment on the passage you mean, and suggest a change rather than "
    "rewriting another owner's tactic.",
    "The regulator in two of our regions has published new guidance on outsourcing to the cloud. The resilience "
    "brief will be updated to quote it directly.",
    "Win-loss notes from the last quarter: we lost two deals on implementation risk and none on price. The story "
    "about going product by product matters more than we thought.",
    "Inside sales now books the first meeting for any account that attends two webinars. The rep gets the notes "
    "from the webinar questions before the call.",
    "The leads will publish a short summary of every change to this plan in the bi-weekly email, with the names "
    "of the reps whose suggestions were accepted.",
    "Budget note: the events line was cut by ten percent after the first roundtable came in under cost. The "
    "difference goes to the case studies.",
    # New text reuses the plan's stock phrases, as people do: a deleted passage's words can reappear
    # in fresh text in the same edit, and that text is not the passage.
    "From now on the owners meet the field every two weeks, and any rep can join the call to book a discovery "
    "workshop for an account.",
    "The council's advice for the next quarter: lead with resilience, not cost. Lead with resilience, not cost. "
    "Say it twice, as one rep put it, because the buyer hears cost first anyway.",
]

NEW_SENTENCES = [
    "The council reviewed this in March and asked for shorter wording.",
    "This changed after the first quarterly review.",
    "Reps in two regions said the old version confused buyers.",
    "The leads want numbers here, not adjectives.",
    "We tested this with three friendly clients before writing it down.",
    "Marketing will refresh this part once the first results are in.",
    "The inside sales team tracks this in the CRM every week.",
    "Several reps asked for an example, which is now in the appendix.",
    "This is the part of the plan buyers quote back to us most often.",
    "It is also the hardest part to explain to a new rep.",
    "The field feedback on this was mixed, so we keep it under review.",
    "A customer told us this was the first thing that made sense to their board.",
    "The owner reviews it every two weeks.",
    "Lead with resilience, not cost.",
    "Reps can book a discovery workshop from the CRM.",
]

NEW_ITEMS = [
    "Ask each account which regulator visit is next, and plan the meeting around it.",
    "Share the migration map with the account's project office, not only the CIO.",
    "Report the three most common objections to the council at the end of each month.",
    "Keep the list of priority accounts to fifty at most, and prune it each quarter.",
    "Pair every new rep with a council member for their first three meetings.",
    "Send the board pack only after a second meeting.",
    "Invite the account to book a discovery workshop once they name a sponsor.",
    "Report to the leads every two weeks.",
]

NEW_LEADS = [
    "Agree with the council, at a short meeting",
    "Put it on the agenda of the regional call",
    "Ask the owner of the tactic to check it",
    "Review the numbers with inside sales",
]

NEW_TAILS = [
    "with the inside sales team.",
    "and write down what the client said.",
    ", unless the leads decide otherwise.",
    "before the quarterly review.",
]

NEW_CELLS = ["$30,000", "$55,000", "TBD", "$10,000", "$27,500", "Webinar", "$41,000", "TBD", "Workshop booked"]

# Words a light edit swaps; only for passages of six words or more, so one word changes at most a sixth.
SYNONYMS = {
    "every": "each",
    "customer": "client",
    "first": "opening",
    "meeting": "call",
    "Build": "Create",
    "build": "create",
    "send": "share",
    "Send": "Share",
    "review": "check",
    "reviews": "checks",
    "written": "drafted",
    "small": "compact",
    "numbers": "figures",
    "bank": "lender",
    "goes": "returns",
    "story": "account",
    "window": "opportunity",
    "typical": "usual",
    "often": "frequently",
    "never": "not ever",
    "strong": "healthy",
    "long": "lengthy",
    "runs": "takes",
    "named": "specific",
    "Offer": "Propose",
}

HEAVY = [
    "We will revisit this after the tender results, and the council will propose new wording.",
    "Replaced by the new guidance from the leads, which is in the appendix.",
    "The owners of this part now agree it with the field before each quarter.",
    "Dropped for now: the council found nobody who used it in the last two quarters.",
    "See the regional notes for how this works in each market.",
    "This is now decided case by case with the leads.",
]


@dataclass
class Corpus:
    """The page's text after each round (texts[0] is the original) and the truth about every passage."""

    texts: list[str]
    truth: list[dict[str, tuple[str, tuple[int, int] | None]]]  # per round: id -> (state, span)
    kinds: list[list[str]] = field(default_factory=list)  # the edits of each round, for reading failures


class _Editor:
    def __init__(self, blocks: list[Block], rng: random.Random):
        self.blocks, self.rng = blocks, rng
        self.state: dict[str, str] = {}
        for block in blocks:
            for seg in block.segs:
                if seg.passage:
                    self.state[seg.passage] = ALIVE
        self.touched: set[int] = set()  # blocks edited in this round, by id(); one edit per block and round
        self.duplicated: list[str] = []  # passages whose words were copied elsewhere in an earlier round

    # Finding things -----------------------------------------------------------------------------------
    def where(self, passage: str) -> tuple[Block, int]:
        for block in self.blocks:
            for k, seg in enumerate(block.segs):
                if seg.passage == passage:
                    return block, k
        raise KeyError(passage)

    def alive(self, words: int = 0, kinds: tuple[str, ...] = ("para", "list", "table", "heading")) -> list[str]:
        found = []
        for block in self.blocks:
            if id(block) in self.touched or block.kind not in kinds:
                continue
            for seg in block.segs:
                if seg.passage and self.state[seg.passage] == ALIVE and len(seg.text.split()) >= words:
                    found.append(seg.passage)
        return found

    def sections(self) -> list[tuple[int, int]]:
        """[start, end) block ranges of the ### subsections: the units people delete and move."""
        heads = [n for n, b in enumerate(self.blocks) if b.kind == "heading"]
        ranges = []
        for k, n in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else len(self.blocks)
            if self.blocks[n].segs[0].text == "### " and end - n >= 2:
                ranges.append((n, end))
        return ranges

    def passages_in(self, blocks: list[Block]) -> list[str]:
        return [seg.passage for block in blocks for seg in block.segs if seg.passage]

    def repeated(self, passage: str) -> bool:
        block, k = self.where(passage)
        text = render(self.blocks)[0]
        return text.count(block.segs[k].text) > 1

    def pick(self, options: list, prefer: Callable[[object], bool] | None = None):
        if not options:
            return None
        preferred = [o for o in options if prefer(o)] if prefer else []
        return self.rng.choice(preferred or options)

    def mark(self, *blocks: Block) -> None:
        self.touched.update(id(b) for b in blocks)

    # The edits -----------------------------------------------------------------------------------------
    def insert_above(self) -> None:
        """A new paragraph right above a commented passage's block (everything below shifts)."""
        passage = self.pick(self.alive())
        block, _ = self.where(passage)
        new = Block("para", [Seg(self.rng.choice(NEW_PARAGRAPHS))])
        self.blocks.insert(self.blocks.index(block), new)
        self.mark(new, block)

    def reword(self) -> None:
        """One word of a passage of six words or more changes: the passage survives."""
        passage = self.pick([p for p in self.alive(words=6) if self._rewordable(p)])
        if passage is not None:
            self._reword(passage)

    def _reword(self, passage: str) -> None:
        block, k = self.where(passage)
        seg = block.segs[k]
        words = seg.text.split(" ")
        choices = [n for n, w in enumerate(words) if w.strip(".,:;*") in SYNONYMS]
        n = self.rng.choice(choices)
        bare = words[n].strip(".,:;*")
        words[n] = words[n].replace(bare, SYNONYMS[bare])
        seg.text = " ".join(words)
        self.mark(block)

    def _rewordable(self, passage: str) -> bool:
        block, k = self.where(passage)
        words = block.segs[k].text.split(" ")
        return self.state[passage] == ALIVE and len(words) >= 6 and any(w.strip(".,:;*") in SYNONYMS for w in words)

    def rewrite_neighbour(self) -> None:
        """The sentence, list item or cell next to a passage is rewritten; the passage itself is untouched."""
        passage = self.pick(self.alive())
        block, k = self.where(passage)
        step = self.rng.choice((-1, 1))
        for direction in (step, -step):
            j = k + direction
            while 0 <= j < len(block.segs) and block.segs[j].markup:
                j += direction
            if 0 <= j < len(block.segs) and not block.segs[j].passage:
                block.segs[j].text = self.rng.choice(self._rewrites(block, block.segs[j], direction))
                self.mark(block)
                return
        # The passage fills its block: rewrite the neighbouring paragraph instead, if it has no passage.
        at = self.blocks.index(block) + step
        if 0 <= at < len(self.blocks) and self.blocks[at].kind == "para" and not self.passages_in([self.blocks[at]]):
            self.blocks[at].segs = [Seg(self.rng.choice(NEW_PARAGRAPHS))]
            self.mark(self.blocks[at])

    @staticmethod
    def _rewrites(block: Block, seg: Seg, direction: int) -> list[str]:
        if block.kind == "table":
            return NEW_CELLS
        # Part of the passage's own sentence: the words before or after it are rewritten, not the sentence.
        if direction < 0 and not seg.text.endswith((".", ":", "!", "?")):
            return NEW_LEADS
        if direction > 0 and not seg.text[:1].isupper():
            return NEW_TAILS
        return NEW_ITEMS if block.kind == "list" else NEW_SENTENCES

    def delete_section(self, twins: bool = False) -> None:
        """A ### section goes, with every passage in it; with `twins`, one whose words also occur elsewhere."""
        options = [r for r in self.sections() if self.passages_in(self.blocks[r[0] : r[1]])]
        options = [r for r in options if not any(id(b) in self.touched for b in self.blocks[r[0] : r[1]])]

        def has_twins(r: tuple[int, int]) -> bool:
            return any(self.repeated(p) for p in self.passages_in(self.blocks[r[0] : r[1]]))

        chosen = self.pick(options, has_twins if twins else None)
        if chosen is None:
            return
        for passage in self.passages_in(self.blocks[chosen[0] : chosen[1]]):
            self.state[passage] = GONE
        del self.blocks[chosen[0] : chosen[1]]

    def move_section(self) -> None:
        """A ### section moves to another place in the page, its passages with it."""
        options = [r for r in self.sections() if not any(id(b) in self.touched for b in self.blocks[r[0] : r[1]])]
        chosen = self.pick(options, lambda r: bool(self.passages_in(self.blocks[r[0] : r[1]])))
        moved = self.blocks[chosen[0] : chosen[1]]
        del self.blocks[chosen[0] : chosen[1]]
        heads = [n for n, b in enumerate(self.blocks) if b.kind == "heading" and n != chosen[0]]
        target = self.rng.choice(heads)
        self.blocks[target:target] = moved
        self.mark(*moved)

    def move_reworded_section(self) -> None:
        """A ### section moves and, in the same edit, a passage in it is lightly reworded."""
        options = [r for r in self.sections() if not any(id(b) in self.touched for b in self.blocks[r[0] : r[1]])]
        chosen = self.pick(
            options, lambda r: any(self._rewordable(p) for p in self.passages_in(self.blocks[r[0] : r[1]]))
        )
        moved = self.blocks[chosen[0] : chosen[1]]
        for passage in self.passages_in(moved):
            if self._rewordable(passage):
                self._reword(passage)
                break
        del self.blocks[chosen[0] : chosen[1]]
        heads = [n for n, b in enumerate(self.blocks) if b.kind == "heading" and n != chosen[0]]
        target = self.rng.choice(heads)
        self.blocks[target:target] = moved
        self.mark(*moved)

    def duplicate(self) -> None:
        """The words of a sentence-long passage are copied into another section (a twin that is not the
        passage); later rounds may delete the original."""
        passage = self.pick([p for p in self.alive(words=5) if p not in self.duplicated])
        if passage is None:
            return
        block, k = self.where(passage)
        words = block.segs[k].text
        paragraphs = [b for b in self.blocks if b.kind == "para" and b is not block and id(b) not in self.touched]
        far = [b for b in paragraphs if abs(self.blocks.index(b) - self.blocks.index(block)) > 6]
        target = self.rng.choice(far or paragraphs)
        target.segs.extend([Seg(" ", markup=True), Seg(words)])
        self.duplicated.append(passage)
        self.mark(block, target)

    def delete_duplicated_original(self) -> None:
        """The block holding a passage whose words were copied elsewhere earlier is deleted: the copy must
        not inherit the comment."""
        options = [p for p in self.duplicated if self.state[p] == ALIVE and id(self.where(p)[0]) not in self.touched]
        passage = self.pick(options)
        if passage is None:
            self.delete_item(twins=True)
            return
        self._delete_unit(passage)

    def delete_item(self, twins: bool = False) -> None:
        """A list item, table row or paragraph holding a passage is deleted; with `twins`, a passage whose
        words still occur elsewhere on the page (a repeated phrase, a TBD cell, a near-twin item)."""
        options = self.alive(kinds=("para", "list", "table"))
        passage = self.pick(options, self.repeated if twins else None)
        if passage is not None:
            self._delete_unit(passage)

    def _delete_unit(self, passage: str) -> None:
        block, k = self.where(passage)
        if block.kind in ("list", "table"):
            start, end = k, k
            while start > 0 and block.segs[start - 1].text != "\n":
                start -= 1
            while end < len(block.segs) and block.segs[end].text != "\n":
                end += 1
            # Take the line and the newline before it (or after it, for the first line).
            if start > 0:
                start -= 1
            elif end < len(block.segs):
                end += 1
            gone = block.segs[start:end]
            if len(gone) < len(block.segs):
                for seg in gone:
                    if seg.passage:
                        self.state[seg.passage] = GONE
                del block.segs[start:end]
                self.mark(block)
                return
        for seg in block.segs:
            if seg.passage:
                self.state[seg.passage] = GONE
        self.blocks.remove(block)

    def bold(self) -> None:
        """A passage inside running text gets bold marks around it (its words are unchanged)."""
        options = []
        for p in self.alive(kinds=("para", "list")):
            block, k = self.where(p)
            if "**" not in block.segs[k].text and not (k and block.segs[k - 1].text == "**"):
                options.append(p)
        passage = self.pick(options)
        if passage is None:
            return
        block, k = self.where(passage)
        block.segs[k : k + 1] = [Seg("**", markup=True), block.segs[k], Seg("**", markup=True)]
        self.mark(block)

    def unbold(self) -> None:
        """Bold marks around a passage, or inside it, are removed."""
        for p in self.alive():
            block, k = self.where(p)
            seg = block.segs[k]
            if 0 < k < len(block.segs) - 1 and block.segs[k - 1].text == "**" == block.segs[k + 1].text:
                del block.segs[k + 1]
                del block.segs[k - 1]
                self.mark(block)
                return
            if seg.text.count("**") == 2 and len(seg.text.split()) >= 6:
                seg.text = seg.text.replace("**", "")
                self.mark(block)
                return

    def list_marker(self) -> None:
        """A list holding a passage changes its markers ("-" to "*", "1." to "1)")."""
        options = [p for p in self.alive(kinds=("list",))]
        passage = self.pick(options)
        if passage is None:
            return
        block, _ = self.where(passage)
        for seg in block.segs:
            if seg.markup and _LIST_MARKER.fullmatch(seg.text):
                seg.text = "* " if seg.text == "- " else "- " if seg.text == "* " else seg.text.replace(".", ")")
        self.mark(block)

    def heavy_rewrite(self) -> None:
        """A sentence-long passage is rewritten, keeping less than half of its words: it may keep its
        comment in place or orphan it, never send it elsewhere."""
        passage = self.pick(self.alive(words=5, kinds=("para", "list")))
        if passage is None:
            return
        block, k = self.where(passage)
        old = set(block.segs[k].text.lower().split())
        new = self.rng.choice([h for h in HEAVY if len(old & set(h.lower().split())) * 2 < len(old)])
        block.segs[k].text = new
        self.state[passage] = REWRITTEN
        self.mark(block)

    def rewrite_paragraph(self) -> None:
        """A paragraph without passages, next to one with a passage, is replaced entirely."""
        for passage in self.rng.sample(self.alive(kinds=("para",)), k=len(self.alive(kinds=("para",)))):
            block, _ = self.where(passage)
            at = self.blocks.index(block)
            for j in (at - 1, at + 1):
                if 0 <= j < len(self.blocks):
                    other = self.blocks[j]
                    if other.kind == "para" and not self.passages_in([other]) and id(other) not in self.touched:
                        other.segs = [Seg(self.rng.choice(NEW_PARAGRAPHS))]
                        self.mark(other)
                        return


# Each round is a few edits of different kinds, as one save by one person would be.
ROUNDS = [
    ["insert_above", "reword", "reword", "bold", "rewrite_neighbour"],
    ["duplicate", "duplicate", "rewrite_neighbour", "list_marker"],
    ["delete_twin_item", "insert_above", "reword", "duplicate"],
    ["move_reworded_section", "reword", "bold", "rewrite_paragraph"],
    ["delete_duplicated_original", "rewrite_neighbour", "insert_above"],
    ["heavy_rewrite", "heavy_rewrite", "reword", "delete_twin_item"],
    ["delete_twin_section", "duplicate", "list_marker"],
    ["move_section", "delete_item", "unbold", "rewrite_paragraph"],
    ["delete_twin_item", "delete_twin_item", "reword", "insert_above"],
    ["delete_duplicated_original", "move_section", "rewrite_neighbour", "bold"],
    ["heavy_rewrite", "delete_section", "insert_above", "move_reworded_section", "reword"],
    ["delete_duplicated_original", "delete_twin_item", "rewrite_paragraph", "list_marker", "reword"],
]

# One heavy revision, as between two reviews of the plan: every kind of edit at once.
HEAVY_REVISION = [
    "insert_above",
    "insert_above",
    "reword",
    "reword",
    "reword",
    "rewrite_neighbour",
    "rewrite_neighbour",
    "move_section",
    "move_reworded_section",
    "delete_twin_section",
    "delete_twin_item",
    "delete_item",
    "duplicate",
    "bold",
    "list_marker",
    "heavy_rewrite",
    "rewrite_paragraph",
]

EDITS: dict[str, Callable[[_Editor], None]] = {
    "insert_above": _Editor.insert_above,
    "reword": _Editor.reword,
    "rewrite_neighbour": _Editor.rewrite_neighbour,
    "delete_section": _Editor.delete_section,
    "delete_twin_section": lambda e: e.delete_section(twins=True),
    "move_section": _Editor.move_section,
    "move_reworded_section": _Editor.move_reworded_section,
    "duplicate": _Editor.duplicate,
    "delete_duplicated_original": _Editor.delete_duplicated_original,
    "delete_item": _Editor.delete_item,
    "delete_twin_item": lambda e: e.delete_item(twins=True),
    "bold": _Editor.bold,
    "unbold": _Editor.unbold,
    "list_marker": _Editor.list_marker,
    "heavy_rewrite": _Editor.heavy_rewrite,
    "rewrite_paragraph": _Editor.rewrite_paragraph,
}


def build(seed: int = 13, rounds: list[list[str]] = ROUNDS) -> Corpus:
    rng = random.Random(seed)
    editor = _Editor(parse(plan_markdown()), rng)
    text, spans = render(editor.blocks)
    corpus = Corpus(texts=[text], truth=[{p: (ALIVE, spans[p]) for p in editor.state}])
    for kinds in rounds:
        editor.touched = set()
        for kind in kinds:
            EDITS[kind](editor)
        text, spans = render(editor.blocks)
        corpus.texts.append(text)
        corpus.truth.append({p: (state, spans.get(p)) for p, state in editor.state.items()})
        corpus.kinds.append(kinds)
    return corpus


# Scoring -------------------------------------------------------------------------------------------------------


@dataclass
class Score:
    comments: int = 0  # passages commented at the start
    wrong: list[str] = field(default_factory=list)  # "round N: id ..." for every comment on a wrong passage
    needless: list[str] = field(default_factory=list)  # orphaned while the passage survives
    surviving: int = 0  # passage x round pairs where the passage survives
    exact: int = 0  # anchors exactly on their passage's span

    @property
    def orphan_rate(self) -> float:
        return len(self.needless) / max(1, self.surviving)


def replay(corpus: Corpus, reanchorer: Callable, make_anchor: Callable) -> Score:
    """Comment every passage of the first text, then carry the comments through every round;
    `reanchorer(old, new)` returns an object with `.reanchor(anchor)`."""
    anchors = {p: make_anchor(corpus.texts[0], *span) for p, (_, span) in corpus.truth[0].items()}
    score = Score(comments=len(anchors))
    for r in range(1, len(corpus.texts)):
        carrier = reanchorer(corpus.texts[r - 1], corpus.texts[r])
        for passage, anchor in anchors.items():
            if anchor is None:
                continue
            anchors[passage] = carrier.reanchor(anchor)
        for passage, (state, span) in corpus.truth[r].items():
            anchor = anchors[passage]
            where = f"round {r} {corpus.kinds[r - 1]}: {passage}"
            if state == ALIVE:
                score.surviving += 1
            if anchor is None:
                if state == ALIVE:
                    score.needless.append(where)
                continue
            if state == GONE or not (anchor.start < span[1] and span[0] < anchor.end):
                score.wrong.append(f"{where} ({state}) -> {anchor.exact!r} at {anchor.start}")
            elif (anchor.start, anchor.end) == span:
                score.exact += 1
    return score
