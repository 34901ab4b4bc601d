"""Recent changes and the feed of published ones.

Council and leads follow every revision and every review decision. The field follows only what was
published (approved decisions), so it never learns that an unpublished revision exists: not its number,
its summary or its author. Files on pages (issue 11) follow the same rule: council and leads see each
upload and each decision, the field the approved versions of files on pages it can read.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Integer, Select, bindparam, exists, func, literal_column, or_, select, union_all
from sqlalchemy.orm import joinedload

from wiki.errors import BadInput, NotAllowed, NotFound, require
from wiki.extensions import db
from wiki.models import (
    Approval,
    Attachment,
    Decision,
    FileDecision,
    FileVersion,
    Page,
    Revision,
    RevisionOrigin,
    User,
)
from wiki.services import page_index
from wiki.services.pages import check_slug, readable_page
from wiki.services.permissions import can_follow_published, can_read_drafts, can_read_revision
from wiki.text.plaintext import xml_safe

PER_PAGE = 50
FEED_SIZE = 50
_FEED_SALT = "feed"


class ChangeKind(enum.StrEnum):
    EDIT = "edit"
    MERGE = "merge"
    RESTORE = "restore"
    SUGGESTION = "suggestion"
    REVIEW = "review"
    FILE = "file"


KIND_LABELS = {
    ChangeKind.EDIT: "Edits",
    ChangeKind.MERGE: "Merged edits",
    ChangeKind.RESTORE: "Restored versions",
    ChangeKind.SUGGESTION: "Accepted suggestions",
    ChangeKind.REVIEW: "Review decisions",
    ChangeKind.FILE: "File uploads",
}
# Which rows a unioned query row came from.
_REVISION, _DECISION, _FILE_VERSION, _FILE_DECISION = 0, 1, 2, 3
# The kinds of change that are saved revisions of the text.
_REVISION_KINDS = (ChangeKind.EDIT, ChangeKind.MERGE, ChangeKind.RESTORE, ChangeKind.SUGGESTION)


@dataclass(frozen=True)
class Filters:
    page: Page | None = None
    person: User | None = None
    kind: ChangeKind | None = None

    def args(self) -> dict[str, str | int]:
        """The filters as query-string arguments, for links that keep them."""
        args: dict[str, str | int] = {}
        if self.page is not None:
            args["page"] = self.page.slug
        if self.person is not None:
            args["person"] = self.person.id
        if self.kind is not None:
            args["kind"] = self.kind.value
        return args


@dataclass(frozen=True)
class Change:
    """One line of recent changes: a saved revision, or a lead's decision on one (`decision` is set); or, for
    a file, an uploaded version (`file_version`) or a decision on one (both set, `revision` None)."""

    kind: ChangeKind
    at: datetime
    page: Page
    revision: Revision | None
    decision: Approval | FileDecision | None
    # Whether this reader may open that exact revision or version (the field only reads the published one).
    readable: bool
    file_version: FileVersion | None = None


@dataclass(frozen=True)
class ChangeLog:
    changes: list[Change]
    page_no: int
    has_older: bool


@dataclass(frozen=True)
class Choices:
    """What the filter form offers this reader: only people they may know about (pages are typed, and offered as
    they are by wiki/services/page_index.py names_like)."""

    people: list[User]
    kinds: list[tuple[str, str]]


# Filters ------------------------------------------------------------------------------------------


def parse_filters(user: User, slug: str | None, person_id: int | None, kind: str | None) -> Filters:
    """Check the filters a reader asked for; a page the field can't read is as unknown as a missing one."""
    page = _filtered_page(user, slug.strip()) if slug and slug.strip() else None
    person = None
    if person_id is not None:
        person = db.session.get(User, person_id)
        if person is None:
            raise NotFound(f"There is nobody with the number {person_id}.")
    change_kind = None
    if kind:
        try:
            change_kind = ChangeKind(kind)
        except ValueError:
            names = ", ".join(k.value for k in ChangeKind)
            raise BadInput(f"The kind of change must be one of {names}; “{kind[:20]}” isn't.") from None
    return Filters(page=page, person=person, kind=change_kind)


