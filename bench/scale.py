"""Issue 14, item 4: the wiki at scale. `figures()` builds a wiki of 2,000 pages, 100,000 revisions, 20,000 threads
and 1,000 users, serves it with a real gunicorn and reports the p50 of one request (a single client, one request
at a time) for the pages people open most: a page view as a council member (`scale_view_ms` the first view of
each page, `scale_view_again_ms` a repeat), `/` and `/changes` as a lead, and `/search` for a word many pages
hold, as a council member and as a field rep (the slower of the two).

It runs on SQLite (a file in a temporary directory, configured by the app: WAL, foreign keys), and again on
PostgreSQL when DATABASE_URL names a PostgreSQL database: the figures then come twice, the second time with a
`_pg` suffix. THE DATABASE DATABASE_URL NAMES IS DROPPED AND CREATED AFRESH. (A SQLite DATABASE_URL is ignored:
the rest of the bench sets one for its own database.)

The schema is made with `db.create_all()`, as the app's tests make it (tests/test_migrations.py proves the models
and the migrations agree). The data goes in with bulk INSERTs through SQLAlchemy Core, a phase at a time, in rows
shaped as the services write them (wiki/services/pages.py append_revision, threads.py start_thread, reply,
accept and reject, review.py approve and request_changes, tactics.py, feedback.py give_feedback, inbox.py
notify): revisions numbered without gaps, carrying title, kind, size and size change, base, origin (edits,
merges, restores, accepted suggestions); pages pointing at their head and published revision; anchored threads
holding a text-quote selector into the revision they are anchored in. Ids follow time, as they would have been
handed out. Then each page's answers are tallied, each person's contributions counted per day and each page's
first waiting revision found (as wiki.services.feedback, contributions and review keep them on every write), and
the full-text index is rebuilt with wiki.services.search_index.reindex(), as `flask --app wsgi search reindex`
does after data loaded around the services. On PostgreSQL the load ends with
VACUUM ANALYZE, which autovacuum would run within minutes of such a load; SQLite gets the sampled ANALYZE the
worker runs when it starts (wiki/db.py refresh_planner_statistics).

The wiki: 3 leads, 30 council members (and 6 former seats), the rest field reps; 80 plans with 3-6 tactics each,
every tactic owned by a council member and linking collateral; pages published, in review (drafts ahead of what
the field reads), sent back with changes requested, never published. 200 pages have a long history (200-300
revisions) and 40-60 threads; the others share the rest. Comments reply, mention and get resolved; suggestions
wait, go stale, are accepted (a revision credited to the suggester) or rejected; the field answers "would you
share this?"; every one of those leaves the notices the services leave.

gunicorn runs one worker: one client sending one request at a time keeps one worker busy, and with one worker a
repeat view is answered by the process that kept the first one, so `scale_view_again_ms` is what it says. The
views are of 100 different pages with a long history, so the first view of each is made from the database.
`/` and `/changes` are asked with a query argument of their own each time, which they ignore, so no figure is a
page kept from the request before: each is the cost of making the page.
"""

from __future__ import annotations

import bisect
import os
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, cached_property

from bench.files import signed_in
from bench.serving import PASSWORD, gunicorn
from wiki.text.anchor import make_anchor
from wiki.text.slugs import slugify

USERS = 1_000
LEADS = 3
COUNCIL = 30
FORMER_SEATS = 6
PAGES = 2_000
PLANS = 80
COLLATERAL = 1_150  # the rest are notes
REVISIONS = 100_000
THREADS = 20_000
# The pages with a long history and a busy margin: every plan, and the collateral after them.
BUSY = 200
BUSY_REVISIONS = (200, 300)
BUSY_THREADS = (40, 60)
FEEDBACK = 4_000
HISTORY_DAYS = 730
VIEWED = 100
REPEATS = 11
SEARCH_WORD = "webinar"
_BATCH = 2_000

_COMMON = (
    "customers segment value proposition message pipeline quarter region accounts budget partners field council "
    "proof launch campaign content territory quota renewal churn onboarding"
).split()
# Each page is about two of these; SEARCH_WORD belongs to one, so about a quarter of the pages hold it.
_TOPICS = {
    "events": "webinar webinars events speakers registration attendees agenda replay roadshow",
    "email": "email nurture subject unsubscribe sequence newsletter opens clicks cadence",
    "scoring": "scoring lead threshold intent signals qualification handoff CRM routing",
    "deck": "presentation slides deck storyline demo objections references pitch",
    "pricing": "pricing discount bundle renewal upsell contract tiers packaging",
    "banks": "banks credit unions insurers compliance DORA resilience regulators",
    "partners": "resellers alliances co-marketing referral channel enablement distributors",
    "analysts": "analysts briefing report benchmark evaluation rankings inquiry",
}
_TOPIC_WORDS = {name: words.split() for name, words in _TOPICS.items()}
_REGIONS = (
    "EMEA",
    "DACH",
    "Nordics",
    "UK & Ireland",
    "Benelux",
    "France",
    "Iberia",
    "Italy",
    "North America East",
    "North America West",
    "LATAM",
    "APAC",
    "CRM / inside sales",
)
_FIRST = (
    "Aisha Ben Carla Dev Elena Farid Grace Hugo Ines Jonas Kenji Lena Marco Nadia Oskar Priya Quinn Rosa Sami "
    "Tara Umar Vera Wen Ximena Yusuf Zoe Anton Bea Chidi Dana Emil Freya Gabor Hana Ivo Jana Kofi Luis Mira Noor"
).split()
_LAST = (
    "Khan Novak Rossi Patel Schmidt Garcia Larsen Dubois Tanaka Okafor Silva Nowak Meyer Costa Haddad Berg Moreau "
    "Ivanova Murphy Kowalski Jensen Ferreira Romano Lindqvist Yilmaz Fischer Reyes Sato Mensah Varga"
).split()
_TACTICS = (
    "Customer presentation",
    "Direct-marketing emails",
    "Webinar series",
    "Lead-scoring criteria",
    "Partner kit",
    "Event playbook",
    "Analyst briefings",
    "Pricing sheet",
)
_SUMMARIES = (
    "",
    "",
    "",
    "Tightened the messages",
    "Numbers for the quarter",
    "Council feedback worked in",
    "New proof points",
    "Fixed the segment list",
    "Shorter intro",
    "Added the regional angle",
    "Typos",
    "Reworked after the field's answers",
)
_NOTES = (
    "",
    "",
    "Clients found the intro generic.",
    "Used it in two meetings this week, it landed well.",
    "Too long for a first call.",
    "The numbers are what they asked about.",
    "Slide order confused the buyer.",
)


