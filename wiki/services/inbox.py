"""A user's inbox: mentions, replies, decisions and new suggestions that concern them."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from wiki.db import write_transaction
from wiki.extensions import db
from wiki.models import Notification, NotificationKind, Page, Thread, User, utcnow


def notify(
    session,
    user_ids,
    kind: NotificationKind,
    actor: User,
    page: Page | None,
    text: str,
    thread: Thread | None = None,
    content_request=None,
) -> None:
    """The one way something lands in people's inboxes: once each, never to whoever did it, in the caller's
    transaction (so a notice exists exactly when what it announces does). A notice is about a page, or about a
    content request (page None)."""
    for user_id in {uid for uid in user_ids if uid and uid != actor.id}:
        session.add(
            Notification(
                user_id=user_id,
                kind=kind,
                actor_id=actor.id,
                page_id=page.id if page is not None else None,
                thread_id=thread.id if thread is not None else None,
                request_id=content_request.id if content_request is not None else None,
                text=text if len(text) <= 300 else text[:299] + "…",
                created_at=utcnow(),
            )
        )


def unread_count(user: User) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def items(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.user_id == user.id)
            # Each item links to its page or thread (a file's slide); load them with the list, not one by one.
            .options(selectinload(Notification.page), selectinload(Notification.thread))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_read(user: User, notification_id: int | None = None) -> None:
    """One item, or everything when no id is given. Only ever the user's own items."""
    with write_transaction() as session:
        statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        if notification_id is not None:
            statement = statement.where(Notification.id == notification_id)
        session.execute(statement.values(read_at=utcnow()))
