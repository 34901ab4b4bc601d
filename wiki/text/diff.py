"""Word-level diffs for reading changes: inline with folded context, or side by side.

Lines first, then words inside each changed block of lines (MediaWiki's way): the line diff is cheap and
finds what stayed, so the word diff only ever sees the few lines that changed. Both run in Google's C++
diff-match-patch. Each word diff is charged what it can cost, (n + m) × D for n and m tokens and D edits,
against a budget per block and per call. A block too costly to diff as a whole is diffed line by line, and
what is still over budget shows as whole lines removed and added. So a hostile pair of unrelated 100 KB
versions costs a few milliseconds, and the same two texts always give the same diff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fast_diff_match_patch import diff as _cpp_diff
from rapidfuzz.distance import Indel

Op = Literal["equal", "insert", "delete"]
_OPS: dict[str, Op] = {"=": "equal", "+": "insert", "-": "delete"}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
# Tokens and lines are encoded as single characters; start past the control characters to keep them printable.
_FIRST_CODE = 0x100
_MOST_CODES = 0x10FFFF - _FIRST_CODE
# What diffs may cost, counted in comparisons. Myers' diff costs (n + m) × D for n and m items and D edits, and
# the C++ diff's substring check up to n × m on repetitive text, so both are bounded, for the part between the
# common beginning and end. A comparison costs about 15 ns here (in the C++ diff of a rewritten paragraph,
# the slowest case), so a block may cost about 8 ms and one diff about 20 ms of words and 30 ms of lines. A
# paragraph with a few words changed costs a few thousand.
BLOCK_BUDGET = 500_000
WORD_BUDGET = 1_500_000
LINE_BUDGET = 2_000_000
# Each diff also costs its Python around the C++, about as much as this many comparisons.
_OVERHEAD = 2_000


@dataclass(frozen=True)
class Chunk:
    op: Op
    text: str


@dataclass(frozen=True)
class Folded:
    """An unchanged stretch the inline view collapses; the text stays so the reader can expand it."""

    hidden_lines: int
    text: str


@dataclass(frozen=True)
class Row:
    left: list[Chunk]
    right: list[Chunk]
    left_no: int | None
    right_no: int | None

    @property
    def changed(self) -> bool:
        """The two sides differ: a line added, removed or changed."""
        return (
            self.left_no is None
            or self.right_no is None
            or any(chunk.op != "equal" for chunk in (*self.left, *self.right))
        )


@dataclass(frozen=True)
class DiffStats:
    inserted_words: int
    deleted_words: int


@dataclass
class Budget:
    """What is left to spend on diffs: one per diff, or one shared by a series of diffs. Past it, lines that
    changed show as removed and added whole, and texts that changed past it, as one whole change."""

    words: int = WORD_BUDGET
    lines: int = LINE_BUDGET


def _encode(a: list[str], b: list[str]) -> tuple[str, str] | None:
    """Both lists as strings of one character per item, equal items as equal characters (None if there are too
    many different items for Unicode)."""
    table = dict.fromkeys(a)
    table.update(dict.fromkeys(b))
    if len(table) > _MOST_CODES:
        return None
    codes = {item: chr(_FIRST_CODE + i) for i, item in enumerate(table)}
    return "".join(map(codes.__getitem__, a)), "".join(map(codes.__getitem__, b))


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """How many characters the two strings share at the start and, after that, at the end."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    prefix, low, high = low, 0, min(len(a), len(b)) - low
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return prefix, low


def _ops(a: str, b: str, allowed: int, cleanup: str) -> tuple[list[tuple[str, int]] | None, int]:
    """The C++ diff of two encoded strings and what it cost, or None when it would cost more than allowed.

    D is counted first, by a bit-parallel check that gives up past the limit. The C++ diff then runs with no
    deadline: a deadline would make the answer depend on the machine's load."""
    prefix, suffix = _common_ends(a, b)
    n, m = len(a) - prefix - suffix, len(b) - prefix - suffix
    allowed -= _OVERHEAD
    if n * m > allowed:
        return None, _OVERHEAD
    cost = _OVERHEAD
    if n and m:
        most_edits = allowed // (n + m)
        edits = Indel.distance(a[prefix : len(a) - suffix], b[prefix : len(b) - suffix], score_cutoff=most_edits)
        if edits > most_edits:
            return None, cost
        cost += (n + m) * edits
    return _cpp_diff(a, b, timelimit=0, cleanup=cleanup, counts_only=True), cost