def figures() -> dict:
    """The figures on SQLite, and with a `_pg` suffix on PostgreSQL when DATABASE_URL names a PostgreSQL database
    (which is dropped and made again)."""
    results: dict[str, float] = {}
    workdir = tempfile.mkdtemp(prefix="council-wiki-scale-")
    try:
        results.update(_figures_on(f"sqlite:///{workdir}/scale.sqlite", ""))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        _recreate_database(url)
        results.update(_figures_on(url, "_pg"))
    return results


def _figures_on(url: str, suffix: str) -> dict:
    backend = "PostgreSQL" if suffix else "SQLite"
    started = time.perf_counter()
    wiki = _build(url, backend)
    _progress(backend, f"built the wiki in {time.perf_counter() - started:.0f} s")
    measured = _measure(url, wiki, backend)
    return {f"{name}{suffix}": value for name, value in measured.items()}


def _progress(backend: str, message: str) -> None:
    print(f"scale ({backend}): {message}", flush=True)


def _recreate_database(url: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            name = target.database.replace('"', '""')
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


# The wiki in memory ------------------------------------------------------------------------------------


@dataclass
class _Person:
    id: int
    name: str
    email: str
    role: str
    region: str
    active: bool = True

    @property
    def who(self) -> str:
        return f"{self.name} ({self.region})"


@dataclass
class _Text:
    """A page's text through its history: revision n (n >= 2) rewrites one paragraph, in turn, so every
    revision's body can be made again from its number alone."""

    blocks: list[str]
    editable: list[int]
    edits: list[str]
    restored: dict[int, int] = field(default_factory=dict)

    def body(self, number: int) -> str:
        number = self._restored(number)
        parts = list(self.blocks)
        for turn, at in enumerate(self.editable):
            edit = self.edit(number, turn)
            if edit is not None:
                parts[at] = f"{parts[at]} {edit}"
        return "\n\n".join(parts) + "\n"

    def edit(self, number: int, turn: int) -> str | None:
        """The sentence the latest revision up to `number` that rewrote paragraph `turn` added to it."""
        number, first = self._restored(number), turn + 2
        if number < first:
            return None
        latest = number - (number - first) % len(self.editable)
        return self.edits[latest % len(self.edits)]

    def _restored(self, number: int) -> int:
        while number in self.restored:
            number = self.restored[number]
        return number


@dataclass
class _Page:
    id: int
    slug: str
    kind: str
    titles: tuple[str, str]
    retitled_at: int  # the revision that changed the title to titles[1] (past the head: never)
    topics: tuple[str, ...]
    text: _Text
    team: list[int]
    created_at: datetime
    times: list[datetime] = field(default_factory=list)  # times[n - 1] is when revision n was saved
    revisions: list[dict] = field(default_factory=list)
    state: str = "published"
    published: int | None = None  # the published revision's number
    owners: set[int] = field(default_factory=set)  # owners of the tactics that link the page
    approvals: list[dict] = field(default_factory=list)
    threads: int = 0

    @property
    def head(self) -> int:
        return len(self.times)

    def title(self, number: int) -> str:
        return self.titles[1] if number >= self.retitled_at else self.titles[0]

    def number_at(self, moment: datetime) -> int:
        """The revision that was the head at `moment`."""
        return max(1, bisect.bisect_right(self.times, moment))


@dataclass
class _Wiki:
    now: datetime
    rng: random.Random
    people: list[_Person] = field(default_factory=list)
    pages: list[_Page] = field(default_factory=list)
    tactics: list[dict] = field(default_factory=list)
    tactic_pages: list[dict] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)

    @cached_property
    def leads(self) -> list[_Person]:
        return [person for person in self.people if person.role == "lead"]

    @cached_property
    def council(self) -> list[_Person]:
        return [person for person in self.people if person.role == "council"]

    @cached_property
    def field_reps(self) -> list[_Person]:
        return [person for person in self.people if person.role == "field"]

    def person(self, person_id: int) -> _Person:
        return self.people[person_id - 1]

    def notify(self, user_ids, kind: str, actor: int, page: _Page, text: str, at: datetime, thread=None) -> None:
        """As inbox.notify does: once each, never to whoever acted; read if it is old, else perhaps not yet."""
        for user_id in sorted(set(user_ids) - {actor}):
            read = at < self.now - timedelta(days=14) or self.rng.random() < 0.5
            read_at = min(self.now, at + timedelta(hours=self.rng.uniform(0.5, 72))) if read else None
            self.notices.append(
                {
                    "user_id": user_id,
                    "kind": kind,
                    "actor_id": actor,
                    "page_id": page.id,
                    "thread": thread,
                    "text": text if len(text) <= 300 else text[:299] + "…",
                    "created_at": at,
                    "read_at": read_at,
                }
            )


