"""Comments on a realistic plan, carried through round after round of edits, never land on the wrong
passage and are seldom orphaned while their passage survives (issue 13).

The corpus (tests/text/anchor_corpus.py) knows where every passage truly is after each round because it
builds the page from segments that carry the passage ids through every edit."""

from __future__ import annotations

import re

import pytest

from tests.text.anchor_corpus import ALIVE, EDITS, GONE, HEAVY_REVISION, REWRITTEN, ROUNDS, build, replay
from wiki.text import anchor
from wiki.text.anchor import Reanchorer, make_anchor


@pytest.fixture(scope="module")
def corpus():
    return build()


def test_the_corpus_is_a_30_kb_plan_commented_all_over(corpus):
    page = corpus.texts[0]
    assert 27_000 <= len(page) <= 33_000
    assert re.search(r"^## ", page, re.M) and re.search(r"^- ", page, re.M) and re.search(r"^1\. ", page, re.M)
    assert re.search(r"^\| --- \|", page, re.M) or re.search(r"^\|---", page, re.M)
    quotes = [page[start:end] for _, (start, end) in corpus.truth[0].values()]
    assert len(quotes) >= 40
    lines = [page[page.rfind("\n", 0, start) + 1 : start] for _, (start, _end) in corpus.truth[0].values()]
    assert sum(line.startswith("|") for line in lines) >= 5, "table cells"
    assert sum(bool(re.match(r"(?:- |\d+\. )$", line)) for line in lines) >= 5, "list items"
    assert sum(len(quote) >= 300 for quote in quotes) >= 2, "long passages"
    repeated = [page.count(quote) for quote in quotes if page.count(quote) > 1]
    assert len(repeated) >= 10 and min(repeated) == 2 and max(repeated) <= 24 and max(repeated) >= 20


def test_the_rounds_use_every_kind_of_edit_and_leave_passages_alive_rewritten_and_gone(corpus):
    assert len(corpus.texts) - 1 >= 10
    assert {kind for kinds in ROUNDS for kind in kinds} == set(EDITS)
    final = [state for state, _ in corpus.truth[-1].values()]
    assert final.count(GONE) >= 8 and final.count(REWRITTEN) >= 2 and final.count(ALIVE) >= 40


def test_the_truth_is_what_the_states_say(corpus):
    """In each round an alive passage has at most one word changed (bold marks aside), a passage that
    becomes rewritten keeps less than half of its words, and a gone one is off the page."""
    for r in range(1, len(corpus.texts)):
        for passage, (state, span) in corpus.truth[r].items():
            was, before_span = corpus.truth[r - 1][passage]
            if state == GONE:
                assert span is None
                continue
            before = corpus.texts[r - 1][slice(*before_span)].replace("**", "").split()
            after = corpus.texts[r][slice(*span)].replace("**", "").split()
            if state == ALIVE:
                assert len(before) == len(after) and sum(a != b for a, b in zip(before, after, strict=True)) <= 1
            elif was == ALIVE:
                assert len(set(before) & set(after)) * 2 < len(set(before))


@pytest.mark.parametrize("seed", [13, 1, 2])
def test_no_comment_lands_on_a_wrong_passage_and_at_most_2_percent_orphan_needlessly(seed):
    score = replay(build(seed), Reanchorer, make_anchor)
    assert score.wrong == []
    assert score.orphan_rate <= 0.02, score.needless


@pytest.mark.parametrize("seed", [13, 1, 2])
def test_one_heavy_revision_with_every_kind_of_edit_moves_no_comment_to_a_wrong_passage(seed):
    score = replay(build(seed, rounds=[HEAVY_REVISION]), Reanchorer, make_anchor)
    assert score.wrong == []
    assert score.orphan_rate <= 0.02, score.needless


@pytest.mark.parametrize("seed", [13, 2, 5])
@pytest.mark.parametrize("rounds", [ROUNDS, [HEAVY_REVISION]])
def test_when_the_diff_runs_out_of_time_comments_orphan_rather_than_land_on_a_wrong_passage(seed, rounds, monkeypatch):
    # Every diff gives up at once: whole blocks of the page count as deleted and inserted, and near-twin
    # sections (one deleted, the other moved up next to its place) can no longer be told apart.
    monkeypatch.setattr(anchor, "_DIFF_TIMEOUT", 1e-9)
    assert replay(build(seed, rounds=rounds), Reanchorer, make_anchor).wrong == []
