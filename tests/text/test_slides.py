"""A page's Markdown as slides: where slides break, where the notes go, and that no text is lost on the way."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.text.render import render
from wiki.text.slides import MAX_SLIDES, literal, sections, split

PLAN = """# FY27 plan

What we sell, to whom, and how the council helps.

```notes
Welcome everyone; this takes 20 minutes.
```

## Target segments

| Segment | Accounts |
|---|---:|
| Regional banks | 410 |
| Credit unions | 340 |

```notes
Banks first: they have the oldest cores.
```

## Value proposition

- Lower run cost
- Faster products

---

- Audit built in

## Budget

| Quarter | Budget |
|---|---:|
| Q1 | $0.6M |
"""


def test_a_plan_with_tables_and_notes_makes_a_slide_per_section_in_order():
    slides = split(PLAN)
    assert [slide.heading for slide in slides] == [
        "",
        "Target segments",
        "Value proposition",
        "Value proposition",
        "Budget",
    ]
    assert [slide.section for slide in slides] == [
        "",
        "target-segments",
        "value-proposition",
        "value-proposition",
        "budget",
    ]
    assert [slide.opens_section for slide in slides] == [True, True, True, False, True]
    assert "| Regional banks | 410 |" in slides[1].markdown
    assert "| Q1 | $0.6M |" in slides[4].markdown
    assert sections(slides) == [
        ("target-segments", "Target segments"),
        ("value-proposition", "Value proposition"),
        ("budget", "Budget"),
    ]


def test_notes_leave_the_slide_for_its_speaker_notes():
    title, segments, *_ = split(PLAN)
    assert title.notes == "Welcome everyone; this takes 20 minutes."
    assert "Welcome" not in title.markdown and "```" not in title.markdown
    assert segments.notes == "Banks first: they have the oldest cores."
    assert "Banks first" not in segments.markdown
    assert "| Credit unions | 340 |" in segments.markdown


def test_a_line_of_three_dashes_breaks_and_is_the_only_text_dropped():
    slides = split(PLAN)
    assert slides[2].markdown.strip().endswith("- Faster products")
    assert slides[3].markdown.strip() == "- Audit built in"
    assert all("---\n" not in slide.markdown.replace("|---|", "") for slide in slides)


def test_dashes_under_a_line_of_text_underline_a_heading_that_starts_a_slide():
    slides = split("# Plan\n\nIntro.\n\nPricing that works\n---\n\nThree tiers.\n")
    assert [slide.heading for slide in slides] == ["", "Pricing that works"]
    assert slides[1].markdown == "Pricing that works\n---\n\nThree tiers.\n"
    assert slides[0].markdown.strip() == "# Plan\n\nIntro."


def test_dashes_and_headings_inside_fenced_code_stay_on_the_slide():
    body = "## Setup\n\n```yaml\n---\nname: deck\n## not a heading\n```\n\n~~~\n---\n~~~\n"
    slides = split(body)
    assert len(slides) == 2
    assert slides[1].markdown == body


def test_dashes_inside_a_quote_or_a_list_item_are_part_of_it():
    body = "## Quotes\n\n> Before\n>\n> ---\n>\n> After\n\n- item\n\n  ---\n\n  more\n"
    assert len(split(body)) == 2


def test_other_thematic_breaks_stay_on_the_slide_as_rules():
    body = "## Rules\n\nOne\n\n***\n\nTwo\n\n----\n\nThree\n\n- - -\n"
    slides = split(body)
    assert len(slides) == 2
    assert slides[1].markdown == body


def test_a_break_next_to_a_heading_makes_no_empty_slide():
    slides = split("## One\n\nText\n\n---\n\n## Two\n\nMore\n\n---\n\n---\n\nLast\n")
    assert [slide.heading for slide in slides] == ["", "One", "Two", "Two"]
    assert [slide.markdown.strip() for slide in slides[1:]] == ["## One\n\nText", "## Two\n\nMore", "Last"]


def test_the_title_slide_is_there_even_when_the_page_starts_with_a_section():
    slides = split("## First\n\nText\n")
    assert slides[0].markdown == "" and slides[0].section == "" and not slides[0].opens_with_title
    assert split("# My plan\n\nIntro\n")[0].opens_with_title
    assert not split("Intro\n\n# Later title\n")[0].opens_with_title


def test_every_section_has_its_own_key_even_when_headings_repeat():
    slides = split(
        "## Pricing\n\na\n\n## Pricing\n\nb\n\n## **Bold** `code` [link](https://x.example)\n\n## ¿Qué?\n\n## !!!\n"
    )
    assert [key for key, _ in sections(slides)] == ["pricing", "pricing-2", "bold-code-link", "que", "section"]
    assert sections(slides)[2][1] == "Bold code link"


def test_past_the_slide_limit_the_rest_stays_on_the_last_slide():
    body = "".join(f"## S{n}\n\ntext {n}\n\n" for n in range(MAX_SLIDES + 50))
    slides = split(body)
    assert len(slides) == MAX_SLIDES
    assert f"text {MAX_SLIDES + 49}" in slides[-1].markdown


def test_windows_line_ends_split_like_unix_ones():
    slides = split("## A\r\n\r\nx\r\n\r\n---\r\ny\r\n")
    assert [slide.markdown for slide in slides] == ["", "## A\n\nx\n", "y\n"]


# No text is lost ----------------------------------------------------------------------------------

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "---",
            "  ---",
            "--- ",
            "----",
            "***",
            "## Heading",
            "## Heading",
            "# Title",
            "Text line",
            "Setext",
            "===",
            "```",
            "```notes",
            "~~~notes",
            "~~~",
            "- item",
            "  ---",
            "> quote",
            "> ---",
            "| a | b |",
            "|---|---|",
            "    indented code",
            "<div>",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_characters="\n\r\x00", blacklist_categories=("Cs",)), max_size=20),
)


def _non_blank(lines):
    return [line for line in lines if line.strip()]


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=40))
def test_the_slides_lose_no_text_but_the_break_lines(lines):
    body = "\n".join(lines)
    slides = split(body)
    shown = _non_blank(line for slide in slides for line in slide.markdown.split("\n"))
    source = _non_blank(body.split("\n"))
    # What the slides show is the page's text, in order, nothing made up.
    remaining = iter(source)
    assert all(any(line == candidate for candidate in remaining) for line in shown)
    # Whatever they don't show is a `---` break, a notes block's fence, or is in the speaker notes.
    spoken = Counter(line.strip() for slide in slides for line in slide.notes.split("\n"))
    for line, count in (Counter(source) - Counter(shown)).items():
        if line.strip() == "---" or FENCE.match(line):
            continue
        assert spoken[line.strip()] >= count, (line, body)


@given(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40))
def test_a_literal_shows_as_typed_within_a_line(text):
    typed = " ".join(text.split())
    html = render(f"Presented by {literal(typed)}").html
    assert "<" not in re.sub(r"</?p[^>]*>", "", html)