@cache
def _words(topics: tuple[str, ...]) -> list[str]:
    """What a page about `topics` is written in: the words every page uses, and its topics' own."""
    return [*_COMMON, *(word for topic in topics for word in _TOPIC_WORDS[topic])]


def _sentence(rng: random.Random, topics: tuple[str, ...]) -> str:
    return " ".join(rng.choices(_words(topics), k=rng.randint(8, 18))).capitalize() + "."


def _text(rng: random.Random, title: str, topics: tuple[str, ...], size: int) -> _Text:
    blocks, editable = [f"# {title}"], []
    while sum(len(block) + 2 for block in blocks) < size:
        if len(blocks) % 6 == 1:
            blocks.append(f"## {rng.choice(topics).capitalize()} {len(blocks) // 6 + 1}")
        elif rng.random() < 0.2:
            blocks.append("\n".join(f"- {_sentence(rng, topics)}" for _ in range(rng.randint(3, 5))))
        else:
            editable.append(len(blocks))
            blocks.append(" ".join(_sentence(rng, topics) for _ in range(rng.randint(3, 5))))
    return _Text(blocks, editable, [_sentence(rng, topics) for _ in range(61)])


def _spread(rng: random.Random, total: int, count: int, low: int) -> list[int]:
    """`count` whole numbers of at least `low`, varied, adding up to `total`."""
    mean = total / count
    values = [max(low, round(rng.expovariate(1 / mean))) for _ in range(count)]
    excess = sum(values) - total
    while excess:
        at = rng.randrange(count)
        if excess > 0 and values[at] > low:
            values[at] -= 1
            excess -= 1
        elif excess < 0:
            values[at] += 1
            excess += 1
    return values


# Generating it ------------------------------------------------------------------------------------------


