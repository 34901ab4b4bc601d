"""The text tests hold re-anchoring to its rules, not to this machine's speed on a given day."""

from __future__ import annotations

import pytest

from wiki.text import anchor


@pytest.fixture(autouse=True)
def unhurried_alignment(monkeypatch):
    # In the app a diff gets 30 ms and then settles for a coarser answer (more orphans, never a wrong anchor);
    # on a busy CI machine a realistic edit could run out of that, and a score would depend on the load.
    monkeypatch.setattr(anchor, "_DIFF_TIMEOUT", 60.0)
