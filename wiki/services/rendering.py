"""Rendered HTML kept per process: a revision's (it never changes) and a page's margin of threads (keyed by
the page's discussion version, so any change to a thread makes a new key). And previews, which aren't kept."""

from __future__ import annotations

import re

from markupsafe import Markup

from wiki.cache import LRUCache
from wiki.models import Revision
from wiki.text.render import RENDERER_VERSION, Rendered, render

cache: LRUCache[Rendered] = LRUCache(capacity=256)
margins: LRUCache[Markup] = LRUCache(capacity=512)

# A preview sits in a page with ids of its own (the editor's `title`, `body`, `summary`), which a heading such as
# "Summary" would take and so steal the field's label. No template gives an id starting with this.
PREVIEW_IDS = "preview-of-"
_HEADING_ID = re.compile(r'(<h[1-6]\b[^>]*? id=")')
_FRAGMENT_LINK = re.compile(r'(<a\b[^>]*? href="#)')


def rendered(revision: Revision) -> Rendered:
    return cache.get_or_make((revision.id, RENDERER_VERSION), lambda: render(revision.body))


def preview(markdown: str) -> Rendered:
    """The text as it will read, with its headings' ids (and the links to them) apart from the page's."""
    made = render(markdown)
    html = _FRAGMENT_LINK.sub(rf"\g<1>{PREVIEW_IDS}", _HEADING_ID.sub(rf"\g<1>{PREVIEW_IDS}", made.html))
    return Rendered(html=html, toc=tuple(heading._replace(id=PREVIEW_IDS + heading.id) for heading in made.toc))
