"""What a file's preview needs for the field's voice on it (issue 11): a rep reading the approved version
answers "would you share this?" and records sending it, naming a slide or page if they like; the council and
leads read what the field said about the file, every version."""

from __future__ import annotations

from wiki.models import Attachment, FileVersion, Page, User
from wiki.services import feedback, file_mentions, shares
from wiki.services.permissions import can_give_feedback, can_record_share, can_see_usage, is_staff


def file_voice_context(user: User, page: Page, attachment: Attachment, version: FileVersion) -> dict:
    """The forms' context for a rep on the approved version; the field's answers and shares for the council and
    leads, whichever version they read; for anyone else, nothing."""
    context = {
        "file_target": None,
        "own_feedback": None,
        "own_shares": None,
        "file_reactions": file_mentions.reactions(user, attachment) if is_staff(user) and can_see_usage(user) else None,
    }
    rep = can_give_feedback(user) or can_record_share(user)
    if not rep or version.id != attachment.published_version_id:
        return context
    return {
        **context,
        "file_target": file_mentions.target(attachment, version),
        "own_feedback": feedback.own_file_answer(user, page, attachment) if can_give_feedback(user) else None,
        "own_shares": shares.own_file_shares(user, page, attachment) if can_record_share(user) else None,
        "client_kinds": shares.CLIENT_KINDS,
    }