def _make_people(wiki: _Wiki) -> None:
    for n in range(USERS):
        role = "lead" if n < LEADS else "council" if n < LEADS + COUNCIL else "field"
        first, last = _FIRST[n % len(_FIRST)], _LAST[(n // len(_FIRST) + n) % len(_LAST)]
        region = _REGIONS[n % len(_REGIONS)] if role != "lead" else "Marketing"
        email = f"{first}.{last}{n}@example.com".lower()
        # One rep in fifty has left the company and can't sign in.
        active = role != "field" or n % 50 != 0
        wiki.people.append(_Person(n + 1, f"{first} {last}", email, role, region, active))


def _make_pages(wiki: _Wiki) -> None:
    rng = wiki.rng
    counts = [rng.randint(*BUSY_REVISIONS) for _ in range(BUSY)]
    counts += _spread(rng, REVISIONS - sum(counts), PAGES - BUSY, 1)
    staff = [person.id for person in wiki.leads + wiki.council]
    start = wiki.now - timedelta(days=HISTORY_DAYS)
    for n in range(PAGES):
        kind = "plan" if n < PLANS else "collateral" if n < PLANS + COLLATERAL else "note"
        topics = tuple(rng.sample(sorted(_TOPICS), 2))
        region = rng.choice(_REGIONS)
        name = {"plan": "marketing plan", "collateral": rng.choice(_TACTICS).lower(), "note": "notes"}[kind]
        title = f"{topics[0].capitalize()} {name}, {region} {n}"
        slug = slugify(title)
        size = {"plan": rng.randint(5_000, 9_000), "collateral": rng.randint(1_500, 4_000), "note": 1_200}[kind]
        text = _text(random.Random(n), title, topics, size)
        created = start + timedelta(days=rng.uniform(0, 200 if kind == "plan" else HISTORY_DAYS - 30))
        page = _Page(
            id=n + 1,
            slug=slug,
            kind=kind,
            titles=(title, f"{title} (revised)"),
            retitled_at=rng.randint(2, counts[n] * 3) if counts[n] > 1 else 2,
            topics=topics,
            text=text,
            team=rng.sample(staff, rng.randint(3, 6)),
            created_at=created,
        )
        moments = sorted(rng.uniform(0, (wiki.now - created).total_seconds() - 3600) for _ in range(counts[n] - 1))
        page.times = [created] + [created + timedelta(seconds=s + i + 1) for i, s in enumerate(moments)]
        wiki.pages.append(page)


def _make_tactics(wiki: _Wiki) -> None:
    """Every plan has 3-6 tactics, each owned by a different council member (one per member per plan), linking
    collateral and notes; their owners are in the team of the pages they answer for."""
    rng = wiki.rng
    linkable = [page for page in wiki.pages if page.kind != "plan"]
    council = [person.id for person in wiki.council]
    for plan in wiki.pages[:PLANS]:
        count = rng.randint(3, 6)
        for name, owner in zip(rng.sample(_TACTICS, count), rng.sample(council, count), strict=True):
            created = plan.created_at + timedelta(days=rng.uniform(1, 30))
            reviewed = wiki.now - timedelta(days=rng.uniform(0, 40)) if rng.random() < 0.8 else None
            tactic = {
                "id": len(wiki.tactics) + 1,
                "plan_id": plan.id,
                "name": name,
                "description": f"{name} for {plan.titles[0]}.",
                "owner_id": owner,
                "cadence_days": rng.choice((7, 14, 14, 30)),
                "status": rng.choices(("active", "planned", "paused", "done"), (7, 1, 1, 1))[0],
                "created_at": created,
                "last_reviewed_at": reviewed,
            }
            wiki.tactics.append(tactic)
            for page in rng.sample(linkable, rng.randint(2, 6)):
                wiki.tactic_pages.append({"tactic_id": tactic["id"], "page_id": page.id})
                page.owners.add(owner)
                if owner not in page.team:
                    page.team.append(owner)


def _make_revisions(wiki: _Wiki) -> None:
    """Each page's revisions as append_revision writes them; the body is made when it is inserted."""
    rng = wiki.rng
    for page in wiki.pages:
        for number, moment in enumerate(page.times, start=1):
            author = rng.choice(page.team)
            row = {
                "page_id": page.id,
                "number": number,
                "title": page.title(number),
                "kind": page.kind,
                "summary": rng.choice(_SUMMARIES) if number > 1 else "First version",
                "author_id": author,
                "created_at": moment,
                "base_number": number - 1,
                "origin": "edit",
                "restored_from": None,
                "accepted_by_id": None,
            }
            chance = rng.random()
            if number >= 3 and chance < 0.03:
                # Saved on top of an older revision than the head: merged with what came between.
                row.update(origin="merge", base_number=number - rng.randint(2, min(3, number - 1)))
            elif number >= 5 and chance < 0.035:
                back = rng.randint(1, number - 2)
                page.text.restored[number] = back
                row.update(origin="restore", summary=f"Restored revision {back}", title=page.title(back))
            page.revisions.append(row)


def _make_reviews(wiki: _Wiki) -> None:
    """Approvals publishing a revision now and then, up to the one the field reads today; sometimes changes
    requested; and the REVIEW notices approve and request_changes leave for the authors."""
    rng = wiki.rng
    for index, page in enumerate(wiki.pages):
        weights = (45, 45, 8, 2) if index < BUSY else (55, 30, 5, 10)
        state = rng.choices(("published", "in_review", "changes_requested", "draft"), weights)[0]
        if page.head == 1 and state != "draft":
            state = "published"
        page.state = state
        if state == "published":
            page.published = page.head
        elif state == "in_review" or (state == "changes_requested" and rng.random() < 0.8):
            page.published = rng.randint(max(1, page.head - 30), page.head - 1)
        after = 0
        if page.published is not None:
            number = min(page.published, rng.randint(1, 15))
            while True:
                _decide(wiki, page, number, after, "approved")
                after = number
                if number == page.published:
                    break
                number = min(page.published, number + rng.randint(5, 40))
        if state == "changes_requested":
            _decide(wiki, page, page.head, after, "changes_requested")


def _decide(wiki: _Wiki, page: _Page, number: int, after: int, decision: str) -> None:
    rng = wiki.rng
    lead = rng.choice(wiki.leads)
    later = page.times[number] if number < page.head else wiki.now
    moment = page.times[number - 1] + (later - page.times[number - 1]) * rng.uniform(0.1, 0.9)
    note = "" if decision == "approved" else "Tighten the intro and check the numbers with finance."
    page.approvals.append(
        {
            "page_id": page.id,
            "number": number,
            "decided_by_id": lead.id,
            "decision": decision,
            "note": note,
            "created_at": moment,
        }
    )
    authors = {
        author
        for revision in page.revisions[after:number]
        for author in (revision["author_id"], revision["accepted_by_id"])
        if author
    }
    if decision == "approved":
        text = f"{lead.name} published revision {number} of “{page.title(page.head)}”"
    else:
        text = f"{lead.name} asked for changes to “{page.title(page.head)}” (revision {number}): {note}"
    wiki.notify(authors, "review", lead.id, page, text, moment)


def _make_threads(wiki: _Wiki) -> list[dict]:
    """Threads with their comments, as start_thread, suggest, reply, set_resolved, accept and reject leave them,
    and the notices they send (replies, mentions, suggestions, decisions)."""
    rng = wiki.rng
    counts = [rng.randint(*BUSY_THREADS) for _ in range(BUSY)]
    counts += _spread(rng, THREADS - sum(counts), PAGES - BUSY, 0)
    staff = [person.id for person in wiki.leads + wiki.council]
    threads = []
    for page, count in zip(wiki.pages, counts, strict=True):
        page.threads = count
        head_text = page.text.body(page.head)
        accepted = _suggestions_accepted(wiki, page, count)
        for n in range(count):
            author = rng.choice(page.team if rng.random() < 0.7 else staff)
            if n < len(accepted):
                thread = _accepted_thread(wiki, page, accepted[n])
            else:
                thread = _thread(wiki, page, author, head_text)
            threads.append(thread)
    return threads


def _suggestions_accepted(wiki: _Wiki, page: _Page, count: int) -> list[int]:
    """Revisions that were suggestions accepted (a tenth of the page's threads): accept() wrote them."""
    rng = wiki.rng
    plain = [row["number"] for row in page.revisions if row["origin"] == "edit" and row["number"] >= 2]
    chosen = sorted(rng.sample(plain, min(len(plain), count // 10)))
    for number in chosen:
        row = page.revisions[number - 1]
        decider = rng.choice([*page.owners, *(lead.id for lead in wiki.leads)])
        suggester = rng.choice([member for member in page.team if member != decider] or page.team)
        row.update(
            origin="suggestion",
            author_id=suggester,
            accepted_by_id=decider,
            summary=f"Suggested by {wiki.person(suggester).name}, accepted by {wiki.person(decider).name}",
        )
    return chosen


def _blank_thread(page: _Page, kind: str, author: int, created: datetime, origin: int) -> dict:
    return {
        "page_id": page.id,
        "kind": kind,
        "state": "open",
        "author_id": author,
        "created_at": created,
        "origin_number": origin,
        "anchor_state": "page",
        "exact": "",
        "prefix": "",
        "suffix": "",
        "start": None,
        "anchored_number": None,
        "original_exact": "",
        "replacement": None,
        "decided_by_id": None,
        "decided_at": None,
        "decision_reason": "",
        "applied_revision": None,
        "comments": [],
    }


def _passage(rng: random.Random, text: str) -> tuple[int, int]:
    """What a reader selects: some words of one paragraph."""
    for _ in range(50):
        start = text.find(" ", rng.randrange(len(text))) + 1
        end = text.find(" ", start + rng.randint(20, 80)) if start else -1
        if end < 0:
            continue
        newline = text.find("\n", start, end)
        end = newline if newline >= 0 else end
        if end - start >= 12 and text[start] not in "#-":
            return start, end
    return 0, min(len(text), 40)


def _anchor(thread: dict, anchor, number: int) -> None:
    thread.update(
        exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, start=anchor.start, anchored_number=number
    )


def _reworded(rng: random.Random, passage: str, topics: tuple[str, ...]) -> str:
    words = passage.split(" ")
    words[rng.randrange(len(words))] = rng.choice(_TOPIC_WORDS[rng.choice(topics)])
    return " ".join(words)


def _thread(wiki: _Wiki, page: _Page, author: int, head_text: str) -> dict:
    rng = wiki.rng
    created = page.created_at + (wiki.now - page.created_at) * rng.random()
    origin = page.number_at(created)
    suggestion = rng.random() < 0.2
    thread = _blank_thread(page, "suggestion" if suggestion else "comment", author, created, origin)
    if suggestion:
        state = rng.choices(("open", "rejected"), (7, 3))[0]
        shape = "anchored" if rng.random() < 0.85 else "stale"
    else:
        state = rng.choices(("open", "resolved"), (45, 55))[0]
        shape = rng.choices(("anchored", "page", "orphaned"), (75, 15, 10))[0]
    _comments(wiki, page, thread, suggestion)
    if state != "open":
        last = thread["comments"][-1]["created_at"] if thread["comments"] else created
        decided = min(wiki.now - timedelta(minutes=1), last + timedelta(hours=rng.uniform(1, 120)))
        thread.update(state=state, decided_at=max(decided, last), decided_by_id=_decider(wiki, page))
    # Reanchoring moves only open threads: a closed one stays where it was when it closed.
    number = page.head if state == "open" else page.number_at(thread["decided_at"])
    text = head_text if number == page.head else page.text.body(number)
    if shape == "page":
        return thread
    anchor = make_anchor(text, *_passage(rng, text))
    _anchor(thread, anchor, number)
    thread.update(anchor_state="anchored", original_exact=anchor.exact)
    if suggestion:
        thread["replacement"] = _reworded(rng, anchor.exact, page.topics)
        thread["anchor_state"] = "anchored" if shape == "anchored" else "stale"
        _notify_suggestion(wiki, page, thread)
        if state == "rejected":
            thread["decision_reason"] = "The field needs the original wording for the tender."
            wiki.notify(
                [author],
                "decision",
                thread["decided_by_id"],
                page,
                f"{wiki.person(thread['decided_by_id']).name} rejected your suggestion on “{page.title(page.head)}”: "
                f"{thread['decision_reason']}",
                thread["decided_at"],
                thread,
            )
    elif shape == "orphaned":
        _orphan(rng, page, thread, origin, text)
    return thread


def _orphan(rng: random.Random, page: _Page, thread: dict, origin: int, head_text: str) -> None:
    """A sentence quoted in the revision the thread was written on, which a later edit took out of the page: the
    reanchorer found it nowhere, so the thread keeps its quote and is shown as orphaned."""
    quoted = page.text.body(origin)
    for turn in rng.sample(range(len(page.text.editable)), min(5, len(page.text.editable))):
        sentence = page.text.edit(origin, turn)
        if sentence is not None and sentence not in head_text:
            start = quoted.index(sentence)
            gone = make_anchor(quoted, start, start + len(sentence))
            _anchor(thread, gone, origin)
            thread.update(anchor_state="orphaned", original_exact=gone.exact)
            return


def _decider(wiki: _Wiki, page: _Page) -> int:
    return wiki.rng.choice([*page.owners, *(lead.id for lead in wiki.leads)])


def _accepted_thread(wiki: _Wiki, page: _Page, number: int) -> dict:
    """The suggestion that revision `number` accepted: made on the head before it, decided when it was saved."""
    rng = wiki.rng
    revision = page.revisions[number - 1]
    before, saved = page.times[number - 2], page.times[number - 1]
    created = before + (saved - before) * rng.uniform(0.05, 0.5)
    thread = _blank_thread(page, "suggestion", revision["author_id"], created, number - 1)
    text = page.text.body(number - 1)
    anchor = make_anchor(text, *_passage(rng, text))
    _anchor(thread, anchor, number - 1)
    thread.update(
        anchor_state="anchored",
        original_exact=anchor.exact,
        replacement=_reworded(rng, anchor.exact, page.topics),
        state="accepted",
        decided_by_id=revision["accepted_by_id"],
        decided_at=saved,
        applied_revision=revision,
    )
    _comments(wiki, page, thread, True, until=saved)
    _notify_suggestion(wiki, page, thread)
    decider = wiki.person(revision["accepted_by_id"]).name
    wiki.notify(
        [thread["author_id"]],
        "decision",
        revision["accepted_by_id"],
        page,
        f"{decider} accepted your suggestion on “{page.title(number)}” (revision {number})",
        saved,
        thread,
    )
    return thread


def _notify_suggestion(wiki: _Wiki, page: _Page, thread: dict) -> None:
    owners = page.owners or {page.revisions[0]["author_id"]}
    text = f"{wiki.person(thread['author_id']).name} suggested an edit to “{page.title(thread['origin_number'])}”"
    wiki.notify(owners, "suggestion", thread["author_id"], page, text, thread["created_at"], thread)


def _comments(wiki: _Wiki, page: _Page, thread: dict, suggestion: bool, until: datetime | None = None) -> None:
    """The thread's comments in order, the first its author's (a suggestion's note is optional), with the reply
    and mention notices reply() and start_thread() send."""
    rng = wiki.rng
    until = until or wiki.now
    count = rng.choices((0, 1, 2, 3, 4), (3, 4, 3, 2, 1) if suggestion else (0, 4, 3, 2, 1))[0]
    moment = thread["created_at"]
    participants = {thread["author_id"]}
    title = page.title(page.head)
    for n in range(count):
        if moment >= until:
            break
        author = thread["author_id"] if n == 0 else rng.choice(page.team)
        body = _sentence(rng, page.topics)
        mentioned = None
        if rng.random() < 0.1:
            mentioned = wiki.person(rng.choice(page.team))
            body = f"@{mentioned.email.split('@')[0]} {body}"
        deleted = rng.random() < 0.01
        thread["comments"].append(
            {
                "author_id": author,
                "body": "" if deleted else body,
                "created_at": moment,
                "edited_at": None,
                "deleted_at": moment + timedelta(minutes=5) if deleted else None,
            }
        )
        if n > 0:
            text = f"{wiki.person(author).name} replied in a thread on “{title}”"
            wiki.notify(participants, "reply", author, page, text, moment, thread)
        if mentioned is not None:
            text = f"{wiki.person(author).name} mentioned you on “{title}”"
            wiki.notify([mentioned.id], "mention", author, page, text, moment, thread)
        participants.add(author)
        moment = min(until, moment + timedelta(hours=rng.uniform(0.2, 72)))


def _make_feedback(wiki: _Wiki) -> list[dict]:
    """Field reps' answers on published versions (one per rep and version, as give_feedback keeps it), each
    telling the tactic owners and the leads."""
    rng = wiki.rng
    published = [page for page in wiki.pages if page.published is not None]
    # Two reps in five ever answer.
    reps = rng.sample(wiki.field_reps, len(wiki.field_reps) * 2 // 5)
    leads = {lead.id for lead in wiki.leads}
    answered, rows = set(), []
    while len(rows) < FEEDBACK:
        page, rep = rng.choice(published), rng.choice(reps)
        approvals = [a for a in page.approvals if a["decision"] == "approved"]
        at = rng.randrange(len(approvals))
        if (rep.id, page.id, approvals[at]["number"]) in answered:
            continue
        answered.add((rep.id, page.id, approvals[at]["number"]))
        start = approvals[at]["created_at"]
        end = approvals[at + 1]["created_at"] if at + 1 < len(approvals) else wiki.now
        moment = start + (end - start) * rng.random()
        would_share = rng.random() < 0.7
        note = rng.choice(_NOTES)
        rows.append(
            {
                "page_id": page.id,
                "revision": page.revisions[approvals[at]["number"] - 1],
                "author_id": rep.id,
                "would_share": would_share,
                "note": note,
                "created_at": moment,
            }
        )
        verdict = "would share" if would_share else "would not share"
        text = f"{rep.who} {verdict} “{page.title(approvals[at]['number'])}”" + (f": {note}" if note else "")
        wiki.notify(page.owners | leads, "feedback", rep.id, page, text, moment)
    return rows


def _in_time_order(rows: list[dict]) -> list[dict]:
    """Ids as they would have been handed out: in the order things happened."""
    rows.sort(key=lambda row: row["created_at"])
    for n, row in enumerate(rows, start=1):
        row["id"] = n
    return rows


# Loading it ---------------------------------------------------------------------------------------------


def _build(url: str, backend: str) -> _Wiki:
    from werkzeug.security import generate_password_hash

    from wiki import create_app
    from wiki.db import refresh_planner_statistics
    from wiki.extensions import db
    from wiki.models import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret"})
    wiki = _Wiki(now=utcnow(), rng=random.Random(14))
    with app.app_context():
        db.create_all()
        phase = _Phases(backend)
        _make_people(wiki)
        _load_people(wiki, generate_password_hash(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"]))
        phase.done(f"{len(wiki.people):,} people and the council")
        _make_pages(wiki)
        _make_tactics(wiki)
        _make_revisions(wiki)
        _make_reviews(wiki)
        threads = _make_threads(wiki)
        feedback = _make_feedback(wiki)
        phase.done("the wiki generated in memory")
        _load_pages(wiki)
        phase.done(f"{len(wiki.pages):,} pages, {sum(page.head for page in wiki.pages):,} revisions")
        _load_reviews_and_tactics(wiki)
        phase.done(f"{sum(len(page.approvals) for page in wiki.pages):,} decisions, {len(wiki.tactics)} tactics")
        comments = _load_threads(threads)
        phase.done(f"{len(threads):,} threads, {comments:,} comments")
        _load_feedback_and_notices(wiki, feedback)
        phase.done(f"{len(feedback):,} answers from the field, {len(wiki.notices):,} notices")
        _tally()
        phase.done("answers tallied per page, contributions per person and day, each page's first waiting revision")
        _index()
        phase.done("search index rebuilt")
        if db.engine.dialect.name == "postgresql":
            _settle_postgresql()
            phase.done("sequences moved past the loaded ids, VACUUM ANALYZE")
        elif refresh_planner_statistics():
            phase.done("planner statistics, as the worker gives them when it starts")
        db.session.remove()
        db.engine.dispose()
    return wiki


class _Phases:
    def __init__(self, backend: str):
        self.backend = backend
        self.started = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        _progress(self.backend, f"{what} ({now - self.started:.1f} s)")
        self.started = now


def _insert(model, rows) -> None:
    from sqlalchemy import insert

    from wiki.extensions import db

    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            db.session.execute(insert(model), batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)


def _load_people(wiki: _Wiki, password_hash: str) -> None:
    from wiki.extensions import db
    from wiki.models import CouncilMember, User

    rng = wiki.rng
    joined = wiki.now - timedelta(days=HISTORY_DAYS + 30)
    _insert(
        User,
        (
            {
                "id": person.id,
                "email": person.email,
                "name": person.name,
                "role": person.role,
                "region": None if person.role == "lead" else person.region,
                "password_hash": password_hash,
                "active": person.active,
                "session_version": 1,
                "summary_emails": rng.random() > 0.1,
                "created_at": joined + timedelta(days=rng.uniform(0, 30)),
            }
            for person in wiki.people
        ),
    )
    lead = wiki.leads[0].id
    seats = [
        {
            "user_id": person.id,
            "represents": person.region,
            "term_start": (wiki.now - timedelta(days=HISTORY_DAYS // 2)).date(),
            "term_end": None,
            "added_by_id": lead,
            "left_at": None,
        }
        for person in wiki.council
    ]
    # Former members went back to the field; their seats stay on record.
    seats += [
        {
            "user_id": person.id,
            "represents": person.region,
            "term_start": (wiki.now - timedelta(days=HISTORY_DAYS)).date(),
            "term_end": (wiki.now - timedelta(days=HISTORY_DAYS // 2)).date(),
            "added_by_id": lead,
            "left_at": wiki.now - timedelta(days=HISTORY_DAYS // 2),
        }
        for person in wiki.field_reps[:FORMER_SEATS]
    ]
    _insert(CouncilMember, ({"id": n, **seat} for n, seat in enumerate(seats, start=1)))
    db.session.commit()


def _load_pages(wiki: _Wiki) -> None:
    """Pages first (their pointers empty), then the revisions in the order they were saved, then the pointers."""
    from sqlalchemy import update

    from wiki.extensions import db
    from wiki.models import Page, Revision

    _insert(
        Page,
        (
            {
                "id": page.id,
                "slug": page.slug,
                "created_by_id": page.revisions[0]["author_id"],
                "created_at": page.created_at,
                "head_number": 0,
                "head_revision_id": None,
                "published_revision_id": None,
                "discussion_version": 0,
            }
            for page in wiki.pages
        ),
    )
    revisions = _in_time_order([row for page in wiki.pages for row in page.revisions])
    sizes: dict[int, int] = {}
    texts = {page.id: page.text for page in wiki.pages}

    def rows():
        for row in revisions:
            body = texts[row["page_id"]].body(row["number"])
            size = len(body.encode("utf-8"))
            yield {**row, "body": body, "size": size, "size_change": size - sizes.get(row["page_id"], 0)}
            sizes[row["page_id"]] = size

    _insert(Revision, rows())
    db.session.execute(
        update(Page),
        [
            {
                "id": page.id,
                "head_number": page.head,
                "head_revision_id": page.revisions[-1]["id"],
                "published_revision_id": page.revisions[page.published - 1]["id"] if page.published else None,
                # Every change to a thread moves it on; a page's threads and comments are about that many.
                "discussion_version": page.threads * 2,
            }
            for page in wiki.pages
        ],
    )
    db.session.commit()


def _load_reviews_and_tactics(wiki: _Wiki) -> None:
    from wiki.extensions import db
    from wiki.models import Approval, Tactic, TacticReview, tactic_pages

    by_page = {page.id: page for page in wiki.pages}
    approvals = _in_time_order([approval for page in wiki.pages for approval in page.approvals])
    _insert(
        Approval,
        (
            {
                "id": row["id"],
                "page_id": row["page_id"],
                "revision_id": by_page[row["page_id"]].revisions[row["number"] - 1]["id"],
                "decided_by_id": row["decided_by_id"],
                "decision": row["decision"],
                "note": row["note"],
                "created_at": row["created_at"],
            }
            for row in approvals
        ),
    )
    _insert(Tactic, wiki.tactics)
    db.session.execute(tactic_pages.insert(), wiki.tactic_pages)
    reviews = [
        {
            "tactic_id": tactic["id"],
            "reviewer_id": tactic["owner_id"],
            "note": "Went through the collateral with two customers.",
            "created_at": tactic["last_reviewed_at"] - timedelta(days=tactic["cadence_days"] * back),
        }
        for tactic in wiki.tactics
        if tactic["last_reviewed_at"] is not None
        for back in range(3)
        if tactic["last_reviewed_at"] - timedelta(days=tactic["cadence_days"] * back) > tactic["created_at"]
    ]
    _insert(TacticReview, _in_time_order(reviews))
    db.session.commit()


def _load_threads(threads: list[dict]) -> int:
    from wiki.extensions import db
    from wiki.models import Comment, Thread

    _in_time_order(threads)
    comments = _in_time_order(
        [{**comment, "thread_id": thread["id"]} for thread in threads for comment in thread["comments"]]
    )
    _insert(
        Thread,
        (
            {
                **{key: value for key, value in thread.items() if key not in ("comments", "applied_revision")},
                "applied_revision_id": thread["applied_revision"]["id"] if thread["applied_revision"] else None,
            }
            for thread in threads
        ),
    )
    _insert(Comment, comments)
    db.session.commit()
    return len(comments)


def _load_feedback_and_notices(wiki: _Wiki, feedback: list[dict]) -> None:
    from wiki.extensions import db
    from wiki.models import Feedback, Notification

    _insert(
        Feedback,
        (
            {
                "id": row["id"],
                "page_id": row["page_id"],
                "revision_id": row["revision"]["id"],
                "author_id": row["author_id"],
                "would_share": row["would_share"],
                "note": row["note"],
                "created_at": row["created_at"],
            }
            for row in _in_time_order(feedback)
        ),
    )
    _insert(
        Notification,
        (
            {
                "id": row["id"],
                "user_id": row["user_id"],
                "kind": row["kind"],
                "actor_id": row["actor_id"],
                "page_id": row["page_id"],
                "thread_id": row["thread"]["id"] if row["thread"] is not None else None,
                "text": row["text"],
                "created_at": row["created_at"],
                "read_at": row["read_at"],
            }
            for row in _in_time_order(wiki.notices)
        ),
    )
    db.session.commit()


def _tally() -> None:
    """The answers, revisions and threads went in around the services: count what they would have kept."""
    from wiki.services import contributions, review
    from wiki.services.feedback import retally_all

    retally_all()
    contributions.recount()
    review.find_first_waiting_again()


def _index() -> None:
    """The full-text index, rebuilt as `flask --app wsgi search reindex` does after a load around the services."""
    from wiki.services import search_index

    search_index.reindex()


def _settle_postgresql() -> None:
    """The loaded rows carry their ids, so each sequence is moved past them (the app's next insert must not
    collide); then the statistics and visibility map autovacuum would make soon after such a load."""
    from sqlalchemy import text

    from wiki.extensions import db
    from wiki.models import (
        Approval,
        Comment,
        CouncilMember,
        Feedback,
        Notification,
        Page,
        Revision,
        Tactic,
        TacticReview,
        Thread,
        User,
    )

    for model in (
        User,
        CouncilMember,
        Page,
        Revision,
        Approval,
        Tactic,
        TacticReview,
        Thread,
        Comment,
        Feedback,
        Notification,
    ):
        table = model.__tablename__
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


# Measuring it -------------------------------------------------------------------------------------------


def _measure(url: str, wiki: _Wiki, backend: str) -> dict:
    busiest = sorted(wiki.pages[:BUSY], key=lambda page: page.head * page.threads, reverse=True)
    viewed, warming = busiest[:VIEWED], busiest[VIEWED : VIEWED + 3]
    council, lead = wiki.council[0], wiki.leads[0]
    rep = next(person for person in wiki.field_reps[FORMER_SEATS:] if person.active)
    with gunicorn("wsgi:app", {"DATABASE_URL": url, "SECRET_KEY": "bench-secret"}, workers=1) as base:
        readers = {person.role: signed_in(base, person.email, PASSWORD) for person in (council, lead, rep)}
        # The first requests of a worker compile templates and open connections: not what a view costs.
        for page in warming:
            _get(readers["council"], f"{base}/p/{page.slug}")
        for reader, path in (("lead", "/?warm"), ("lead", "/changes?warm"), ("field", f"/search?q={SEARCH_WORD}")):
            _get(readers[reader], base + path)
        # Each of these pages has dozens of threads: its view must show them.
        first = [_get(readers["council"], f"{base}/p/{page.slug}", expect='id="thread-') for page in viewed]
        again = [_get(readers["council"], f"{base}/p/{page.slug}", expect='id="thread-') for page in viewed]
        _progress(backend, f"viewed {VIEWED} pages twice as a council member")
        home = [_get(readers["lead"], f"{base}/?n={n}") for n in range(REPEATS)]
        changes = [_get(readers["lead"], f"{base}/changes?n={n}") for n in range(REPEATS)]
        search = {
            role: [_get(readers[role], f"{base}/search?q={SEARCH_WORD}", expect="<mark>") for _ in range(REPEATS)]
            for role in ("council", "field")
        }
        _progress(backend, "asked for the home page, the changes and a search")
    return {
        "scale_view_ms": statistics.median(first),
        "scale_view_again_ms": statistics.median(again),
        "scale_home_lead_ms": statistics.median(home),
        "scale_changes_ms": statistics.median(changes),
        "scale_search_ms": max(statistics.median(times) for times in search.values()),
    }


def _get(browser, url: str, expect: str | None = None) -> float:
    """Milliseconds to the whole response; anything but a 200 (a redirect to sign in, an error) stops the bench."""
    started = time.perf_counter()
    with browser.open(url, timeout=120) as response:
        html = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if expect is not None and expect.encode() not in html:
        raise RuntimeError(f"{url} answered without {expect!r}")
    return elapsed
