"""The size cap and the render budgets keep a hostile page from tying up a worker.

Each case is a worst shape we know for a Markdown renderer (markdown-it-py's, comrak's, or cmark's own
pathological tests), filled up to MAX_BODY_BYTES. How long they take is a speed figure, not a test: `make bench`
reports the slowest as render_worst_100kb_ms, timed in a fresh interpreter next to an ordinary page of the same
size. Here we check what doesn't depend on the machine: every case renders, the budgets kick in, and the HTML
stays proportional to the input.
"""

from __future__ import annotations

import re

import pytest

from wiki.text.render import (
    MAX_BLOCKS,
    MAX_BODY_BYTES,
    MAX_LINK_BRACKETS,
    MAX_NESTING,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    _shallow_quotes,
    render,
    tokens,
)

N = MAX_BODY_BYTES
# The most HTML any case makes per byte of input: the 6-byte line "- > a" becomes an item, a quote and a paragraph,
# each with its source line, about 115 bytes. Anything far past this means something multiplied the input.
HTML_PER_INPUT_BYTE = 20


def _fill(unit: str) -> str:
    return (unit * (N // len(unit) + 1))[:N]


def _table(columns: int, rows: str = "") -> str:
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + rows


WORST = {
    "open brackets": _fill("["),
    "image openers": _fill("!["),
    "link openers": _fill("[]("),
    "emphasis": _fill("*a"),
    "mixed emphasis": _fill("*_"),
    "nested strong emphasis": ("*a **a " * 7000 + "b" + " a** a*" * 7000)[:N],
    "emphasis inside links": _fill("[*a](b)*"),
    "strikethrough": _fill("~~a"),
    "backticks": _fill("`a"),
    "angle brackets": _fill("<"),
    "nested quotes": _fill(">"),
    "nested lists": _fill("- "),
    "a list and a quote in each other, on one line": _fill("- > ")[: N - 1] + "a",
    "paragraphs": _fill("a\n\n"),
    "loose list": _fill("- a\n\n"),
    "empty headings": _fill("#\n"),
    "empty list items": _fill("-\n"),
    "empty quotes": _fill(">\n\n"),
    "setext headings": _fill("a\n=\n"),
    "hard breaks": _fill("a  \n"),
    "thematic breaks": _fill("***\n"),
    "flat list": _fill("- a\n"),
    "ordered list": _fill("1. a\n"),
    "task list": _fill("- [ ] a\n"),
    "quoted paragraphs": _fill("> a\n\n"),
    "lists in quotes": _fill("> - a\n"),
    "quotes in list items": _fill("- > a\n"),
    "task lists in quotes": _fill("> - [x] a\n"),
    "reference uses": "[r]: /u\n\n" + _fill("[r] ")[: N - 10],
    "reference definitions": "".join(f"[r{i}]: /u{i}\n" for i in range(N // 12))[:N],
    "table of empty rows": ("a|b\n-|-\n" + _fill("|\n"))[:N],
    "long table": ("|a|b|\n|-|-|\n" + _fill("|x|y|\n"))[:N],
    "table rows of one letter": ("a|b\n-|-\n" + _fill("x\n"))[:N],
    "table rows of one letter under a wide header": _table(MAX_TABLE_COLUMNS, _fill("x\n"))[:N],
    "wide table": _table(2000, _fill("|" + "a|" * 2000 + "\n"))[:N],
    "header 25,000 columns wide": _table(25_000)[:N],
    "table 4,000 columns wide with rows": _table(4000, _fill("|" + "a|" * 4000 + "\n"))[:N],
    "wide table in a quote": ("> |" + "a|" * 20_000 + "\n> |" + "-|" * 20_000 + "\n")[:N],
    "headings": _fill("# a\n"),
    "headings of links": _fill("# [a](b)\n"),
    "task items of links": _fill("- [x] [a](b)\n"),
    "distinct headings": "".join(f"# h{i}\n" for i in range(N // 6))[:N],
    "entities": _fill("&amp;"),
    "backslashes": _fill("\\"),
    "fences": _fill("```\n"),
    "autolinks": _fill("<http://"),
    "everything": _fill("[*_`<>!|"),
    "image openers up to the bracket limit": ("![" * MAX_LINK_BRACKETS + _fill("*a"))[:N],
    "tables of empty rows up to the cell limit": _fill("a|b\n-|-\n" + "|\n" * 100 + "\n"),
    "wide header over empty rows": (_table(60) + _fill("|\n"))[:N],
}

_NESTING_TAG = re.compile(r"<(/?)(?:blockquote|ul|ol|li|em|strong|s|a)\b")


def _depth(html: str) -> int:
    depth = deepest = 0
    for slash in _NESTING_TAG.findall(html):
        depth += -1 if slash else 1
        deepest = max(deepest, depth)
    return deepest


def _widest_row(html: str) -> int:
    return max((len(re.findall(r"<t[hd][ >]", row)) for row in html.split("<tr")), default=0)


@pytest.mark.parametrize("name", list(WORST))
def test_worst_case_input_at_the_size_cap_renders_within_the_budgets(name):
    text = WORST[name]
    assert len(text.encode()) <= MAX_BODY_BYTES
    html = render(text).html
    assert len(html) <= HTML_PER_INPUT_BYTE * len(text)
    assert _depth(html) <= MAX_NESTING
    assert _widest_row(html) <= MAX_TABLE_COLUMNS
    assert html.count("data-source-line") <= MAX_BLOCKS + 1


def test_a_table_wider_than_the_column_budget_shows_as_typed_and_so_do_the_pages_other_tables():
    too_wide = _table(MAX_TABLE_COLUMNS + 1, "|" + "b|" * (MAX_TABLE_COLUMNS + 1) + "\n")
    html = render("|x|y|\n|-|-|\n|1|2|\n\n" + too_wide + "\nAfter\n").html
    assert "<table" not in html
    assert "|a|a|" in html and "|-|-|" in html and "|b|b|" in html and "|x|y|" in html
    assert '<p data-source-line="8">After</p>' in html


def test_a_table_as_wide_as_the_column_budget_is_a_table():
    html = render(_table(MAX_TABLE_COLUMNS, "|" + "b|" * MAX_TABLE_COLUMNS + "\n")).html
    assert len(re.findall("<th[ >]", html)) == MAX_TABLE_COLUMNS and html.count("<td") == MAX_TABLE_COLUMNS


def test_tables_of_more_cells_than_the_budget_show_as_typed():
    # Two columns, so every row, the header too, counts two cells (a one-letter row is filled up to two).
    rows = MAX_TABLE_CELLS // 2
    assert "<table" in render("a|b\n-|-\n" + "x\n" * (rows - 1)).html
    html = render("a|b\n-|-\n" + "x\n" * rows).html
    assert "<table" not in html and "a|b\n-|-\nx\nx" in html


def test_past_the_block_budget_the_rest_of_the_page_shows_as_typed():
    page = "".join(f"Paragraph {n}.\n\n" for n in range(MAX_BLOCKS + 5))
    html = render(page).html
    assert html.count("<p ") == MAX_BLOCKS
    assert f'<p data-source-line="{2 * MAX_BLOCKS - 2}">Paragraph {MAX_BLOCKS - 1}.</p>' in html
    rest = "".join(f"Paragraph {n}.\n\n" for n in range(MAX_BLOCKS, MAX_BLOCKS + 5))
    assert html.endswith(f'<pre data-source-line="{2 * MAX_BLOCKS}">{rest}</pre>')


def test_a_page_of_as_many_blocks_as_the_budget_renders_whole():
    html = render("".join(f"Paragraph {n}.\n\n" for n in range(MAX_BLOCKS))).html
    assert html.count("<p ") == MAX_BLOCKS and "<pre" not in html


def test_quotes_nested_past_the_budget_keep_their_words_at_the_deepest_level():
    html = render(">" * (MAX_NESTING + 10) + " deep words\n\nAfter\n").html
    assert html.count("<blockquote") == MAX_NESTING
    assert "deep words" in html and '<p data-source-line="2">After</p>' in html


def test_a_line_opening_more_quotes_than_the_budget_loses_the_extra_markers_before_parsing():
    # What keeps 100 KB of ">" from becoming 6 MB of HTML for nh3 to read (it took a minute).
    assert _shallow_quotes("> " * (MAX_NESTING + 5) + "a\nb > c\n") == "> " * MAX_NESTING + "a\nb > c\n"


def test_lists_and_quotes_nested_past_the_budget_keep_their_words():
    html = render("- > " * 15 + "deep words\n").html
    assert _depth(html) == MAX_NESTING
    assert "deep words" in html


def test_emphasis_nested_past_the_budget_keeps_its_words():
    html = render("**a " * 30 + "b" + " c**" * 30).html
    assert _depth(html) == MAX_NESTING
    assert html.count("a ") == 30 and html.count(" c") == 30 and "b" in html


# The summary email's plain text is made from markdown-it tokens, which have budgets of their own.


def _inline_text(markdown: str) -> list[str]:
    return [token.content for token in tokens(markdown) if token.type == "inline"]


def test_plain_text_tokens_of_table_rows_past_the_cell_budget_are_still_there():
    rows = "".join(f"|row {n}|x|\n" for n in range(MAX_TABLE_CELLS))
    parsed = tokens("|h|i|\n|-|-|\n" + rows)
    assert sum(1 for token in parsed if token.type == "tr_open") == MAX_TABLE_CELLS // 2
    assert any(f"row {MAX_TABLE_CELLS - 1}" in text for text in _inline_text("|h|i|\n|-|-|\n" + rows))


def test_plain_text_tokens_of_a_page_with_absurdly_many_brackets_keep_them_as_typed():
    markdown = "[a link](https://example.com) " + "[" * (MAX_LINK_BRACKETS + 1)
    inline = next(token for token in tokens(markdown) if token.type == "inline")
    assert not any(child.type == "link_open" for child in inline.children)
    assert inline.children[0].content.startswith("[a link](https://example.com)")


def test_plain_text_tokens_take_the_task_markers_off_list_items():
    assert _inline_text("- [x] done\n- [ ] open\n- [y] not a task\n") == ["done", "open", "[y] not a task"]
