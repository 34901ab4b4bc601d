"""From a selection in the rendered page to the Markdown it came from: what a reader selected to comment on, found
in the source, and a source passage shown as the words a reader sees."""

from __future__ import annotations

import re

from wiki.text.anchor import CONTEXT, MAX_EXACT_CANDIDATES, similarity

_LINE_MARKUP = re.compile(
    r"(?:[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?|\d+[.)][ \t]+(?:\[[ xX]\][ \t]+)?))+"
)
_INLINE_MARKUP = set("*_~`|")


def plain_text_map(source: str) -> tuple[str, list[int]]:
    """The words a reader sees, roughly, with each character's offset in the Markdown source.

    Emphasis marks, code ticks, heading/list/quote markers and link targets are dropped and whitespace
    runs count as one space, so a selection made in the rendered page can be found in the source.
    """
    chars: list[str] = []
    offsets: list[int] = []
    line_start = True
    i = 0
    n = len(source)

    def put(ch: str, at: int) -> None:
        if ch.isspace():
            if chars and chars[-1] == " ":
                return
            ch = " "
        chars.append(ch)
        offsets.append(at)

    while i < n:
        if line_start:
            match = _LINE_MARKUP.match(source, i)
            line_start = False
            if match and match.end() > i:
                i = match.end()
                continue
        ch = source[i]
        if ch == "\n":
            put(" ", i)
            line_start = True
            i += 1
        elif ch == "\\" and i + 1 < n:
            put(source[i + 1], i + 1)
            i += 2
        elif ch in _INLINE_MARKUP or ch == "[" or (ch == "!" and source.startswith("![", i)):
            i += 1
        elif ch == "]" and source.startswith("](", i):
            close = source.find(")", i)
            i = close + 1 if close != -1 else i + 1
        elif ch == "]":
            i += 1
        else:
            put(ch, i)
            i += 1
    return "".join(chars), offsets


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def plain(source_fragment: str) -> str:
    """How a passage of Markdown reads on the page (for showing and highlighting a quote)."""
    return plain_text_map(source_fragment)[0].strip()


def line_offset(source: str, line: int) -> int:
    """Character offset where 0-based line `line` starts."""
    offset = 0
    for _ in range(line):
        next_newline = source.find("\n", offset)
        if next_newline == -1:
            return len(source)
        offset = next_newline + 1
    return offset


def line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset)


def locate_selection(source: str, selected: str, line: int = 0, prefix: str = "") -> tuple[int, int] | None:
    """Source span [start, end) of text selected on the rendered page, searched from the selection's block.

    Among several occurrences the one whose preceding text best matches `prefix` wins, then the first.
    """
    wanted = _collapse(selected).strip()
    if not wanted:
        return None
    text, offsets = plain_text_map(source)
    block_start = line_offset(source, max(0, line))
    first = next((k for k, at in enumerate(offsets) if at >= block_start), len(text))
    hits = [m.start() for m in re.finditer(re.escape(wanted), text[first:])][:MAX_EXACT_CANDIDATES]
    if not hits:
        hits = [m.start() - first for m in re.finditer(re.escape(wanted), text)][:MAX_EXACT_CANDIDATES]
        if not hits:
            return None
    want_prefix = _collapse(prefix)[-CONTEXT:]

    def fit(hit: int) -> tuple[float, int]:
        at = first + hit
        return (similarity(want_prefix, text[max(0, at - len(want_prefix)) : at]) if want_prefix else 0.0, -abs(hit))

    hit = first + max(hits, key=fit)
    end = hit + len(wanted) - 1
    return offsets[hit], offsets[end] + 1
