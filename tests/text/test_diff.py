"""Word diffs: they must always add back up to both texts, however they are cut and folded."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.text.diff import Budget, Chunk, DiffStats, Folded, fold, side_by_side, stats, word_diff

TEXT = st.text(alphabet=st.sampled_from(list("ab c\n.,-é")), max_size=200)


def old_side(chunks):
    return "".join(c.text for c in chunks if c.op != "insert")


def new_side(chunks):
    return "".join(c.text for c in chunks if c.op != "delete")


def test_changed_words_are_marked():
    chunks = word_diff("We sell to banks.", "We sell to regional banks.")
    assert Chunk("insert", "regional ") in chunks or any(c.op == "insert" and "regional" in c.text for c in chunks)
    assert stats(chunks).inserted_words >= 1


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_chunks_rebuild_both_texts(old, new):
    chunks = word_diff(old, new)
    assert old_side(chunks) == old
    assert new_side(chunks) == new


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT)
def test_folding_hides_nothing(old, new):
    folded = fold(word_diff(old, new), context_lines=1)
    assert "".join(c.text for c in folded if isinstance(c, Folded) or c.op != "insert") == old


@settings(max_examples=100, deadline=None)
@given(TEXT, TEXT)
def test_side_by_side_rebuilds_both_sides(old, new):
    rows = side_by_side(old, new)
    left = [("".join(c.text for c in row.left)) for row in rows if row.left_no is not None]
    right = [("".join(c.text for c in row.right)) for row in rows if row.right_no is not None]
    assert left == old.splitlines()
    assert right == new.splitlines()


def test_long_unchanged_stretches_are_folded_with_context():
    old = "".join(f"line {i}\n" for i in range(100))
    new = old.replace("line 50\n", "line fifty\n")
    folded = fold(word_diff(old, new), context_lines=3)
    hidden = [c for c in folded if isinstance(c, Folded)]
    assert len(hidden) == 2 and all(c.hidden_lines > 40 for c in hidden)


def test_a_few_words_revised_across_a_100_kb_text_are_the_only_changes():
    rng = random.Random(7)
    words = "segment value bank union webinar lead council field deck".split()
    old = "\n".join(" ".join(rng.choice(words) for _ in range(15)) for _ in range(1000))
    lines = old.split("\n")
    for i in range(0, len(lines), 100):
        lines[i] += " revised"
    chunks = word_diff(old, "\n".join(lines))
    assert stats(chunks).inserted_words == 10 and stats(chunks).deleted_words == 0


BUDGETS = st.builds(Budget, words=st.integers(0, 20_000), lines=st.integers(0, 20_000))


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT, BUDGETS)
def test_past_its_budget_a_diff_is_coarser_but_still_rebuilds_both_texts(old, new, budget):
    chunks = word_diff(old, new, budget)
    assert old_side(chunks) == old
    assert new_side(chunks) == new


def test_a_paragraph_too_costly_to_diff_word_by_word_shows_removed_and_added_whole():
    rng = random.Random(3)
    words = "segment value bank union webinar lead council field deck region quarter budget".split()
    old = " ".join(rng.choice(words) for _ in range(2000)) + "\n"
    new = " ".join(rng.choice(words) for _ in range(2000)) + "\n"
    assert word_diff(old, new) == [Chunk("delete", old), Chunk("insert", new)]


def test_lines_of_a_costly_block_are_diffed_one_by_one():
    rng = random.Random(5)
    words = "segment value bank union webinar lead council field deck region quarter budget".split()
    rows = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(600)]
    old = "".join(f"| {row} |\n" for row in rows)
    new = "".join(f"| {row} | new |\n" for row in rows)
    chunks = word_diff(old, new)
    assert old_side(chunks) == old and new_side(chunks) == new
    assert stats(chunks) == DiffStats(inserted_words=600, deleted_words=0)


def test_the_same_two_texts_always_give_the_same_diff():
    rng = random.Random(11)
    words = "segment value bank union webinar lead council field deck region quarter budget".split()
    texts = ["\n\n".join(" ".join(rng.choice(words) for _ in range(60)) for _ in range(200)) for _ in range(2)]
    assert word_diff(*texts) == word_diff(*texts)
    assert side_by_side(*texts) == side_by_side(*texts)


@pytest.mark.parametrize("old, new", [("a b " * 25_000, "b a " * 25_000), ("a b\n" * 25_000, "b a\n" * 25_000)])
def test_repetitive_text_that_makes_diffs_quadratic_still_diffs_exactly(old, new):
    chunks = word_diff(old, new)
    assert old_side(chunks) == old and new_side(chunks) == new
    rows = side_by_side(old, new)
    assert ["".join(c.text for c in row.left) for row in rows if row.left_no] == old.splitlines()


def test_excerpt_keeps_the_changes_with_a_little_context_and_stays_short():
    from wiki.text.diff import excerpt

    old = "Intro. " * 50 + "Banks first." + " Outro." * 50
    new = "Intro. " * 50 + "Banks and insurers first." + " Outro." * 50
    short = excerpt(word_diff(old, new), max_chars=200, context=30)
    assert any(c.op == "insert" and "insurers" in c.text for c in short)
    assert sum(len(c.text) for c in short) <= 200 + 2
    assert short[0].text.startswith("…")


def test_excerpt_of_a_long_insertion_is_cut_at_the_limit():
    from wiki.text.diff import excerpt

    short = excerpt(word_diff("", "word " * 500), max_chars=100)
    assert len(short) == 1 and short[0].op == "insert" and len(short[0].text) == 101 and short[0].text.endswith("…")


def test_a_side_by_side_row_is_changed_when_its_sides_differ_and_only_then():
    rows = side_by_side("same\nold words\ngone\n", "same\nnew words\n")
    assert [(row.left_no, row.right_no, row.changed) for row in rows][0] == (1, 1, False)
    assert all(row.changed for row in rows[1:])
    assert any(row.right_no is None for row in rows[1:])
