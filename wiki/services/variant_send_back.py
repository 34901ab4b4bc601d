"""A rep sends changes of their version back to the original, as suggestions credited to them, and sees
what became of each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from wiki.db import write_transaction
from wiki.errors import BadInput, Conflict, require
from wiki.extensions import db
from wiki.models import (
    AnchorState,
    Comment,
    NotificationKind,
    Page,
    Role,
    Thread,
    ThreadKind,
    ThreadState,
    User,
    Variant,
    VariantOffer,
    utcnow,
)
from wiki.services import inbox, search_index
from wiki.services.anchoring import apply_anchor
from wiki.services.pages import name_for_staff
from wiki.services.permissions import can_send_variant_back
from wiki.services.tactics import page_owners
from wiki.services.threads import lock_discussion
from wiki.services.variant_reading import head
from wiki.text.anchor import Reanchorer, make_anchor
from wiki.text.hunks import Hunk, line_hunks

MAX_REACTION = 1000


@dataclass(frozen=True)
class OfferRow:
    offer: VariantOffer
    state: ThreadState
    reason: str


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
        page = lock_discussion(session, variant.page)
        variant = session.get(Variant, variant.id)
        base = variant.base
        reanchorer = Reanchorer(base.body, page.head.body) if base.id != page.head_revision_id else None
        note = _note(user, variant, link, reaction)
        now = utcnow()
        threads = []
        for hunk in chosen:
            anchor = make_anchor(base.body, hunk.start, hunk.end)
            moved = reanchorer.reanchor(anchor) if reanchorer is not None else anchor
            placed = moved is not None and moved.exact == anchor.exact
            thread = Thread(
                page_id=page.id,
                kind=ThreadKind.SUGGESTION if placed else ThreadKind.COMMENT,
                author_id=user.id,
                origin_number=base.number,
                anchor_state=AnchorState.ANCHORED if placed else AnchorState.PAGE,
                original_exact=anchor.exact,
                replacement=hunk.new if placed else None,
                created_at=now,
            )
            if placed:
                apply_anchor(thread, moved, page.head_number)
                body = note
            else:
                body = (
                    f"{note}\n\nThe passage of revision {base.number} this changes:\n\n{_quoted(hunk.old)}\n\n"
                    f"{user.name}'s text:\n\n{_quoted(hunk.new)}"
                )
            session.add(thread)
            session.flush()
            session.add(Comment(thread_id=thread.id, author_id=user.id, body=body, created_at=now))
            search_index.index_thread(session, thread)
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
