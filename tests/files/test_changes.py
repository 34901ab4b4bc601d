"""Slide-by-slide changes between two versions: edits, additions, removals and moves, said the way people
say them ("Slide 7: text changed", "Slides 3–4 swapped"), and slides paired only when we are sure."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.files.makers import sample_slides
from wiki.files import changes as changes_module
from wiki.files.changes import UnitChange, compare, describe, headline, match
from wiki.files.extract import Unit

CUSTOMER_DECK = [
    Unit("Agenda", "Who we are\nWhat we heard from you\nOur proposal\nNext steps"),
    Unit("Why us", "Fastest onboarding in the industry\nNamed references in banking and insurance", "Mention Acme"),
    Unit("What we heard", "Your reps spend two hours a day on data entry\nLeads go cold after 48 hours", "Quote them"),
    Unit("Our proposal", "Automatic activity capture\nLead routing in under five minutes"),
    Unit("Pricing", "Three plans: Starter, Team, Enterprise\nAnnual billing saves 20%", "Never discount on call one"),
    Unit("Security", "SOC 2 Type II certified\nData stays in the EU", "Bring the security one-pager"),
    Unit("Customer story", "Acme cut response time from two days to two hours"),
    Unit("Next steps", "Pilot in 30 days\nSuccess criteria agreed upfront"),
]


def deck(count: int = 12) -> list[Unit]:
    return [Unit(*slide) for slide in sample_slides(count)]


def edited(unit: Unit, **parts: str) -> Unit:
    return Unit(parts.get("title", unit.title), parts.get("text", unit.text), parts.get("notes", unit.notes))


def test_an_edited_slide_is_reported_with_a_word_diff():
    old = deck()
    new = list(old)
    new[6] = edited(old[6], text=old[6].text.replace("ask about", "always ask about"))

    [change] = compare(old, new)

    assert (change.kind, change.old, change.new, change.what) == ("changed", 7, 7, ("text",))
    assert any(chunk.op == "insert" and "always" in chunk.text for chunk in change.diff)
    assert change.notes_diff == []
    assert describe([change], "slide") == ["Slide 7: text changed"]
    assert headline([change], "slide") == "slide 7 changed"


def test_changed_title_and_notes_are_named_and_notes_diffed_apart():
    old = deck()
    new = list(old)
    new[6] = edited(old[6], title="Results for our biggest segment", notes="Pause, then the figure.")

    [change] = compare(old, new)

    assert change.what == ("title", "notes")
    assert any(chunk.op == "insert" and "biggest" in chunk.text for chunk in change.diff)
    assert any(chunk.op == "insert" and "Pause" in chunk.text for chunk in change.notes_diff)
    assert describe([change], "slide") == ["Slide 7: title and notes changed"]


def test_an_added_slide_is_reported_at_its_place():
    old = deck()
    new = old[:8] + [Unit("Customer quote", "“They get us.”")] + old[8:]

    changes = compare(old, new)

    assert changes == [UnitChange("added", None, 9, "Customer quote")]
    assert describe(changes, "slide") == ["Slide 9 added"]
    assert match(old, new) == {i: i if i < 8 else i + 1 for i in range(12)}


def test_swapping_two_slides_is_one_move():
    old = deck()
    new = list(old)
    new[2], new[3] = old[3], old[2]

    changes = compare(old, new)

    assert [change.kind for change in changes] == ["moved"]
    assert describe(changes, "slide") == ["Slides 3–4 swapped"]
    assert headline(changes, "slide") == "slides 3–4 swapped"
    assert match(old, new)[2] == 3 and match(old, new)[3] == 2


def test_a_slide_moved_further_is_one_move_not_a_cascade():
    old = deck()
    new = old[:4] + old[5:8] + [old[4]] + old[8:]

    changes = compare(old, new)

    assert changes == [UnitChange("moved", 5, 8, old[4].title)]
    assert describe(changes, "slide") == ["Slide 5 moved to 8"]


def test_reversing_three_slides_is_not_two_swaps_with_the_same_slide():
    old = deck(6)
    new = old[:3] + [old[5], old[4], old[3]]

    assert describe(compare(old, new), "slide") == ["Slides 4–5 swapped", "Slide 4 moved to 6"]


def test_the_slides_reported_as_moved_are_those_whose_number_changed():
    old = deck(6)
    new = [old[i] for i in (0, 3, 5, 1, 4, 2)]

    assert describe(compare(old, new), "slide") == ["Slide 4 moved to 2", "Slide 6 moved to 3", "Slide 3 moved to 6"]


def test_a_slide_that_moved_yet_kept_its_number_says_where_it_is_now():
    old = deck(6)
    new = [old[i] for i in (0, 4, 5, 3, 1, 2)]

    assert describe(compare(old, new), "slide") == [
        "Slide 5 moved to 2",
        "Slide 6 moved to 3",
        "Slide 4 moved: it now follows slide 3",
    ]
    assert headline(compare(old, new), "slide") == "3 slides moved"


def test_a_slide_that_moved_and_changed_reports_both():
    old = deck()
    moved = edited(old[4], text=old[4].text + "\nNew proof point.")
    new = old[:4] + old[5:8] + [moved] + old[8:]

    changes = compare(old, new)

    assert describe(changes, "slide") == ["Slide 5 moved to 8", "Slide 8: text changed"]
    assert headline(changes, "slide") == "slide 8 changed, slide 5 moved to 8"


def test_a_removed_slide_whose_twin_stays_maps_to_nothing():
    old = deck(10)
    twin = edited(old[3], notes=old[3].notes + " Really.")
    old.append(twin)
    new = old[:3] + old[4:]

    pairs = match(old, new)

    assert pairs[3] is None
    assert pairs[10] == 9
    assert describe(compare(old, new), "slide") == ["Slide 4 removed"]


def test_a_removed_slide_whose_edited_twin_stays_still_maps_to_nothing():
    old = deck(10)
    old.append(edited(old[3], notes=old[3].notes + " Really."))
    new = old[:3] + old[4:10] + [edited(old[10], notes=old[10].notes + " Truly.")]

    assert match(old, new)[3] is None
    assert match(old, new)[10] == 9


def test_a_retitled_and_extended_slide_is_still_that_slide():
    old = CUSTOMER_DECK
    new = list(old)
    new[1] = edited(old[1], title="Why customers pick us", text=old[1].text + "\nSupport answers within an hour")

    assert match(old, new)[1] == 1
    assert describe(compare(old, new), "slide") == ["Slide 2: title and text changed"]


def test_a_retitled_slide_that_moved_is_found_at_its_new_place():
    old = CUSTOMER_DECK
    security = edited(old[5], title="Security and compliance")
    new = [old[0], security, *old[1:5], *old[6:]]

    assert match(old, new)[5] == 1
    assert describe(compare(old, new), "slide") == ["Slide 6 moved to 2", "Slide 2: title changed"]


def test_a_new_slide_from_the_same_template_is_not_taken_for_a_removed_one():
    old = deck(12)
    sibling = Unit(*sample_slides(13)[12])
    new = old[:6] + old[7:] + [sibling]

    assert match(old, new)[6] is None
    assert describe(compare(old, new), "slide") == ["Slide 7 removed", "Slide 12 added"]


def test_a_slide_rewritten_under_its_own_title_is_still_that_slide():
    old = deck()
    new = list(old)
    new[6] = edited(old[6], text="Entirely new wording about something else", notes="")

    assert match(old, new)[6] == 6
    assert [change.kind for change in compare(old, new)] == ["changed"]


def test_a_different_slide_is_not_taken_for_a_removed_one():
    old = deck()
    new = old[:6] + [Unit("Quarterly webinar series", "Six sessions with customers", "")] + old[7:]

    assert match(old, new)[6] is None
    found = compare(old, new)
    assert describe(found, "slide") == [f"Slide 7 replaced: “{old[6].title}” → “Quarterly webinar series”"]
    assert headline(found, "slide") == "slide 7 replaced"


def test_a_slide_removed_in_one_place_and_added_in_another_is_not_a_replacement():
    old = deck()
    new = old[:3] + old[4:9] + [Unit("Quarterly webinar series", "Six sessions with customers", "")] + old[9:]

    found = compare(old, new)
    assert describe(found, "slide") == ["Slide 4 removed", "Slide 9 added"]
    assert headline(found, "slide") == "slide 9 added, slide 4 removed"


def test_several_changes_read_in_the_new_order():
    old = deck()
    new = list(old)
    new[2], new[3] = old[3], old[2]
    new[6] = edited(old[6], text=old[6].text.replace("first", "before anything else"))
    new[11] = edited(old[11], notes="Skip if short of time.")
    new.insert(8, Unit("Brand new", "A fresh slide"))
    del new[10]  # the old slide 10, now at index 10 after the insertion

    changes = compare(old, new)

    assert describe(changes, "slide") == [
        "Slides 3–4 swapped",
        "Slide 7: text changed",
        "Slide 9 added",
        "Slide 10 removed",
        "Slide 12: notes changed",
    ]
    assert headline(changes, "slide") == "slides 7 and 12 changed, slide 9 added, slide 10 removed, slides 3–4 swapped"


def test_runs_of_slides_read_as_ranges():
    old = deck()
    new = old[:6] + [Unit(f"Appendix {n}", f"Detail {n} about the plan") for n in range(1, 4)] + old[6:9]

    changes = compare(old, new)

    assert describe(changes, "slide") == ["Slides 7–9 added", "Slides 10–12 removed"]
    assert headline(changes, "slide") == "slides 7–9 added, slides 10–12 removed"


def test_pages_are_called_pages():
    old = [Unit("Offer", "Three plans"), Unit("Terms", "Net 30")]
    new = [Unit("Offer", "Four plans"), Unit("Terms", "Net 30")]

    changes = compare(old, new)

    assert describe(changes, "page") == ["Page 1: text changed"]
    assert headline(changes, "page") == "page 1 changed"


def test_no_change_reads_as_such():
    assert compare(deck(), deck()) == []
    assert headline([], "slide") == "no slide changed"
    assert describe([], "slide") == []


def test_a_long_list_of_changes_is_counted_in_the_headline():
    old = deck(20)
    new = [edited(unit, notes="") if n % 2 else unit for n, unit in enumerate(old)]

    assert headline(compare(old, new), "slide") == "10 slides changed"


WORDS = st.sampled_from(["pricing", "slide", "clients", "plan", "", "7", "demo", "Q3"])
UNITS = st.builds(
    Unit,
    title=st.lists(WORDS, max_size=3).map(" ".join),
    text=st.lists(WORDS, max_size=8).map(" ".join),
    notes=st.lists(WORDS, max_size=3).map(" ".join),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(UNITS, max_size=15))
def test_a_version_compared_with_itself_has_no_changes(units):
    assert match(units, list(units)) == {i: i for i in range(len(units))}
    assert compare(units, list(units)) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(UNITS, max_size=12), st.lists(UNITS, max_size=12))
def test_every_slide_is_accounted_for_once(old, new):
    pairs = match(old, new)
    targets = [j for j in pairs.values() if j is not None]
    assert len(targets) == len(set(targets))
    assert all(0 <= j < len(new) for j in targets)

    changes = compare(old, new)
    assert sorted(c.new for c in changes if c.kind == "added") == [j + 1 for j in range(len(new)) if j not in targets]
    assert sorted(c.old for c in changes if c.kind == "removed") == [i + 1 for i, j in pairs.items() if j is None]
    assert len(describe(changes, "slide")) >= (1 if changes else 0)


# More words, so that rarity varies and many pairs fall near the similarity bar.
RICH_UNITS = st.builds(
    Unit,
    title=st.lists(st.sampled_from([f"t{n}" for n in range(6)]), max_size=3).map(" ".join),
    text=st.lists(st.sampled_from([f"w{n}" for n in range(30)]), max_size=20).map(" ".join),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(RICH_UNITS, max_size=10), st.lists(RICH_UNITS, max_size=10))
def test_looking_only_at_units_sharing_a_rare_word_loses_no_pair(old, new):
    every_word = mock.patch.object(changes_module, "_must_share", lambda counts, weight, total: list(counts))
    with every_word:
        thorough = match(old, new)

    assert match(old, new) == thorough


@settings(max_examples=100, deadline=None)
@given(st.permutations(list(range(10))))
def test_reordering_distinct_slides_reports_only_moves(order):
    old = deck(10)
    new = [old[i] for i in order]

    changes = compare(old, new)

    assert {change.kind for change in changes} <= {"moved"}
    assert all(match(old, new)[i] == order.index(i) for i in range(10))
