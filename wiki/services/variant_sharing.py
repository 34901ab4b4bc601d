"""A rep shares their version with colleagues in the field, who read it but never change it."""

from __future__ import annotations

from sqlalchemy import select

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, require
from wiki.extensions import db
from wiki.models import NotificationKind, Role, User, Variant, VariantShare, utcnow
from wiki.services import inbox
from wiki.services.permissions import can_change_variant
from wiki.services.variant_reading import shared_with


def share_candidates(variant: Variant) -> list[User]:
    """The reps a version can be shared with: the council and leads who answer for the page see it already."""
    taken = {variant.author_id} | set(shared_with(variant))
    people = db.session.execute(
        select(User).where(User.active.is_(True), User.role == Role.FIELD).order_by(User.name)
    ).scalars()
    return [person for person in people if person.id not in taken]


def share(user: User, variant: Variant, person_id: int | None) -> User:
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can share it.")
    person = db.session.get(User, person_id) if person_id is not None else None
    if person is None or not person.active or person.role != Role.FIELD:
        raise BadInput("Choose a colleague in the field to share your version with.", field="person")
    if person.id == variant.author_id:
        raise BadInput("This version is already yours.", field="person")
    with write_transaction() as session:
        variant = lock_row(session, select(Variant).where(Variant.id == variant.id))
        if session.get(VariantShare, (variant.id, person.id)) is None:
            session.add(VariantShare(variant_id=variant.id, user_id=person.id, shared_at=utcnow()))
            # The colleague may be in the field: the page is named by its published title.
            inbox.notify(
                session,
                [person.id],
                NotificationKind.VARIANT,
                user,
                variant.page,
                f"{user.name} shared their version for “{variant.name}” of “{variant.page.published.title}” with you",
            )
    return person


def unshare(user: User, variant: Variant, person_id: int) -> None:
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can share it.")
    with write_transaction() as session:
        session.execute(
            VariantShare.__table__.delete().where(
                VariantShare.variant_id == variant.id, VariantShare.user_id == person_id
            )
        )
