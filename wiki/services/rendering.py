"""Rendered HTML per revision. A revision never changes, so its HTML is rendered once and kept."""

from __future__ import annotations

from wiki.cache import LRUCache
from wiki.models import Revision
from wiki.text.render import RENDERER_VERSION, Rendered, render

cache: LRUCache[Rendered] = LRUCache(capacity=256)


def rendered(revision: Revision) -> Rendered:
    return cache.get_or_make((revision.id, RENDERER_VERSION), lambda: render(revision.body))
