"""Who may do what: the only place these rules live."""

from __future__ import annotations

from wiki.models import Page, Revision, Role, User


def is_staff(user: User | None) -> bool:
    """Leads and the council work on drafts; the field reads what is published."""
    return user is not None and user.is_authenticated and user.role in (Role.LEAD, Role.COUNCIL)


def is_lead(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.LEAD


def can_read_drafts(user: User | None) -> bool:
    return is_staff(user)


def can_edit(user: User | None) -> bool:
    return is_staff(user)


def can_publish(user: User | None) -> bool:
    return is_lead(user)


def can_manage_users(user: User | None) -> bool:
    return is_lead(user)


def can_read_revision(user: User | None, page: Page, revision: Revision) -> bool:
    if can_read_drafts(user):
        return True
    return user is not None and user.is_authenticated and revision.id == page.published_revision_id


def can_discuss(user: User | None) -> bool:
    """Comments and suggestions are on drafts, so they are for the council and leads."""
    return is_staff(user)


def can_decide_suggestion(user: User | None, page: Page) -> bool:
    """A lead, or whoever answers for the page (its creator until tactics have owners)."""
    return is_lead(user) or (is_staff(user) and page.created_by_id == user.id)


def can_change_comment(user: User | None, author_id: int) -> bool:
    """Nobody edits or deletes another person's words, leads included."""
    return user is not None and user.is_authenticated and user.id == author_id


def can_follow_published(user: User | None) -> bool:
    """Everyone with an active account may follow what the leads published: the feed and recent changes."""
    return user is not None and user.is_authenticated and user.is_active
