"""Finding pages by words in their title or text: the draft head for council and leads, the published
version for the field (who never find a page that hasn't been published). The text read out of files on the
pages is searched the same way: the newest version of each file for council and leads, the approved one for
the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import undefer

from wiki.errors import BadInput, require
from wiki.extensions import db
from wiki.files import kinds
from wiki.models import Attachment, FileVersion, Page, Revision, User
from wiki.services.pages import shown_id
from wiki.services.permissions import can_follow_published, can_read_drafts
from wiki.text.plaintext import Highlighted, highlight, snippet

MAX_QUERY = 200
MAX_RESULTS = 50


@dataclass(frozen=True)
class Hit:
    page: Page
    revision: Revision  # the one this reader sees
    title: Highlighted
    excerpt: Highlighted


@dataclass(frozen=True)
class FileHit:
    """A file whose text has the words: where in it (the first slide or page that has them), when it is made of
    slides or pages."""

    page: Page
    page_title: str  # the title this reader sees of the file's page
    attachment: Attachment
    version: FileVersion  # the one this reader sees
    kind: kinds.FileKind
    unit: int | None  # 1-based slide or page number, None when the words are in the file's name or whole text
    unit_title: str
    excerpt: Highlighted

    @property
    def anchor(self) -> str | None:
        """The slide's id on the file's preview ("slide-7")."""
        return f"{self.kind.unit}-{self.unit}" if self.unit is not None and self.kind.unit else None


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    more: bool
    files: list[FileHit] = field(default_factory=list)
    more_files: bool = False


def _like_pattern(query: str) -> str:
    """A LIKE pattern matching the query literally: its own % and _ are not wildcards."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_pages(user: User, query: str) -> Results:
    require(can_follow_published(user), "Sign in to search the wiki.")
    if len(query) > MAX_QUERY:
        raise BadInput(f"Search for at most {MAX_QUERY} characters; that was {len(query)}.")
    if "\x00" in query:
        raise BadInput("The search contained NUL characters; remove them and search again.")
    query = query.strip()
    if not query:
        return Results(query="", hits=[], more=False)
    pattern = _like_pattern(query)
    # Title and text of the revision this reader sees: a word only in a draft's title finds nothing for the field.
    in_title = Revision.title.ilike(pattern, escape="\\")
    rows = db.session.execute(
        select(Page, Revision)
        .join(Revision, Revision.id == shown_id(user))
        .options(undefer(Revision.body))
        .where(in_title | Revision.body.ilike(pattern, escape="\\"))
        .order_by(case((in_title, 0), else_=1), func.lower(Revision.title))
        .limit(MAX_RESULTS + 1)
    ).all()
    hits = [
        Hit(page=page, revision=revision, title=highlight(revision.title, query), excerpt=snippet(revision.body, query))
        for page, revision in rows[:MAX_RESULTS]
    ]
    file_hits, more_files = _find_in_files(user, query, pattern)
    return Results(query=query, hits=hits, more=len(rows) > MAX_RESULTS, files=file_hits, more_files=more_files)


def _find_in_files(user: User, query: str, pattern: str) -> tuple[list[FileHit], bool]:
    """Files whose name or text has the query, in the version this reader sees of each: for the field the
    approved version of a file on a published page, so the LIKE never reads a draft's text for them."""
    shown_version = Attachment.head_version_id if can_read_drafts(user) else Attachment.published_version_id
    rows = db.session.execute(
        select(Page, Revision.title, Attachment, FileVersion)
        .join(Revision, Revision.id == shown_id(user))
        .join(Attachment, Attachment.page_id == Page.id)
        .join(FileVersion, FileVersion.id == shown_version)
        .where(Attachment.name.ilike(pattern, escape="\\") | FileVersion.text.ilike(pattern, escape="\\"))
        .order_by(func.lower(Revision.title), Attachment.name)
        .limit(MAX_RESULTS + 1)
    ).all()
    return [_file_hit(query, *row) for row in rows[:MAX_RESULTS]], len(rows) > MAX_RESULTS


def _file_hit(query: str, page: Page, page_title: str, attachment: Attachment, version: FileVersion) -> FileHit:
    kind = kinds.KINDS[version.kind]
    needle = re.compile(re.escape(query), re.IGNORECASE)
    for position, unit in enumerate(version.units, start=1):
        for part in ("title", "text", "notes"):
            if needle.search(unit[part]):
                return FileHit(
                    page, page_title, attachment, version, kind, position, unit["title"], snippet(unit[part], query)
                )
    # A document not made of slides, or a match in the name: the whole text (deferred, so read only here).
    return FileHit(page, page_title, attachment, version, kind, None, "", snippet(version.text, query))
