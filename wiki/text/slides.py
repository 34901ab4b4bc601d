"""A page's Markdown as slides, for present mode (issue 15, part 1).

Each `##` heading starts a slide; the text before the first one is the title slide. A line of exactly `---` also
breaks, and is the only text a slide loses. A fenced block whose info string is `notes` becomes that slide's
speaker notes instead of showing on it.

The breaks are found on the parsed page, not by matching lines, so they follow CommonMark: `---` under a line of
text underlines a setext heading (which is a `##` heading, and starts a slide like one), and `---` or `##` inside
fenced code, a list or a quote is text of that block. Only top-level blocks break or carry notes.

`literal` is for the other way round: a name or title put into Markdown the wiki writes, shown as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiki.text.render import tokens
from wiki.text.slugs import slugify

# Past this many slides the rest of the page stays on the last one: a page of 20,000 headings would otherwise
# render 20,000 times for one view. A presented plan has a few dozen.
MAX_SLIDES = 300

# What can start markup inside a line: "(" only means something after "](", "!" before "[", so escaping the
# brackets covers them, and the lead sees "Sofia Lindqvist (EMEA)" rather than a wall of backslashes.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>&~|])")

# Section keys are stored in a column of 80 characters; this leaves room for a "-9999" of a repeated heading.
_MAX_KEY_BASE = 72


@dataclass(frozen=True)
class Slide:
    markdown: str  # what the slide shows, as typed, notes taken out
    notes: str  # the speaker notes, Markdown; "" for none
    section: str  # the key of the `##` section the slide belongs to; "" before the first
    heading: str  # that section's heading as plain text; "" before the first
    opens_section: bool  # the section's first slide, which shows its heading (the title slide is the first of "")
    opens_with_title: bool  # the first block is a `#` heading, which then stands for the page title


@dataclass(frozen=True)
class _Break:
    line: int  # where the next slide starts
    skip: int  # lines the break itself takes (the `---` line); a heading is kept on its slide
    section: str | None  # the key of the section a `##` heading starts; None for a `---` break
    heading: str


def _plain(inline) -> str:
    """A heading's text without its Markdown: the words of its text and code spans, lines joined by spaces."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _key(heading: str, used: set[str]) -> str:
    """The heading's slug, unique on the page: a second "Pricing" is "pricing-2"."""
    base = slugify(heading)[:_MAX_KEY_BASE].strip("-") or "section"
    key, count = base, 1
    while key in used:
        count += 1
        key = f"{base}-{count}"
    used.add(key)
    return key


def _scan(text: str, lines: list[str]) -> tuple[list[_Break], list[tuple[int, int, str]], set[int]]:
    """The breaks, the notes blocks (first line, line past the last, their text) and the lines opening a `#`
    heading, among the page's top-level blocks."""
    breaks: list[_Break] = []
    notes: list[tuple[int, int, str]] = []
    titles: set[int] = set()
    used: set[str] = set()
    parsed = tokens(text)
    for index, token in enumerate(parsed):
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        room = len(breaks) < MAX_SLIDES - 1
        if token.type == "heading_open" and token.tag == "h1":
            titles.add(start)
        elif token.type == "heading_open" and token.tag == "h2" and room:
            heading = _plain(parsed[index + 1])
            breaks.append(_Break(line=start, skip=0, section=_key(heading, used), heading=heading))
        elif token.type == "hr" and lines[start].strip() == "---" and room:
            breaks.append(_Break(line=start, skip=1, section=None, heading=""))
        elif token.type == "fence" and token.info.split()[:1] == ["notes"]:
            notes.append((start, end, token.content))
    return breaks, notes, titles


def split(body: str) -> list[Slide]:
    """The slides of a page's Markdown, the title slide first (always there, even when empty). A `---` that would
    leave a slide with nothing on it (one right before a heading) makes none."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    # Split on "\n" alone, as the parser counts lines (str.splitlines also breaks at form feeds and others).
    lines = text.split("\n")
    breaks, notes, titles = _scan(text, lines)
    hidden = {number for start, end, _ in notes for number in range(start, end)}
    slides: list[Slide] = []
    section, heading, opens = "", "", True
    start, waiting = 0, 0
    for cut in [*breaks, _Break(line=len(lines), skip=0, section=None, heading="")]:
        shown = [number for number in range(start, cut.line) if number not in hidden]
        spoken = []
        while waiting < len(notes) and notes[waiting][0] < cut.line:
            spoken.append(notes[waiting][2].strip("\n"))
            waiting += 1
        markdown = "\n".join(lines[number] for number in shown)
        if not slides or markdown.strip() or any(part.strip() for part in spoken):
            opening = next((number for number in shown if lines[number].strip()), None)
            slides.append(
                Slide(
                    markdown=markdown,
                    notes="\n\n".join(spoken),
                    section=section,
                    heading=heading,
                    opens_section=opens,
                    opens_with_title=opening in titles,
                )
            )
            opens = False
        if cut.section is not None:
            section, heading, opens = cut.section, cut.heading, True
        start = cut.line + cut.skip
    return slides


def sections(slides: list[Slide]) -> list[tuple[str, str]]:
    """The `##` sections in page order, as (key, heading): what a lead assigns presenters to."""
    return [(slide.section, slide.heading) for slide in slides if slide.opens_section and slide.section]


def literal(text: str) -> str:
    """`text` as Markdown that shows it as typed within a line: for the names and titles in the Markdown the wiki
    writes (the session's line for a summary's introduction)."""
    return _INLINE_MARKUP.sub(r"\\\1", text)
