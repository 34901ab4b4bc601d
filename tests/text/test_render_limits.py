"""The size cap is chosen so that no accepted page takes more than 2 seconds to render.

Each case is the worst shape we know for markdown-it-py, filled up to MAX_BODY_BYTES. This is the one
timing assertion in the suite: the product promises it (a hostile page must not tie up a worker). The cases
are timed in a fresh interpreter, as a worker renders them: late in a long test run the process's own heap
makes the garbage collector, not the renderer, double the time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wiki.text.render import MAX_BODY_BYTES, MAX_LINK_BRACKETS, MAX_TABLE_CELLS, render

N = MAX_BODY_BYTES


def _fill(unit: str) -> str:
    return (unit * (N // len(unit) + 1))[:N]


WORST = {
    "open brackets": _fill("["),
    "image openers": _fill("!["),
    "link openers": _fill("[]("),
    "emphasis": _fill("*a"),
    "mixed emphasis": _fill("*_"),
    "backticks": _fill("`a"),
    "angle brackets": _fill("<"),
    "nested quotes": _fill(">"),
    "nested lists": _fill("- "),
    "reference uses": "[r]: /u\n\n" + _fill("[r] ")[: N - 10],
    "reference definitions": "".join(f"[r{i}]: /u{i}\n" for i in range(N // 12))[:N],
    "table of empty rows": ("a|b\n-|-\n" + _fill("|\n"))[:N],
    "long table": ("|a|b|\n|-|-|\n" + _fill("|x|y|\n"))[:N],
    "wide table": (("|" + "a|" * 2000 + "\n" + "|" + "-|" * 2000 + "\n") + _fill("|" + "a|" * 2000 + "\n"))[:N],
    "headings": _fill("# a\n"),
    "entities": _fill("&amp;"),
    "backslashes": _fill("\\"),
    "fences": _fill("```\n"),
    "autolinks": _fill("<http://"),
    "everything": _fill("[*_`<>!|"),
    "image openers up to the bracket limit": ("![" * MAX_LINK_BRACKETS + _fill("*a"))[:N],
    "tables of empty rows up to the cell limit": _fill("a|b\n-|-\n" + "|\n" * 100 + "\n"),
    "wide header over empty rows": ("|" + "a|" * 60 + "\n|" + "-|" * 60 + "\n" + _fill("|\n"))[:N],
}


def _time_every_case() -> dict[str, float]:
    seconds = {}
    for name, text in WORST.items():
        started = time.perf_counter()
        render(text)
        seconds[name] = time.perf_counter() - started
    return seconds


@pytest.fixture(scope="module")
def render_seconds() -> dict[str, float]:
    script = "import json, tests.text.test_render_limits as limits; print(json.dumps(limits._time_every_case()))"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(WORST))
def test_worst_case_input_at_the_size_cap_renders_within_two_seconds(name, render_seconds):
    assert len(WORST[name].encode()) <= MAX_BODY_BYTES
    assert render_seconds[name] < 2.0, f"{name}: {render_seconds[name]:.2f} s"


def test_rows_past_the_table_cell_budget_are_still_shown():
    rows = "".join(f"|row {n}|x|\n" for n in range(MAX_TABLE_CELLS))
    html = render("|h|i|\n|-|-|\n" + rows).html
    assert html.count("<tr") == MAX_TABLE_CELLS // 2
    assert f"row {MAX_TABLE_CELLS - 1}" in html


def test_a_page_with_absurdly_many_brackets_shows_them_as_typed():
    html = render("[a link](https://example.com) " + "[" * (MAX_LINK_BRACKETS + 1)).html
    assert "<a " not in html
    assert "[a link](https://example.com)" in html
