"""Text-quote anchors: where a comment or suggestion points in a page's Markdown source, and how that
place is found again after the page changes.

An anchor is the quoted text, up to 32 characters either side, and its start in the text it was made on.
After an edit, the diff between the two texts says what became of the passage itself:

- kept (its characters are equal in the diff, perhaps with a word or two changed): it is where the diff
  maps it, unless its context disagrees on both sides (then the diff has paired it with a look-alike);
- otherwise it was deleted or rewritten, and it may have moved: text the edit inserted elsewhere can be
  it, if it carries the quote (exactly, or fuzzily) and at least one side of its context, and no other
  old text claims it as strongly. Text the diff calls equal is another occurrence of the same words that
  was already on the page, a twin, not the passage.

Anything less is an orphan: a comment on the wrong passage is worse than none.

The diff is line-level first (a line is one token, so whole unchanged lines anchor the alignment and a
repeated phrase cannot be paired with its twin on another line), then character-level inside each block of
changed lines; both run in C++ (fast-diff-match-patch), and fuzzy matching runs in rapidfuzz.
tests/text/anchor_corpus.py is the realistic page, edited round after round, that these rules are held to.
"""

from __future__ import annotations

import heapq
import re
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from fast_diff_match_patch import diff as _diff
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

CONTEXT = 32
# Fuzzy matches must keep at least half of the quote (the Hypothesis annotator's bar) and, counting
# the context too, look more alike than not.
MIN_QUOTE_SIMILARITY = 0.5
MIN_OVERALL_SIMILARITY = 0.6
# Short quotes match by chance too easily; ask more of them.
SHORT_QUOTE = 20
MIN_SHORT_QUOTE_SIMILARITY = 0.8
# One side of the context "agrees" when it is at least this similar to what the anchor remembers. Two 32-
# character snippets of unrelated prose score about 0.2-0.35, of text drawn from the same dozen words up to
# about 0.5; a side that only lost a word or gained bold marks scores 0.8 or more, but a few words inserted
# right next to the passage shift the window and can bring an agreeing side down to 0.5. A passage the diff
# keeps in place needs less of its context than a copy found elsewhere.
MIN_CONTEXT_SIMILARITY = 0.5
MIN_MOVED_CONTEXT_SIMILARITY = 0.6
MAX_EXACT_CANDIDATES = 200
# Two old copies of the same words competing for one new place are compared on this much text either side.
_WIDE = 8 * CONTEXT
# A long quote is looked for by its first, middle and last _PIECE characters; a lightly reworded passage
# keeps at least one of them mostly intact.
_PIECE = 32
_MIN_PIECE_SIMILARITY = 0.7
# Each candidate window chooses among this many starts and ends at most.
_BOUNDARIES = 6
# Only the few fuzzy windows most like the quote get their start and end chosen: on a page rewritten from
# end to end every stretch matches a little.
_FUZZY_REFINED = 3
# Inserted text interrupted by fewer equal characters than this is one region: a moved passage can share a
# word or two with what it replaced.
_REGION_GAP = 16
# A block of changed lines is diffed by characters only if its two sides are at least this similar (rapidfuzz
# ratio: unrelated prose scores about 0.4, a paragraph with a few words changed 0.9 or more).
_RELATED_BLOCK = 0.5
_RELATED_SAMPLE = 4096
# Seconds one alignment may spend diffing, all blocks together; past it diff-match-patch settles for a
# coarser diff (more text deleted and inserted), which costs orphans rather than wrong anchors. Realistic edits
# of a 30 KB page take a few milliseconds; diff-match-patch overshoots its limit about threefold.
_DIFF_TIMEOUT = 0.03


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


def similarity(a: str, b: str) -> float:
    """1.0 for equal strings, 0.0 for nothing in common (1 - Levenshtein distance / longer length)."""
    return Levenshtein.normalized_similarity(a, b)


