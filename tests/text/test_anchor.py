"""Anchors survive edits around them, find the right occurrence, tolerate light edits, and orphan
rather than guess."""

from __future__ import annotations

import random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wiki.text.anchor import Anchor, Reanchorer, make_anchor, reanchor, similarity
from wiki.text.selection import locate_selection, plain, plain_text_map

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


def test_two_hundred_anchors_on_a_100_kb_page_all_keep_their_quotes():
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
    reanchorer = Reanchorer(text, new_text)
    results = [reanchorer.reanchor(a) for a in anchors]
    assert all(r is not None and r.exact == a.exact for r, a in zip(results, anchors, strict=True))


def anchor_on(text: str, passage: str, occurrence: int = 0) -> Anchor:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(passage, start + 1)
    return make_anchor(text, start, start + len(passage))


@settings(max_examples=100, deadline=None)
@given(st.lists(SENTENCE, min_size=3, max_size=8, unique=True), st.data())
def test_a_deleted_passage_never_moves_onto_another_copy_of_its_words(paragraphs, data):
    phrase = "book a discovery workshop"
    copies = data.draw(st.sets(st.integers(0, len(paragraphs) - 1), min_size=2))
    paragraphs = [f"{p[:-1]}, then {phrase}." if i in copies else p for i, p in enumerate(paragraphs)]
    which = data.draw(st.sampled_from(sorted(copies)))
    text = join(paragraphs)
    anchor = anchor_on(text, paragraphs[which])
    anchor = make_anchor(text, anchor.end - len(phrase) - 1, anchor.end - 1)
    assert anchor.exact == phrase
    edited = [p for i, p in enumerate(paragraphs) if i != which]
    if data.draw(st.booleans()):
        edited.insert(data.draw(st.integers(0, len(edited))), data.draw(SENTENCE))
    assert reanchor(anchor, text, join(edited)) is None


def test_a_sentence_copied_elsewhere_keeps_the_comment_and_does_not_inherit_it():
    emea = "## EMEA\n\nLead with resilience, not cost. DORA opens the door with every CIO.\n\n"
    apac = "## APAC\n\nMAS outsourcing rules are on every board agenda.\n"
    first = emea + apac
    anchor = anchor_on(first, "Lead with resilience, not cost.")
    # Revision 2 copies the sentence into the APAC section: the comment stays where it was.
    second = emea + apac.replace("agenda.", "agenda. Lead with resilience, not cost.")
    kept = reanchor(anchor, first, second)
    assert kept is not None and kept.start == anchor.start
    # Revision 3 deletes the EMEA paragraph: the copy is a twin that was already there, not the passage.
    third = second.replace("Lead with resilience, not cost. DORA opens the door with every CIO.\n\n", "")
    assert reanchor(kept, second, third) is None


def test_deleting_one_of_two_near_twin_sections_orphans_only_its_comments():
    def region(name: str, member: str, local: str) -> str:
        return (
            f"### {name}\n\n**Council member:** {member}.\n\nKey message: Lead with resilience, not cost. {local}.\n\n"
            "- Send the resilience brief to every CIO and invite them to book a discovery workshop.\n"
            "- Hold a council review every two weeks.\n\n"
        )

    emea = region("EMEA", "Ingrid Solberg", "DORA is the door-opener")
    apac = region("APAC", "Wei Ling Tan", "MAS rules put resilience on the board agenda")
    text = "## Regional plans\n\n" + emea + apac + "## Tactics\n\nEach tactic has an owner.\n"
    new_text = text.replace(emea, "")
    for phrase in ("Lead with resilience, not cost.", "book a discovery workshop", "every two weeks"):
        assert reanchor(anchor_on(text, phrase, 0), text, new_text) is None
        moved = reanchor(anchor_on(text, phrase, 1), text, new_text)
        assert moved is not None and moved.start == new_text.index(phrase)


def test_a_list_re_marked_to_look_like_its_deleted_twin_keeps_its_own_comments():
    def region(name: str, marker: str, workshops: str, pipeline: str) -> str:
        return (
            f"### {name}\n\nKey message: lead with resilience.\n\n"
            f"{marker} Run {workshops} discovery workshops with priority accounts.\n"
            f"{marker} Send the resilience brief to every CIO and invite them to book a discovery workshop.\n"
            f"{marker} Hold a council review every two weeks and log each objection.\n\n"
            f"**Pipeline target:** {pipeline} in qualified pipeline.\n\n"
        )

    emea, latam = region("EMEA", "-", "18", "$7.2M"), region("LATAM", "*", "8", "$3.3M")
    text = "## Regional plans\n\n" + emea + latam + "## Tactics\n\nEach tactic has an owner.\n"
    # LATAM goes, and EMEA's list takes LATAM's markers: two of its lines now read exactly like LATAM's.
    new_text = text.replace(latam, "").replace("\n- ", "\n* ")
    for phrase in ("book a discovery workshop", "every two weeks", "**Pipeline target:**"):
        assert reanchor(anchor_on(text, phrase, 1), text, new_text) is None
        kept = reanchor(anchor_on(text, phrase, 0), text, new_text)
        assert kept is not None and kept.start == new_text.index(phrase)


