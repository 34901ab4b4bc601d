"""What the people who answer for a page see across the reps' versions of it: where they depart from the
published text, how many reps have one, and which changed lately."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from wiki.errors import require
from wiki.extensions import db
from wiki.models import Page, Revision, Tactic, User, Variant, VariantOffer, VariantRevision, tactic_pages
from wiki.services.permissions import is_lead, is_staff
from wiki.services.variant_reading import sees_every_version
from wiki.text.diff import Chunk, word_diff
from wiki.text.hunks import Hunk, label, line_hunks


@dataclass(frozen=True)
class DivergenceEntry:
    variant: Variant
    hunk: Hunk
    chunks: list[Chunk]  # the passage → the rep's text, word by word
    reaction: str  # what the customer said, when the rep sent the change back with it


@dataclass(frozen=True)
class Divergence:
    """One passage of the published text and the reps' versions that changed it."""

    passage: str
    label: str
    entries: list[DivergenceEntry]

    @property
    def count(self) -> int:
        return len(self.entries)


def reps_with_versions(user: User, page: Page) -> int | None:
    """How many people have their own version of the page, for those who answer for it (None for others)."""
    if not is_staff(user) or not sees_every_version(user, page):
        return None
    return db.session.execute(
        select(func.count(func.distinct(Variant.author_id))).where(Variant.page_id == page.id)
    ).scalar_one()


def divergence(user: User, page: Page) -> list[Divergence]:
    """Where the reps' versions depart from the published text, grouped by the passage they change, the
    most changed first: what the people who answer for the page should look at."""
    require(sees_every_version(user, page), "Only the tactic owner and the marketing leads see every version.")
    variants = list(
        db.session.execute(
            select(Variant).where(Variant.page_id == page.id).options(selectinload(Variant.author))
        ).scalars()
    )
    if not variants:
        return []
    heads = {
        text.variant_id: text
        for text in db.session.execute(
            select(VariantRevision)
            .join(
                Variant,
                and_(Variant.id == VariantRevision.variant_id, Variant.head_number == VariantRevision.number),
            )
            .where(Variant.page_id == page.id)
        ).scalars()
    }
    # The texts the versions started from, in the same query as their ids: each rep may have started from a
    # different published revision.
    bases = dict(
        db.session.execute(
            select(Revision.id, Revision.body).where(Revision.id.in_({v.base_revision_id for v in variants}))
        ).all()
    )
    reactions: dict[tuple[int, str, str], str] = {}
    for offer in db.session.execute(
        select(VariantOffer).join(Variant, Variant.id == VariantOffer.variant_id).where(Variant.page_id == page.id)
    ).scalars():
        if offer.reaction:
            reactions[(offer.variant_id, offer.passage, offer.replacement)] = offer.reaction
    groups: dict[str, list[DivergenceEntry]] = {}
    for variant in variants:
        for hunk in line_hunks(bases[variant.base_revision_id], heads[variant.id].body):
            reaction = reactions.get((variant.id, hunk.old, hunk.new), "")
            entry = DivergenceEntry(variant, hunk, word_diff(hunk.old, hunk.new), reaction)
            groups.setdefault(hunk.old.strip(), []).append(entry)
    found = [Divergence(passage, label(passage), entries) for passage, entries in groups.items()]
    return sorted(found, key=lambda group: (-group.count, group.label.lower()))


def recent_on_my_pages(user: User, limit: int = 6) -> list[Variant]:
    """For the dashboard: versions recently changed on the pages this person answers for."""
    if not is_staff(user):
        return []
    query = (
        select(Variant)
        .options(selectinload(Variant.author), selectinload(Variant.page).selectinload(Page.head))
        .order_by(Variant.updated_at.desc(), Variant.id.desc())
        .limit(limit)
    )
    if not is_lead(user):
        owned = (
            select(tactic_pages.c.page_id)
            .join(Tactic, Tactic.id == tactic_pages.c.tactic_id)
            .where(Tactic.owner_id == user.id)
        )
        query = query.where(Variant.page_id.in_(owned))
    return list(db.session.execute(query).scalars())
