"""Measure the wiki: view throughput against bare Flask, save latency vs history length, text-core speed.

Run with `make bench`; prints a table and writes bench-results.json. The figures about files (issue 11) are in
bench/files.py, which `.venv/bin/python -m bench.files` runs alone.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import anchoring, diffs, files, scale
from bench import pages as page_figures
from bench.serving import AGENT, PASSWORD, ROOT, VENV_BIN, free_port, gunicorn

WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
OTTER_DIFF_RPS = 184
SCALE_FIGURES = ("view_ms", "view_again_ms", "home_lead_ms", "changes_ms", "search_ms")


def wrk(url: str, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c4", f"-d{WRK_SECONDS}s", "-H", f"User-Agent: {AGENT}", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} error responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def login_cookie(base: str, email: str) -> str:
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    html = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def plan_text(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = (
        "segment value proposition regional banks credit unions insurers webinar lead scoring "
        "council field presentation resilience DORA pipeline campaign budget quarter"
    ).split()
    out, n = [], 0
    while sum(len(p) for p in out) < size:
        n += 1
        if n % 6 == 1:
            out.append(f"## Section {n}\n\n")
        out.append(" ".join(rng.choice(words) for _ in range(60)) + ".\n\n")
    return "".join(out)[:size]


def change_one_percent(text: str, seed: int) -> str:
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(max(1, len(lines) // 100)):
        i = rng.randrange(len(lines))
        lines[i] = lines[i] + " (revised)"
    return "\n".join(lines)


def setup_database(workdir: Path) -> dict:
    env = {"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}", "SECRET_KEY": "bench-secret"}
    os.environ.update(env)
    from sqlalchemy import insert

    from wiki import create_app
    from wiki.extensions import db
    from wiki.models import Page, Revision, utcnow
    from wiki.services import accounts, pages
    from wiki.services.pages import EditSubmission

    app = create_app()
    with app.app_context():
        db.create_all()
        user = accounts.create_user(None, "bench@example.com", "Bench", "council", PASSWORD)
        user = db.session.get(type(user), user.id)
        lead = accounts.create_user(None, "lead@example.com", "Lead", "lead", PASSWORD)
        accounts.create_user(None, "field@example.com", "Field", "field", PASSWORD)
        diffs.setup(user, db.session.get(type(lead), lead.id))
        page_figures.setup(db.session.get(type(lead), lead.id))
        user = db.session.get(type(user), user.id)
        body = plan_text(20_000)
        for n in range(50):
            pages.save_revision(
                user, EditSubmission("bench-plan", body + f"\nEdit {n}.\n", f"edit {n}", n, kind="plan")
            )
        _threads_page(user, "threads-plan", plan_text(20_000), 200)
        results_reanchor = _reanchor_figure(user)
        saves = {}
        for history in (10, 10_000):
            slug = f"history-{history}"
            pages.save_revision(user, EditSubmission(slug, "start\n", "", 0))
            page = pages.get_page(slug)
            rows = [
                {
                    "page_id": page.id,
                    "number": n,
                    "title": slug,
                    "body": f"text {n}\n",
                    "size": 8,
                    "size_change": 0,
                    "summary": "",
                    "author_id": user.id,
                    "created_at": utcnow(),
                    "origin": "edit",
                }
                for n in range(2, history + 1)
            ]
            db.session.execute(insert(Revision), rows)
            last = db.session.execute(
                Revision.__table__.select().where(Revision.page_id == page.id, Revision.number == history)
            ).first()
            db.session.execute(
                Page.__table__.update().where(Page.id == page.id).values(head_number=history, head_revision_id=last.id)
            )
            db.session.commit()
            times = []
            for n in range(40):
                base = history + n
                started = time.perf_counter()
                pages.save_revision(user, EditSubmission(slug, plan_text(20_000, n), "bench", base))
                times.append((time.perf_counter() - started) * 1000)
            saves[history] = statistics.median(times[5:])
    return {"env": env, "save_ms_10": saves[10], "save_ms_10000": saves[10_000], "reanchor_200_ms": results_reanchor}


def _threads_page(user, slug: str, body: str, count: int):
    """A page with `count` open comment threads spread over its text, written by the six council members
    in turn (the reader among them), as on a real plan."""
    from sqlalchemy import select

    from wiki.extensions import db
    from wiki.models import AnchorState, Comment, Thread, User, utcnow
    from wiki.services import accounts, pages
    from wiki.services.pages import EditSubmission
    from wiki.text.anchor import make_anchor

    authors = [user]
    for n in range(1, 6):
        email = f"council{n}@example.com"
        found = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        authors.append(found or accounts.create_user(None, email, f"Member {n}", "council", PASSWORD))
    pages.save_revision(user, EditSubmission(slug, body, "", 0, kind="plan"))
    page = pages.get_page(slug)
    step = len(body) // (count + 1)
    for i in range(count):
        start = step * (i + 1)
        anchor = make_anchor(body, start, start + 40)
        author = authors[i % len(authors)]
        thread = Thread(
            page_id=page.id,
            author_id=author.id,
            origin_number=1,
            anchor_state=AnchorState.ANCHORED,
            exact=anchor.exact,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            start=anchor.start,
            anchored_number=1,
            original_exact=anchor.exact,
            created_at=utcnow(),
        )
        db.session.add(thread)
        db.session.flush()
        db.session.add(
            Comment(thread_id=thread.id, author_id=author.id, body=f"Comment {i} on this passage.", created_at=utcnow())
        )
    db.session.commit()
    return page


def _reanchor_figure(user) -> float:
    """p50 of re-anchoring 200 open threads on a 100 KB page after an edit that touches 1% of it."""
    from wiki.extensions import db
    from wiki.services.anchoring import reanchor_threads

    body = plan_text(100_000)
    page = _threads_page(user, "reanchor-plan", body, 200)
    times = []
    for seed in range(9):
        edited = change_one_percent(body, seed)
        started = time.perf_counter()
        reanchor_threads(db.session, page, body, edited, 2)
        times.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return statistics.median(times)


def text_core() -> dict:
    from wiki.text.diff import word_diff
    from wiki.text.merge import merge

    base = plan_text(100_000)
    other = change_one_percent(base, 2)
    diffs = []
    for _ in range(7):
        started = time.perf_counter()
        word_diff(base, other)
        diffs.append((time.perf_counter() - started) * 1000)
    lines = base.split("\n")
    mine = "\n".join(line + " (mine)" if i % 50 == 3 else line for i, line in enumerate(lines))
    theirs = "\n".join(line + " (theirs)" if i % 50 == 27 else line for i, line in enumerate(lines))
    merges = []
    for _ in range(7):
        started = time.perf_counter()
        result = merge(base, mine, theirs)
        merges.append((time.perf_counter() - started) * 1000)
    assert result.clean
    from wiki.services.rendering import cache, rendered

    class FakeRevision:
        id = -1
        body = base

    cache.clear()
    started = time.perf_counter()
    rendered(FakeRevision)
    first = (time.perf_counter() - started) * 1000
    cached = []
    for _ in range(100):
        started = time.perf_counter()
        rendered(FakeRevision)
        cached.append((time.perf_counter() - started) * 1000)
    return {
        "diff_100kb_ms": statistics.median(diffs),
        "merge_100kb_ms": statistics.median(merges),
        "render_100kb_first_ms": first,
        "render_cached_ms": statistics.median(cached),
    }


# Rendering hostile pages -------------------------------------------------------------------------------
# The worst shapes for the Markdown parser (tests/text/test_render_limits.py), each filled up to the size cap,
# against an ordinary plan of the same size. Both are timed in a fresh interpreter, as a worker renders them:
# in a process holding a large heap (this one, after the setup above) the garbage collector, not the renderer,
# can double the time.


def render_worst() -> dict:
    child = subprocess.run(
        [sys.executable, "-c", "from bench.__main__ import render_in_child; render_in_child()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"slowest hostile page to render: {figures['slowest']}")
    return {
        "render_plan_100kb_ms": figures["plan_ms"],
        "render_worst_100kb_ms": figures["worst_ms"],
        "render_worst_to_plan": figures["worst_ms"] / figures["plan_ms"],
        "render_20k_headings_ms": figures["headings_ms"],
    }


def render_in_child() -> None:
    from tests.text.test_render_limits import WORST
    from wiki.text.render import MAX_BODY_BYTES, render

    def milliseconds(text: str) -> float:
        started = time.perf_counter()
        render(text)
        return (time.perf_counter() - started) * 1000

    render("# Warm up\n\nA paragraph with a [link](https://example.com).\n")
    plan = plan_text(MAX_BODY_BYTES)
    plan_ms = statistics.median(milliseconds(plan) for _ in range(5))
    # The median of three, so that one moment of another process's load on the machine doesn't decide.
    worst = {name: statistics.median(milliseconds(text) for _ in range(3)) for name, text in WORST.items()}
    slowest = max(worst, key=worst.__getitem__)
    # 20,000 equal headings: each needs its own id, which once took quadratic time (the first MAX_BLOCKS get
    # one; the rest of the page shows as typed).
    headings_ms = milliseconds("# a\n" * 20_000)
    print(json.dumps({"plan_ms": plan_ms, "worst_ms": worst[slowest], "slowest": slowest, "headings_ms": headings_ms}))


# Summary sending ---------------------------------------------------------------------------------------
# One summary to 5,000 recipients through aiosmtpd, which runs in a thread of this process. The sending runs
# in a child process of its own, so its peak memory (getrusage ru_maxrss: the resident set at its largest,
# Python and C allocations alike) is the sender's alone, and the SMTP server's work doesn't share its GIL.

SEND_RECIPIENTS = 5_000


def send_summary() -> dict:
    """The real worker (`flask --app wsgi worker`, a process of its own) sending a summary to SEND_RECIPIENTS
    through a local SMTP server: messages a second from queueing to the last one received, and the worker's
    peak memory."""
    from aiosmtpd.controller import Controller

    class CountingHandler:
        def __init__(self):
            self.count = 0

        async def handle_DATA(self, server, session, envelope):
            self.count += 1
            return "250 2.0.0 Accepted"

    workdir = Path(tempfile.mkdtemp(prefix="council-wiki-send-"))
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        database_url = f"sqlite:///{workdir / 'send.sqlite'}"
        summary_id = _send_setup(database_url)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(controller.port),
            "SITE_URL": "https://wiki.example.com",
            "WORKER_POLL_SECONDS": "1",
        }
        worker = subprocess.Popen(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )
        try:
            started = time.perf_counter()
            _queue_in_child(database_url, summary_id)
            deadline = time.time() + 600
            while handler.count < SEND_RECIPIENTS and time.time() < deadline and worker.poll() is None:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            peak_kb = _peak_kb(worker.pid)
        finally:
            worker.terminate()
            worker.wait(30)
    finally:
        controller.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if handler.count != SEND_RECIPIENTS:
        raise RuntimeError(f"the SMTP server received {handler.count} messages, not {SEND_RECIPIENTS}")
    return {"send_msgs_per_s": SEND_RECIPIENTS / seconds, "send_peak_mb": peak_kb / 1024}


def _queue_in_child(database_url: str, summary_id: int) -> None:
    """What pressing Send does after freezing the email: one outbox row per recipient."""
    code = (
        "import sys; from wiki import create_app; from wiki.services import outbox; "
        "app = create_app({'SQLALCHEMY_DATABASE_URI': sys.argv[1]}); "
        "ctx = app.app_context(); ctx.push(); outbox.queue(int(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, database_url, str(summary_id)], cwd=ROOT, check=True)


def _peak_kb(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in kilobytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc: peak memory needs Linux")


def _send_setup(database_url: str) -> int:
    """The recipients and a frozen summary of a realistic size (about 16 KB of HTML, a line per paragraph as
    templates write it, and 8 KB of text)."""
    from sqlalchemy import func, insert, select
    from werkzeug.security import generate_password_hash

    from wiki import create_app
    from wiki.extensions import db
    from wiki.mail import UNSUBSCRIBE_MARKER
    from wiki.models import Summary, SummaryState, User, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        password_hash = generate_password_hash(PASSWORD)
        now = utcnow()
        people = [
            {"email": f"rep{n}@example.com", "name": f"Rep {n}", "role": "field", "password_hash": password_hash}
            for n in range(SEND_RECIPIENTS)
        ]
        db.session.execute(insert(User), [{**person, "created_at": now} for person in people])
        sender_id = db.session.execute(select(func.min(User.id))).scalar_one()
        paragraphs = [p for p in plan_text(8_000).split("\n\n") if p and not p.startswith("#")]
        html = "".join(
            f'<p style="margin:0 0 12px;font-family:Arial,sans-serif;font-size:15px;color:#1f2933">{p}</p>\n'
            for p in paragraphs
        )
        summary = Summary(
            subject="Council summary: what changed in the plan",
            period_start=now,
            period_end=now,
            audience=["field"],
            state=SummaryState.SENDING,
            created_by_id=sender_id,
            sent_by_id=sender_id,
            sent_at=now,
            text_body="\n\n".join(paragraphs) + f"\n\nUnsubscribe: {UNSUBSCRIBE_MARKER}\n",
            html_body=f"<!doctype html><html><body>{html * 2}"
            f'<p><a href="{UNSUBSCRIBE_MARKER}">Unsubscribe</a></p></body></html>',
        )
        db.session.add(summary)
        db.session.commit()
        summary_id = summary.id
        db.session.remove()
        db.engine.dispose()
    return summary_id


# -------------------------------------------------------------------------------------------------------
# Composing a summary over 500 published changes (500 pages, each published before the period and again in
# it, so every one has a diff excerpt), from gathering to the rendered email with its CSS inlined.

COMPOSE_CHANGES = 500


def compose_summary() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="council-wiki-compose-"))
    try:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'compose.sqlite'}"
        from datetime import timedelta

        from sqlalchemy import update

        from wiki import create_app
        from wiki.extensions import db
        from wiki.models import Approval, utcnow
        from wiki.services import accounts, pages, review, summaries, summary_content, summary_email
        from wiki.services.pages import EditSubmission

        app = create_app({"SECRET_KEY": "bench-secret"})
        with app.app_context():
            db.create_all()
            lead = accounts.create_user(None, "lead@example.com", "Lead", "lead", PASSWORD)
            writer = accounts.create_user(None, "council@example.com", "Council", "council", PASSWORD, "EMEA")
            before = utcnow() - timedelta(days=20)
            for n in range(COMPOSE_CHANGES):
                slug = f"page-{n}"
                body = plan_text(3_000, n)
                pages.save_revision(writer, EditSubmission(slug, body, "first", 0, kind="collateral"))
                page = pages.get_page(slug)
                review.approve(lead, page, 1)
                db.session.execute(update(Approval).where(Approval.page_id == page.id).values(created_at=before))
                db.session.commit()
                pages.save_revision(writer, EditSubmission(slug, change_one_percent(body, n), f"edit {n}", 1))
                review.approve(lead, pages.get_page(slug), 2)
            draft = summaries.create_draft(lead, utcnow() - timedelta(days=14), utcnow())
            times = []
            for _ in range(3):
                started = time.perf_counter()
                content = summary_content.gather(draft.period_start, draft.period_end)
                summary_email.render_email(draft, content)
                times.append((time.perf_counter() - started) * 1000)
            assert len(content.changes) == COMPOSE_CHANGES
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"compose_500_ms": statistics.median(times)}


# -------------------------------------------------------------------------------------------------------


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="council-wiki-bench-"))
    results: dict[str, float] = {}
    # First: the others point DATABASE_URL at SQLite files of their own, and the scale figures read it for
    # PostgreSQL.
    results.update(scale.figures())
    prepared = setup_database(workdir)
    results["save_ms_10"] = prepared["save_ms_10"]
    results["save_ms_10000"] = prepared["save_ms_10000"]
    results["save_ratio"] = results["save_ms_10000"] / results["save_ms_10"]
    results["reanchor_200_ms"] = prepared["reanchor_200_ms"]
    with gunicorn("bench.hello:app", {}) as base:
        wrk(base + "/")
        results["hello_rps"] = wrk(base + "/")
    with gunicorn("wsgi:app", prepared["env"]) as base:
        cookie = login_cookie(base, "bench@example.com")
        wrk(base + "/p/bench-plan", cookie)
        results["view_rps"] = wrk(base + "/p/bench-plan", cookie)
        wrk(base + "/p/threads-plan", cookie)
        results["view_200_threads_rps"] = wrk(base + "/p/threads-plan", cookie)
        readers = {role: login_cookie(base, f"{role}@example.com") for role in ("lead", "field")}
        results.update(diffs.served_figures(base, cookie, readers["lead"], wrk))
        results.update(page_figures.served_figures(base, {"council": cookie, **readers}, wrk))
    results["view_to_hello"] = results["view_rps"] / results["hello_rps"]
    results["view_200_threads_ratio"] = results["view_200_threads_rps"] / results["view_rps"]
    results.update(page_figures.ratios(results))
    # An Otter Wiki served the same plan's diff at 184 req/s on this machine (issue 13's measurement).
    results["diff_page_to_otter"] = results["diff_rps"] / OTTER_DIFF_RPS
    # Files on pages (issue 11): after the views, so the page's new files don't change what they measured.
    with gunicorn("bench.hello:app", {}) as base, gunicorn("wsgi:app", prepared["env"]) as wiki:
        results.update(files.upload_figures(base, wiki, "bench@example.com", PASSWORD, "bench-plan"))
    results.update(files.slide_diff())
    results.update(files.storage())
    results.update(text_core())
    results.update(diffs.pure_figures())
    results.update(anchoring.figures())
    results["diff_realistic_to_pure_python"] = (
        results["diff_realistic_100kb_ms"] / results["diff_realistic_100kb_pure_python_ms"]
    )
    results.update(render_worst())
    results.update(send_summary())
    results.update(compose_summary())
    shutil.rmtree(workdir, ignore_errors=True)

    targets = {
        "view_to_hello": ">= 0.15 (goal 0.35)",
        "view_council_to_hello": ">= 0.15 (goal 0.35)",
        "view_field_to_hello": ">= 0.15 (goal 0.35)",
        "history_to_hello": ">= 0.04",
        **{f"scale_{name}{suffix}": "< 50" for name in SCALE_FIGURES for suffix in ("", "_pg")},
        "save_ratio": "<= 1.5",
        "diff_100kb_ms": "p50 < 100",
        "diff_realistic_100kb_ms": "< 20; vs the pure-Python diff",
        "review_50x100kb_ms": "< 1000 (nothing cached yet)",
        "diff_to_hello": ">= 0.04",
        "diff_page_to_otter": ">= 2",
        "merge_100kb_ms": "< 50",
        "render_cached_ms": "from cache",
        "render_worst_100kb_ms": "< 250 (a hostile page at the size cap)",
        "render_20k_headings_ms": "< 2000",
        "reanchor_200_ms": "p50 < 200",
        "anchor_p95_ms": "< 5 (per comment, 30 KB page)",
        "anchor_wrong": "0",
        "anchor_orphan_rate": "<= 0.02",
        "view_200_threads_ratio": ">= 0.6",
        "send_msgs_per_s": ">= 300",
        "send_peak_mb": "< 200 (the worker's VmHWM)",
        "compose_500_ms": "< 2000",
        "upload_20mb_ms": "< 20000 (FILE_PREVIEW_SECONDS); vs bare",
        "slide_diff_60_slides_ms": "< 100; vs word_diff",
    }
    print(f"\n{'figure':36} {'value':>12}  target")
    for name, value in results.items():
        print(f"{name:36} {value:12.3f}  {targets.get(name, '')}")
    (ROOT / "bench-results.json").write_text(json.dumps({k: round(v, 4) for k, v in results.items()}, indent=2) + "\n")
    print("\nwritten to bench-results.json")


if __name__ == "__main__":
    main()
