"""Plain text for places that don't render Markdown: feed entries. (Search snippets are the full-text index's, see
wiki/text/search_text.py.)"""

from __future__ import annotations

import re

# XML 1.0 refuses these code points even as character references; one in an edit summary would break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)
