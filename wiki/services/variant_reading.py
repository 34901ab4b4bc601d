"""Finding a rep's version for a reader, its revisions, and the list of a page's versions.

A version is its author's and the colleagues they share it with; the people who answer for the page read
them all. To anyone else it doesn't exist."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from wiki.errors import NotFound, require
from wiki.extensions import db
from wiki.models import Page, Revision, User, Variant, VariantRevision, VariantShare
from wiki.services.permissions import answers_for_page, can_change_variant, can_see_variant
from wiki.services.tactics import page_owners


@dataclass(frozen=True)
class VariantRow:
    variant: Variant
    mine: bool
    behind: bool  # a newer revision of the original is published than the one it is based on


def no_such_version() -> NotFound:
    # The same words for a version that doesn't exist and one this reader may not see.
    return NotFound("There is no such version of this page.")


def shared_with(variant: Variant) -> frozenset[int]:
    """The ids of the colleagues the author shared the version with."""
    return frozenset(share.user_id for share in variant.shares)


def get_variant(user: User, page: Page, variant_id: int) -> Variant:
    variant = db.session.execute(
        select(Variant)
        .where(Variant.id == variant_id, Variant.page_id == page.id)
        .options(selectinload(Variant.shares).selectinload(VariantShare.user), selectinload(Variant.author))
    ).scalar_one_or_none()
    if variant is None or not can_see_variant(user, variant.author_id, shared_with(variant), page_owners(page)):
        raise no_such_version()
    return variant


def own_variant(user: User, page: Page, variant_id: int) -> Variant:
    """The version, for its author to change; a colleague it is shared with is told they can only read it."""
    variant = get_variant(user, page, variant_id)
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can change it.")
    return variant


def head(variant: Variant) -> VariantRevision:
    return db.session.execute(
        select(VariantRevision).where(
            VariantRevision.variant_id == variant.id, VariantRevision.number == variant.head_number
        )
    ).scalar_one()


def revisions(variant: Variant) -> list[VariantRevision]:
    return list(
        db.session.execute(
            select(VariantRevision)
            .where(VariantRevision.variant_id == variant.id)
            .order_by(VariantRevision.number.desc())
            .options(selectinload(VariantRevision.author))
        ).scalars()
    )


def sees_every_version(user: User, page: Page) -> bool:
    return answers_for_page(user, page_owners(page))


def visible_variants(user: User, page: Page) -> list[VariantRow]:
    """The versions of a page this reader may see: their own first, then the newest changed."""
    query = (
        select(Variant)
        .where(Variant.page_id == page.id)
        .options(selectinload(Variant.author), selectinload(Variant.base), selectinload(Variant.shares))
        .order_by(Variant.updated_at.desc(), Variant.id.desc())
    )
    if not sees_every_version(user, page):
        shared = select(VariantShare.variant_id).where(VariantShare.user_id == user.id)
        query = query.where(or_(Variant.author_id == user.id, Variant.id.in_(shared)))
    rows = [
        VariantRow(v, v.author_id == user.id, v.base_revision_id != page.published_revision_id)
        for v in db.session.execute(query).scalars()
    ]
    return sorted(rows, key=lambda row: not row.mine)


def diff_base(variant: Variant) -> tuple[Revision, VariantRevision]:
    """The published revision the version is based on, and the version's current text."""
    return variant.base, head(variant)


def upstream_revision(variant: Variant, page: Page) -> Revision | None:
    """The newer published revision of the original, when there is one to bring in."""
    if page.published is None or page.published_revision_id == variant.base_revision_id:
        return None
    return page.published
