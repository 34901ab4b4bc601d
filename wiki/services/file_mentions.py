"""The field naming one of a page's files in what it tells marketing (issue 11): an answer to "would you share
this?" or a share with a client about the approved version of a file, and if the rep says so one slide or page.

The field only ever reads a file's approved version, so that is the only one a rep can name: a draft, or a file
with none approved, answers like a missing file. The version is stored, not just the file, because slide 7 of
version 4 is what the customer saw, whatever version 5 did to it. The council and leads read it all on the
file's preview, apart from what the field said about the page's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, String, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from wiki.db import lock_row
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.files.kinds import KINDS
from wiki.models import Attachment, Feedback, FileVersion, Page, Share, User
from wiki.services.permissions import can_see_usage, is_staff

MAX_CHOICE_TITLE = 60


@dataclass(frozen=True)
class Mention:
    """What a rep's form names: a file of the page, the version they were reading (None: the approved one) and
    a 1-based slide or page of it (None: the whole file)."""

    name: str
    number: int | None = None
    unit: int | None = None


@dataclass(frozen=True)
class Pinned:
    """A mention checked under the file's lock: the approved version it names, and the slide or page."""

    attachment: Attachment
    version: FileVersion
    unit: int | None

    @property
    def on_file(self) -> OnFile:
        return OnFile(
            name=self.attachment.name,
            number=self.version.number,
            unit_word=KINDS[self.version.kind].unit,
            unit=self.unit,
            current=True,
        )


@dataclass(frozen=True)
class OnFile:
    """What an answer or a share was about, for whoever reads it: “customer-presentation.pptx, slide 7”."""

    name: str
    number: int  # the file's version
    unit_word: str | None
    unit: int | None
    current: bool  # the version is still the one the field downloads

    def __str__(self) -> str:
        if self.unit is None or self.unit_word is None:
            return self.name
        return f"{self.name}, {self.unit_word} {self.unit}"

    @property
    def anchor(self) -> str | None:
        """The slide's id on the file's preview (templates/files/preview.html), to link straight to it."""
        if self.unit is None or self.unit_word is None:
            return None
        return f"{self.unit_word}-{self.unit}"


@dataclass(frozen=True)
class FileTarget:
    """The approved version a rep is reading, for the forms that let them name it and one of its slides."""

    attachment: Attachment
    version: FileVersion
    unit_word: str | None
    choices: list[tuple[int, str]]  # (1, "Slide 1 · Why us")


def target(attachment: Attachment, version: FileVersion) -> FileTarget:
    word = KINDS[version.kind].unit
    choices = []
    if word is not None:
        for number, unit in enumerate(version.units, start=1):
            title = " ".join((unit.get("title") or "").split())
            if len(title) > MAX_CHOICE_TITLE:
                title = title[: MAX_CHOICE_TITLE - 1].rstrip() + "…"
            choices.append((number, f"{word.capitalize()} {number}" + (f" · {title}" if title else "")))
    return FileTarget(attachment=attachment, version=version, unit_word=word, choices=choices)


def pin(session: Session, page: Page, mention: Mention) -> Pinned:
    """Check a mention inside the caller's write transaction, with the file locked so that the version named is
    the approved one when the row is stored (a lead approving a newer one waits, or goes first)."""
    attachment = lock_row(
        session, select(Attachment).where(Attachment.page_id == page.id, Attachment.name == mention.name)
    )
    if attachment is None or attachment.published_version_id is None:
        raise NotFound(f"This page has no file called “{mention.name}”.")
    version = attachment.published
    if mention.number is not None and mention.number != version.number:
        if mention.number > version.number:
            # A draft: to the field it doesn't exist.
            raise NotFound(f"“{attachment.name}” has no version {mention.number}.")
        raise Conflict(
            f"Version {version.number} of “{attachment.name}” was approved while you were reading version "
            f"{mention.number}. Open the new version and tell us about that one: its slides may have changed."
        )
    return Pinned(attachment=attachment, version=version, unit=_check_unit(attachment, version, mention.unit))


def _check_unit(attachment: Attachment, version: FileVersion, unit: int | None) -> int | None:
    if unit is None:
        return None
    kind = KINDS[version.kind]
    if kind.unit is None:
        raise BadInput(f"“{attachment.name}” is a {kind.label}: it has no slides or pages to point to.", field="unit")
    if not version.unit_count:
        raise BadInput(
            f"No {kind.unit}s could be read from “{attachment.name}”; tell us about the whole file.", field="unit"
        )
    if not 1 <= unit <= version.unit_count:
        plural = "" if version.unit_count == 1 else "s"
        raise BadInput(
            f"“{attachment.name}” has {version.unit_count} {kind.unit}{plural}; there is no {kind.unit} {unit}.",
            field="unit",
        )
    return unit


