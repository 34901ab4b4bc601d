"""Renaming and deleting a rep's own version, and what its address says once it is gone.

Deleting removes the version's text, revisions and shares for good. The changes it sent back are the page's
suggestions and comments now, so they stay; their link to the version answers 410 with a sentence saying it
was removed, for the people who can read those suggestions and for its author."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from wiki.db import lock_row, write_transaction
from wiki.errors import NotFound, WikiError, require
from wiki.extensions import db
from wiki.models import Page, User, Variant, VariantOffer, utcnow
from wiki.models.variants import RemovedVariant
from wiki.services.permissions import can_change_variant, can_hear_variant_removed
from wiki.services.variant_reading import no_such_version
from wiki.services.variants import check_name, get_variant


class VersionRemoved(WikiError):
    status = 410
    title = "This version was removed"


@dataclass(frozen=True)
class WhatGoes:
    """For the confirmation step: what deleting takes away, and what stays."""

    revisions: int
    shared_with: int
    sent_back: int  # suggestions and comments on the original, which stay


def rename(user: User, variant: Variant, name: str) -> Variant:
    """A new client or segment name; the suggestions it already sent keep the name they were sent with."""
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can rename it.")
    name = check_name(name)
    with write_transaction() as session:
        variant = lock_row(session, select(Variant).where(Variant.id == variant.id))
        if variant is None:
            raise no_such_version()
        variant.name = name
    return variant


def what_goes(user: User, variant: Variant) -> WhatGoes:
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can delete it.")
    sent = db.session.execute(
        select(func.count(VariantOffer.id)).where(VariantOffer.variant_id == variant.id)
    ).scalar_one()
    return WhatGoes(revisions=variant.head_number, shared_with=len(variant.shares), sent_back=sent)


def remove(user: User, variant: Variant) -> None:
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can delete it.")
    with write_transaction() as session:
        variant = lock_row(session, select(Variant).where(Variant.id == variant.id))
        if variant is None:
            raise no_such_version()
        session.add(
            RemovedVariant(id=variant.id, page_id=variant.page_id, author_id=variant.author_id, removed_at=utcnow())
        )
        # Its revisions and what it sent back (the record, not the threads) go with it, by the database's cascade.
        session.delete(variant)


def readable_variant(user: User, page: Page, variant_id: int) -> Variant:
    """The version, or for a removed one a 410 that says so to those it may be said to; to anyone else a
    removed version answers like one that never existed."""
    try:
        return get_variant(user, page, variant_id)
    except NotFound:
        removed = db.session.execute(
            select(RemovedVariant).where(RemovedVariant.id == variant_id, RemovedVariant.page_id == page.id)
        ).scalar_one_or_none()
        if removed is None or not can_hear_variant_removed(user, removed.author_id):
            raise
    who = "You" if removed.author_id == user.id else "Its author"
    raise VersionRemoved(
        f"{who} removed this version on {removed.removed_at.strftime('%d %b %Y')}. The changes sent back from it "
        "stay on the page as suggestions."
    )