def _filtered_page(user: User, typed: str) -> Page:
    """The page a filter names: by its address, or, when nothing has that address, by the title this reader sees
    of it (typed whole, ignoring case, rather than chosen from what the field offered)."""
    try:
        return readable_page(user, check_slug(typed))
    except (BadInput, NotFound):
        titled = page_index.titled(user, typed)
        if titled is None:
            raise
        return titled


def filter_choices(user: User) -> Choices:
    require(can_follow_published(user), "Sign in to follow recent changes.")
    if can_read_drafts(user):
        # Asked per person, from the indexes by author: a list of every revision's author reads every revision.
        changed_by = or_(
            exists().where(Revision.author_id == User.id),
            exists().where(Revision.accepted_by_id == User.id),
            User.id.in_(select(Approval.decided_by_id)),
            User.id.in_(select(FileVersion.author_id)),
            User.id.in_(select(FileDecision.decided_by_id)),
        )
        kinds = list(ChangeKind)
    else:
        approved = select(Approval.revision_id).where(Approval.decision == Decision.APPROVED)
        approved_files = _field_file_decisions(select(FileDecision.version_id))
        changed_by = or_(
            User.id.in_(select(Approval.decided_by_id).where(Approval.decision == Decision.APPROVED)),
            User.id.in_(select(Revision.author_id).where(Revision.id.in_(approved))),
            User.id.in_(select(Revision.accepted_by_id).where(Revision.id.in_(approved))),
            User.id.in_(_field_file_decisions(select(FileDecision.decided_by_id))),
            User.id.in_(select(FileVersion.author_id).where(FileVersion.id.in_(approved_files))),
        )
        # The field only ever sees decisions, so there is nothing to choose between.
        kinds = [ChangeKind.REVIEW]
    return Choices(
        people=list(db.session.execute(select(User).where(changed_by).order_by(func.lower(User.name))).scalars()),
        kinds=[(kind.value, KIND_LABELS[kind]) for kind in kinds],
    )


# Reading ------------------------------------------------------------------------------------------


# What a list is filtered by without the values, which are bound when it runs: a statement is built once for
# each (a union of four kinds costs more to put together than to run).
@dataclass(frozen=True)
class _Shape:
    staff: bool
    kind: ChangeKind | None
    page: bool
    person: bool


def _page_id():
    return bindparam("page_id", type_=Integer)


def _person_id():
    return bindparam("person_id", type_=Integer)


def _revision_rows(shape: _Shape):
    query = select(
        literal_column(str(_REVISION), Integer).label("source"),
        Revision.id.label("id"),
        Revision.created_at.label("at"),
    )
    if shape.page:
        query = query.where(Revision.page_id == _page_id())
    if shape.person:
        query = query.where(or_(Revision.author_id == _person_id(), Revision.accepted_by_id == _person_id()))
    if shape.kind is not None:
        query = query.where(Revision.origin == RevisionOrigin(shape.kind.value))
    return query


def _decision_rows(shape: _Shape, *, approved_only: bool):
    query = select(
        literal_column(str(_DECISION), Integer).label("source"),
        Approval.id.label("id"),
        Approval.created_at.label("at"),
    ).join(Revision, Revision.id == Approval.revision_id)
    if approved_only:
        query = query.where(Approval.decision == Decision.APPROVED)
    if shape.page:
        query = query.where(Approval.page_id == _page_id())
    if shape.person:
        person = _person_id()
        # A decision is also news for whoever wrote (or accepted) the revision it decided on.
        query = query.where(
            or_(Approval.decided_by_id == person, Revision.author_id == person, Revision.accepted_by_id == person)
        )
    return query


