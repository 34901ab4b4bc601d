"""Three-way merges: disjoint edits combine, edits to the same lines always conflict."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wiki.text.merge import merge

WORD = st.text(alphabet=st.sampled_from(list("abcdefgh ")), min_size=1, max_size=12).map(str.strip).filter(bool)


def paragraphs(count: int) -> list[str]:
    return [f"Paragraph {i} says something about the plan." for i in range(count)]


def join(paras: list[str]) -> str:
    return "\n\n".join(paras) + "\n"


def test_disjoint_paragraph_edits_both_survive():
    base = paragraphs(5)
    mine, theirs = list(base), list(base)
    mine[1] = "My rewrite of paragraph one."
    theirs[3] = "Their rewrite of paragraph three."
    result = merge(join(base), join(mine), join(theirs))
    assert result.clean
    assert "My rewrite of paragraph one." in result.text and "Their rewrite of paragraph three." in result.text


def test_same_line_edited_two_ways_conflicts():
    result = merge("a\nb\nc\n", "a\nmine\nc\n", "a\ntheirs\nc\n")
    assert not result.clean and result.text is None
    assert result.conflicts[0].mine == "mine\n" and result.conflicts[0].theirs == "theirs\n"


def test_two_insertions_at_the_same_spot_conflict():
    assert not merge("a\n", "a\nmine\n", "a\ntheirs\n").clean


def test_identical_edits_merge_to_that_edit():
    assert merge("a\n", "a\nb\n", "a\nb\n").text == "a\nb\n"


def test_twenty_five_markers_merged_one_after_another_all_land():
    base = join(["# Plan"] + paragraphs(25))
    head = base
    for i in range(25):
        mine = base.replace(f"Paragraph {i} says", f"Paragraph {i} says", 1).replace(
            f"Paragraph {i} says something about the plan.", f"Paragraph {i} says something about the plan.\nmarker {i}"
        )
        result = merge(base, mine, head)
        assert result.clean, i
        head = result.text
    for i in range(25):
        assert f"marker {i}\n" in head


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=4, max_size=10), st.data())
def test_edits_to_disjoint_paragraphs_always_merge(words, data):
    base = [f"{w} paragraph {i}" for i, w in enumerate(words)]
    i = data.draw(st.integers(0, len(base) - 1))
    j = data.draw(st.integers(0, len(base) - 1))
    assume(abs(i - j) >= 2)
    mine, theirs = list(base), list(base)
    mine[i] = data.draw(WORD) + " mine"
    theirs[j] = data.draw(WORD) + " theirs"
    result = merge(join(base), join(mine), join(theirs))
    assert result.clean
    assert mine[i] in result.text and theirs[j] in result.text


@settings(max_examples=150, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=8), st.data())
def test_two_different_edits_of_one_line_never_merge_silently(words, data):
    base = [f"{w} line {i}" for i, w in enumerate(words)]
    i = data.draw(st.integers(0, len(base) - 1))
    mine, theirs = list(base), list(base)
    mine[i] = data.draw(WORD) + " mine"
    theirs[i] = data.draw(WORD) + " theirs"
    result = merge("\n".join(base) + "\n", "\n".join(mine) + "\n", "\n".join(theirs) + "\n")
    assert not result.clean


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_merging_with_an_untouched_side_gives_the_other(base, edit):
    base, edit = base.replace("\r", ""), edit.replace("\r", "")
    assert merge(base, edit, base).text == edit
    assert merge(base, base, edit).text == edit


def test_two_100_kb_edits_of_different_lines_merge_cleanly():
    base = [f"Line {i} of a long plan with some words in it." for i in range(2000)]
    mine, theirs = list(base), list(base)
    for i in range(3, 2000, 50):
        mine[i] += " (mine)"
    for i in range(27, 2000, 50):
        theirs[i] += " (theirs)"
    result = merge("\n".join(base), "\n".join(mine), "\n".join(theirs))
    assert result.clean
