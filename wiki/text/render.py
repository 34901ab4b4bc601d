"""Markdown to safe HTML.

Two walls: markdown-it-py with raw HTML off and a strict link check, then nh3 with an allow-list of
exactly what our Markdown produces. Block elements carry data-source-line (from markdown-it's token.map)
so a selection in the rendered page can be traced back to the source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_block.table import table as gfm_table
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

RENDERER_VERSION = "2"

# Chosen by measuring the worst inputs we know of (tests/text/test_render_limits.py) on a 2-core machine,
# together with the two limits below: every input up to this size renders in about a second. Realistic
# plans are 20–60 KB.
MAX_BODY_BYTES = 100 * 1024

# Deep nesting is both a rendering cost and never real writing.
MAX_NESTING = 20

# markdown-it spends ~20 µs on each table cell, and fills short rows up to the header's width, so 50,000
# one-character rows took 2.5 s. Past this many cells on a page, table rows show as plain text; a real
# plan has a few hundred.
MAX_TABLE_CELLS = 10_000

# Each "[" costs link and image parsing ~20 µs even when nothing closes it; a page with more than this
# many is not prose, so its brackets are shown as typed instead of parsed as links.
MAX_LINK_BRACKETS = 5_000

_BLOCKS_WITH_SOURCE = {
    "paragraph_open",
    "heading_open",
    "bullet_list_open",
    "ordered_list_open",
    "list_item_open",
    "blockquote_open",
    "table_open",
    "tr_open",
    "fence",
    "code_block",
    "hr",
}
_SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")

_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_SOURCE = {"data-source-line"}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "input": {"type", "checked", "disabled"},
    "li": _SOURCE,
    "ul": _SOURCE,
    "ol": {"start"} | _SOURCE,
    "code": {"class"},
    "pre": _SOURCE,
    "p": _SOURCE,
    "blockquote": _SOURCE,
    "table": _SOURCE,
    "tr": _SOURCE,
    "hr": _SOURCE,
    **{f"h{n}": {"id"} | _SOURCE for n in range(1, 7)},
}


_ALIGN = {"align-left", "align-center", "align-right"}
_CLASSES = {
    "th": _ALIGN,
    "td": _ALIGN,
    "input": {"task-list-item-checkbox"},
    "li": {"task-list-item"},
    "ul": {"contains-task-list"},
}


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]

    @property
    def show_toc(self) -> bool:
        """A contents box helps only on long pages: three or more section headings."""
        return sum(1 for heading in self.toc if 2 <= heading.level <= 3) >= 3


def _validate_link(url: str) -> bool:
    """Relative links and http(s)/mailto only. The url arrives with entities decoded by markdown-it."""
    cleaned = "".join(ch for ch in url if ch > " " and unicodedata.category(ch)[0] != "C").strip()
    match = _SCHEME.match(cleaned)
    if match is None:
        return True
    return match.group(1).lower() in _SAFE_SCHEMES


def _heading_id(text: str, used: dict[str, int]) -> str:
    """A readable, unique id; the per-base counter keeps thousands of equal headings linear."""
    base = re.sub(r"[^\w\- ]", "", unicodedata.normalize("NFKC", text).lower(), flags=re.UNICODE)
    base = re.sub(r"\s+", "-", base.strip()).strip("-")[:80] or "section"
    candidate = base
    while candidate in used:
        used[base] += 1
        candidate = f"{base}-{used[base]}"
    used[candidate] = used.get(candidate, 1)
    return candidate


def _source_lines_and_headings(state) -> None:
    """Core rule: tag blocks with their source line and give every heading a unique id."""
    used: dict[str, int] = {}
    headings: list[Heading] = []
    tokens: list[Token] = state.tokens
    for index, token in enumerate(tokens):
        if token.type in _BLOCKS_WITH_SOURCE and token.map:
            token.attrSet("data-source-line", str(token.map[0]))
        if token.type in {"th_open", "td_open"} and token.attrGet("style"):
            # The CSP refuses inline styles, so table alignment travels as a class.
            align = str(token.attrGet("style")).removeprefix("text-align:")
            del token.attrs["style"]
            token.attrSet("class", f"align-{align}")
        if token.type == "heading_open":
            inline = tokens[index + 1]
            text = "".join(child.content for child in (inline.children or []) if child.type in {"text", "code_inline"})
            heading_id = _heading_id(text, used)
            token.attrSet("id", heading_id)
            headings.append(Heading(level=int(token.tag[1]), id=heading_id, text=text))
    state.env["headings"] = headings


def _bounded_table(state, start_line: int, end_line: int, silent: bool) -> bool:
    """The GFM table rule, stopped where the page's cell budget runs out."""
    if start_line + 1 >= end_line:
        return False
    cells_left = state.env.get("table_cells_left", MAX_TABLE_CELLS)
    delimiter = state.src[state.bMarks[start_line + 1] + state.tShift[start_line + 1] : state.eMarks[start_line + 1]]
    columns = delimiter.strip().strip("|").count("|") + 1
    body_rows = cells_left // columns - 1
    if body_rows < 0:
        return False
    found = gfm_table(state, start_line, min(end_line, start_line + 2 + body_rows), silent)
    if found and not silent:
        state.env["table_cells_left"] = cells_left - columns * (state.line - start_line - 1)
    return found


def _parser(*, links: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING})
    md.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    md.enable(["table", "strikethrough"])
    if not links:
        md.disable(["link", "image", "reference"])
    md.use(tasklists_plugin, enabled=False)
    md.validateLink = _validate_link
    md.normalizeLink = normalizeLink
    md.core.ruler.push("source_lines_and_headings", _source_lines_and_headings)
    return md


_MD = _parser()
_MD_WITHOUT_LINKS = _parser(links=False)


def tokens(markdown: str) -> list:
    """The parsed Markdown as markdown-it tokens, with the same rules and limits as `render`, for callers that
    make something other than HTML of it (the summary email's plain-text part)."""
    parser = _MD if markdown.count("[") <= MAX_LINK_BRACKETS else _MD_WITHOUT_LINKS
    return parser.parse(markdown, {})


def render(markdown: str) -> Rendered:
    env: dict = {}
    parser = _MD if markdown.count("[") <= MAX_LINK_BRACKETS else _MD_WITHOUT_LINKS
    html = parser.render(markdown, env)
    safe = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SAFE_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        allowed_classes=_CLASSES,
        strip_comments=True,
    )
    return Rendered(html=safe, toc=tuple(env.get("headings", ())))
