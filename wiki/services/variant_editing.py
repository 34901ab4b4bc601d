"""Making a rep's version from the published text, saving their edits (merging an edit made from an older
revision of the version), and bringing in a newer published revision of the original."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.models import Page, Revision, User, Variant, VariantOrigin, VariantRevision, utcnow
from wiki.services.form_text import checked_line
from wiki.services.pages import check_text, normalise_body
from wiki.services.permissions import can_change_variant, can_make_variant
from wiki.services.variant_reading import head, no_such_version
from wiki.text.merge import Conflict as MergeConflict
from wiki.text.merge import merge

MAX_NAME = 120


@dataclass(eq=False)
class VariantConflict(Conflict):
    """The author saved this version from another tab meanwhile, on the same lines: their text travels
    with the error, so the conflict page can put it back in the editor."""

    variant: Variant
    mine: str
    summary: str
    head: VariantRevision
    upstream_number: int | None = None

    def __post_init__(self) -> None:
        Conflict.__init__(
            self,
            f"You saved #{self.head.number} of this version from another window while editing here, and both "
            "changed the same lines. Your text is below; combine the two and save again.",
        )


@dataclass(eq=False)
class UpdateConflict(Conflict):
    """The newer published text and the rep's changes touch the same lines: nothing is merged, nothing lost."""

    variant: Variant
    head: VariantRevision
    published: Revision
    conflicts: tuple[MergeConflict, ...] = field(default=())

    def __post_init__(self) -> None:
        Conflict.__init__(
            self,
            f"Revision {self.published.number} of the original changed the same lines you changed, so it can't "
            "be brought in by itself. Your version is unchanged. Below are both sides of each overlap: edit "
            "your text to combine them and save; it will then be based on the new revision.",
        )


@dataclass(frozen=True)
class SaveOutcome:
    revision: VariantRevision | None
    merged: bool = False

    @property
    def unchanged(self) -> bool:
        return self.revision is None


def check_name(name: str | None) -> str:
    """The client or segment a version is for, on one line, as it is stored."""
    return checked_line(
        name,
        field="name",
        label="The name",
        limit=MAX_NAME,
        missing="Name the client or segment this version is for, e.g. “Mutual insurer, Nantes”.",
    )


def make_variant(user: User, page: Page, name: str) -> Variant:
    """A private copy of the published text; never the draft head, whoever asks."""
    require(can_make_variant(user, page), "You can make your own version of a published page only.")
    name = check_name(name)
    with write_transaction() as session:
        page = session.get(Page, page.id)
        published = page.published
        if published is None:
            raise NotFound(f"There is no page called “{page.slug}”.")
        now = utcnow()
        variant = Variant(
            page_id=page.id,
            author_id=user.id,
            name=name,
            base_revision_id=published.id,
            head_number=1,
            created_at=now,
            updated_at=now,
        )
        session.add(variant)
        session.flush()
        session.add(
            VariantRevision(
                variant_id=variant.id,
                number=1,
                body=published.body,
                author_id=user.id,
                created_at=now,
                summary=f"Started from revision {published.number}",
                upstream_revision_id=published.id,
                origin=VariantOrigin.START,
            )
        )
    return variant


def _append(session, variant: Variant, user: User, body: str, summary: str, base_number: int | None, origin):
    now = utcnow()
    revision = VariantRevision(
        variant_id=variant.id,
        number=variant.head_number + 1,
        body=body,
        summary=summary,
        author_id=user.id,
        created_at=now,
        base_number=base_number,
        upstream_revision_id=variant.base_revision_id,
        origin=origin,
    )
    session.add(revision)
    variant.head_number = revision.number
    variant.updated_at = now
    return revision


def save(
    user: User, variant: Variant, body: str, summary: str, base_number: int | None, upstream_number: int | None = None
) -> SaveOutcome:
    """Save the author's edit. An edit started from an older revision of the version merges with what was
    saved since, or raises VariantConflict. With `upstream_number`, the text is the author's combination of
    their version and that (now published) revision of the original, which the version is then based on."""
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can change it.")
    body = normalise_body(body or "")
    summary = (summary or "").strip()
    check_text(body, summary)
    if base_number is None or not 1 <= base_number <= variant.head_number:
        raise BadInput(f"The base must be a revision of this version, from 1 to {variant.head_number}.")
    with write_transaction() as session:
        variant = lock_row(session, select(Variant).where(Variant.id == variant.id))
        if variant is None:
            raise no_such_version()  # deleted from another tab a moment ago
        current = head(variant)
        merged = False
        if upstream_number is not None:
            published = variant.page.published
            if published is None or published.number != upstream_number:
                raise Conflict(
                    "The original's published revision changed again while you were combining; "
                    "your version is unchanged. Bring in the update once more."
                )
            variant.base_revision_id = published.id
        if base_number != variant.head_number:
            older = session.execute(
                select(VariantRevision.body).where(
                    VariantRevision.variant_id == variant.id, VariantRevision.number == base_number
                )
            ).scalar_one()
            result = merge(older, body, current.body)
            if not result.clean:
                raise VariantConflict(variant, body, summary, current, upstream_number)
            body, merged = result.text, True
        if body == current.body and upstream_number is None:
            return SaveOutcome(None)
        if upstream_number is not None:
            summary = summary or f"Brought in revision {upstream_number} of the original"
        origin = VariantOrigin.UPDATE if upstream_number else VariantOrigin.MERGE if merged else VariantOrigin.EDIT
        revision = _append(session, variant, user, body, summary, base_number, origin)
    return SaveOutcome(revision, merged)


def bring_in_update(user: User, variant: Variant) -> VariantRevision:
    """Three-way merge: what changed in the original since the version's base, on top of the rep's text."""
    require(can_change_variant(user, variant.author_id), "Only the person who made this version can update it.")
    with write_transaction() as session:
        variant = lock_row(session, select(Variant).where(Variant.id == variant.id))
        if variant is None:
            raise no_such_version()
        published = variant.page.published
        if published is None or published.id == variant.base_revision_id:
            raise Conflict("Your version already has the newest published text of the original.")
        current = head(variant)
        result = merge(variant.base.body, current.body, published.body)
        if not result.clean:
            raise UpdateConflict(variant, current, published, result.conflicts)
        variant.base_revision_id = published.id
        return _append(
            session,
            variant,
            user,
            result.text,
            f"Brought in revision {published.number} of the original",
            current.number,
            VariantOrigin.UPDATE,
        )
