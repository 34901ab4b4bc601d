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
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

RENDERER_VERSION = "1"

# Chosen by measuring the worst inputs we know of (tests/text/test_render_limits.py): every input up to
# this size renders in under 1.5 s on a 2-core machine (the worst: tables of empty rows, runs of "!["),
# where 200 KB took over 2 s. Realistic plans are 20–60 KB.
MAX_BODY_BYTES = 100 * 1024

# Deep nesting is both a rendering cost and never real writing.
MAX_NESTING = 20

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


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin, enabled=False)
    md.validateLink = _validate_link
    md.normalizeLink = normalizeLink
    md.core.ruler.push("source_lines_and_headings", _source_lines_and_headings)
    return md


_MD = _parser()


def render(markdown: str) -> Rendered:
    env: dict = {}
    html = _MD.render(markdown, env)
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
