"""Who may do what: the only place these rules live."""

from __future__ import annotations

from dataclasses import dataclass, field

from wiki.models import Page, Revision, Role, User


@dataclass(frozen=True)
class PageOwners:
    """Who answers for a page. Computed by the tactics service, so these rules need no database."""

    covered: bool  # some tactic links the page, or the page is a plan with tactics
    user_ids: frozenset[int] = field(default_factory=frozenset)


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


def can_decide_suggestion(user: User | None, page: Page, owners: PageOwners) -> bool:
    """A lead, or whoever answers for the page: the owners of the tactics that cover it.

    A page no tactic covers falls back to its creator. A covered page whose tactic has no owner right now
    waits for a lead rather than going back to whoever happened to create it."""
    if is_lead(user):
        return True
    if not is_staff(user):
        return False
    if owners.covered:
        return user.id in owners.user_ids
    return page.created_by_id == user.id


def can_change_comment(user: User | None, author_id: int) -> bool:
    """Nobody edits or deletes another person's words, leads included; and only while they take part in the
    discussion: a member demoted to field keeps their words on the page but can't change them any more."""
    return can_discuss(user) and user.id == author_id


def can_revise_suggestion(user: User | None, author_id: int) -> bool:
    """The suggester rewrites their own open suggestion, while they take part in the discussion: a lead may
    accept the rewritten text, so someone demoted to field must not be able to slip new words in."""
    return can_change_comment(user, author_id)


def can_follow_published(user: User | None) -> bool:
    """Everyone with an active account may follow what the leads published: the feed and recent changes."""
    return user is not None and user.is_authenticated and user.is_active


def is_signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def can_see_page(user: User | None, page: Page) -> bool:
    """Staff see every page; the field sees a page once a version of it is published."""
    return is_staff(user) or (is_signed_in(user) and page.published_revision_id is not None)


def can_manage_council(user: User | None) -> bool:
    return is_lead(user)


def can_manage_tactics(user: User | None) -> bool:
    return is_lead(user)


def can_review_tactic(user: User | None, owner_id: int | None) -> bool:
    """The owner keeps their tactic under review; a lead can record a review for them."""
    return is_lead(user) or (is_staff(user) and owner_id is not None and user.id == owner_id)


def can_give_feedback(user: User | None) -> bool:
    """Feedback is the field's report of what customers said; the council and leads change the page instead."""
    return is_signed_in(user) and user.role == Role.FIELD


def can_manage_own_subscription(user: User | None) -> bool:
    """Everyone signed in chooses whether the summary email reaches them (the email's own link works too)."""
    return is_signed_in(user)
