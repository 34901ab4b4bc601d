"""Full-text search on plain strings: the text the index reads of a page, what a typed query asks for, and the
snippets the database marks up.

The query is parsed here, never handed to the database's own query language, so no input (a stray quote, NEAR,
AND/OR/NOT, a column filter, a lone *) can make a search fail: every term becomes a quoted phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What the database puts around the words it matched in a snippet. Neither can be in indexed text (searchable()
# removes them), so splitting on them never cuts a word a person wrote.
MARK_START = "\x02"
MARK_END = "\x03"
# PostgreSQL's parser takes "<script>" for an HTML tag, which it neither indexes nor shows in a snippet; here text is
# never HTML, so the index reads "<" followed by this (which no indexed text holds either), and snippets drop it.
TAG_BREAK = "\x01"
# The index reads at most this much of one page, comment or file part: PostgreSQL refuses a tsvector over 1 MB,
# and no hostile text of 100,000 characters comes near that.
MAX_INDEXED_CHARS = 100_000

# A quoted phrase (the closing quote may be missing, a * after it makes its last word a prefix) or a bare word.
_CHUNK = re.compile(r'"([^"]*)(?:"|$)(\*)?|([^\s"]+)')
# A letter or digit: a term without one asks for nothing the index holds.
_WORD = re.compile(r"[^\W_]+")

_FENCE = re.compile(r"^[ \t]*(?:```|~~~).*$", re.M)
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.M)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_LINE_MARKUP = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|\[[ xX]\][ \t]+)+", re.M)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$", re.M)
_UNDERSCORES = re.compile("_+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MARKS = re.compile(f"[{TAG_BREAK}{MARK_START}{MARK_END}]")


@dataclass(frozen=True)
class Term:
    """One thing every result must contain: a word, or words in this order (a phrase)."""

    text: str  # as typed, without its quotes or trailing *
    prefix: bool = False  # its last word stands for every word that begins with it

    @property
    def last_word(self) -> re.Match[str]:
        return list(_WORD.finditer(self.text))[-1]

    @property
    def needle(self) -> str:
        """How the term's first word likely begins wherever it occurs, in lower case: the word without the ending
        stemming takes off ("pric" of "pricing", which also begins "price"), or a prefix as typed."""
        word = _WORD.search(self.text).group().lower()
        if self.prefix and len(_WORD.findall(self.text)) == 1:
            return word
        return word[: max(4, len(word) - 3)]


def parse_query(typed: str) -> tuple[Term, ...]:
    """The terms of a query: words, "quoted phrases" and prefixes (camp*); a result must contain them all.

    Anything else is just text: operators of the database's query language (NEAR, OR, column:) are words like any
    other, and punctuation separates words as it does in the text. Terms with no letter or digit are dropped, and
    a prefix of one letter is taken as the word itself (it would stand for most of the index)."""
    terms = []
    # A NUL ends an FTS5 string early; it is no part of a word anywhere.
    for match in _CHUNK.finditer(typed.replace("\x00", " ")):
        quoted, quoted_star, bare = match.groups()
        if quoted is not None:
            text, prefix = quoted, quoted_star is not None
        else:
            text = bare.rstrip("*")
            prefix = text != bare
        words = _WORD.findall(text)
        if not words:
            continue
        terms.append(Term(text.strip(), prefix and len(words[-1]) > 1))
    return tuple(terms)


def fts5_query(terms: tuple[Term, ...], column: str | None = None, any_term: bool = False) -> str:
    """The terms in SQLite FTS5's syntax: each a double-quoted string (FTS5 tokenizes it as it did the text, and
    nothing inside one is an operator), all of them required, or any one of them; in one column if given."""
    phrases = [
        (f"{column} : " if column else "") + '"' + term.text.replace('"', '""') + '"' + (" *" if term.prefix else "")
        for term in terms
    ]
    return (" OR " if any_term else " ").join(phrases)


def searchable(markdown: str) -> str:
    """Roughly how a page reads, for the index and its snippets: Markdown's marks, link targets and code fences
    dropped, whitespace made single spaces. Linear in the text (regular expressions only), so indexing a long page
    costs little beside saving it."""
    text = _FENCE.sub(" ", markdown)
    text = _LINK_DEFINITION.sub(" ", text)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _LINE_MARKUP.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    # Emphasis, strike-through and code marks go; table cells are words apart.
    text = text.replace("*", "").replace("`", "").replace("~~", "").replace("|", " ")
    if "_" in text:
        text = _UNDERSCORES.sub(_emphasis_underscores, text)
    return index_text(text)


def _emphasis_underscores(match: re.Match[str]) -> str:
    """Underscores around words are emphasis; inside a word (pricing_table) they are the word's own."""
    source, start, end = match.string, match.start(), match.end()
    inside = 0 < start and end < len(source) and source[start - 1].isalnum() and source[end].isalnum()
    return match.group() if inside else ""


def index_text(text: str, limit: int | None = MAX_INDEXED_CHARS) -> str:
    """Text for the index as it is (file text, a comment, a title): single spaces, no snippet marks, and at most
    `limit` characters (None for all of it, to be cut into parts by the caller)."""
    if limit is not None:
        text = text[: limit * 2]
    text = " ".join(_MARKS.sub(" ", text).split())
    return text if limit is None else text[:limit]


@dataclass(frozen=True)
class Marked:
    """A title or snippet with the matched words picked out, as (text, matched) parts for a template to wrap the
    matches in <mark> and escape everything."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)

    @property
    def matches(self) -> tuple[str, ...]:
        return tuple(text for text, matched in self.parts if matched)


def marked(text: str, before: bool = False, after: bool = False) -> Marked:
    """Split text the database marked with MARK_START/MARK_END; `before`/`after` add "…" where it was cut. Matches
    with only spaces between them are one ("credit union" marked once, not twice)."""
    parts: list[tuple[str, bool]] = [("…", False)] if before else []
    for index, piece in enumerate(re.split(f"{MARK_START}|{MARK_END}", text.replace(TAG_BREAK, ""))):
        if not piece:
            continue
        matched = index % 2 == 1
        if matched and len(parts) >= 2 and parts[-2][1] and not parts[-1][1] and not parts[-1][0].strip():
            piece = parts[-2][0] + parts[-1][0] + piece
            del parts[-2:]
        elif matched and parts and parts[-1][1]:
            piece = parts.pop()[0] + piece
        parts.append((piece, matched))
    if after:
        parts.append(("…", False))
    return Marked(tuple(parts))
