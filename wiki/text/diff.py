"""Word-level diffs for reading changes: inline with folded context, or side by side."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch

Op = Literal["equal", "insert", "delete"]
_OPS: dict[int, Op] = {0: "equal", 1: "insert", -1: "delete"}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
# Tokens are encoded as single characters; start past the control characters to keep them printable.
_FIRST_CODE = 0x100


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


@dataclass(frozen=True)
class DiffStats:
    inserted_words: int
    deleted_words: int


def _differ() -> diff_match_patch:
    dmp = diff_match_patch()
    # A diff that takes longer than this falls back to a coarser (still correct) answer.
    dmp.Diff_Timeout = 1.0
    return dmp


def _encode(tokens: list[str], table: dict[str, str]) -> str:
    out = []
    for token in tokens:
        code = table.get(token)
        if code is None:
            code = chr(_FIRST_CODE + len(table))
            table[token] = code
        out.append(code)
    return "".join(out)


def word_diff(old: str, new: str) -> list[Chunk]:
    """Diff on words, spaces and punctuation: each token is one character to diff-match-patch."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    table: dict[str, str] = {}
    if len(set(old_tokens) | set(new_tokens)) > 0x10FFFF - _FIRST_CODE:
        return _merge_adjacent(_raw_diff(old, new))
    encoded_old, encoded_new = _encode(old_tokens, table), _encode(new_tokens, table)
    decode = {code: token for token, code in table.items()}
    dmp = _differ()
    diffs = dmp.diff_main(encoded_old, encoded_new, False)
    dmp.diff_cleanupSemantic(diffs)
    return _merge_adjacent([Chunk(_OPS[op], "".join(decode[c] for c in text)) for op, text in diffs])


def _raw_diff(old: str, new: str) -> list[Chunk]:
    dmp = _differ()
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    return [Chunk(_OPS[op], text) for op, text in diffs]


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
    dmp = _differ()
    old_chars, new_chars, lines = dmp.diff_linesToChars(old, new)
    diffs = dmp.diff_main(old_chars, new_chars, False)
    dmp.diff_charsToLines(diffs, lines)
    rows: list[Row] = []
    left_no = right_no = 0
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        nonlocal left_no, right_no
        for i in range(max(len(deleted), len(inserted))):
            left = deleted[i] if i < len(deleted) else None
            right = inserted[i] if i < len(inserted) else None
            if left is not None and right is not None:
                words = word_diff(left, right)
                left_chunks = [c for c in words if c.op != "insert"]
                right_chunks = [c for c in words if c.op != "delete"]
            else:
                left_chunks = [Chunk("delete", left)] if left is not None else []
                right_chunks = [Chunk("insert", right)] if right is not None else []
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
        deleted.clear()
        inserted.clear()

    for op, text in diffs:
        text_lines = text.splitlines()
        if op == -1:
            deleted.extend(text_lines)
        elif op == 1:
            inserted.extend(text_lines)
        else:
            flush()
            for line in text_lines:
                left_no += 1
                right_no += 1
                rows.append(Row([Chunk("equal", line)], [Chunk("equal", line)], left_no, right_no))
    flush()
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
