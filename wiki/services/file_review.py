"""A lead's decisions on file versions: approving one is what lets the field download it.

The rules are the text's (wiki/services/review.py): publishing only goes forward, a double click is one
decision, a lead's own upload needs a second lead when the site asks for one, and the authors hear of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from wiki.db import lock_row, write_transaction
from wiki.errors import Conflict, NotAllowed, NotFound, require
from wiki.extensions import db
from wiki.models import (
    Attachment,
    Decision,
    FileDecision,
    FileVersion,
    NotificationKind,
    Page,
    User,
    utcnow,
)
from wiki.services import inbox, search_index
from wiki.services.pages import name_for_staff
from wiki.services.permissions import can_approve_files, can_read_drafts
from wiki.services.review import check_note


@dataclass(frozen=True)
class WaitingFile:
    """A file whose newest version the field can't download yet, and the versions a decision would cover."""

    attachment: Attachment
    versions: list[FileVersion]
    latest: FileDecision | None

    @property
    def changes_requested(self) -> bool:
        latest = self.latest
        return (
            latest is not None
            and latest.decision == Decision.CHANGES_REQUESTED
            and latest.version_id == self.attachment.head_version_id
        )


def waiting_files(user: User, page_ids: list[int]) -> dict[int, list[WaitingFile]]:
    """For each page, its files with versions newer than the approved one (page id → files), in two queries."""
    require(can_read_drafts(user), "Only the council and marketing leads see files waiting for review.")
    if not page_ids:
        return {}
    rows = list(
        db.session.execute(
            select(Attachment, FileVersion)
            .join(FileVersion, FileVersion.attachment_id == Attachment.id)
            .where(
                Attachment.page_id.in_(page_ids),
                Attachment.head_version_id.is_not(None),
                (Attachment.published_version_id.is_(None))
                | (Attachment.published_version_id != Attachment.head_version_id),
            )
            .order_by(Attachment.name, FileVersion.number)
        ).all()
    )
    published = _published_numbers([attachment for attachment, _ in rows])
    latest = _latest_decisions(list({attachment.id for attachment, _ in rows}))
    found: dict[int, dict[int, WaitingFile]] = {}
    for attachment, version in rows:
        if version.number <= published.get(attachment.id, 0):
            continue
        files = found.setdefault(attachment.page_id, {})
        entry = files.setdefault(attachment.id, WaitingFile(attachment, [], latest.get(attachment.id)))
        entry.versions.append(version)
    return {page_id: list(files.values()) for page_id, files in found.items()}


def _published_numbers(attachments: list[Attachment]) -> dict[int, int]:
    ids = {a.published_version_id for a in attachments if a.published_version_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(FileVersion.attachment_id, FileVersion.number).where(FileVersion.id.in_(ids))
    ).all()
    return dict(rows)


def _latest_decisions(attachment_ids: list[int]) -> dict[int, FileDecision]:
    if not attachment_ids:
        return {}
    rows = db.session.execute(
        select(FileDecision)
        .where(FileDecision.attachment_id.in_(attachment_ids))
        .order_by(FileDecision.attachment_id, FileDecision.id)
    ).scalars()
    return {decision.attachment_id: decision for decision in rows}


def decisions(user: User, attachment: Attachment) -> dict[int, list[FileDecision]]:
    """Every decision on the file's versions, keyed by version id, oldest first (for its history)."""
    require(can_read_drafts(user), "Only the council and marketing leads see review decisions.")
    found: dict[int, list[FileDecision]] = {}
    for decision in db.session.execute(
        select(FileDecision).where(FileDecision.attachment_id == attachment.id).order_by(FileDecision.id)
    ).scalars():
        found.setdefault(decision.version_id, []).append(decision)
    return found


