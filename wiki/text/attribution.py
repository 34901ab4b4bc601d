"""Who wrote what: the diff from a base text to the last of a series of versions, each change credited
to the version that made it (like a blame restricted to the changes under review)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

from wiki.text.diff import LINE_BUDGET, WORD_BUDGET, Budget, Chunk, word_diff

# How many diffs' worth of time tracing a series of versions may take, on top of the diff base → last.
SERIES_DIFFS = 4


@dataclass(frozen=True)
class Attributed(Chunk):
    """A diff chunk; for insertions the version that wrote the text, for deletions the one that removed it.

    `by` is None for unchanged text, and for the rare change the word diffs can't trace to one version."""

    by: Hashable | None = None


@dataclass(frozen=True)
class _Run:
    """A stretch of the current text: which version wrote it, and where it sits in the base (if it came from there)."""

    length: int
    origin: Hashable | None
    base_start: int | None


def _take(runs: Iterator[_Run], pending: list[_Run], length: int) -> list[_Run]:
    """The next `length` characters of the text as runs, splitting a run where the count ends inside it."""
    taken: list[_Run] = []
    while length > 0:
        run = pending.pop() if pending else next(runs)
        if run.length > length:
            base_rest = None if run.base_start is None else run.base_start + length
            pending.append(_Run(run.length - length, run.origin, base_rest))
            run = _Run(length, run.origin, run.base_start)
        taken.append(run)
        length -= run.length
    return taken


def attribute(base: str, versions: Sequence[tuple[Hashable, str]]) -> list[Attributed]:
    """The word diff base → last version, with each inserted or deleted stretch credited to its version.

    `versions` are (key, text) in the order they were written, each on top of the previous one. The diffs
    between versions share one budget of a few diffs' worth, so fifty versions cost a bounded time whatever they
    are; past it, a version's changes are traced by whole lines, or the whole text, which credits them
    more coarsely but never to a version that didn't touch them."""
    series = Budget(words=SERIES_DIFFS * WORD_BUDGET, lines=SERIES_DIFFS * LINE_BUDGET)
    runs = [_Run(len(base), None, 0)] if base else []
    deletions: list[tuple[int, int, Hashable]] = []
    current = base
    for key, text in versions:
        source, pending, new_runs = iter(runs), [], []
        for chunk in word_diff(current, text, series):
            if chunk.op == "insert":
                new_runs.append(_Run(len(chunk.text), key, None))
                continue
            taken = _take(source, pending, len(chunk.text))
            if chunk.op == "equal":
                new_runs.extend(taken)
            else:
                deletions.extend(
                    (run.base_start, run.base_start + run.length, key) for run in taken if run.base_start is not None
                )
        runs, current = new_runs, text
    return _credit(word_diff(base, current), runs, sorted(deletions, key=lambda d: d[0]))


def _credit(chunks: list[Chunk], runs: list[_Run], deletions: list[tuple[int, int, Hashable]]) -> list[Attributed]:
    source, pending = iter(runs), []
    starts = [start for start, _, _ in deletions]
    out: list[Attributed] = []
    base_at = 0
    for chunk in chunks:
        if chunk.op == "equal":
            _take(source, pending, len(chunk.text))
            base_at += len(chunk.text)
            _append(out, Attributed("equal", chunk.text))
        elif chunk.op == "insert":
            at = 0
            for run in _take(source, pending, len(chunk.text)):
                _append(out, Attributed("insert", chunk.text[at : at + run.length], run.origin))
                at += run.length
        else:
            for piece, by in _deleted_pieces(chunk.text, base_at, starts, deletions):
                _append(out, Attributed("delete", piece, by))
            base_at += len(chunk.text)
    return out


def _deleted_pieces(text: str, offset: int, starts: list[int], deletions: list[tuple[int, int, Hashable]]):
    """Split a deleted stretch of the base at the boundaries of the versions that removed it."""
    at, end = offset, offset + len(text)
    index = max(0, bisect_right(starts, at) - 1)
    while at < end:
        while index < len(deletions) and deletions[index][1] <= at:
            index += 1
        if index < len(deletions) and deletions[index][0] <= at:
            stop, by = min(end, deletions[index][1]), deletions[index][2]
        else:
            stop = min(end, deletions[index][0]) if index < len(deletions) else end
            by = None
        yield text[at - offset : stop - offset], by
        at = stop


def _append(out: list[Attributed], chunk: Attributed) -> None:
    if not chunk.text:
        return
    if out and out[-1].op == chunk.op and out[-1].by == chunk.by:
        out[-1] = Attributed(chunk.op, out[-1].text + chunk.text, chunk.by)
    else:
        out.append(chunk)
