"""Diffs between revisions, kept per process by the revisions they compare: a revision never changes, so neither
does a diff between two of them, and the diff page, the review page and their reloads all ask for the same few."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from wiki.cache import LRUCache
from wiki.extensions import db
from wiki.models import Revision
from wiki.text.attribution import Attributed, attribute
from wiki.text.diff import Chunk, DiffStats, Folded, Row, fold, side_by_side, stats, word_diff

# A 100 KB page's diff holds about twice its text, so this is a few megabytes at worst.
_inline: LRUCache[tuple[list[Chunk | Folded], DiffStats]] = LRUCache(capacity=64)
_side: LRUCache[list[Row]] = LRUCache(capacity=32)
_attributed: LRUCache[list[Chunk | Folded]] = LRUCache(capacity=32)


def inline(old: Revision, new: Revision) -> tuple[list[Chunk | Folded], DiffStats]:
    """The word diff old → new, folded for reading, and how many words it adds and removes."""

    def make() -> tuple[list[Chunk | Folded], DiffStats]:
        chunks = word_diff(old.body, new.body)
        return fold(chunks), stats(chunks)

    return _inline.get_or_make((old.id, new.id), make)


def side(old: Revision, new: Revision) -> list[Row]:
    return _side.get_or_make((old.id, new.id), lambda: side_by_side(old.body, new.body))


def attributed(base: Revision | None, newer: Sequence[Revision]) -> list[Attributed | Folded]:
    """The diff base → last of `newer` with each change credited to the revision number that made it, folded.

    `newer` are all the revisions after base, in order, with their bodies not loaded: they are fixed once
    written, so base and last name them, and only a diff not yet made reads the texts (in one query)."""

    def make() -> list[Attributed | Folded]:
        wanted = [r.id for r in newer] + ([base.id] if base is not None else [])
        bodies = dict(db.session.execute(select(Revision.id, Revision.body).where(Revision.id.in_(wanted))).all())
        return fold(attribute(bodies[base.id] if base else "", [(r.number, bodies[r.id]) for r in newer]))

    last = newer[-1].id if newer else None
    return _attributed.get_or_make((base.id if base is not None else None, last), make)
