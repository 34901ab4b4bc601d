"""Anchors survive edits around them, find the right occurrence, tolerate light edits, and orphan
rather than guess."""

from __future__ import annotations

import random
import time

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wiki.text.anchor import Reanchorer, locate_selection, make_anchor, plain, plain_text_map, reanchor

WORDS = st.sampled_from(
    "the plan council field bank credit union webinar lead score deck email region quarter budget value".split()
)
SENTENCE = st.lists(WORDS, min_size=3, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")
PARAGRAPHS = st.lists(SENTENCE, min_size=3, max_size=8)


def join(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


@settings(max_examples=200, deadline=None)
@given(PARAGRAPHS, st.data())
def test_edit_outside_the_passage_never_orphans_it_and_keeps_the_quote(paragraphs, data):
    text = join(paragraphs)
    quoted = data.draw(st.integers(0, len(paragraphs) - 1))
    start = text.index(paragraphs[quoted]) if text.count(paragraphs[quoted]) == 1 else None
    assume(start is not None)
    anchor = make_anchor(text, start, start + len(paragraphs[quoted]))
    edited = list(paragraphs)
    other = data.draw(st.integers(0, len(paragraphs) - 1).filter(lambda i: i != quoted))
    edited[other] = data.draw(SENTENCE)
    if data.draw(st.booleans()):
        edited.insert(data.draw(st.integers(0, len(edited))), data.draw(SENTENCE))
    new_text = join(edited)
    result = reanchor(anchor, text, new_text)
    assert result is not None
    assert result.exact == paragraphs[quoted]
    assert new_text[result.start : result.end] == paragraphs[quoted]


@settings(max_examples=100, deadline=None)
@given(PARAGRAPHS, st.data())
def test_deleting_the_passage_orphans_it(paragraphs, data):
    quoted = data.draw(st.integers(0, len(paragraphs) - 1))
    passage = "Harbour Federal cut month-end close from nine days to three."
    paragraphs = paragraphs[:quoted] + [passage] + paragraphs[quoted:]
    text = join(paragraphs)
    start = text.index(passage)
    anchor = make_anchor(text, start, start + len(passage))
    new_text = join([p for p in paragraphs if p != passage])
    assert reanchor(anchor, text, new_text) is None


def test_a_passage_that_occurs_twice_follows_its_context():
    text = "EMEA team says: Lead with resilience. Then cost.\n\nAPAC team says: Lead with resilience. Then speed.\n"
    second = text.rindex("Lead with resilience.")
    anchor = make_anchor(text, second, second + len("Lead with resilience."))
    # The two regions swap places, so the diff maps the old position onto the wrong copy.
    new_text = (
        "Intro.\n\nAPAC team says: Lead with resilience. Then speed.\n\n"
        "EMEA team says: Lead with resilience. Then cost.\n"
    )
    result = reanchor(anchor, text, new_text)
    assert result is not None
    assert new_text[result.end : result.end + 12] == " Then speed."


@settings(max_examples=60, deadline=None)
@given(st.lists(SENTENCE, min_size=4, max_size=8), st.data())
def test_the_right_occurrence_of_a_repeated_passage_is_kept(paragraphs, data):
    repeated = "Lead with resilience, not cost."
    text = join([f"Region {i}: {repeated}" for i in range(3)] + paragraphs)
    which = data.draw(st.integers(0, 2))
    start = text.index(f"Region {which}: ") + len(f"Region {which}: ")
    anchor = make_anchor(text, start, start + len(repeated))
    new_text = join(["A new opening paragraph."] + [f"Region {i}: {repeated}" for i in range(3)] + paragraphs[:-1])
    result = reanchor(anchor, text, new_text)
    assert (
        result is not None and new_text[result.start - len(f"Region {which}: ") : result.start] == f"Region {which}: "
    )


def test_a_lightly_edited_passage_is_found_fuzzily():
    passage = "Regional banks remain the heart of the plan: they have the oldest cores and the thinnest IT teams."
    text = join(["# Segments", "Some intro text about the segments we target.", passage, "Insurers buy slower."])
    start = text.index(passage)
    anchor = make_anchor(text, start, start + len(passage))
    edited = passage.replace("oldest", "most outdated")
    new_text = join(["# Segments", "Some intro text about the segments we target, now longer.", edited, "Insurers."])
    result = reanchor(anchor, text, new_text)
    assert result is not None
    assert result.exact == edited


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_one_changed_word_is_still_found(data):
    words = data.draw(st.lists(WORDS, min_size=10, max_size=16, unique=True))
    passage = " ".join(words)
    text = join(["Opening paragraph of the page.", passage, "Closing paragraph of the page."])
    start = text.index(passage)
    anchor = make_anchor(text, start, start + len(passage))
    k = data.draw(st.integers(0, len(words) - 1))
    changed = list(words)
    changed[k] = "zebra"
    edited = " ".join(changed)
    new_text = "A new first line.\n\n" + text.replace(passage, edited)
    result = reanchor(anchor, text, new_text)
    assert result is not None
    assert result.start == new_text.index(edited)


def test_a_rewritten_sentence_orphans_instead_of_guessing():
    passage = "Open with how do you evidence resilience during a core migration."
    text = join(["# EMEA", passage, "Bring cost in only once they ask."])
    start = text.index(passage)
    anchor = make_anchor(text, start, start + len(passage))
    new_text = join(
        ["# EMEA", "Start from the customer's own DORA programme and its budget.", "Bring cost in only once they ask."]
    )
    assert reanchor(anchor, text, new_text) is None


def test_long_shift_is_followed():
    passage = "This sentence will move far down the page after a big insertion above it."
    text = join(["Start.", passage, "End."])
    start = text.index(passage)
    anchor = make_anchor(text, start, start + len(passage))
    new_text = join(["Start.", "filler words " * 400, passage.replace("big", "large"), "End."])
    result = reanchor(anchor, text, new_text)
    assert result is not None and "large insertion" in result.exact


def test_two_hundred_anchors_on_a_100_kb_page_reanchor_quickly():
    rng = random.Random(3)
    words = "segment value bank union webinar lead council field deck region".split()
    paragraphs = [" ".join(rng.choice(words) for _ in range(20)) + f" ({i})." for i in range(700)]
    text = join(paragraphs)
    anchors = []
    for i in range(0, 700, 3)[:200]:
        s = text.index(paragraphs[i])
        anchors.append(make_anchor(text, s, s + 40))
    edited = list(paragraphs)
    for i in range(1, 700, 51):
        edited[i] = "Rewritten paragraph."
    new_text = join(edited)
    started = time.perf_counter()
    reanchorer = Reanchorer(text, new_text)
    results = [reanchorer.reanchor(a) for a in anchors]
    assert time.perf_counter() - started < 1.0
    assert all(r is not None and r.exact == a.exact for r, a in zip(results, anchors, strict=True))


def test_rendered_selection_maps_to_markdown_source():
    source = "# Plan\n\nWe sell **core banking** to [regional banks](/p/x).\n\n- Cost: 30% lower\n"
    start, end = locate_selection(source, "core banking to regional banks", line=2)
    assert source[start:end] == "core banking** to [regional banks"
    assert plain(source[start:end]) == "core banking to regional banks"
    start, end = locate_selection(source, "30% lower", line=4)
    assert source[start:end] == "30% lower"


def test_selection_prefers_the_occurrence_after_its_prefix():
    source = "APAC: resilience first.\n\nEMEA: resilience first.\n"
    start, _ = locate_selection(source, "resilience first", line=0, prefix="EMEA: ")
    assert source[start - 6 : start] == "EMEA: "


def test_plain_text_drops_markup_but_keeps_words():
    text, offsets = plain_text_map("## Title\n\n> quoted *word*\n\n1. [link](http://x) `code`\n")
    assert text.split() == ["Title", "quoted", "word", "link", "code"]
    assert len(offsets) == len(text)
