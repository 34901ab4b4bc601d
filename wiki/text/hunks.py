"""The changes between two texts as passages of the old one: what a reviewer can accept one by one.

Line-based, like the merge, so a hunk is a whole line or paragraph of Markdown. A pure insertion has no
passage of its own; it is attached to the line before it (or after it, at the very top) so every hunk
changes some text of the old version and can be anchored there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Hunk:
    start: int  # where the passage starts in the old text
    old: str  # the passage of the old text
    new: str  # what the new text has instead

    @property
    def end(self) -> int:
        return self.start + len(self.old)

    @property
    def key(self) -> str:
        """Names this exact change, so a form can say which hunks it means and notice when they moved."""
        digest = hashlib.sha256(f"{self.start}\x00{self.old}\x00{self.new}".encode()).hexdigest()
        return digest[:16]


def _blank(line: str) -> bool:
    return not line.strip()


def line_hunks(old: str, new: str) -> list[Hunk]:
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:
            if any(not _blank(line) for line in a[:i1]):
                # Back over blank lines to the last line with words: that is what the addition follows.
                while True:
                    i1, j1 = i1 - 1, j1 - 1
                    if not _blank(a[i1]):
                        break
            elif i2 < len(a):
                i2, j2 = i2 + 1, j2 + 1
            else:
                continue  # the old text is empty: there is no passage to attach it to
        if spans and i1 < spans[-1][1]:
            spans[-1][1], spans[-1][3] = i2, j2
        else:
            spans.append([i1, i2, j1, j2])
    hunks = []
    for i1, i2, j1, j2 in spans:
        passage, replacement = "".join(a[i1:i2]), "".join(b[j1:j2])
        # Line breaks both end with are not part of the change, and a passage reads better without them.
        while passage.endswith("\n") and replacement.endswith("\n") and passage[:-1].strip():
            passage, replacement = passage[:-1], replacement[:-1]
        hunks.append(Hunk(offsets[i1], passage, replacement))
    return hunks


def label(passage: str, limit: int = 80) -> str:
    """A short name for a passage: its first line with words, without Markdown's leading marks."""
    for line in passage.splitlines():
        words = line.strip().lstrip("#>*-+ ").strip()
        if words:
            return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
    return "(blank lines)"
