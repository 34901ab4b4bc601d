"""Re-anchoring comments on a realistic page (issue 13): the time per comment, and whether they stay right.

The page and its edits come from the test corpus (tests/text/anchor_corpus.py): a ~30 KB marketing plan in
Markdown with some 80 commented passages. The times are for one heavy revision of that page (every kind of
edit in one save: sections moved and deleted, passages reworded, neighbours rewritten, a sentence
duplicated...), for several seeds: every comment is re-anchored across it, each call timed, best of three
(on a fresh Reanchorer each time) because the machine is shared. Building the Reanchorer, the one diff
all comments share, is timed apart as anchor_diff_ms. The score replays the corpus's rounds of edits one
after another, as the app re-anchors open threads on every save.

Run alone with `.venv/bin/python -c "from bench.anchoring import figures; print(figures())"`.
"""

from __future__ import annotations

import statistics
import time

from tests.text.anchor_corpus import HEAVY_REVISION, build, replay
from wiki.text.anchor import Reanchorer, make_anchor

SEEDS = range(5)
REPEATS = 3


def figures() -> dict:
    per_comment: list[float] = []
    diffs: list[float] = []
    size = 0
    for seed in SEEDS:
        corpus = build(seed, rounds=[HEAVY_REVISION])
        old, new = corpus.texts
        size = len(old)
        anchors = [make_anchor(old, *span) for _, span in corpus.truth[0].values()]
        best = [float("inf")] * len(anchors)
        best_diff = float("inf")
        for _ in range(REPEATS):
            started = time.perf_counter()
            reanchorer = Reanchorer(old, new)
            best_diff = min(best_diff, time.perf_counter() - started)
            for k, anchor in enumerate(anchors):
                started = time.perf_counter()
                reanchorer.reanchor(anchor)
                best[k] = min(best[k], time.perf_counter() - started)
        diffs.append(best_diff * 1000)
        per_comment.extend(seconds * 1000 for seconds in best)
    per_comment.sort()
    rounds = build()
    score = replay(rounds, Reanchorer, make_anchor)
    return {
        "anchor_page_kb": round(size / 1000, 1),
        "anchor_calls": len(per_comment),
        "anchor_p50_ms": round(statistics.median(per_comment), 3),
        "anchor_p95_ms": round(per_comment[round(0.95 * (len(per_comment) - 1))], 3),
        "anchor_max_ms": round(per_comment[-1], 3),
        "anchor_diff_ms": round(statistics.median(diffs), 2),
        "anchor_comments": score.comments,
        "anchor_rounds": len(rounds.texts) - 1,
        "anchor_wrong": len(score.wrong),
        "anchor_orphan_rate": round(score.orphan_rate, 4),
        # Comments exactly on their passage's span (not only overlapping it), over surviving passages.
        "anchor_exact_rate": round(score.exact / max(1, score.surviving), 4),
    }