def _lines(text: str) -> list[str]:
    """The text's lines with their newline, each followed by the blank lines after it.

    Blank lines are separators, not content: as lines of their own they would let the diff pair two
    separators as readily as two paragraphs (every line weighs one), and so align a deleted paragraph with
    its look-alike. Only "\\n" ends a line (str.splitlines would also split on \\r, \\x0c...)."""
    lines: list[str] = []
    for piece in text.split("\n"):
        if lines and not piece.strip():
            lines[-1] += piece + "\n"
        else:
            lines.append(piece + "\n")
    # The loop gave the last piece a newline the text does not have.
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+|[ \t]+")


def _identity(line: str) -> str:
    """What the line diff compares: the line without its indentation, list marker and trailing whitespace.

    Re-marking a list ("-" to "*") or re-indenting it, or the blank lines after a paragraph changing (it
    became the last one), does not make its lines new: otherwise a list re-marked to look exactly like its
    twin in another section would be paired with the twin's lines, and the diff would hand each list's
    comments to the other. Such lines are diffed by characters, and the change shows there."""
    marker = _LIST_MARKER.match(line)
    return (line[marker.end() :] if marker else line).rstrip()


def _token(n: int) -> str:
    # One character per distinct line; surrogate code points are skipped, they are not characters.
    return chr(n + 1) if n < 0xD7FF else chr(n + 0x801)