def on_files(rows) -> dict[int, OnFile]:
    """What each row (answers or shares, one kind at a time) was about when it named a file, keyed by the row's
    id, in one query whatever the number of rows. Only the columns a label needs: never the slides' text."""
    ids = {row.file_version_id for row in rows if row.file_version_id is not None}
    if not ids:
        return {}
    versions = {
        found.id: found
        for found in db.session.execute(
            select(
                FileVersion.id,
                FileVersion.number,
                FileVersion.kind,
                Attachment.name,
                Attachment.published_version_id,
            )
            .join(Attachment, Attachment.id == FileVersion.attachment_id)
            .where(FileVersion.id.in_(ids))
        ).all()
    }
    labels = {}
    for row in rows:
        found = versions.get(row.file_version_id)
        if found is not None:
            labels[row.id] = OnFile(
                name=found.name,
                number=found.number,
                unit_word=KINDS[found.kind].unit,
                unit=row.unit,
                current=found.published_version_id == found.id,
            )
    return labels


@dataclass(frozen=True)
class Reaction:
    """One thing a rep told marketing about a file: an answer to "would you share this?" (`would_share` set) or
    a share with a client (`client_kind` set), with the version and the slide or page it named."""

    author: str
    region: str  # "" when the rep's account has none
    would_share: bool | None
    client_kind: str | None
    text: str  # the customer's reaction, in the rep's words
    created_at: datetime
    number: int  # the file's version
    current: bool  # the version is still the one the field downloads
    unit_word: str | None
    unit: int | None

    @property
    def is_share(self) -> bool:
        return self.client_kind is not None

    @property
    def anchor(self) -> str | None:
        if self.unit is None or self.unit_word is None:
            return None
        return f"{self.unit_word}-{self.unit}"


@dataclass(frozen=True)
class FileReactions:
    """What the field said about one file, every version, newest first, and for its approved version how many of
    the reps who answered would share it."""

    reactions: list[Reaction]
    approved: int | None  # the approved version's number; None while the field can't see the file
    answering: int
    would_share: int
    shares: int
    sharing_reps: int

    @property
    def share_percent(self) -> int | None:
        return round(100 * self.would_share / self.answering) if self.answering else None


def _voice(model, attachment_id: int, *, would_share, client_kind, text):
    return (
        select(
            literal(model.__tablename__).label("source"),
            model.id.label("id"),
            model.author_id.label("author_id"),
            would_share.label("would_share"),
            client_kind.label("client_kind"),
            text.label("text"),
            model.unit.label("unit"),
            model.created_at.label("created_at"),
            FileVersion.id.label("version_id"),
            FileVersion.number.label("number"),
            FileVersion.kind.label("kind"),
            User.name.label("name"),
            User.region.label("region"),
        )
        .join(FileVersion, FileVersion.id == model.file_version_id)
        .join(User, User.id == model.author_id)
        .where(FileVersion.attachment_id == attachment_id)
    )


def reactions(user: User, attachment: Attachment) -> FileReactions:
    """The field's answers and shares about the file, for the council and leads, in one query whatever their
    number (the file's preview shows them; those about the page's text stay on the page)."""
    require(
        is_staff(user) and can_see_usage(user),
        "Only the council and marketing leads read what the field said about a file.",
    )
    rows = union_all(
        _voice(
            Feedback,
            attachment.id,
            would_share=Feedback.would_share,
            client_kind=cast(null(), String),
            text=Feedback.note,
        ),
        _voice(
            Share, attachment.id, would_share=cast(null(), Boolean), client_kind=Share.client_kind, text=Share.reaction
        ),
    ).subquery()
    found = db.session.execute(select(rows).order_by(rows.c.created_at.desc(), rows.c.source, rows.c.id.desc())).all()
    approved = attachment.published_version_id
    items, verdicts, sharers, shares = [], {}, set(), 0
    for row in found:
        items.append(
            Reaction(
                author=row.name,
                region=row.region or "",
                would_share=row.would_share,
                client_kind=row.client_kind,
                text=row.text or "",
                created_at=row.created_at,
                number=row.number,
                current=row.version_id == approved,
                unit_word=KINDS[row.kind].unit,
                unit=row.unit,
            )
        )
        if row.client_kind is not None:
            shares += 1
            sharers.add(row.author_id)
        elif row.version_id == approved:
            # Newest first: a rep's latest answer about the approved version is the one that counts.
            verdicts.setdefault(row.author_id, bool(row.would_share))
    return FileReactions(
        reactions=items,
        approved=attachment.published.number if approved is not None else None,
        answering=len(verdicts),
        would_share=sum(verdicts.values()),
        shares=shares,
        sharing_reps=len(sharers),
    )
