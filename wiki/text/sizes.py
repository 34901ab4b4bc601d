"""File sizes as people read them in messages ("195 KB", "50.0 MB")."""

from __future__ import annotations


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