class _Alignment:
    """The diff of two texts as the runs of characters it calls equal, with bisect-able offsets.

    Lines are diffed first; inside each block of changed lines the characters are diffed with semantic
    cleanup, which also slides each edit to the nearest paragraph, line or word boundary.
    """

    def __init__(self, old: str, new: str):
        self.old_len, self.new_len = len(old), len(new)
        self.old_starts: list[int] = []
        self.new_starts: list[int] = []
        self.lengths: list[int] = []
        self.whole_lines: list[bool] = []
        self._deadline = time.monotonic() + _DIFF_TIMEOUT
        # Some block was left coarse for want of time (not because its sides were unrelated).
        self.rushed = False
        old_lines, new_lines = _lines(old), _lines(new)
        ids: dict[str, str] = {}
        encoded_old = "".join(ids.setdefault(_identity(line), _token(len(ids))) for line in old_lines)
        encoded_new = "".join(ids.setdefault(_identity(line), _token(len(ids))) for line in new_lines)
        i = j = 0  # next old and new line
        at_old = at_new = 0  # their character offsets
        pending_old = pending_new = 0  # changed lines waiting for a character diff
        for op, count in _diff(encoded_old, encoded_new, timelimit=_DIFF_TIMEOUT, cleanup="No", counts_only=True):
            if op == "-":
                pending_old += count
                continue
            if op == "+":
                pending_new += count
                continue
            if pending_old or pending_new:
                changed_old, changed_new = old_lines[i : i + pending_old], new_lines[j : j + pending_new]
                at_old, at_new = self._block(changed_old, changed_new, at_old, at_new)
                i, j, pending_old, pending_new = i + pending_old, j + pending_new, 0, 0
            if old_lines[i : i + count] == new_lines[j : j + count]:
                size = sum(len(line) for line in old_lines[i : i + count])
                self._equal(at_old, at_new, size, whole_lines=True)
                i, j, at_old, at_new = i + count, j + count, at_old + size, at_new + size
                continue
            for old_line, new_line in zip(old_lines[i : i + count], new_lines[j : j + count], strict=True):
                if old_line == new_line:
                    self._equal(at_old, at_new, len(old_line), whole_lines=True)
                    at_old, at_new = at_old + len(old_line), at_new + len(new_line)
                    continue
                if old_line.rstrip() != new_line.rstrip():
                    at_old, at_new = self._block([old_line], [new_line], at_old, at_new)
                    continue
                size = len(old_line.rstrip())
                self._equal(at_old, at_new, size, whole_lines=True)
                at_old, at_new = self._block([old_line[size:]], [new_line[size:]], at_old + size, at_new + size)
            i, j = i + count, j + count
        if pending_old or pending_new:
            self._block(old_lines[i : i + pending_old], new_lines[j : j + pending_new], at_old, at_new)
        self.kept_before = [0]
        for length in self.lengths:
            self.kept_before.append(self.kept_before[-1] + length)

    def _block(self, old_lines: list[str], new_lines: list[str], at_old: int, at_new: int) -> tuple[int, int]:
        """Diff one block of changed lines by characters; a block whose two sides are unrelated text (a
        section deleted where another is inserted) is left as deleted and inserted: there a character diff
        costs the most and finds only coincidences."""
        old, new = "".join(old_lines), "".join(new_lines)
        # Once the time is spent, the rest is coarse (a timelimit of 0 would mean no limit at all). Whether
        # the sides are related is judged on their beginnings: comparing whole blocks costs their product.
        left = self._deadline - time.monotonic()
        if old and new and left <= 0:
            self.rushed = True
        if (
            old
            and new
            and left > 0
            and fuzz.ratio(old[:_RELATED_SAMPLE], new[:_RELATED_SAMPLE]) >= _RELATED_BLOCK * 100
        ):
            for op, count in _diff(old, new, timelimit=left, cleanup="Semantic", counts_only=True):
                if op == "=":
                    self._equal(at_old, at_new, count, whole_lines=False)
                    at_old, at_new = at_old + count, at_new + count
                elif op == "-":
                    at_old += count
                else:
                    at_new += count
            return at_old, at_new
        return at_old + len(old), at_new + len(new)

    def _equal(self, at_old: int, at_new: int, size: int, whole_lines: bool) -> None:
        if size == 0:
            return
        if self.lengths and self.old_starts[-1] + self.lengths[-1] == at_old and self.whole_lines[-1] == whole_lines:
            if self.new_starts[-1] + self.lengths[-1] == at_new:
                self.lengths[-1] += size
                return
        self.old_starts.append(at_old)
        self.new_starts.append(at_new)
        self.lengths.append(size)
        self.whole_lines.append(whole_lines)

    def kept(self, start: int, end: int) -> int:
        """How many characters of old[start:end] the diff calls equal."""
        return self._kept_before(end, self.old_starts) - self._kept_before(start, self.old_starts)

    def unchanged(self, start: int, end: int) -> bool:
        """old[start:end] lies inside one run of unchanged whole lines."""
        k = bisect_right(self.old_starts, start) - 1
        return k >= 0 and self.whole_lines[k] and end <= self.old_starts[k] + self.lengths[k]

    def inserted(self, start: int, end: int) -> int:
        """How many characters of new[start:end] the edit inserted (the diff does not call them equal)."""
        return (end - start) - (self._kept_before(end, self.new_starts) - self._kept_before(start, self.new_starts))

    def _kept_before(self, at: int, starts: list[int]) -> int:
        k = bisect_right(starts, at) - 1
        if k < 0:
            return 0
        return self.kept_before[k] + min(self.lengths[k], at - starts[k])

    def map_start(self, at: int) -> int:
        """Where a passage starting at old offset `at` starts in the new text: a replacement of its first
        words is part of it, text inserted just before it is not."""
        k = bisect_right(self.old_starts, at) - 1
        if k >= 0 and at < self.old_starts[k] + self.lengths[k]:
            return self.new_starts[k] + at - self.old_starts[k]
        return self._in_gap(k, at)

    def map_end(self, at: int) -> int:
        """Where a passage ending at old offset `at` (exclusive) ends in the new text."""
        k = bisect_right(self.old_starts, at - 1) - 1
        if k >= 0 and at - 1 < self.old_starts[k] + self.lengths[k]:
            return self.new_starts[k] + at - self.old_starts[k]
        return self._in_gap(k, at)

    def _in_gap(self, k: int, at: int) -> int:
        """An offset inside the changed text between equal runs k and k+1, mapped in proportion."""
        old_from = self.old_starts[k] + self.lengths[k] if k >= 0 else 0
        new_from = self.new_starts[k] + self.lengths[k] if k >= 0 else 0
        old_to = self.old_starts[k + 1] if k + 1 < len(self.old_starts) else self.old_len
        new_to = self.new_starts[k + 1] if k + 1 < len(self.new_starts) else self.new_len
        if at <= old_from:
            return new_from
        if at >= old_to:
            return new_to
        return new_from + round((at - old_from) * (new_to - new_from) / (old_to - old_from))

    @cached_property
    def inserted_regions(self) -> list[tuple[int, int]]:
        """The stretches of the new text the edit inserted."""
        return _gaps(self.new_starts, self.lengths, self.new_len)

    @cached_property
    def deleted_regions(self) -> list[tuple[int, int]]:
        """The stretches of the old text the edit deleted."""
        return _gaps(self.old_starts, self.lengths, self.old_len)


