"""The size cap and the two render budgets keep a hostile page from tying up a worker.

Each case is the worst shape we know for markdown-it-py, filled up to MAX_BODY_BYTES. How long they take is a
speed figure, not a test: `make bench` reports the slowest as render_worst_100kb_ms, timed in a fresh
interpreter next to an ordinary page of the same size. Here we check what doesn't depend on the machine: every
case renders, the budgets kick in, and the HTML stays proportional to the input.
"""

from __future__ import annotations

import re

import pytest

from wiki.text.render import MAX_BODY_BYTES, MAX_LINK_BRACKETS, MAX_TABLE_CELLS, render

N = MAX_BODY_BYTES
# The most HTML any case makes per byte of input: a 4-byte heading line becomes an <h1> with its id and source
# line, about 48 bytes. Anything far past this means something multiplied the input.
HTML_PER_INPUT_BYTE = 16


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


# Their tables have more cells than the budget, so they stop at it exactly; the rows after it show as text.
CUT_AT_THE_CELL_BUDGET = {
    "table of empty rows",
    "long table",
    "wide table",
    "tables of empty rows up to the cell limit",
}


def _table_cells(html: str) -> int:
    return len(re.findall(r"<t[hd][ >]", html))


@pytest.mark.parametrize("name", list(WORST))
def test_worst_case_input_at_the_size_cap_renders_within_the_budgets(name):
    text = WORST[name]
    assert len(text.encode()) <= MAX_BODY_BYTES
    html = render(text).html
    assert len(html) <= HTML_PER_INPUT_BYTE * len(text)
    assert _table_cells(html) <= MAX_TABLE_CELLS
    if name in CUT_AT_THE_CELL_BUDGET:
        assert _table_cells(html) == MAX_TABLE_CELLS
        assert "|" in html.rpartition("</table>")[2]
    if text.count("[") > MAX_LINK_BRACKETS:
        assert "<a " not in html and "<img" not in html
        assert html.count("[") == text.count("[")


def test_rows_past_the_table_cell_budget_are_still_shown():
    rows = "".join(f"|row {n}|x|\n" for n in range(MAX_TABLE_CELLS))
    html = render("|h|i|\n|-|-|\n" + rows).html
    assert html.count("<tr") == MAX_TABLE_CELLS // 2
    assert f"row {MAX_TABLE_CELLS - 1}" in html


def test_a_page_with_absurdly_many_brackets_shows_them_as_typed():
    html = render("[a link](https://example.com) " + "[" * (MAX_LINK_BRACKETS + 1)).html
    assert "<a " not in html
    assert "[a link](https://example.com)" in html