def _field_file_decisions(query):
    """What the field may know of decisions on files: approvals, on pages it can read."""
    return (
        query.join(Attachment, Attachment.id == FileDecision.attachment_id)
        .join(Page, Page.id == Attachment.page_id)
        .where(FileDecision.decision == Decision.APPROVED, Page.published_revision_id.is_not(None))
    )


def _file_version_rows(shape: _Shape):
    query = select(
        literal_column(str(_FILE_VERSION), Integer).label("source"),
        FileVersion.id.label("id"),
        FileVersion.created_at.label("at"),
    )
    if shape.page:
        query = query.join(Attachment, Attachment.id == FileVersion.attachment_id).where(
            Attachment.page_id == _page_id()
        )
    if shape.person:
        query = query.where(FileVersion.author_id == _person_id())
    return query


def _file_decision_rows(shape: _Shape, *, approved_only: bool):
    query = select(
        literal_column(str(_FILE_DECISION), Integer).label("source"),
        FileDecision.id.label("id"),
        FileDecision.created_at.label("at"),
    )
    if approved_only:
        query = _field_file_decisions(query)
    elif shape.page:
        query = query.join(Attachment, Attachment.id == FileDecision.attachment_id)
    if shape.page:
        query = query.where(Attachment.page_id == _page_id())
    if shape.person:
        person = _person_id()
        # Like a revision's: a decision is also news for whoever uploaded the version it decided on.
        query = query.join(FileVersion, FileVersion.id == FileDecision.version_id).where(
            or_(FileDecision.decided_by_id == person, FileVersion.author_id == person)
        )
    return query


def _file_changes(user: User, rows: list) -> dict[tuple[int, int], Change]:
    """The file lines the query picked, by (source, id), in two queries at most."""
    version_ids = [row.id for row in rows if row.source == _FILE_VERSION]
    decision_ids = [row.id for row in rows if row.source == _FILE_DECISION]
    # The page's title as this reader sees it, and who uploaded, come with each line.
    with_page = joinedload(FileVersion.attachment).options(
        joinedload(Attachment.page).options(joinedload(Page.head), joinedload(Page.published))
    )
    staff = can_read_drafts(user)
    found: dict[tuple[int, int], Change] = {}
    if version_ids:
        for version in db.session.execute(
            select(FileVersion)
            .options(with_page, joinedload(FileVersion.author))
            .where(FileVersion.id.in_(version_ids))
        ).scalars():
            found[_FILE_VERSION, version.id] = Change(
                kind=ChangeKind.FILE,
                at=version.created_at,
                page=version.attachment.page,
                revision=None,
                decision=None,
                readable=staff,
                file_version=version,
            )
    if decision_ids:
        for decision in db.session.execute(
            select(FileDecision)
            .options(
                joinedload(FileDecision.decided_by),
                joinedload(FileDecision.version).options(with_page, joinedload(FileVersion.author)),
            )
            .where(FileDecision.id.in_(decision_ids))
        ).scalars():
            version = decision.version
            found[_FILE_DECISION, decision.id] = Change(
                kind=ChangeKind.REVIEW,
                at=decision.created_at,
                page=version.attachment.page,
                revision=None,
                decision=decision,
                readable=staff or version.id == version.attachment.published_version_id,
                file_version=version,
            )
    return found


def _credited():
    # Each line links to its page and names who wrote the revision, and who accepted it if it was a suggestion.
    return joinedload(Revision.page), joinedload(Revision.author), joinedload(Revision.accepted_by)


@cache
def _revisions_listed() -> Select:
    return select(Revision).options(*_credited()).where(Revision.id.in_(bindparam("ids", expanding=True)))


@cache
def _decisions_listed() -> Select:
    return (
        select(Approval)
        .options(joinedload(Approval.decided_by), joinedload(Approval.revision).options(*_credited()))
        .where(Approval.id.in_(bindparam("ids", expanding=True)))
    )


