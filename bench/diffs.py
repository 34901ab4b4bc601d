"""Issue 13's figures about diffs: a realistic 100 KB diff against the pure-Python diff it replaced, the
review page of fifty unrelated 100 KB revisions (the worst a council member can save), and the diff page's
throughput on the peer benchmark's plan next to bare Flask."""

from __future__ import annotations

import random
import statistics
import time
import urllib.request

from bench.content import plan_revisions
from bench.serving import AGENT

PEER_SLUG = "peer-plan"
REVIEW_SLUGS = [f"review-{n}" for n in range(3)]
REVIEW_REVISIONS = 50


def _unrelated_text(size: int, seed: int) -> str:
    return plan_revisions(size=size, revisions=1, seed=seed)[0]


def _realistic_pair() -> tuple[str, str]:
    """Two 100 KB versions with about one line in ten changed, all over the page."""
    old = plan_revisions(size=100_000, revisions=1, seed=5)[0]
    rng = random.Random(6)
    words = "quarterly regional partner renewal pipeline banks unions insurers".split()
    lines = old.split("\n")
    for i, line in enumerate(lines):
        if line and not line.startswith("#") and rng.random() < 0.2:
            tokens = line.split(" ")
            for _ in range(3):
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
            lines[i] = " ".join(tokens)
    return old, "\n".join(lines)


def _pure_python_word_diff(old: str, new: str) -> None:
    """The word diff as it was before issue 13: every token a character, pure-Python diff-match-patch."""
    import re

    from diff_match_patch import diff_match_patch

    token = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
    table: dict[str, str] = {}

    def encode(text: str) -> str:
        return "".join(table.setdefault(t, chr(0x100 + len(table))) for t in token.findall(text))

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    diffs = dmp.diff_main(encode(old), encode(new), False)
    dmp.diff_cleanupSemantic(diffs)


def _median_ms(work, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def pure_figures() -> dict:
    from wiki.text.attribution import attribute
    from wiki.text.diff import word_diff

    old, new = _realistic_pair()
    revisions = plan_revisions()
    unrelated = [_unrelated_text(100_000, seed) for seed in range(REVIEW_REVISIONS + 1)]
    versions = list(enumerate(unrelated[1:], start=2))
    return {
        "diff_realistic_100kb_ms": _median_ms(lambda: word_diff(old, new)),
        "diff_realistic_100kb_pure_python_ms": _median_ms(lambda: _pure_python_word_diff(old, new), repeat=3),
        "diff_peer_40_50_ms": _median_ms(lambda: word_diff(revisions[39], revisions[49])),
        "diff_peer_1_50_ms": _median_ms(lambda: word_diff(revisions[0], revisions[49])),
        "attribute_50x100kb_ms": _median_ms(lambda: attribute(unrelated[0], versions), repeat=3),
    }


def setup(council, lead) -> None:
    """The peer's plan (50 revisions), and pages with fifty unrelated 100 KB revisions waiting for review."""
    from wiki.services import pages, review
    from wiki.services.pages import EditSubmission

    for number, body in enumerate(plan_revisions()):
        pages.save_revision(council, EditSubmission(PEER_SLUG, body, f"edit {number + 1}", number, kind="plan"))
    for n, slug in enumerate(REVIEW_SLUGS):
        pages.save_revision(council, EditSubmission(slug, _unrelated_text(100_000, 1000 * n), "", 0, kind="plan"))
        review.approve(lead, pages.get_page(slug), 1)
        for number in range(1, REVIEW_REVISIONS + 1):
            body = _unrelated_text(100_000, 1000 * n + number)
            pages.save_revision(council, EditSubmission(slug, body, "", number))


def served_figures(base: str, council_cookie: str, lead_cookie: str, wrk) -> dict:
    """Against the wiki under gunicorn: each review page read once with nothing cached (p50 over the pages), then
    again; and the diff page revision 40 → 50 under wrk."""

    def get_ms(path: str, cookie: str) -> float:
        request = urllib.request.Request(base + path, headers={"Cookie": cookie, "User-Agent": AGENT})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            assert response.status == 200, path
        return (time.perf_counter() - started) * 1000

    cold = [get_ms(f"/review/{slug}", lead_cookie) for slug in REVIEW_SLUGS]
    warm = [get_ms(f"/review/{REVIEW_SLUGS[0]}", lead_cookie) for _ in range(5)]
    diff_url = f"{base}/p/{PEER_SLUG}/diff?from=40&to=50"
    wrk(diff_url, council_cookie)
    return {
        "review_50x100kb_ms": statistics.median(cold),
        "review_50x100kb_again_ms": statistics.median(warm),
        "diff_rps": wrk(diff_url, council_cookie),
    }