def _lock(session, attachment: Attachment, number: int) -> tuple[Attachment, FileVersion]:
    attachment = lock_row(session, select(Attachment).where(Attachment.id == attachment.id))
    version = session.execute(
        select(FileVersion).where(FileVersion.attachment_id == attachment.id, FileVersion.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound(f"“{attachment.name}” has no version {number}.")
    return attachment, version


def _covered(session, attachment: Attachment, number: int) -> list[FileVersion]:
    """The versions a decision on `number` covers: those after the approved one, up to it."""
    after = attachment.published.number if attachment.published is not None else 0
    return list(
        session.execute(
            select(FileVersion).where(
                FileVersion.attachment_id == attachment.id, FileVersion.number > after, FileVersion.number <= number
            )
        ).scalars()
    )


def _repeats_latest(session, attachment: Attachment, version: FileVersion, user: User, decision: Decision, note: str):
    latest = session.execute(
        select(FileDecision)
        .where(FileDecision.attachment_id == attachment.id)
        .order_by(FileDecision.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None and (latest.version_id, latest.decided_by_id, latest.decision, latest.note) == (
        version.id,
        user.id,
        decision,
        note,
    ):
        return latest
    return None


def approve(user: User, page: Page, attachment: Attachment, number: int, note: str = "") -> FileVersion:
    """Let the field download version `number` of the file — the one the lead looked at."""
    require(can_approve_files(user), "Only marketing leads can approve files.")
    note = check_note(note, required=False)
    with write_transaction() as session:
        attachment, version = _lock(session, attachment, number)
        published = attachment.published
        if published is not None and published.number > version.number:
            raise Conflict(
                f"Version {published.number} of “{attachment.name}”, which is newer, is already approved. To bring "
                f"back version {number}, restore it and approve the restored version."
            )
        already = published is not None and published.id == version.id
        if already and _repeats_latest(session, attachment, version, user, Decision.APPROVED, note):
            return version
        covered = _covered(session, attachment, version.number)
        if current_app.config["REQUIRE_SECOND_APPROVER"] and any(v.author_id == user.id for v in covered):
            raise NotAllowed(
                f"You uploaded a version of “{attachment.name}” that this approval covers, and this site requires a "
                "second lead to approve a lead's own changes. Ask another marketing lead to approve it."
            )
        session.add(
            FileDecision(
                attachment_id=attachment.id,
                version_id=version.id,
                decided_by_id=user.id,
                decision=Decision.APPROVED,
                note=note,
                created_at=utcnow(),
            )
        )
        if not already:
            attachment.published_version_id = version.id
            attachment.published = version
            search_index.index_file(session, attachment)
            inbox.notify(
                session,
                sorted({v.author_id for v in covered}),
                NotificationKind.REVIEW,
                user,
                page,
                f"{user.name} approved version {version.number} of “{attachment.name}” on “{name_for_staff(page)}”",
                attachment=attachment,
                version=version,
            )
    return version


def request_changes(user: User, page: Page, attachment: Attachment, number: int, note: str) -> FileDecision:
    require(can_approve_files(user), "Only marketing leads can request changes.")
    note = check_note(note, required=True)
    with write_transaction() as session:
        attachment, version = _lock(session, attachment, number)
        if attachment.published is not None and attachment.published.number >= version.number:
            raise Conflict(f"Version {number} of “{attachment.name}” is already approved; review the newer versions.")
        repeated = _repeats_latest(session, attachment, version, user, Decision.CHANGES_REQUESTED, note)
        if repeated is not None:
            return repeated
        decision = FileDecision(
            attachment_id=attachment.id,
            version_id=version.id,
            decided_by_id=user.id,
            decision=Decision.CHANGES_REQUESTED,
            note=note,
            created_at=utcnow(),
        )
        session.add(decision)
        inbox.notify(
            session,
            sorted({v.author_id for v in _covered(session, attachment, version.number)}),
            NotificationKind.REVIEW,
            user,
            page,
            f"{user.name} asked for changes to “{attachment.name}” (version {number}) on “{name_for_staff(page)}”: "
            f"{note}",
            attachment=attachment,
            version=version,
        )
    return decision
