"""Reading an old revision of a rep's own version; who may see the version is checked when it is found."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wiki.errors import NotFound
from wiki.extensions import db
from wiki.models import Variant, VariantRevision


def revision_of(variant: Variant, number: int) -> VariantRevision:
    found = db.session.execute(
        select(VariantRevision)
        .where(VariantRevision.variant_id == variant.id, VariantRevision.number == number)
        .options(selectinload(VariantRevision.author), selectinload(VariantRevision.upstream))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"This version has no revision #{number}; its newest is #{variant.head_number}.")
    return found
