"""Crediting each change under review to the revision that made it."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.text import attribution
from wiki.text.attribution import attribute

BASE = "# Plan\n\nSegments are banks.\n\nPricing is flat.\n"


def changes(chunks, op):
    return [(chunk.text, chunk.by) for chunk in chunks if chunk.op == op]


def test_each_insertion_is_credited_to_the_revision_that_wrote_it():
    r2 = BASE + "\nWebinars monthly.\n"
    r3 = r2.replace("Segments are banks.", "Segments are banks and insurers.")
    chunks = attribute(BASE, [(2, r2), (3, r3)])
    inserted = changes(chunks, "insert")
    assert (" and insurers", 3) in inserted
    assert any("Webinars monthly." in text and by == 2 for text, by in inserted)


def test_a_deletion_is_credited_to_the_revision_that_removed_it():
    r2 = BASE + "\nMore.\n"
    r3 = r2.replace("Pricing is flat.\n\n", "")
    chunks = attribute(BASE, [(2, r2), (3, r3)])
    assert any("Pricing is flat" in text and by == 3 for text, by in changes(chunks, "delete"))


def test_text_added_and_removed_within_the_range_does_not_show():
    r2 = BASE + "\nTemporary idea.\n"
    chunks = attribute(BASE, [(2, r2), (3, BASE)])
    assert all(chunk.op == "equal" for chunk in chunks)


def test_a_new_page_credits_everything_to_its_revisions():
    chunks = attribute("", [(1, "One.\n"), (2, "One.\nTwo.\n")])
    assert changes(chunks, "insert") == [("One.\n", 1), ("Two.\n", 2)]


words = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta"]), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(paragraphs=st.lists(words, min_size=1, max_size=6), edits=st.lists(st.integers(0, 20), min_size=1, max_size=5))
def test_diff_rebuilds_both_texts_and_every_marker_is_credited_to_its_revision(paragraphs, edits):
    base = "\n\n".join(paragraphs) + "\n"
    versions, text = [], base
    for number, where in enumerate(edits, start=2):
        blocks = text.split("\n\n")
        blocks.insert(where % (len(blocks) + 1), f"marker{number}")
        text = "\n\n".join(blocks)
        versions.append((number, text))
    chunks = attribute(base, versions)
    assert "".join(c.text for c in chunks if c.op != "insert") == base
    assert "".join(c.text for c in chunks if c.op != "delete") == text
    for chunk in chunks:
        if chunk.op == "insert":
            for number in range(2, len(edits) + 2):
                if f"marker{number}" in chunk.text:
                    assert chunk.by == number


def _plan(paragraphs: int) -> list[str]:
    rng = random.Random(2)
    words = "segment value bank union webinar lead council field deck region quarter budget".split()
    return [" ".join(rng.choice(words) for _ in range(60)) + "." for _ in range(paragraphs)]


def test_fifty_revisions_of_a_long_plan_are_each_credited_with_their_own_words():
    paragraphs = _plan(200)
    base = "\n\n".join(paragraphs) + "\n"
    versions = []
    for number in range(1, 51):
        paragraphs[(number * 37) % len(paragraphs)] += f" marker{number}"
        versions.append((number, "\n\n".join(paragraphs) + "\n"))
    inserted = changes(attribute(base, versions), "insert")
    assert sorted(inserted, key=lambda change: change[1]) == [(f" marker{n}", n) for n in range(1, 51)]


def test_past_the_series_budget_changes_are_credited_coarsely_and_both_texts_still_rebuild(monkeypatch):
    monkeypatch.setattr(attribution, "SERIES_DIFFS", 0)
    paragraphs = _plan(20)
    base = "\n\n".join(paragraphs) + "\n"
    r2 = base.replace(paragraphs[3], paragraphs[3] + " marker2")
    r3 = r2.replace(paragraphs[9], paragraphs[9] + " marker3")
    chunks = attribute(base, [(2, r2), (3, r3)])
    assert "".join(c.text for c in chunks if c.op != "insert") == base
    assert "".join(c.text for c in chunks if c.op != "delete") == r3
    assert {by for _, by in changes(chunks, "insert")} == {3}
