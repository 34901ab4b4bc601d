"""Plain text for places that don't render Markdown: search snippets and feed entries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiki.text.anchor import plain

# XML 1.0 refuses these code points even as character references; one in an edit summary would break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# How far around a match to read the source, so the plain-text window still has `width` characters per side
# after Markdown markup is dropped.
_SOURCE_MARGIN = 4


@dataclass(frozen=True)
class Highlighted:
    """A short text cut in three, so a template can wrap `match` in <mark> and escape all of it."""

    before: str
    match: str
    after: str


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _first(text: str, query: str) -> re.Match[str] | None:
    return re.search(re.escape(query), text, re.IGNORECASE) if query else None


def highlight(text: str, query: str) -> Highlighted:
    """The whole text, with the first case-insensitive occurrence of the query picked out (if any)."""
    found = _first(text, query)
    if found is None:
        return Highlighted(text, "", "")
    return Highlighted(text[: found.start()], found.group(), text[found.end() :])


def _cut_before(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    tail = text[-width:]
    space = tail.find(" ")
    return "…" + (tail[space + 1 :] if 0 <= space < width // 2 else tail)


def _cut_after(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    head = text[:width]
    space = head.rfind(" ")
    return (head[:space] if space > width // 2 else head) + "…"


def snippet(markdown: str, query: str, width: int = 80) -> Highlighted:
    """A passage of the page as it reads, around the first place the query occurs in its Markdown source.

    Only a window of the source around the match is turned into plain text, so a long page costs no more
    than a short one. When the match straddles markup (say `**bo**ld`), the source itself is shown.
    """
    reach = width * _SOURCE_MARGIN
    found = _first(markdown, query)
    if found is None:
        return Highlighted("", "", _cut_after(plain(markdown[:reach]), width * 2))
    start = max(0, found.start() - reach)
    # Start at a line start if one is near, so heading and list markers of that line are recognised as markup.
    line_start = markdown.rfind("\n", 0, start) + 1
    if start - line_start <= reach:
        start = line_start
    end = found.end() + reach
    window = plain(markdown[start:end])
    picked = highlight(window, query)
    if not picked.match:
        picked = Highlighted(markdown[start : found.start()], found.group(), markdown[found.end() : end])
    return Highlighted(
        _cut_before(_SPACES.sub(" ", picked.before), width),
        picked.match,
        _cut_after(_SPACES.sub(" ", picked.after), width),
    )