def _line_blocks(old: str, new: str, budget: Budget) -> list[tuple[list[str], list[str]]]:
    """The two texts as a run of (old lines, new lines) blocks: unchanged blocks have the same lines on both
    sides, changed blocks have no line in common. Texts too unlike to line up cheaply are one changed block."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if a == b:
        return [(a, b)] if a else []
    ops, encoded = None, _encode(a, b)
    if encoded is not None:
        ops, cost = _ops(*encoded, budget.lines, "No")
        budget.lines -= cost
    if ops is None:
        return [(a, b)]
    blocks: list[tuple[list[str], list[str]]] = []
    i = j = 0
    removed: list[str] = []
    added: list[str] = []
    for op, length in ops:
        if op == "=":
            if removed or added:
                blocks.append((removed, added))
                removed, added = [], []
            blocks.append((a[i : i + length], b[j : j + length]))
            i, j = i + length, j + length
        elif op == "-":
            removed.extend(a[i : i + length])
            i += length
        else:
            added.extend(b[j : j + length])
            j += length
    if removed or added:
        blocks.append((removed, added))
    return blocks


def _whole(old: str, new: str) -> list[Chunk]:
    return [chunk for chunk in (Chunk("delete", old), Chunk("insert", new)) if chunk.text]


def _words(old: str, new: str, budget: Budget) -> list[Chunk] | None:
    """The word diff of two passages, or None when it would cost more than the budget allows."""
    if not old or not new:
        return _whole(old, new)
    if budget.words <= _OVERHEAD:
        return None
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    encoded = _encode(a, b)
    if encoded is None:
        return None
    ops, cost = _ops(*encoded, min(BLOCK_BUDGET, budget.words), "Semantic")
    budget.words -= cost
    if ops is None:
        return None
    chunks: list[Chunk] = []
    i = j = 0
    for op, length in ops:
        if op == "+":
            chunks.append(Chunk("insert", "".join(b[j : j + length])))
            j += length
        else:
            chunks.append(Chunk(_OPS[op], "".join(a[i : i + length])))
            i += length
            j += length if op == "=" else 0
    return chunks


def _changed(old_lines: list[str], new_lines: list[str], budget: Budget) -> list[Chunk]:
    """A changed block word by word; if that costs too much, line by line; what is left, as whole lines."""
    old, new = "".join(old_lines), "".join(new_lines)
    words = _words(old, new, budget)
    if words is not None:
        return words
    paired = min(len(old_lines), len(new_lines))
    if paired == 1:
        return _whole(old, new)
    chunks: list[Chunk] = []
    index = 0
    while index < paired and budget.words > _OVERHEAD:
        left, right = old_lines[index], new_lines[index]
        chunks.extend(_words(left, right, budget) or _whole(left, right))
        index += 1
    chunks.extend(_whole("".join(old_lines[index:]), "".join(new_lines[index:])))
    return chunks


def word_diff(old: str, new: str, budget: Budget | None = None) -> list[Chunk]:
    """Diff on words, spaces and punctuation, inside the lines that changed."""
    budget = budget or Budget()
    # A last line without its line break would never equal the same line elsewhere, and the diff would line
    # up the two endings instead: text added after a page's last line would show as added before it.
    ending = not (old.endswith("\n") and new.endswith("\n"))
    if ending:
        old, new = old + "\n", new + "\n"
    chunks: list[Chunk] = []
    for old_lines, new_lines in _line_blocks(old, new, budget):
        if old_lines == new_lines:
            chunks.append(Chunk("equal", "".join(old_lines)))
        else:
            chunks.extend(_changed(old_lines, new_lines, budget))
    chunks = _merge_adjacent(chunks)
    return _merge_adjacent(_without_last_line_break(chunks)) if ending else chunks


def _without_last_line_break(chunks: list[Chunk]) -> list[Chunk]:
    """Take back the line break word_diff added to the end of both texts."""
    last = chunks[-1]
    if last.op == "equal":
        return chunks[:-1] + [Chunk("equal", last.text[:-1])]
    # The other text's line break ends the last chunk on its side: an equal one gives it up to both sides,
    # so the change after it starts with that break instead (the same texts, one character later).
    other = next(i for i in range(len(chunks) - 1, -1, -1) if chunks[i].op != last.op)
    before = chunks[other]
    if before.op == "equal":
        rest = "".join(chunk.text for chunk in chunks[other + 1 :])
        return chunks[:other] + [Chunk("equal", before.text[:-1]), Chunk(last.op, "\n" + rest[:-1])]
    return (
        chunks[:other]
        + [Chunk(before.op, before.text[:-1])]
        + [Chunk(chunk.op, chunk.text) for chunk in chunks[other + 1 : -1]]
        + [Chunk(last.op, last.text[:-1])]
    )


def _merge_adjacent(chunks: list[Chunk]) -> list[Chunk]:
    merged: list[Chunk] = []
    for chunk in chunks:
        if not chunk.text:
            continue
        if merged and merged[-1].op == chunk.op:
            merged[-1] = Chunk(chunk.op, merged[-1].text + chunk.text)
        else:
            merged.append(chunk)
    return merged


def fold(chunks: list[Chunk], context_lines: int = 3) -> list[Chunk | Folded]:
    """Collapse long unchanged stretches, keeping context_lines next to each change."""
    out: list[Chunk | Folded] = []
    last = len(chunks) - 1
    for index, chunk in enumerate(chunks):
        if chunk.op != "equal":
            out.append(chunk)
            continue
        lines = chunk.text.splitlines(keepends=True)
        keep_head = context_lines if index > 0 else 0
        keep_tail = context_lines if index < last else 0
        hidden = len(lines) - keep_head - keep_tail
        if hidden <= 2 or (index == 0 and index == last):
            out.append(chunk)
            continue
        head, middle, tail = (
            lines[:keep_head],
            lines[keep_head : len(lines) - keep_tail],
            lines[len(lines) - keep_tail :],
        )
        if head:
            out.append(Chunk("equal", "".join(head)))
        out.append(Folded(hidden, "".join(middle)))
        if tail:
            out.append(Chunk("equal", "".join(tail)))
    return out


def side_by_side(old: str, new: str) -> list[Row]:
    """Lines aligned in two columns; changed line pairs get word-level highlighting."""
    budget = Budget()
    rows: list[Row] = []
    left_no = right_no = 0
    for old_lines, new_lines in _line_blocks(old, new, budget):
        left_lines = [line.splitlines()[0] for line in old_lines]
        right_lines = [line.splitlines()[0] for line in new_lines]
        if old_lines == new_lines:
            for line in left_lines:
                left_no, right_no = left_no + 1, right_no + 1
                rows.append(Row([Chunk("equal", line)], [Chunk("equal", line)], left_no, right_no))
            continue
        for index in range(max(len(left_lines), len(right_lines))):
            left = left_lines[index] if index < len(left_lines) else None
            right = right_lines[index] if index < len(right_lines) else None
            if left is not None and right is not None:
                words = _words(left, right, budget) or _whole(left, right)
                left_chunks = [c for c in words if c.op != "insert"]
                right_chunks = [c for c in words if c.op != "delete"]
            else:
                left_chunks = [Chunk("delete", left)] if left else []
                right_chunks = [Chunk("insert", right)] if right else []
            left_no += left is not None
            right_no += right is not None
            rows.append(
                Row(
                    left_chunks,
                    right_chunks,
                    left_no if left is not None else None,
                    right_no if right is not None else None,
                )
            )
    return rows


def stats(chunks: list[Chunk]) -> DiffStats:
    inserted = sum(len(_WORD.findall(c.text)) for c in chunks if c.op == "insert")
    deleted = sum(len(_WORD.findall(c.text)) for c in chunks if c.op == "delete")
    return DiffStats(inserted_words=inserted, deleted_words=deleted)


def excerpt(chunks: list[Chunk], max_chars: int = 600, context: int = 60) -> list[Chunk]:
    """The first changes of a diff with a little unchanged text around them, at most about `max_chars`
    long — a taste of what changed, for a summary email. Cut context is marked with an ellipsis."""
    out: list[Chunk] = []
    used = 0
    last = len(chunks) - 1
    for index, chunk in enumerate(chunks):
        if used >= max_chars:
            break
        if chunk.op != "equal":
            text = chunk.text if used + len(chunk.text) <= max_chars else chunk.text[: max_chars - used] + "…"
            out.append(Chunk(chunk.op, text))
            used += len(text)
            continue
        before = index > 0 and chunks[index - 1].op != "equal"
        after = index < last and chunks[index + 1].op != "equal"
        if before and after and len(chunk.text) <= 2 * context:
            text = chunk.text
        else:
            tail = "…" + chunk.text[-context:].lstrip() if len(chunk.text) > context else chunk.text
            head = chunk.text[:context].rstrip() + "…" if len(chunk.text) > context else chunk.text
            text = (head if before else "") + (" " if before and after else "") + (tail if after else "")
        if text:
            out.append(Chunk("equal", text))
            used += len(text)
    return out
