"""Markdown to safe HTML.

Two walls: comrak (CommonMark and GitHub's tables, strikethrough and task lists) with raw HTML escaped, so it
shows as typed, and every link and image address checked; then nh3 with an allow-list of exactly what our
Markdown produces. Block elements carry data-source-line (from comrak's source positions) so a selection in the
rendered page can be traced back to the source. Each table sits in a scroll box a keyboard can reach and a screen
reader can name, and each task's checkbox is named by its task's words (issue 16).

comrak is compiled (Rust), and with the budgets below the slowest hostile 100 KB page we know renders in about
a tenth of a second where markdown-it-py took one to two, and 100 KB of task items where markdown-it-py's
task-list plugin took 23 s (tests/text/test_render_limits.py lists the shapes, `make bench` times them); an
ordinary plan takes a fifth of the time it did. The summary email's plain text still walks markdown-it tokens
(`tokens`), which keep budgets of their own.
"""

from __future__ import annotations

import html as html_entities
import re
import unicodedata
from dataclasses import dataclass
from itertools import accumulate, islice
from typing import NamedTuple

import comrak
import nh3
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.rules_block.table import table as gfm_table
from markdown_it.token import Token

RENDERER_VERSION = "4"

# Realistic plans are 20–60 KB; every shape in tests/text/test_render_limits.py renders in well under 250 ms
# at this size on a 2-core machine.
MAX_BODY_BYTES = 100 * 1024

# Deep nesting is both a rendering cost and never real writing: nh3 took a minute over 100,000 nested quotes.
# Quotes, lists, list items, emphasis and links past this depth show their text at this depth.
MAX_NESTING = 20

# comrak parses a table's header, and each of its rows, in time quadratic in the table's width (25,000 columns
# took 0.9 s), and fills every row up to the header's width: 50,000 one-letter rows under a 100-column header
# made 214 MB of HTML in 3 s. A page with a table wider than MAX_TABLE_COLUMNS, or more than MAX_TABLE_CELLS
# cells in its tables, shows its tables as the text they were typed as; a plan's tables have a few columns and
# a few hundred cells. (`tokens` keeps the first MAX_TABLE_CELLS cells as tables and the rest as text.)
MAX_TABLE_COLUMNS = 100
MAX_TABLE_CELLS = 10_000

# Each block (a paragraph, heading, item, quote or table row) costs about 5 µs from parsing to nh3: 51,200
# empty headings took 0.3 s on a busy machine. A dense 100 KB plan has 4,000 blocks, 100 KB of company names
# as a list 8,500; past this many, the rest of the page shows as the text it was typed as.
MAX_BLOCKS = 10_000

# For `tokens` only. Each "[" costs markdown-it's link and image parsing ~20 µs even when nothing closes it; a
# page with more than this many is not prose, so its brackets stay text instead of being parsed as links.
MAX_LINK_BRACKETS = 5_000

_SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_PRINTABLE_ASCII = re.compile(r"[!-~]*")

_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
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
    "input": {"type", "checked", "disabled", "aria-label"},
    "div": {"aria-label"},
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
# The one div is a table's scroll box, and the only values it takes are these.
_ATTRIBUTE_VALUES = {"div": {"role": {"region"}, "tabindex": {"0"}}}


_SIDES = ("left", "center", "right")
_ALIGN = {f"align-{side}" for side in _SIDES}
_CLASSES = {
    "th": _ALIGN,
    "td": _ALIGN,
    "input": {"task-list-item-checkbox"},
    "div": {"table-scroll"},
    "li": {"task-list-item"},
    "ul": {"contains-task-list"},
    "ol": {"contains-task-list"},
}


class Heading(NamedTuple):
    # A tuple rather than a frozen dataclass: a page can have 25,000 headings, made in less than half the time.
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
    """Relative links and http(s)/mailto only. The url arrives with entities decoded by the parser."""
    if _PRINTABLE_ASCII.fullmatch(url):
        # Nothing to clean, and the loop below costs a microsecond a character.
        cleaned = url
    else:
        cleaned = "".join(ch for ch in url if ch > " " and unicodedata.category(ch)[0] != "C").strip()
    match = _SCHEME.match(cleaned)
    if match is None:
        return True
    return match.group(1).lower() in _SAFE_SCHEMES


_NOT_IN_ID = re.compile(r"[^\w\- ]")
_SPACES = re.compile(r"\s+")


