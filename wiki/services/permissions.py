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


def can_change_comment(user: User | None, author_id: int, comment_round=None, now=None) -> bool:
    """Nobody edits or deletes another person's words, leads included. The council and leads change their own
    while they take part in the discussion: a member demoted to field keeps their words on the page but can't
    change them any more. In a thread of a comment round (`comment_round`), the field changes theirs while the
    round is open at `now`; once it closes, its threads are a record."""
    if not is_signed_in(user) or user.id != author_id:
        return False
    return can_discuss(user) or (comment_round is not None and can_comment_in_round(user, comment_round, now))


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


# Reps' own versions (issue 10, part 1) -------------------------------------------------------------


def can_make_variant(user: User | None, page: Page) -> bool:
    """Anyone signed in makes their own version of what is published (never of a draft)."""
    return is_signed_in(user) and user.is_active and page.published_revision_id is not None


def answers_for_page(user: User | None, owners: PageOwners) -> bool:
    """The leads, and the council members who own a tactic covering the page: they see every rep's version."""
    return is_lead(user) or (is_staff(user) and user.id in owners.user_ids)


def can_see_variant(user: User | None, author_id: int, shared_with: frozenset[int], owners: PageOwners) -> bool:
    """A version is its author's, and the colleagues they share it with; the people who answer for the page
    read them all. To anyone else it doesn't exist."""
    if not is_signed_in(user):
        return False
    return user.id == author_id or user.id in shared_with or answers_for_page(user, owners)


def can_change_variant(user: User | None, author_id: int) -> bool:
    """Only the author edits, shares, updates and sends back their version; colleagues read it."""
    return is_signed_in(user) and user.is_active and user.id == author_id


def can_send_variant_back(user: User | None, author_id: int) -> bool:
    """The author of a version may send its changes back to the original as suggestions, though the field
    can't otherwise discuss drafts: the suggestion is about the published text they based it on."""
    return can_change_variant(user, author_id)


# Comment rounds and shares with clients (issue 10, parts 3 and 4) ----------------------------------


def can_record_share(user: User | None) -> bool:
    """Sending a page to a client is what the field does; the council and leads see the counts."""
    return is_signed_in(user) and user.role == Role.FIELD


def can_see_usage(user: User | None) -> bool:
    """How often pages travel to clients, and who sent them: for the council and leads."""
    return is_staff(user)


def can_manage_rounds(user: User | None) -> bool:
    """Leads open a published page to the whole field's comments, close it early and read the report."""
    return is_lead(user)


def can_comment_in_round(user: User | None, comment_round, now) -> bool:
    """Everyone signed in comments on the published page while the round is open; after its date, nobody."""
    return is_signed_in(user) and user.is_active and comment_round.is_open(now)


def can_reply_in_round(user: User | None, comment_round, now) -> bool:
    """The field replies while the round is open; the council and leads answer the field's threads at any time."""
    return can_discuss(user) or can_comment_in_round(user, comment_round, now)


# Content requests (issue 10, part 2) --------------------------------------------------------------


def can_ask_for_content(user: User | None) -> bool:
    """Anyone signed in asks for content and adds *I need this too*; requests are the field's, not drafts."""
    return is_signed_in(user) and user.is_active


def can_triage_requests(user: User | None) -> bool:
    """Accept and route, decline, merge duplicates: the marketing leads."""
    return is_lead(user)


def can_work_on_request(user: User | None, routed_to_id: int | None) -> bool:
    """Mark in progress or done: a lead, or the council member or lead the request is routed to."""
    return is_lead(user) or (is_staff(user) and routed_to_id is not None and user.id == routed_to_id)


def can_be_routed_request(person: User) -> bool:
    """Requests go to the people who write content: active council members and leads."""
    return person.active and person.role in (Role.LEAD, Role.COUNCIL)


# Withdrawing, reopening and editing requests; removed versions -----------------------------------


def can_withdraw_need(user: User | None, requester_id: int) -> bool:
    """Whoever said *I need this too* may take it back. The requester's need is the request itself: a lead
    declines it instead."""
    return is_signed_in(user) and user.id != requester_id


def can_edit_request(user: User | None, requester_id: int, still_new: bool) -> bool:
    """The requester rewords their request until a lead has triaged it; the leads, at any time."""
    return is_lead(user) or (can_ask_for_content(user) and user.id == requester_id and still_new)


def can_reopen_request(user: User | None) -> bool:
    """Settling a request is triage, and so is undoing it."""
    return can_triage_requests(user)


def can_hear_variant_removed(user: User | None, author_id: int) -> bool:
    """A removed version's suggestions link to it from the page's discussion, which is the council's and the
    leads'; they, and its author, are told it was removed. To the rest of the field it never existed."""
    return is_staff(user) or (is_signed_in(user) and user.id == author_id)


# Files on pages (issue 11) ------------------------------------------------------------------------


def can_upload_files(user: User | None) -> bool:
    """The council and leads keep a page's files, as they write its text; every upload waits for a lead."""
    return is_staff(user) and user.is_active


def can_approve_files(user: User | None) -> bool:
    """A file version reaches the field the way a revision does: a lead approves it."""
    return can_publish(user)


def can_read_file_version(user: User | None, page: Page, published_version_id: int | None, version_id: int) -> bool:
    """Council and leads read every version; the field only the approved one, of a page it can see. To the field
    a draft version, or a file with none approved, answers like a missing file."""
    if can_read_drafts(user):
        return True
    return can_see_page(user, page) and version_id == published_version_id


def can_delete_file(user: User | None, created_by_id: int, ever_approved: bool) -> bool:
    """A file the field never had can go (a duplicate, a wrong upload): at its uploader's word or a lead's. Once
    a version was approved, reps have sent it and answered about it, so it stays, with its history."""
    if ever_approved or not can_upload_files(user):
        return False
    return is_lead(user) or user.id == created_by_id


# Who is editing (issue 15, part 4) ----------------------------------------------------------------


def can_see_who_is_editing(user: User | None) -> bool:
    """Whoever could edit the page too, so two people know before they would conflict. The field reads only what
    was published: who is writing the next draft is none of its business."""
    return can_edit(user)


# Present mode (issue 15, part 1) ------------------------------------------------------------------


def can_present(user: User | None, page: Page) -> bool:
    """Whoever reads a page presents it: the field its published version, the council and leads a draft too."""
    return can_see_page(user, page)


def can_assign_presenters(user: User | None) -> bool:
    """Leads plan the session in which the council presents the plan to the field, section by section."""
    return is_lead(user)


def can_present_section(person: User, has_seat: bool) -> bool:
    """A section is presented by a member of the council: an active account with the council role and a seat."""
    return person.active and person.role == Role.COUNCIL and has_seat


# Export and import (issue 15, parts 2 and 3) -------------------------------------------------------


def can_export(user: User | None) -> bool:
    """The whole wiki in one zip holds every published page and file at once: the leads' to take away."""
    return is_lead(user)


def can_import(user: User | None) -> bool:
    """Bringing documents in writes many pages at once; each arrives as a draft the leads then approve."""
    return is_lead(user) and user.is_active
