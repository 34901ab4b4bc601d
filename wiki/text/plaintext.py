"""Plain text for places that don't render Markdown: feed entries, a page's description. (Search snippets are the
full-text index's, see wiki/text/search_text.py.)"""

from __future__ import annotations

import re
from html import unescape

# XML 1.0 refuses these code points even as character references; one in an edit summary would break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def first_words(html: str, limit: int = 160) -> str:
    """The first paragraph of rendered HTML as plain words, cut after a word within `limit` characters: what a
    page's `<meta name="description">` says (search engines and link previews show about that much)."""
    found = _FIRST_PARAGRAPH.search(html)
    if found is None:
        return ""
    words = " ".join(unescape(_TAG.sub("", found.group(1))).split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0] + "…"
