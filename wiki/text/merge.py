"""Three-way merge of concurrent edits, diff3 on lines (as MediaWiki does).

Edits to different lines merge; edits to the same or adjacent lines are a conflict for a person to
resolve. Never a fuzzy guess: a hunk placed in the wrong spot is worse than asking.
"""

from __future__ import annotations

from dataclasses import dataclass

from merge3 import Merge3


@dataclass(frozen=True)
class Conflict:
    base: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class MergeResult:
    text: str | None
    conflicts: tuple[Conflict, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").splitlines(keepends=True)


def merge(base: str, mine: str, theirs: str) -> MergeResult:
    if mine == theirs:
        return MergeResult(mine, ())
    base_lines, my_lines, their_lines = _lines(base), _lines(mine), _lines(theirs)
    merger = Merge3(base_lines, my_lines, their_lines)
    out: list[str] = []
    conflicts: list[Conflict] = []
    for group in merger.merge_groups():
        kind = group[0]
        if kind in ("unchanged", "a", "same"):
            out.extend(group[1])
        elif kind == "b":
            out.extend(group[1])
        else:
            _, base_part, my_part, their_part = group
            conflicts.append(Conflict("".join(base_part), "".join(my_part), "".join(their_part)))
    if conflicts:
        return MergeResult(None, tuple(conflicts))
    return MergeResult("".join(out), ())
