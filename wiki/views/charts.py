"""Geometry for the server-drawn SVG charts: the template only places what is computed here."""

from __future__ import annotations

from dataclasses import dataclass

from wiki.services.activity import Contribution

KINDS = (
    ("edits", "Edits"),
    ("accepted_suggestions", "Accepted suggestions"),
    ("resolved_threads", "Resolved threads"),
)

# The longest bar's share of its row, in percent: the rest is room for its total beside it.
LONGEST = 88.0


@dataclass(frozen=True)
class Segment:
    kind: str
    label: str
    count: int
    x: float  # percent of the row
    width: float  # percent of the row


@dataclass(frozen=True)
class Bar:
    name: str
    represents: str
    total: int
    segments: tuple[Segment, ...]
    end: float  # percent of the row where the bar ends, and its total begins


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    kinds: tuple[tuple[str, str], ...] = KINDS


def contribution_chart(rows: list[Contribution]) -> BarChart:
    """Stacked horizontal bars, one per council member, scaled to the most active one.

    In percent of a row rather than in the units of one drawing: the names are the page's text beside the bars,
    not text inside a picture that shrinks with it (at a card's width they came out at 9 px)."""
    most = max((row.total for row in rows), default=0) or 1
    bars = []
    for row in rows:
        x = 0.0
        segments = []
        for kind, label in KINDS:
            count = getattr(row, kind)
            span = LONGEST * count / most
            if count:
                segments.append(Segment(kind, label, count, round(x, 2), round(span, 2)))
            x += span
        bars.append(Bar(row.member.name, row.represents, row.total, tuple(segments), round(x, 2)))
    return BarChart(tuple(bars))
