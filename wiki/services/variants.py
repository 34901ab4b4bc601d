"""Reps' own versions of published pages (issue 10, part 1): made from the published text for a client or
segment, edited with their own revisions, brought up to date with newer published revisions, and their
changes sent back to the original as suggestions credited to the rep.

A version only ever starts from, and is compared with, published revisions: the field never meets a draft
here, not even in a count or an error message."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import (
    AnchorState,
    Comment,
    NotificationKind,
    Page,
    Revision,
    Role,
    Tactic,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    Variant,
    VariantOffer,
    VariantOrigin,
    VariantRevision,
    VariantShare,
    tactic_pages,
    utcnow,
)
from wiki.services import inbox
from wiki.services.anchoring import apply_anchor
from wiki.services.pages import check_text, name_for_staff, normalise_body
from wiki.services.permissions import (
    answers_for_page,
    can_change_variant,
    can_make_variant,
    can_see_variant,
    can_send_variant_back,
    is_lead,
    is_staff,
)
from wiki.services.tactics import page_owners
from wiki.text.anchor import Reanchorer, make_anchor
from wiki.text.diff import Chunk, word_diff
from wiki.text.hunks import Hunk, label, line_hunks
from wiki.text.merge import Conflict as MergeConflict
from wiki.text.merge import merge

MAX_NAME = 120
MAX_REACTION = 1000


def _missing() -> NotFound:
    # The same words for a version that doesn't exist and one this reader may not see.
    return NotFound("There is no such version of this page.")


@dataclass(frozen=True)
class VariantRow:
    variant: Variant
    mine: bool
    behind: bool  # a newer revision of the original is published than the one it is based on


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


@dataclass(frozen=True)
class OfferRow:
    offer: VariantOffer
    state: ThreadState
    reason: str


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


# Reading ------------------------------------------------------------------------------------------


def _shared_ids(variant: Variant) -> frozenset[int]:
    return frozenset(share.user_id for share in variant.shares)


def get_variant(user: User, page: Page, variant_id: int) -> Variant:
    variant = db.session.execute(
        select(Variant)
        .where(Variant.id == variant_id, Variant.page_id == page.id)
        .options(selectinload(Variant.shares).selectinload(VariantShare.user), selectinload(Variant.author))
    ).scalar_one_or_none()
    if variant is None or not can_see_variant(user, variant.author_id, _shared_ids(variant), page_owners(page)):
        raise _missing()
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


def my_changes(variant: Variant) -> list[Hunk]:
    """The version's changes as passages of the published text it is based on."""
    return line_hunks(variant.base.body, head(variant).body)


def offers(variant: Variant) -> list[OfferRow]:
    rows = db.session.execute(
        select(VariantOffer, Thread.state, Thread.decision_reason)
        .join(Thread, Thread.id == VariantOffer.thread_id)
        .where(VariantOffer.variant_id == variant.id)
        .order_by(VariantOffer.id.desc())
    ).all()
    return [OfferRow(offer, state, reason) for offer, state, reason in rows]


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
    bases = {
        revision.id: revision
        for revision in db.session.execute(
            select(Revision).where(Revision.id.in_({v.base_revision_id for v in variants}))
        ).scalars()
    }
    reactions: dict[tuple[int, str, str], str] = {}
    for offer in db.session.execute(
        select(VariantOffer).join(Variant, Variant.id == VariantOffer.variant_id).where(Variant.page_id == page.id)
    ).scalars():
        if offer.reaction:
            reactions[(offer.variant_id, offer.passage, offer.replacement)] = offer.reaction
    groups: dict[str, list[DivergenceEntry]] = {}
    for variant in variants:
        for hunk in line_hunks(bases[variant.base_revision_id].body, heads[variant.id].body):
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


def share_candidates(variant: Variant) -> list[User]:
    """The reps a version can be shared with: the council and leads who answer for the page see it already."""
    taken = {variant.author_id} | set(_shared_ids(variant))
    people = db.session.execute(
        select(User).where(User.active.is_(True), User.role == Role.FIELD).order_by(User.name)
    ).scalars()
    return [person for person in people if person.id not in taken]


# Writing ------------------------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise BadInput("Name the client or segment this version is for, e.g. “Mutual insurer, Nantes”.", field="name")
    if len(name) > MAX_NAME:
        raise BadInput(f"The name can be at most {MAX_NAME} characters.", field="name")
    if "\x00" in name:
        raise BadInput("The name contains NUL characters, which can't be stored.", field="name")
    return name