def test_a_paragraph_cut_and_pasted_into_another_section_keeps_its_comment():
    passage = "The board pack goes to the ten warmest accounts only, signed by their rep."
    text = join(["## Webinars", "The series runs monthly.", passage, "Recordings go out within two days."])
    text += join(["## Events", "We stop paying for booths.", "Roundtables replace them."])
    new_text = text.replace(passage + "\n\n", "").replace("booths.\n\n", f"booths.\n\n{passage}\n\n")
    result = reanchor(anchor_on(text, passage), text, new_text)
    assert result is not None and result.start == new_text.index(passage)


def test_words_of_a_deleted_passage_written_afresh_elsewhere_are_not_the_passage():
    text = join(
        [
            "# Plan",
            "- Hold a council review every two weeks and log each objection.\n- Localise the deck.",
            "## Newsletter",
            "The newsletter goes out once a month.",
        ]
    )
    anchor = anchor_on(text, "every two weeks")
    new_text = join(
        ["# Plan", "- Localise the deck.", "## Newsletter", "The newsletter goes out every two weeks from May."]
    )
    assert reanchor(anchor, text, new_text) is None


def test_a_phrase_whose_context_is_rewritten_on_both_sides_orphans():
    text = join(["# Cadence", "Hold a council review every two weeks and log each objection.", "End."])
    anchor = anchor_on(text, "every two weeks")
    new_text = join(["# Cadence", "Agree the owners' agenda every two weeks with inside sales.", "End."])
    assert reanchor(anchor, text, new_text) is None
    # Even where the diff keeps the phrase in place, the words around it are no longer the ones commented.
    phrase = "every two weeks, with the field in the room,"
    text = join(["# Cadence", f"Hold a council review {phrase} and log each objection.", "End."])
    new_text = join(["# Cadence", f"Owners meet {phrase} to agree the agenda.", "End."])
    assert reanchor(anchor_on(text, phrase), text, new_text) is None


def test_a_moved_section_takes_its_comments_along():
    sections = [
        "## Webinars\n\nThe series runs monthly, forty minutes, with a customer on screen.",
        "## Events\n\nWe stop paying for booths.\n\nOur event money goes to roundtables of eight to twelve "
        "executives, hosted by a customer.\n\nEach roundtable ends with an invitation.",
        "## Budget\n\n| Tactic | Q1 |\n|---|---|\n| Events | $35,000 |",
    ]
    text = join(sections)
    passage = "Our event money goes to roundtables of eight to twelve executives, hosted by a customer."
    anchor = anchor_on(text, passage)
    moved = join([sections[0], sections[2], sections[1]])
    result = reanchor(anchor, text, moved)
    assert result is not None and result.start == moved.index(passage)
    # Moved and lightly reworded in the same edit: found fuzzily in the text the edit inserted.
    reworded = moved.replace("eight to twelve", "eight to ten")
    result = reanchor(anchor, text, reworded)
    assert result is not None and result.exact == passage.replace("eight to twelve", "eight to ten")


def test_an_anchor_with_a_stale_start_is_found_in_the_old_text_by_its_context_then_followed():
    text = join(["Intro.", "APAC: lead with resilience.", "EMEA: lead with resilience.", "End."])
    right = anchor_on(text, "lead with resilience", 1)
    stale = Anchor(exact=right.exact, prefix=right.prefix, suffix=right.suffix, start=0)
    # The paragraph after it is rewritten too, so its context no longer agrees on both sides.
    new_text = "New first line.\n\n" + text.replace("End.", "Closing words, all rewritten.")
    result = reanchor(stale, text, new_text)
    assert result is not None and result.start == right.start + len("New first line.\n\n")


def test_offsets_count_characters_beyond_the_basic_plane():
    text = join(["Launch 🚀 plan 🎯 for 𝔽𝕐25.", "Lead with resilience, not cost.", "End."])
    anchor = anchor_on(text, "Lead with resilience, not cost.")
    new_text = join(["Launch 🚀🚀 plan 🎯 for 𝔽𝕐25 and 𝔽𝕐26.", "Lead with resilience, not cost!", "End."])
    result = reanchor(anchor, text, new_text)
    assert result is not None and result.exact == "Lead with resilience, not cost!"


def test_similarity_is_one_minus_levenshtein_distance_over_the_longer_length():
    assert similarity("council", "council") == 1.0
    assert similarity("", "") == 1.0
    assert similarity("abc", "") == 0.0
    assert similarity("council", "counsel") == 1 - 2 / 7
    assert similarity("plan", "plans") == 1 - 1 / 5


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