def _changes(user: User, rows: list) -> list[Change]:
    """Load the revisions and decisions the query picked, and keep the query's order."""
    files = _file_changes(user, rows)
    revision_ids = [row.id for row in rows if row.source == _REVISION]
    decision_ids = [row.id for row in rows if row.source == _DECISION]
    revisions = {}
    if revision_ids:
        revisions = {
            revision.id: revision
            for revision in db.session.execute(_revisions_listed(), {"ids": revision_ids}).scalars()
        }
    decisions = {}
    if decision_ids:
        decisions = {
            decision.id: decision
            for decision in db.session.execute(_decisions_listed(), {"ids": decision_ids}).scalars()
        }
    changes = []
    for row in rows:
        if row.source in (_FILE_VERSION, _FILE_DECISION):
            changes.append(files[row.source, row.id])
        elif row.source == _REVISION:
            revision = revisions[row.id]
            changes.append(
                Change(
                    kind=ChangeKind(revision.origin.value),
                    at=revision.created_at,
                    page=revision.page,
                    revision=revision,
                    decision=None,
                    readable=can_read_revision(user, revision.page, revision),
                )
            )
        else:
            decision = decisions[row.id]
            revision = decision.revision
            changes.append(
                Change(
                    kind=ChangeKind.REVIEW,
                    at=decision.created_at,
                    page=revision.page,
                    revision=revision,
                    decision=decision,
                    readable=can_read_revision(user, revision.page, revision),
                )
            )
    return changes


def _newest(part):
    """The `wanted` newest rows of one kind of change (one source, so ordered by time and id alone)."""
    columns = part.selected_columns
    # A subquery of its own: a member of a UNION may not have an ORDER BY and a LIMIT of its own on SQLite.
    rows = part.order_by(columns.at.desc(), columns.id.desc()).limit(bindparam("wanted", type_=Integer)).subquery()
    return select(rows.c.source, rows.c.id, rows.c.at)


def recent_changes(user: User, filters: Filters, page_no: int = 1, per_page: int = PER_PAGE) -> ChangeLog:
    """Newest first, `per_page` at a time; what each reader may see is decided here and nowhere else."""
    require(can_follow_published(user), "Sign in to follow recent changes.")
    shape = _Shape(can_read_drafts(user), filters.kind, filters.page is not None, filters.person is not None)
    stream = _stream(shape)
    if stream is None:
        return ChangeLog(changes=[], page_no=page_no, has_older=False)
    values = {"wanted": page_no * per_page + 1, "limit": per_page + 1, "offset": (page_no - 1) * per_page}
    if filters.page is not None:
        values["page_id"] = filters.page.id
    if filters.person is not None:
        values["person_id"] = filters.person.id
    rows = db.session.execute(stream, values).all()
    if not rows and page_no > 1:
        raise NotFound(f"There is no page {page_no} of recent changes; the list is shorter than that.")
    return ChangeLog(changes=_changes(user, rows[:per_page]), page_no=page_no, has_older=len(rows) > per_page)


