"""Front matter: the few facts about a page written above its Markdown in an export, and read back on import.

It looks like YAML to people and other tools, but only a sliver of it: one `key: value` per line between two
`---` lines. We write every text value as a JSON string, which is also a valid YAML double-quoted string, so a
title with a colon, a quote or a newline reads back exactly; numbers are bare, a missing value is `null`. When
reading we also take bare and single-quoted values, as hand-written front matter (Jekyll, Hugo, Obsidian) has
them. Anything that isn't front matter of that shape is left in the body: a page may well start with a `---`
rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

FENCE = "---"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INTEGER = re.compile(r"-?[0-9]{1,18}")
MAX_LINES = 100

Value = str | int | None


@dataclass(frozen=True)
class Document:
    meta: dict[str, Value]
    body: str


def write(meta: dict[str, Value], body: str) -> str:
    """`body` with `meta` above it, keys in the order given."""
    lines = [FENCE]
    for key, value in meta.items():
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a front matter key: {key!r}")
        lines.append(f"{key}: {_written(value)}")
    lines.append(FENCE)
    return "\n".join(lines) + "\n" + body


def _written(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        raise TypeError("front matter holds text, whole numbers and null")
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def parse(text: str) -> Document:
    """The front matter and the body after it; no front matter (or something else between rules) is all body."""
    source = text.removeprefix("\ufeff")
    lines = source.split("\n")
    if lines[0].rstrip("\r") != FENCE:
        return Document({}, text)
    meta: dict[str, Value] = {}
    for number, raw in enumerate(lines[1 : MAX_LINES + 1], start=1):
        line = raw.rstrip("\r")
        if line.rstrip() == FENCE:
            return Document(meta, "\n".join(lines[number + 1 :]))
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parsed = _line(line)
        if parsed is None:
            return Document({}, text)
        meta[parsed[0]] = parsed[1]
    return Document({}, text)


def _line(line: str) -> tuple[str, Value] | None:
    key, colon, raw = line.partition(":")
    if not colon or not _KEY.fullmatch(key):
        return None
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return (key, value) if isinstance(value, str) else None
    if raw.startswith("'"):
        # YAML's single-quoted style: the only escape is a doubled quote.
        if len(raw) < 2 or not raw.endswith("'"):
            return None
        return key, raw[1:-1].replace("''", "'")
    if raw in ("", "null", "~"):
        return key, None
    if _INTEGER.fullmatch(raw):
        return key, int(raw)
    return key, raw


_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")
_TOP_HEADING = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


def first_heading(markdown: str) -> str:
    """The text of the first top-level (`# `) heading outside code blocks, or "" if there is none."""
    fenced = None
    for line in markdown.split("\n"):
        fence = _FENCE_LINE.match(line)
        if fence:
            fenced = None if fenced == fence.group(1) else (fenced or fence.group(1))
            continue
        if fenced is None and (heading := _TOP_HEADING.match(line.rstrip("\r"))):
            return heading.group(1).strip()
    return ""