def make_variant(user: User, page: Page, name: str) -> Variant:
    """A private copy of the published text; never the draft head, whoever asks."""
    require(can_make_variant(user, page), "You can make your own version of a published page only.")
    name = _check_name(name)
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


def _check_reaction(reaction: str) -> str:
    reaction = (reaction or "").replace("\r\n", "\n").strip()
    if len(reaction) > MAX_REACTION:
        raise BadInput(f"What the customer said can be at most {MAX_REACTION} characters.", field="reaction")
    if "\x00" in reaction:
        raise BadInput("The text contains NUL characters, which can't be stored.", field="reaction")
    return reaction


def _deciders(session, page: Page) -> set[int]:
    """The tactic owners, or the leads when the page's tactics have no owner (or no tactic covers it)."""
    owners = page_owners(page).user_ids
    if owners:
        return set(owners)
    return set(session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars())


def _note(user: User, variant: Variant, link: str, reaction: str) -> str:
    lines = [f"From {user.name}'s version for “{variant.name}”: {link}"]
    if reaction:
        lines.append(f"What the customer said: {reaction}")
    return "\n\n".join(lines)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines()) or "> (nothing)"


def send_back(user: User, variant: Variant, keys: list[str], reaction: str, link: str) -> int:
    """Each chosen change becomes a suggestion on the original, by the rep, anchored to the passage of the
    published revision it changes and carried onto the current text like any suggestion.

    A passage the current text no longer has (the council rewrote it since) can't take a suggestion; it
    goes as a comment on the page as a whole quoting both texts, so nothing the rep sent is lost. The rep
    is told only how many changes went: how each landed would say something about the draft."""
    require(can_send_variant_back(user, variant.author_id), "Only the person who made this version can send it back.")
    reaction = _check_reaction(reaction)
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        raise BadInput("Tick at least one of your changes to send.", field="hunk")
    hunks = {hunk.key: hunk for hunk in my_changes(variant)}
    if any(key not in hunks for key in wanted):
        raise Conflict("Your version changed since you opened the list of changes; look at it again and send.")
    chosen = [hunks[key] for key in wanted]
    already = set(
        db.session.execute(
            select(VariantOffer.passage, VariantOffer.replacement).where(
                VariantOffer.variant_id == variant.id, VariantOffer.base_revision_id == variant.base_revision_id
            )
        ).all()
    )
    if any((hunk.old, hunk.new) in already for hunk in chosen):
        raise Conflict("You already sent one of those changes; untick it and send the others.")
    with write_transaction() as session:
        page = lock_row(session, select(Page).where(Page.id == variant.page_id))
        page.discussion_version += 1
        variant = session.get(Variant, variant.id)
        base = variant.base
        reanchorer = Reanchorer(base.body, page.head.body) if base.id != page.head_revision_id else None
        note = _note(user, variant, link, reaction)
        now = utcnow()
        threads = []
        for hunk in chosen:
            anchor = make_anchor(base.body, hunk.start, hunk.end)
            moved = reanchorer.reanchor(anchor) if reanchorer is not None else anchor
            if moved is not None and moved.exact == anchor.exact:
                thread = Thread(
                    page_id=page.id,
                    kind=ThreadKind.SUGGESTION,
                    author_id=user.id,
                    origin_number=base.number,
                    anchor_state=AnchorState.ANCHORED,
                    original_exact=anchor.exact,
                    replacement=hunk.new,
                    created_at=now,
                )
                apply_anchor(thread, moved, page.head_number)
                body = note
            else:
                thread = Thread(
                    page_id=page.id,
                    kind=ThreadKind.COMMENT,
                    author_id=user.id,
                    origin_number=base.number,
                    anchor_state=AnchorState.PAGE,
                    original_exact=anchor.exact,
                    created_at=now,
                )
                body = (
                    f"{note}\n\nThe passage of revision {base.number} this changes:\n\n{_quoted(hunk.old)}\n\n"
                    f"{user.name}'s text:\n\n{_quoted(hunk.new)}"
                )
            session.add(thread)
            session.flush()
            session.add(Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=now))
            session.add(
                VariantOffer(
                    variant_id=variant.id,
                    thread_id=thread.id,
                    base_revision_id=base.id,
                    passage=hunk.old,
                    replacement=hunk.new,
                    reaction=reaction,
                    created_at=now,
                )
            )
            threads.append(thread)
        count = len(threads)
        inbox.notify(
            session,
            _deciders(session, page),
            NotificationKind.SUGGESTION,
            user,
            page,
            f"{user.name} sent {count} change{'s' if count != 1 else ''} from their version for “{variant.name}” "
            f"of “{name_for_staff(page)}”",
            threads[0],
        )
    return count