def _id_base(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("-", _NOT_IN_ID.sub("", text.lower()).strip()).strip("-")[:80] or "section"


def _heading_id(text: str, used: dict[str, int], bases: dict[str, str]) -> str:
    """A readable, unique id; the per-base counter keeps thousands of equal headings linear."""
    base = bases.get(text)
    if base is None:
        base = bases[text] = _id_base(text)
    candidate = base
    while candidate in used:
        used[base] += 1
        candidate = f"{base}-{used[base]}"
    used[candidate] = used.get(candidate, 1)
    return candidate


# Rendering ---------------------------------------------------------------------------------------------
# comrak's HTML is made by comrak alone: every "<" of the page's text arrives as "&lt;" and every quote in an
# attribute as "&quot;", so the patterns below can only meet comrak's own tags. nh3 still checks the result.


class _CheckedUrls(dict):
    """Every link and image address of a page goes through here, each once (25,000 uses of one reference cost
    15 ms more one by one); a refused one becomes empty, and `render` drops it."""

    def __missing__(self, url: str) -> str:
        checked = self[url] = url if _validate_link(url) else ""
        return checked


def _extensions(*, tables: bool) -> comrak.ExtensionOptions:
    extensions = comrak.ExtensionOptions()
    extensions.table = tables
    extensions.strikethrough = True
    extensions.tasklist = True
    checked = _CheckedUrls().__getitem__
    extensions.link_url_rewriter = checked
    extensions.image_url_rewriter = checked
    return extensions


_OUTPUT = comrak.RenderOptions()
_OUTPUT.escape = True
_OUTPUT.sourcepos = True
_OUTPUT.tasklist_classes = True
# No newlines between tags: nh3's time goes by the node, and they were a fifth of the nodes.
_OUTPUT.compact_html = True

# A table's delimiter row: cells of dashes (with colons for alignment) and at least one pipe, after any ">" of
# quotes. Possessive (*+, ++, ?+) throughout: a line of 16,000 spaces made a plain version backtrack for 5 s.
_CELL = r":?-++:?[ \t]*+"
_DELIMITER_ROW = re.compile(
    rf"^(?:[ \t]*+>)*+[ \t]*+(\|[ \t]*+{_CELL}(?:\|[ \t]*+{_CELL})*+\|?+|{_CELL}(?:\|[ \t]*+{_CELL})++\|?+|{_CELL}\|)"
    r"[ \t]*+$",
    re.MULTILINE,
)
_DEEP_QUOTE = re.compile(rf"^((?:[ \t]*+>){{{MAX_NESTING}}})(?:[ \t]*+>)++", re.MULTILINE)
_NESTING_TAG = re.compile(r"(</?(?:blockquote|ul|ol|li|em|strong|del|a)\b[^>]*>)")
_NESTING_SLASH = re.compile(r"<(/?)(?:blockquote|ul|ol|li|em|strong|del|a)\b")
_STEP = {"": 1, "/": -1}
_BLOCK_SOURCE = re.compile(
    r'(<(?:p|h[1-6]|ul|ol|li|blockquote|table|tr|pre|hr)(?: class="[^"]*")?) data-sourcepos="(\d+):[^"]*"'
)
_INLINE_SOURCE = re.compile(r' data-sourcepos="[^"]*"')
_HEADING = re.compile(r'<h([1-6]) data-source-line="(\d+)">(.*?)</h\1>', re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_REPLACEMENTS = (
    # nh3 lets no align attribute through, and the CSP no style: alignment travels as a class.
    *((f'<{cell} align="{side}"', f'<{cell} class="align-{side}"') for cell in ("th", "td") for side in _SIDES),
    # <del> is a diff's deletion in our stylesheet.
    ("<del>", "<s>"),
    ("</del>", "</s>"),
    # A refused (or empty) address is no link.
    ('<a href=""', "<a"),
    ('<img src=""', "<img"),
)


def _tables_within_the_budgets(markdown: str) -> bool:
    """Whether the page's tables are within MAX_TABLE_COLUMNS and MAX_TABLE_CELLS, counted before parsing, by
    excess: every delimiter row is taken for a table, and every line up to the next empty one for its row."""
    if "|" not in markdown or "-" not in markdown:
        return True
    cells = 0
    last = len(markdown.rstrip("\n"))
    # Each table counted adds a cell at least, so the loop stops within MAX_TABLE_CELLS turns.
    for row in _DELIMITER_ROW.finditer(markdown):
        delimiter = row.group(1).strip()
        columns = delimiter.count("|") + 1 - delimiter.startswith("|") - delimiter.endswith("|")
        end = markdown.find("\n\n", row.end())
        rows = markdown.count("\n", row.end(), last if end < 0 else end)
        cells += columns * (rows + 1)
        if columns > MAX_TABLE_COLUMNS or cells > MAX_TABLE_CELLS:
            return False
    return True


def _shallow_quotes(markdown: str) -> str:
    """One line can open any number of quotes, and comrak's HTML for 100,000 of them is 6 MB: a line's ">" past
    MAX_NESTING go before parsing, as `_flattened` would drop their tags after, only sooner."""
    if markdown.count(">") <= MAX_NESTING:
        return markdown
    return _DEEP_QUOTE.sub(r"\1", markdown)


def _flattened(html: str) -> str:
    """Tags nested deeper than MAX_NESTING dropped, with their content kept, open and close alike."""
    depths = list(accumulate(map(_STEP.__getitem__, _NESTING_SLASH.findall(html))))
    if not depths or max(depths) <= MAX_NESTING:
        return html
    pieces = _NESTING_TAG.split(html)
    # A tag's depth is the one inside it: after an opening tag, before a closing one.
    for index, depth in enumerate(depths):
        tag = pieces[2 * index + 1]
        if (depth if tag[1] != "/" else depth + 1) > MAX_NESTING:
            pieces[2 * index + 1] = ""
    return "".join(pieces)


class _LineAttributes(dict):
    """comrak's line (from 1) to our attribute (from 0), made once per line: an item, its quote and its paragraph
    often share one."""

    def __missing__(self, line: str) -> str:
        attribute = self[line] = f' data-source-line="{int(line) - 1}"'
        return attribute


def _source_lines(html: str) -> str:
    """comrak's data-sourcepos ("line:column-line:column") on blocks becomes data-source-line, as the page's
    script expects; on inline elements it goes."""
    pieces = _BLOCK_SOURCE.split(html)
    pieces[2::3] = map(_LineAttributes().__getitem__, pieces[2::3])
    return _INLINE_SOURCE.sub("", "".join(pieces))


def _with_heading_ids(html: str) -> tuple[str, tuple[Heading, ...]]:
    pieces = _HEADING.split(html)
    used: dict[str, int] = {}
    bases: dict[str, str] = {}
    headings: list[Heading] = []
    out = [pieces[0]]
    for index in range(1, len(pieces), 4):
        level, line, inner, after = pieces[index : index + 4]
        text = _ANY_TAG.sub("", inner) if "<" in inner else inner
        if "&" in text:
            text = html_entities.unescape(text)
        heading_id = _heading_id(text, used, bases)
        headings.append(Heading(int(level), heading_id, text))
        out.append(f'<h{level} data-source-line="{line}" id="{heading_id}">{inner}</h{level}>{after}')
    return "".join(out), tuple(headings)


# A task's checkbox and the task's words up to where its first block ends: its paragraph, its item, or a list or
# other block inside the item. Possessive throughout, so 100 KB of task items is one pass.
_TASK = re.compile(
    r'<input type="checkbox" class="task-list-item-checkbox"( checked="")? disabled="" />'
    r"((?:[^<]++|<(?!/li>|/p>|[uo]l |blockquote|pre|table|h[1-6]|hr))*+)"
)
_IMAGE_ALT = re.compile(r'<img [^>]*?alt="([^"]*)"[^>]*>')
# A checkbox's name is read out each time a reader reaches it, and the task's words follow it anyway.
MAX_TASK_NAME = 200


class _TaskNames(dict):
    """A task's words (as HTML) to its checkbox's name (escaped for an attribute), made once for equal words."""

    def __missing__(self, words: str) -> str:
        text = _ANY_TAG.sub("", _IMAGE_ALT.sub(r"\1", words)) if "<" in words else words
        name = " ".join(html_entities.unescape(text).split())
        if len(name) > MAX_TASK_NAME:
            name = name[: MAX_TASK_NAME - 1].rstrip() + "…"
        label = self[words] = html_entities.escape(name or "Task")
        return label


def _named_tasks(html: str) -> str:
    """A checkbox alone says only "checked" or "not checked": named by its task, it says which task is done."""
    if "task-list-item-checkbox" not in html:
        return html
    pieces = _TASK.split(html)
    names = map(_TaskNames().__getitem__, pieces[2::3])
    pieces[1::3] = [
        f'<input type="checkbox" class="task-list-item-checkbox"{checked or ""} disabled="" aria-label="{name}" />'
        for checked, name in zip(pieces[1::3], names, strict=True)
    ]
    return "".join(pieces)


_SCROLL_BOX = '<div class="table-scroll" role="region" aria-label="Table {}" tabindex="0"><table '


def _scroll_boxes(html: str) -> str:
    """A wide table scrolls inside its own box rather than widening the page; the box takes the keyboard's focus
    (so its arrow keys scroll it) and tells a screen reader which table it holds."""
    if "<table " not in html:
        return html
    pieces = html.split("<table ")
    boxed = [pieces[0]]
    for number, piece in enumerate(pieces[1:], start=1):
        boxed.append(_SCROLL_BOX.format(number))
        boxed.append(piece)
    # GitHub's tables hold only inline content, so every </table> closes the last box opened.
    return "".join(boxed).replace("</table>", "</table></div>")


def _first_line_past_the_block_budget(html: str) -> int | None:
    # Inline elements have a data-sourcepos too, so most pages need no closer look.
    if html.count(" data-sourcepos=") <= MAX_BLOCKS:
        return None
    past = next(islice(_BLOCK_SOURCE.finditer(html), MAX_BLOCKS, None), None)
    return None if past is None else int(past.group(2)) - 1


def render(markdown: str) -> Rendered:
    # Line ends as CommonMark counts them, so that every line number below is comrak's.
    markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
    parsed = _shallow_quotes(markdown)
    extensions = _extensions(tables=_tables_within_the_budgets(parsed))
    html = comrak.render_markdown(parsed, extension_options=extensions, render_options=_OUTPUT)
    tail = ""
    cut = _first_line_past_the_block_budget(html)
    if cut is not None:
        # `_shallow_quotes` keeps every line where it was, so one line number cuts both texts at the same place.
        head = "\n".join(parsed.split("\n", cut)[:cut])
        html = comrak.render_markdown(head, extension_options=extensions, render_options=_OUTPUT)
        rest = markdown.split("\n", cut)[cut]
        tail = f'<pre data-source-line="{cut}">{html_entities.escape(rest, quote=False)}</pre>'
    html, headings = _with_heading_ids(_source_lines(_flattened(html)))
    for comraks, ours in _REPLACEMENTS:
        html = html.replace(comraks, ours)
    html = _scroll_boxes(_named_tasks(html))
    safe = nh3.clean(
        html + tail,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        url_schemes=_SAFE_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        allowed_classes=_CLASSES,
        strip_comments=True,
    )
    return Rendered(html=safe, toc=headings)


# Tokens for plain text ---------------------------------------------------------------------------------

_TASK_MARKER = re.compile(r"\[[ xX]\][ \t\n\v\f\r]+")


def _task_markers(state) -> None:
    """Core rule: "[ ] " or "[x] " opening a list item is its checkbox, not its words. (mdit-py-plugins'
    tasklists does this too, but looks for each item's list by scanning back: 23 s for 100 KB of items.)"""
    tokens: list[Token] = state.tokens
    for index in range(2, len(tokens)):
        token = tokens[index]
        if (
            token.type == "inline"
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
            and token.children
            and token.children[0].type == "text"
        ):
            marker = _TASK_MARKER.match(token.children[0].content)
            if marker is not None:
                token.children[0].content = token.children[0].content[marker.end() :]
                token.content = token.content[marker.end() :]


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
    md.validateLink = _validate_link
    md.normalizeLink = normalizeLink
    md.core.ruler.after("inline", "task_markers", _task_markers)
    return md


_MD = _parser()
_MD_WITHOUT_LINKS = _parser(links=False)


def tokens(markdown: str) -> list:
    """The parsed Markdown as markdown-it tokens, for callers that make something other than HTML of it (the
    summary email's plain-text part): the same Markdown as `render`, task-list markers taken off the items."""
    parser = _MD if markdown.count("[") <= MAX_LINK_BRACKETS else _MD_WITHOUT_LINKS
    return parser.parse(markdown, {})
