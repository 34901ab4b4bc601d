"""Rendered HTML kept per process: a revision's (it never changes) and a page's margin of threads (keyed by
the page's discussion version, so any change to a thread makes a new key)."""

from __future__ import annotations

from markupsafe import Markup

from wiki.cache import LRUCache
from wiki.models import Revision
from wiki.text.render import RENDERER_VERSION, Rendered, render

cache: LRUCache[Rendered] = LRUCache(capacity=256)
margins: LRUCache[Markup] = LRUCache(capacity=512)


def rendered(revision: Revision) -> Rendered:
    return cache.get_or_make((revision.id, RENDERER_VERSION), lambda: render(revision.body))
