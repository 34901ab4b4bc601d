"""Markdown made fit for an email: links that work in a mail client, and plain text that reads as words.

A mail client has no page to resolve `/p/fy27-plan` against, and a plain-text reader should not see `**65 or
more**` or `### Slide 12`: emphasis goes, headings and list items become lines, and each link becomes a numbered
reference listed at the end, the way mail programs have always shown them.
"""

from __future__ import annotations

import re

from wiki.text.render import tokens

_RELATIVE = re.compile(r'\b(href|src)="(/(?!/)[^"]*)"')


def absolute_links(html: str, site: str) -> str:
    """Links and images that name a path on this site (`/p/fy27-plan`) made absolute against `site`."""
    return _RELATIVE.sub(lambda found: f'{found.group(1)}="{site}{found.group(2)}"', html)


def _absolute(url: str, site: str) -> str:
    return site + url if url.startswith("/") and not url.startswith("//") else url


def markdown_as_text(markdown: str, site: str, *, references: bool = True) -> str:
    """The Markdown as plain text: words, one block per paragraph, list items as "- " or "1. " lines, table rows
    with " | " between cells, and links as "text [1]" with "[1] https://…" listed at the end (or, without
    `references`, as their text alone: for comparing two versions' words)."""
    numbered: list[str] = []
    # (text, group): the items of one list, or the rows of one table, share a group and stay on adjacent lines.
    blocks: list[tuple[str, int | None]] = []
    groups = 0
    lists: list[list] = []  # [ordered, next number] per open list
    quote_depth = 0
    line: list[str] = []
    cells: list[str] = []
    in_cell = False

    def inline(children) -> str:
        out, pending = [], []
        for child in children:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type == "softbreak":
                out.append(" ")
            elif child.type == "hardbreak":
                out.append("\n")
            elif child.type == "link_open":
                pending.append(_absolute(child.attrGet("href") or "", site))
            elif child.type == "link_close" and pending:
                numbered.append(pending.pop())
                out.append(f" [{len(numbered)}]" if references else "")
            elif child.type == "image":
                numbered.append(_absolute(child.attrGet("src") or "", site))
                out.append(f"{child.content or 'image'}" + (f" [{len(numbered)}]" if references else ""))
        return "".join(out)

    def push(text: str, prefix: str = "", group: int | None = None) -> None:
        quoted = "> " * quote_depth
        lines = [f"{prefix if i == 0 else ' ' * len(prefix)}{part}" for i, part in enumerate(text.split("\n"))]
        blocks.append(("\n".join(quoted + part for part in lines), group))

    item_prefix = ""
    for token in tokens(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open", "table_open"):
            groups += 1
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1), groups])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number, _ = lists[-1]
            indent = "  " * (len(lists) - 1)
            item_prefix = f"{indent}{number}. " if ordered else f"{indent}- "
            lists[-1][1] = number + 1
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline":
            text = inline(token.children or [])
            (cells if in_cell else line).append(text)
        elif kind in ("paragraph_close", "heading_close"):
            text = "".join(line).strip()
            line.clear()
            if text:
                # A nested list stays with the list it is in.
                push(text, item_prefix, lists[0][2] if lists else None)
                item_prefix = ""
        elif kind == "tr_close":
            push(" | ".join(cells), group=groups)
            cells.clear()
        elif kind in ("fence", "code_block"):
            push("\n".join("    " + part for part in token.content.rstrip("\n").split("\n")))
        elif kind == "hr":
            push("----")
    text = _join(blocks)
    if references and numbered:
        text += "\n\n" + "\n".join(f"[{n}] {url}" for n, url in enumerate(numbered, start=1))
    return text


def marked(chunks) -> str:
    """A word diff in plain text, marked the way wdiff marks it: {+inserted+} and [-deleted-]."""
    marks = {"insert": "{+%s+}", "delete": "[-%s-]"}
    return "".join(marks[chunk.op] % chunk.text if chunk.op in marks else chunk.text for chunk in chunks)


def _join(blocks: list[tuple[str, int | None]]) -> str:
    out, previous = "", None
    for text, group in blocks:
        together = group is not None and group == previous
        out += ("\n" if together else "\n\n" if out else "") + text
        previous = group
    return out
