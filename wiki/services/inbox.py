"""A user's inbox: mentions, replies, decisions and new suggestions that concern them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import load_only, selectinload

from wiki.db import write_transaction
from wiki.extensions import db
from wiki.files.kinds import KINDS
from wiki.models import Attachment, FileVersion, Notification, NotificationKind, Page, Thread, User, utcnow
from wiki.services.permissions import can_read_file_version


def notify(
    session,
    user_ids,
    kind: NotificationKind,
    actor: User,
    page: Page | None,
    text: str,
    thread: Thread | None = None,
    content_request=None,
    *,
    attachment: Attachment | None = None,
    version: FileVersion | None = None,
    unit: int | None = None,
    actor_too: bool = False,
) -> None:
    """The one way something lands in people's inboxes: once each, never to whoever did it, in the caller's
    transaction (so a notice exists exactly when what it announces does). A notice is about a page, or about a
    content request (page None); on a page, it can be about one of its files (`attachment`), a version of it
    and a slide or page (`unit`) of that version, and then it opens there.

    A notice about a file version reaches only those who may read that version: a draft's name is not the
    field's to learn (issue 11), not even from a role that changed since they uploaded."""
    # actor_too: the notice comes from no one (the summary schedule, credited to a lead who didn't act).
    recipients = {uid for uid in user_ids if uid and (actor_too or uid != actor.id)}
    if version is not None and recipients:
        recipients = {
            person.id
            for person in session.scalars(select(User).where(User.id.in_(recipients)))
            if can_read_file_version(person, page, attachment.published_version_id, version.id)
        }
    for user_id in recipients:
        session.add(
            Notification(
                user_id=user_id,
                kind=kind,
                actor_id=actor.id,
                page_id=page.id if page is not None else None,
                thread_id=thread.id if thread is not None else None,
                attachment_id=attachment.id if attachment is not None else None,
                file_version_id=version.id if version is not None else None,
                unit=unit,
                request_id=content_request.id if content_request is not None else None,
                text=text if len(text) <= 300 else text[:299] + "…",
                created_at=utcnow(),
            )
        )


def unread_of(user_id):
    """How many unread items the user `user_id` (a value or a column) has, as a subquery to read beside others."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(user: User) -> int:
    return db.session.execute(select(unread_of(user.id))).scalar_one()


def items(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.user_id == user.id)
            # Each item links to its page, thread or file version; load them with the list, not one by one (and of
            # a version only what the link needs, never its slides' text).
            .options(
                selectinload(Notification.page),
                selectinload(Notification.thread),
                selectinload(Notification.attachment),
                selectinload(Notification.file_version).options(
                    load_only(FileVersion.id, FileVersion.number, FileVersion.kind)
                ),
            )
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


@dataclass(frozen=True)
class FileLink:
    """Where an inbox item about a file opens: its preview at the version the item is about, at the slide or
    page it names (the preview's `slide-5` id)."""

    slug: str
    name: str
    number: int
    anchor: str | None


def file_link(user: User, item: Notification) -> FileLink | None:
    """None for an item that isn't about a file version, or about one this reader may no longer open (an
    approved version the field has since been given a newer one of): that item is shown without a link."""
    version = item.file_version
    if version is None or not can_read_file_version(user, item.page, item.attachment.published_version_id, version.id):
        return None
    word = KINDS[version.kind].unit
    anchor = f"{word}-{item.unit}" if word is not None and item.unit is not None else None
    return FileLink(slug=item.page.slug, name=item.attachment.name, number=version.number, anchor=anchor)


def mark_read(user: User, notification_id: int | None = None) -> None:
    """One item, or everything when no id is given. Only ever the user's own items."""
    with write_transaction() as session:
        statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        if notification_id is not None:
            statement = statement.where(Notification.id == notification_id)
        session.execute(statement.values(read_at=utcnow()))
