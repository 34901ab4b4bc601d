"""Text-quote anchors: where a comment or suggestion points in a page's Markdown source, and how that
place is found again after the page changes.

An anchor is the quoted text, up to 32 characters either side, and a position hint. After an edit we try,
in order: the old position mapped through the diff (the quote must be exactly there), the exact quote
elsewhere (ties broken by context and closeness), and a fuzzy match that must prove itself on the quote
and its context. Anything less is an orphan: a wrong anchor is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from diff_match_patch import diff_match_patch

CONTEXT = 32
# Fuzzy matches must keep at least half of the quote (the Hypothesis annotator's bar) and, counting
# the context too, look more alike than not.
MIN_QUOTE_SIMILARITY = 0.5
MIN_OVERALL_SIMILARITY = 0.6
# Short quotes match by chance too easily; ask more of them.
SHORT_QUOTE = 12
MIN_SHORT_QUOTE_SIMILARITY = 0.8
_PIECE = 32  # diff-match-patch's bitap matcher handles patterns up to this length
_MAX_EXACT_CANDIDATES = 200


@dataclass(frozen=True)
class Anchor:
    exact: str
    prefix: str
    suffix: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.exact)


def make_anchor(text: str, start: int, end: int) -> Anchor:
    start, end = max(0, start), min(len(text), end)
    return Anchor(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        start=start,
    )


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 1.0
    dmp.Match_Threshold = 0.5
    dmp.Match_Distance = 5000
    return dmp


def similarity(a: str, b: str) -> float:
    """1.0 for equal strings, 0.0 for nothing in common (1 - Levenshtein distance / longer length)."""
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    dmp = _dmp()
    return 1.0 - dmp.diff_levenshtein(dmp.diff_main(a, b, False)) / longest


class Reanchorer:
    """Re-anchors many anchors across one edit, computing the diff between the two texts only once."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        self._dmp = _dmp()
        self._diffs = self._dmp.diff_main(old, new) if old != new else None

    def reanchor(self, anchor: Anchor) -> Anchor | None:
        new = self.new
        if not anchor.exact:
            return None
        expected = self._dmp.diff_xIndex(self._diffs, anchor.start) if self._diffs is not None else anchor.start
        if new[expected : expected + len(anchor.exact)] == anchor.exact and self._context_holds(anchor, expected):
            return make_anchor(new, expected, expected + len(anchor.exact))
        found = self._exact(anchor, expected)
        if found is not None:
            return make_anchor(new, found, found + len(anchor.exact))
        span = self._fuzzy(anchor, expected)
        return make_anchor(new, *span) if span is not None else None

    def _context_holds(self, anchor: Anchor, start: int) -> bool:
        """The fast path trusts the diff only where the surroundings are unchanged; otherwise every
        copy of the quote competes on context (the diff's guess still earns its closeness)."""
        end = start + len(anchor.exact)
        before = self.new[max(0, start - len(anchor.prefix)) : start]
        return before == anchor.prefix and self.new[end : end + len(anchor.suffix)] == anchor.suffix

    def _score(self, anchor: Anchor, start: int, end: int, expected: int, quote_similarity: float) -> float:
        new = self.new
        prefix = similarity(anchor.prefix, new[max(0, start - len(anchor.prefix)) : start]) if anchor.prefix else 1.0
        suffix = similarity(anchor.suffix, new[end : end + len(anchor.suffix)]) if anchor.suffix else 1.0
        closeness = 1.0 - min(1.0, abs(start - expected) / max(1, len(new)))
        return 50 * quote_similarity + 20 * prefix + 20 * suffix + 2 * closeness

    def _exact(self, anchor: Anchor, expected: int) -> int | None:
        starts = [m.start() for m in re.finditer(re.escape(anchor.exact), self.new)][:_MAX_EXACT_CANDIDATES]
        if not starts:
            return None
        return max(starts, key=lambda s: self._score(anchor, s, s + len(anchor.exact), expected, 1.0))

    def _fuzzy(self, anchor: Anchor, expected: int) -> tuple[int, int] | None:
        new, exact = self.new, anchor.exact
        pieces = {0: exact[:_PIECE]}
        if len(exact) > _PIECE:
            pieces[len(exact) - _PIECE] = exact[-_PIECE:]
            middle = (len(exact) - _PIECE) // 2
            pieces[middle] = exact[middle : middle + _PIECE]
        candidates: set[int] = set()
        for offset, piece in pieces.items():
            location = self._dmp.match_main(new, piece, max(0, min(len(new), expected + offset)))
            if location != -1:
                candidates.add(location - offset)
        tail = exact[-_PIECE:]
        best: tuple[float, int, int] | None = None
        for start in candidates:
            start = max(0, start)
            for end in self._possible_ends(start, len(exact), tail, anchor.suffix):
                quote = similarity(exact, new[start:end])
                if quote < (MIN_SHORT_QUOTE_SIMILARITY if len(exact) < SHORT_QUOTE else MIN_QUOTE_SIMILARITY):
                    continue
                score = self._score(anchor, start, end, expected, quote)
                if (score - 2) / 90 < MIN_OVERALL_SIMILARITY:
                    continue
                if best is None or score > best[0]:
                    best = (score, start, end)
        return self._snap_to_words(anchor, best[1], best[2]) if best else None

    def _snap_to_words(self, anchor: Anchor, start: int, end: int) -> tuple[int, int]:
        """A quote that began and ended on word boundaries should again, not halfway into a changed word."""
        new = self.new
        if not anchor.exact[:1].isspace():
            while start < end and new[start].isspace():
                start += 1
        if not anchor.exact[-1:].isspace():
            while end > start and new[end - 1].isspace():
                end -= 1
        if anchor.exact[:1].isalnum() and not anchor.prefix[-1:].isalnum():
            while start > 0 and new[start - 1].isalnum() and new[start].isalnum():
                start -= 1
        if anchor.exact[-1:].isalnum() and not anchor.suffix[:1].isalnum():
            while end < len(new) and new[end].isalnum() and new[end - 1].isalnum():
                end += 1
        return start, end

    def _possible_ends(self, start: int, length: int, tail: str, suffix: str) -> set[int]:
        """Where a fuzzily found passage ends: same length, where its last words now are, or where the
        text that used to follow it now begins."""
        ends = {min(len(self.new), start + length)}
        window = self.new[start : start + 2 * length + _PIECE]
        location = self._dmp.match_main(window, tail, max(0, length - len(tail)))
        if location != -1:
            ends.add(start + location + len(tail))
        # Bitap reports where a match starts; with words inserted inside it, the end is better found from
        # the quote's last few characters.
        for size in (8, 16):
            if len(tail) >= size:
                for match in re.finditer(re.escape(tail[-size:]), window):
                    ends.add(start + match.end())
            if len(suffix) >= size:
                for match in re.finditer(re.escape(suffix[:size]), window):
                    ends.add(start + match.start())
        return {end for end in ends if end > start}


def reanchor(anchor: Anchor, old: str, new: str) -> Anchor | None:
    return Reanchorer(old, new).reanchor(anchor)


# Rendered selection -> source --------------------------------------------------------------------

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
    hits = [m.start() for m in re.finditer(re.escape(wanted), text[first:])][:_MAX_EXACT_CANDIDATES]
    if not hits:
        hits = [m.start() - first for m in re.finditer(re.escape(wanted), text)][:_MAX_EXACT_CANDIDATES]
        if not hits:
            return None
    want_prefix = _collapse(prefix)[-CONTEXT:]

    def fit(hit: int) -> tuple[float, int]:
        at = first + hit
        return (similarity(want_prefix, text[max(0, at - len(want_prefix)) : at]) if want_prefix else 0.0, -abs(hit))

    hit = first + max(hits, key=fit)
    end = hit + len(wanted) - 1
    return offsets[hit], offsets[end] + 1
