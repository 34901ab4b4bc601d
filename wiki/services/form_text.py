"""Text people type into a form, checked the same way wherever it is stored."""

from __future__ import annotations

from wiki.errors import BadInput


def one_line(value: str | None) -> str:
    """The text on one line, its runs of white space (new lines included) folded into single spaces."""
    return " ".join((value or "").split())


def checked_line(value: str | None, *, field: str, label: str, limit: int, missing: str) -> str:
    """A required one-line value (a name, a prompt): folded onto one line, at most `limit` characters, and
    storable. `label` starts the sentences that say what is wrong; `missing` is said when it is empty."""
    line = one_line(value)
    if not line:
        raise BadInput(missing, field=field)
    if len(line) > limit:
        raise BadInput(f"{label} can be at most {limit:,} characters; yours has {len(line):,}.", field=field)
    if "\x00" in line:
        raise BadInput(f"{label} contains NUL characters, which can't be stored.", field=field)
    return line
