"""Geometry for the server-drawn SVG charts: the template only places what is computed here."""

from __future__ import annotations

from dataclasses import dataclass

from wiki.services.activity import Contribution

KINDS = (
    ("edits", "Edits"),
    ("accepted_suggestions", "Accepted suggestions"),
    ("resolved_threads", "Resolved threads"),
)


@dataclass(frozen=True)
class Segment:
    kind: str
    label: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    y: int
    name: str
    represents: str
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    kinds: tuple[tuple[str, str], ...] = KINDS


def contribution_chart(rows: list[Contribution], width: int = 640, label_width: int = 200) -> BarChart:
    """Stacked horizontal bars, one per council member, scaled to the most active one."""
    bar_height, gap, top = 22, 14, 8
    room = width - label_width - 40
    most = max((row.total for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        x = float(label_width)
        segments = []
        for kind, label in KINDS:
            count = getattr(row, kind)
            span = room * count / most
            if count:
                segments.append(Segment(kind, label, count, round(x, 1), round(span, 1)))
            x += span
        bars.append(
            Bar(top + index * (bar_height + gap), row.member.name, row.represents, row.total, tuple(segments))
        )
    height = top + len(rows) * (bar_height + gap)
    return BarChart(width, max(height, 40), label_width, bar_height, tuple(bars))