def _gaps(starts: list[int], lengths: list[int], total: int) -> list[tuple[int, int]]:
    """The stretches between equal runs, two stretches joined when fewer than _REGION_GAP equal characters
    separate them."""
    gaps: list[tuple[int, int]] = []
    at = 0
    for start, length in [*zip(starts, lengths, strict=True), (total, 0)]:
        if start > at:
            if gaps and at - gaps[-1][1] < _REGION_GAP:
                gaps[-1] = (gaps[-1][0], start)
            else:
                gaps.append((at, start))
        at = start + length
    return gaps


class Reanchorer:
    """Re-anchors many anchors across one edit, computing the diff between the two texts only once."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        self._alignment = _Alignment(old, new) if old != new else None

    def reanchor(self, anchor: Anchor) -> Anchor | None:
        if not anchor.exact:
            return None
        span = self._old_span(anchor)
        if span is None:
            return self._without_history(anchor)
        start, end = span
        alignment = self._alignment
        if alignment is None:
            return make_anchor(self.new, start, end)
        if alignment.unchanged(start, end):
            moved = alignment.map_start(start)
            return make_anchor(self.new, moved, moved + end - start)
        if alignment.kept(start, end) * 2 >= end - start:
            found = self._in_place(anchor, start, end)
            if found is not None:
                return make_anchor(self.new, *found)
        found = self._moved_exact(anchor, start, end) or self._moved_fuzzy(anchor, start, end)
        return make_anchor(self.new, *found) if found else None

    # Where the passage was ---------------------------------------------------------------------------
    def _old_span(self, anchor: Anchor) -> tuple[int, int] | None:
        """The passage in the old text: at its recorded start, or (for an anchor whose start is stale) the
        occurrence of its quote whose context fits best."""
        old, exact = self.old, anchor.exact
        if old[anchor.start : anchor.start + len(exact)] == exact:
            return anchor.start, anchor.start + len(exact)
        starts = _occurrences(old, exact)
        if not starts:
            return None
        best = max(starts, key=lambda s: (self._context_fit(anchor, old, s, s + len(exact)), -abs(s - anchor.start)))
        return best, best + len(exact)

    def _without_history(self, anchor: Anchor) -> Anchor | None:
        """A quote the old text does not contain: only an exact occurrence whose context agrees on both
        sides can be trusted."""
        new, exact = self.new, anchor.exact
        for start in _occurrences(new, exact):
            prefix, suffix = self._sides(anchor, new, start, start + len(exact))
            if prefix >= MIN_MOVED_CONTEXT_SIMILARITY and suffix >= MIN_MOVED_CONTEXT_SIMILARITY:
                return make_anchor(new, start, start + len(exact))
        return None

    # Kept in place ----------------------------------------------------------------------------------
    def _in_place(self, anchor: Anchor, start: int, end: int) -> tuple[int, int] | None:
        """Most of the passage's characters are still there: it is where the diff maps it, lightly
        reworded, if its words and at least one side of its context confirm it."""
        alignment, new = self._alignment, self.new
        span = self._snap_to_words(anchor, alignment.map_start(start), alignment.map_end(end))
        if span[1] <= span[0] or similarity(anchor.exact, new[span[0] : span[1]]) < _min_quote(anchor.exact):
            return None
        if self._both_sides_disagree(anchor, *span, MIN_CONTEXT_SIMILARITY):
            return None
        return span

    def _deleted_copies(self, quote: str, start: int) -> list[int]:
        """Where the old text has other copies of `quote` that the edit deleted (most of their characters).

        Such a copy overlaps a stretch the edit deleted, so only the text around those stretches is searched
        (a scan of the whole page for every anchor would cost more than everything else)."""
        size, found = len(quote), set()
        for low, high in self._alignment.deleted_regions:
            at = max(0, low - size + 1)
            for copy in _occurrences(self.old[at : high + size - 1], quote):
                found.add(at + copy)
        return sorted(c for c in found if c != start and self._alignment.kept(c, c + size) * 2 < size)

    # Moved -----------------------------------------------------------------------------------------
    def _moved_exact(self, anchor: Anchor, start: int, end: int) -> tuple[int, int] | None:
        """The passage's own place is deleted or rewritten: an exact copy of its quote in text the edit
        inserted is the passage moved, if its context agrees on one side and no other copy of the same
        words that the edit deleted claims it as strongly. A copy the diff calls equal was on the page
        before: it is a twin, never the passage.

        A passage whose whole lines occur once before the edit and once after, when no other copy of its
        words was deleted, is those lines moved, whatever now surrounds them: there is nothing it could be
        confused with."""
        new, exact, alignment = self.new, anchor.exact, self._alignment
        size = len(exact)
        copies = _occurrences(new, exact)
        inserted = {c for c in copies if alignment.inserted(c, c + size) * 2 > size}
        rivals = self._deleted_copies(exact, start)
        if rivals and alignment.rushed:
            # Whole blocks were deleted and inserted: the surroundings cannot tell near twins apart.
            return None
        if len(inserted) == 1 and not rivals:
            (copy,) = inserted
            lines = _whole_lines(self.old, start, end)
            if lines == _whole_lines(new, copy, copy + size):
                if len(_occurrences(self.old, lines, 2)) == 1 and len(_occurrences(new, lines, 2)) == 1:
                    return copy, copy + size
        best: tuple[float, int] | None = None
        for copy in inserted:
            if self._both_sides_disagree(anchor, copy, copy + size, MIN_MOVED_CONTEXT_SIMILARITY):
                continue
            ours = self._claim(start, end, copy, copy + size)
            # A rival that claims it as strongly makes it a coin toss: no.
            if any(self._claim(rival, rival + size, copy, copy + size) >= ours for rival in rivals):
                continue
            if best is None or ours > best[0]:
                best = (ours, copy)
        return (best[1], best[1] + size) if best else None

    def _claim(self, old_start: int, old_end: int, new_start: int, new_end: int) -> float:
        """How strongly old[old_start:old_end] claims to be new[new_start:new_end]: its words, and a wide
        stretch of the text either side (both texts are at hand, so more than an anchor's context)."""
        words = similarity(self.old[old_start:old_end], self.new[new_start:new_end])
        before, after = self._surroundings(old_start, old_end, new_start, new_end)
        return 50 * words + 20 * before + 20 * after

    def _surroundings(self, old_start: int, old_end: int, new_start: int, new_end: int) -> tuple[float, float]:
        """How alike the text before and after old[old_start:old_end] and new[new_start:new_end] is, over
        up to _WIDE characters (as many on both sides as the new text has there)."""
        old, new = self.old, self.new
        before = min(_WIDE, new_start)
        after = min(_WIDE, len(new) - new_end)
        return (
            similarity(old[max(0, old_start - before) : old_start], new[new_start - before : new_start]),
            similarity(old[old_end : old_end + after], new[new_end : new_end + after]),
        )

    def _moved_fuzzy(self, anchor: Anchor, start: int, end: int) -> tuple[int, int] | None:
        """The passage moved and was lightly reworded: the closest match to its quote inside text the edit
        inserted, if the quote and its context are alike enough and no other deleted passage is closer.

        Exact copies of the quote were judged by the exact step; a match overlapping one is not a rewording."""
        alignment, size = self._alignment, len(anchor.exact)
        copies = _occurrences(self.new, anchor.exact)

        def allowed(s: int, e: int) -> bool:
            if alignment.inserted(s, e) * 2 <= e - s:
                return False
            k = bisect_right(copies, e - 1) - 1
            return k < 0 or copies[k] + size <= s

        best = self._fuzzy_search(anchor, self.new, alignment.inserted_regions, allowed)
        if best is None or self._claimed_by_rival(anchor, start, end, best[1], best[2]):
            return None
        return self._snap_to_words(anchor, best[1], best[2])

    def _claimed_by_rival(self, anchor: Anchor, start: int, end: int, found_start: int, found_end: int) -> bool:
        """Other text of the old page is closer to the found words than our quote (the found text copies
        it), or was deleted and claims the found place at least as strongly (the found text is it, moved):
        either way the found text is not our passage. After a rushed diff, any deleted look-alike is enough:
        with whole blocks deleted and inserted, near twins cannot be told apart by their surroundings."""
        old, found = self.old, make_anchor(self.new, found_start, found_end)
        words = similarity(anchor.exact, found.exact)
        ours = self._claim(start, end, found_start, found_end)

        def beats(rival_start: int, rival_end: int) -> bool:
            rival_words = similarity(old[rival_start:rival_end], found.exact)
            if rival_words > words:
                return True
            deleted = self._alignment.kept(rival_start, rival_end) * 2 < rival_end - rival_start
            if not deleted or rival_words < _min_quote(found.exact):
                return False
            return self._alignment.rushed or self._claim(rival_start, rival_end, found_start, found_end) >= ours

        size = len(anchor.exact)
        if any(beats(twin, twin + size) for twin in self._deleted_copies(anchor.exact, start)):
            return True
        # Our own passage is no rival; and a rival is judged on its words, wherever it stood.
        rival = self._fuzzy_search(found, old, [(0, start), (end, len(old))], lambda s, e: True, context=0.0)
        return rival is not None and beats(rival[1], rival[2])

    def _fuzzy_search(
        self,
        anchor: Anchor,
        text: str,
        regions: list[tuple[int, int]],
        allowed: Callable[[int, int], bool],
        context: float = MIN_MOVED_CONTEXT_SIMILARITY,
    ) -> tuple[float, int, int] | None:
        """The best (score, start, end) for the anchor in the given stretches of `text`, where at least one
        side of its context is `context`-similar to the anchor's.

        rapidfuzz finds the best window of each stretch for the quote (for a long quote: for its first,
        middle and last 32 characters); the few windows most like the whole quote then get the start and
        end that fit best."""
        exact = anchor.exact
        floor = _min_quote(exact)
        if len(exact) <= 2 * _PIECE:
            pieces, cutoff = [(0, exact)], floor * 100
        else:
            middle = (len(exact) - _PIECE) // 2
            pieces = [
                (0, exact[:_PIECE]),
                (middle, exact[middle : middle + _PIECE]),
                (len(exact) - _PIECE, exact[-_PIECE:]),
            ]
            cutoff = _MIN_PIECE_SIMILARITY * 100
        windows = set()
        for low, high in regions:
            if high - low < len(exact) * floor:
                continue
            for offset, piece in pieces:
                match = fuzz.partial_ratio_alignment(piece, text[low:high], score_cutoff=cutoff)
                if match is not None:
                    windows.add(max(0, low + match.dest_start - offset))
        # Many pieces match perfectly somewhere (a long quote shares phrases with its twins): rank the
        # windows by the whole quote.
        ranked = heapq.nlargest(_FUZZY_REFINED, windows, key=lambda at: similarity(exact, text[at : at + len(exact)]))
        best: tuple[float, int, int] | None = None
        edge = min(len(exact), 2 * _PIECE)
        head, tail, prefix, suffix = exact[:edge], exact[-edge:], anchor.prefix, anchor.suffix
        for around in ranked:
            # A start is judged by the quote's first words and the prefix, an end by its last words and
            # the suffix: the whole quote is compared once, for the span they make.
            s = max(
                self._possible_starts(anchor, text, around),
                key=lambda s: (
                    similarity(head, text[s : s + edge]) + similarity(prefix, text[max(0, s - len(prefix)) : s])
                ),
            )
            ends = self._possible_ends(anchor, text, s)
            if not ends:
                continue
            e = max(
                ends,
                key=lambda e: (
                    similarity(tail, text[max(s, e - edge) : e]) + similarity(suffix, text[e : e + len(suffix)])
                ),
            )
            score = self._fit(anchor, text, s, e, floor, context) if allowed(s, e) else None
            if score is not None and (best is None or score > best[0]):
                best = (score, s, e)
        return best

    def _fit(self, anchor: Anchor, text: str, start: int, end: int, floor: float, context: float) -> float | None:
        """How well text[start:end] and its surroundings match the anchor (None: not well enough)."""
        quote = similarity(anchor.exact, text[start:end])
        if quote < floor:
            return None
        prefix, suffix = self._sides(anchor, text, start, end)
        if prefix < context and suffix < context:
            return None
        score = (50 * quote + 20 * prefix + 20 * suffix) / 90
        return score if score >= MIN_OVERALL_SIMILARITY or not context else None

    def _possible_starts(self, anchor: Anchor, text: str, around: int) -> list[int]:
        """Where a fuzzily found passage starts: where the best window starts, where its first words are,
        or where the text that used to precede it ends (the few nearest the window)."""
        exact, prefix = anchor.exact, anchor.prefix
        low = max(0, around - len(exact) // 2 - CONTEXT)
        window = text[low : around + len(exact) // 2 + CONTEXT]
        starts = {around}
        for size in (8, 16):
            if len(exact) >= size:
                starts.update(low + m.start() for m in re.finditer(re.escape(exact[:size]), window))
            if len(prefix) >= size:
                starts.update(low + m.end() for m in re.finditer(re.escape(prefix[-size:]), window))
        return sorted(starts, key=lambda s: abs(s - around))[:_BOUNDARIES]

    def _possible_ends(self, anchor: Anchor, text: str, start: int) -> list[int]:
        """Where a fuzzily found passage ends: same length, where its last words now are, or where the
        text that used to follow it now begins (the few nearest the same length)."""
        exact, suffix = anchor.exact, anchor.suffix
        same = min(len(text), start + len(exact))
        ends = {same}
        window = text[start : start + 2 * len(exact) + CONTEXT]
        for size in (8, 16):
            if len(exact) >= size:
                ends.update(start + m.end() for m in re.finditer(re.escape(exact[-size:]), window))
            if len(suffix) >= size:
                ends.update(start + m.start() for m in re.finditer(re.escape(suffix[:size]), window))
        return sorted((e for e in ends if e > start), key=lambda e: abs(e - same))[:_BOUNDARIES]

    # Context --------------------------------------------------------------------------------------
    def _sides(self, anchor: Anchor, text: str, start: int, end: int) -> tuple[float, float]:
        """How alike the text either side of [start, end) is to the anchor's prefix and suffix."""
        return (
            _side(anchor.prefix, text[max(0, start - len(anchor.prefix)) : start], start == 0),
            _side(anchor.suffix, text[end : end + len(anchor.suffix)], end == len(text)),
        )

    def _context_fit(self, anchor: Anchor, text: str, start: int, end: int) -> float:
        prefix, suffix = self._sides(anchor, text, start, end)
        return prefix + suffix

    def _both_sides_disagree(self, anchor: Anchor, start: int, end: int, bar: float) -> bool:
        prefix, suffix = self._sides(anchor, self.new, start, end)
        return prefix < bar and suffix < bar

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


def _side(remembered: str, found: str, at_edge: bool) -> float:
    """An empty side means the passage was at the start or end of the page: it agrees only there."""
    if not remembered:
        return 1.0 if at_edge else 0.0
    return similarity(remembered, found)


def _min_quote(exact: str) -> float:
    return MIN_SHORT_QUOTE_SIMILARITY if len(exact) < SHORT_QUOTE else MIN_QUOTE_SIMILARITY


def _occurrences(text: str, quote: str, limit: int = MAX_EXACT_CANDIDATES) -> list[int]:
    found: list[int] = []
    at = text.find(quote)
    while at != -1 and len(found) < limit:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _whole_lines(text: str, start: int, end: int) -> str:
    """The lines text[start:end] touches, without their newlines."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", max(start, end - 1))
    return text[first : last if last != -1 else len(text)]


def reanchor(anchor: Anchor, old: str, new: str) -> Anchor | None:
    return Reanchorer(old, new).reanchor(anchor)