@cache
def _stream(shape: _Shape) -> Select | None:
    """The (source, id) of one page of changes, newest first; None when this reader may see none of the kind
    asked for. The page's rows are among each kind's newest `wanted`, which each kind reads from its index by
    time: the union is of those few, not of every revision and decision there ever was."""
    parts = []
    if shape.staff and (shape.kind is None or shape.kind in _REVISION_KINDS):
        parts.append(_revision_rows(shape))
    if shape.kind in (None, ChangeKind.REVIEW):
        parts.append(_decision_rows(shape, approved_only=not shape.staff))
        parts.append(_file_decision_rows(shape, approved_only=not shape.staff))
    if shape.staff and shape.kind in (None, ChangeKind.FILE):
        parts.append(_file_version_rows(shape))
    if not parts:
        return None
    newest = [_newest(part) for part in parts]
    stream = (newest[0] if len(newest) == 1 else union_all(*newest)).subquery()
    return (
        select(stream.c.source, stream.c.id)
        .order_by(stream.c.at.desc(), stream.c.source.desc(), stream.c.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


# The feed -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One published revision or approved file version, with its text already safe to put in XML."""

    # Unique and stable across both kinds: "approval-12", "file-approval-3".
    tag: str
    at: datetime
    slug: str
    title: str
    approver: str
    author: str
    summary: str
    note: str
    # The file's name, for an approved file version (its entry links to the file rather than the page).
    file_name: str | None = None


def published_changes(reader: User, limit: int = FEED_SIZE) -> list[FeedEntry]:
    """The same for every reader: only what the leads approved, so no draft ever reaches a feed reader."""
    require(can_follow_published(reader), "Sign in to follow published changes.")
    rows = db.session.execute(
        select(Approval)
        .options(
            joinedload(Approval.decided_by),
            joinedload(Approval.revision).options(joinedload(Revision.page), joinedload(Revision.author)),
        )
        .where(Approval.decision == Decision.APPROVED)
        .order_by(Approval.created_at.desc(), Approval.id.desc())
        .limit(limit)
    ).scalars()
    entries = [
        FeedEntry(
            tag=f"approval-{approval.id}",
            at=approval.created_at,
            slug=approval.revision.page.slug,
            title=xml_safe(f"{approval.revision.title} — revision {approval.revision.number} published"),
            approver=xml_safe(approval.decided_by.name),
            author=xml_safe(approval.revision.author.name),
            summary=xml_safe(approval.revision.summary),
            note=xml_safe(approval.note),
        )
        for approval in rows
    ]
    entries += _published_files(limit)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _published_files(limit: int) -> list[FeedEntry]:
    """Approved file versions on pages the field can read, as feed entries under the page's published title."""
    decisions = db.session.execute(
        _field_file_decisions(select(FileDecision))
        .options(
            joinedload(FileDecision.decided_by),
            joinedload(FileDecision.version).options(
                joinedload(FileVersion.author),
                joinedload(FileVersion.attachment).joinedload(Attachment.page).joinedload(Page.published),
            ),
        )
        .order_by(FileDecision.created_at.desc(), FileDecision.id.desc())
        .limit(limit)
    ).scalars()
    entries = []
    for decision in decisions:
        version = decision.version
        attachment = version.attachment
        page = attachment.page
        entries.append(
            FeedEntry(
                tag=f"file-approval-{decision.id}",
                at=decision.created_at,
                slug=page.slug,
                title=xml_safe(f"{attachment.name} on {page.published.title} — version {version.number} approved"),
                approver=xml_safe(decision.decided_by.name),
                author=xml_safe(version.author.name),
                summary=xml_safe(version.note),
                note=xml_safe(decision.note),
                file_name=attachment.name,
            )
        )
    return entries


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_FEED_SALT)


def _password_mark(user: User) -> str:
    # Tied to the password rather than the session version: signing out (which ends every session) must not
    # break the address in someone's feed reader, but a new password must.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def feed_token(user: User) -> str:
    """The secret part of a person's own feed address, for feed readers that can't sign in."""
    require(can_follow_published(user), "Sign in to follow published changes.")
    return _serializer().dumps([user.id, _password_mark(user)])


def feed_reader(token: str) -> User:
    """Whose feed address this is; refused once they change their password or their account is closed."""
    refused = NotAllowed(
        "This feed address isn't valid: it was mistyped, or it stopped working when the password was changed. "
        "Copy the current address from your account page."
    )
    try:
        payload = _serializer().loads(token)
    except BadData:
        raise refused from None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise refused
    user = db.session.get(User, payload[0])
    if user is None or not can_follow_published(user) or not hmac.compare_digest(str(payload[1]), _password_mark(user)):
        raise refused
    return user
