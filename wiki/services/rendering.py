"""Rendered HTML per revision. A revision never changes, so its HTML is rendered once and kept."""

from __future__ import annotations

import threading
from collections import OrderedDict

from wiki.models import Revision
from wiki.text.render import RENDERER_VERSION, Rendered, render


class RenderCache:
    """A bounded, thread-safe LRU keyed by revision id (one per process)."""

    def __init__(self, capacity: int = 256):
        self.capacity = capacity
        self._items: OrderedDict[tuple[int, str], Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, revision: Revision) -> Rendered:
        key = (revision.id, RENDERER_VERSION)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        # Rendered outside the lock: two threads may race to render the same revision, which is harmless.
        rendered = render(revision.body)
        with self._lock:
            self._items[key] = rendered
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return rendered

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


cache = RenderCache()


def rendered(revision: Revision) -> Rendered:
    return cache.get(revision)
