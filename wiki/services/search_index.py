"""Keeping the full-text index current (issue 14, item 3).

Each function is called in the transaction of the change it follows, by the one service that makes that change, so
the index can't disagree with what it indexes: `index_page` when a page's head or published revision moves (saving,
restoring, accepting a suggestion, publishing; a retitle is a revision), `index_file` when a file's newest or
approved version does (an upload, a restore, an approval), `index_thread` when a comment is written, edited or
deleted. Deleting a page or a file takes its rows with it (foreign keys). `reindex` rebuilds everything, for
`flask --app wsgi search reindex` and for data loaded around the services.

A page has at most two rows: its head (`staff`) and its published revision (`field`), one row with both when they
are the same revision, which is most of the time.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from wiki.db import write_transaction
from wiki.models import Attachment, Comment, FileVersion, Page, Revision, SearchDoc, SearchSource, Thread
from wiki.text.search_text import index_text, searchable

# A document with no slides or pages of its own (a Word file) is indexed in stretches of about this many
# characters, so a match is shown from the stretch it is in and no row nears the index's limit.
STRETCH_CHARS = 20_000
_BATCH = 500
# Files are read whole (their slides' text) a batch at a time.
_FILE_BATCH = 50


def _audiences(head_id: int | None, published_id: int | None) -> dict[int, tuple[bool, bool]]:
    """The versions to index, each with (staff, field): the head for staff, the published one for the field."""
    wanted: dict[int, tuple[bool, bool]] = {}
    if published_id is not None:
        wanted[published_id] = (False, True)
    if head_id is not None:
        wanted[head_id] = (True, head_id == published_id)
    return wanted


def _page_row(page_id: int, revision_id: int, title: str, body: str, staff: bool, field: bool) -> dict:
    return {
        "source": SearchSource.PAGE,
        "page_id": page_id,
        "revision_id": revision_id,
        "staff": staff,
        "field": field,
        "title": index_text(title),
        "body": searchable(body),
    }


def index_page(session: Session, page: Page) -> None:
    """The page's rows follow its head and published revision (page.head and page.published as they are now)."""
    wanted = _audiences(page.head_revision_id, page.published_revision_id)
    rows = session.execute(
        select(SearchDoc.id, SearchDoc.revision_id, SearchDoc.staff, SearchDoc.field).where(
            SearchDoc.page_id == page.id, SearchDoc.source == SearchSource.PAGE
        )
    ).all()
    kept = _sync_flags(session, rows, wanted, lambda row: row.revision_id)
    new = []
    for revision_id in wanted.keys() - kept:
        revision = page.head if revision_id == page.head_revision_id else page.published
        new.append(_page_row(page.id, revision.id, revision.title, revision.body, *wanted[revision_id]))
    if new:
        session.execute(insert(SearchDoc), new)


def _sync_flags(session: Session, rows, wanted: dict[int, tuple[bool, bool]], version_of) -> set[int]:
    """Delete the rows of versions no longer wanted, set staff/field on the others; returns the versions kept."""
    kept: set[int] = set()
    gone, moved = [], {}
    for row in rows:
        version = version_of(row)
        if version not in wanted:
            gone.append(row.id)
            continue
        kept.add(version)
        if (row.staff, row.field) != wanted[version]:
            moved.setdefault(wanted[version], []).append(row.id)
    if gone:
        session.execute(delete(SearchDoc).where(SearchDoc.id.in_(gone)))
    for (staff, field), ids in moved.items():
        session.execute(update(SearchDoc).where(SearchDoc.id.in_(ids)).values(staff=staff, field=field))
    return kept


def _stretches(text: str) -> list[str]:
    """Long text cut at whitespace into stretches of at most STRETCH_CHARS."""
    stretches = []
    while text:
        if len(text) <= STRETCH_CHARS:
            stretches.append(text)
            break
        cut = text.rfind(" ", STRETCH_CHARS // 2, STRETCH_CHARS)
        cut = cut if cut > 0 else STRETCH_CHARS
        stretches.append(text[:cut])
        text = text[cut:].lstrip()
    return stretches


def _file_rows(page_id: int, attachment_id: int, name: str, version: FileVersion, staff: bool, field: bool):
    """The rows of one file version: its name (position 0), then each slide, page or sheet (or stretch of text)."""
    common = {
        "source": SearchSource.FILE,
        "page_id": page_id,
        "attachment_id": attachment_id,
        "file_version_id": version.id,
        "staff": staff,
        "field": field,
    }
    # A file's name reads as words: "customer-deck.pptx" is found by "customer deck".
    rows = [{**common, "position": 0, "title": re.sub(r"[-_.]", " ", name), "body": ""}]
    if version.units:
        parts = [(unit["title"], f"{unit['text']}\n{unit['notes']}") for unit in version.units]
    else:
        parts = [("", stretch) for stretch in _stretches(index_text(version.text, limit=None))]
    for position, (title, text) in enumerate(parts, start=1):
        if title.strip() or text.strip():
            rows.append({**common, "position": position, "title": index_text(title), "body": index_text(text)})
    return rows


def index_file(session: Session, attachment: Attachment) -> None:
    """The file's rows follow its newest and its approved version."""
    # Read back after writing them: an upload locks the page, an approval the file, so the other's change may have
    # committed since this transaction read the file.
    session.flush()
    head_id, published_id = session.execute(
        select(Attachment.head_version_id, Attachment.published_version_id).where(Attachment.id == attachment.id)
    ).one()
    wanted = _audiences(head_id, published_id)
    rows = session.execute(
        select(SearchDoc.id, SearchDoc.file_version_id, SearchDoc.staff, SearchDoc.field).where(
            SearchDoc.attachment_id == attachment.id
        )
    ).all()
    kept = _sync_flags(session, rows, wanted, lambda row: row.file_version_id)
    for version_id in wanted.keys() - kept:
        version = session.get(FileVersion, version_id)
        rows = _file_rows(attachment.page_id, attachment.id, attachment.name, version, *wanted[version_id])
        session.execute(insert(SearchDoc), rows)


def index_thread(session: Session, thread: Thread) -> None:
    """The thread's comments as they are now (new ones, edits, deletions): staff find them, the field never."""
    comments = session.execute(
        select(Comment.id, Comment.body, Comment.deleted_at).where(Comment.thread_id == thread.id)
    ).all()
    docs = {
        row.comment_id: row
        for row in session.execute(
            select(SearchDoc.id, SearchDoc.comment_id, SearchDoc.body).where(
                SearchDoc.comment_id.in_([comment.id for comment in comments])
            )
        )
    }
    new = []
    for comment in comments:
        text = "" if comment.deleted_at is not None else index_text(comment.body)
        doc = docs.get(comment.id)
        if doc is None:
            if text:
                new.append(_comment_row(thread.page_id, comment.id, text))
        elif not text:
            session.execute(delete(SearchDoc).where(SearchDoc.id == doc.id))
        elif doc.body != text:
            session.execute(update(SearchDoc).where(SearchDoc.id == doc.id).values(body=text))
    if new:
        session.execute(insert(SearchDoc), new)


def _comment_row(page_id: int, comment_id: int, text: str) -> dict:
    return {
        "source": SearchSource.COMMENT,
        "page_id": page_id,
        "comment_id": comment_id,
        "staff": True,
        "field": False,
        "title": "",
        "body": text,
    }


class Reindexed(NamedTuple):
    pages: int
    files: int
    comments: int


def reindex() -> Reindexed:
    """Rebuild the whole index from the pages, files and comments, in one transaction (searches meanwhile read the
    old index) and in batches (a wiki of thousands of pages holds only a batch of text in memory at once)."""
    with write_transaction() as session:
        return _reindex(session)


def _reindex(session: Session) -> Reindexed:
    session.execute(delete(SearchDoc))
    page_ids = list(session.execute(select(Page.id).where(Page.head_revision_id.is_not(None))).scalars())
    for batch in _batches(page_ids):
        _reindex_pages(session, batch)
    attachment_ids = list(
        session.execute(select(Attachment.id).where(Attachment.head_version_id.is_not(None))).scalars()
    )
    for batch in _batches(attachment_ids, _FILE_BATCH):
        _reindex_files(session, batch)
    comment_ids = list(
        session.execute(select(Comment.id).where(Comment.deleted_at.is_(None), Comment.body != "")).scalars()
    )
    for batch in _batches(comment_ids):
        rows = session.execute(
            select(Comment.id, Comment.body, Thread.page_id)
            .join(Thread, Thread.id == Comment.thread_id)
            .where(Comment.id.in_(batch))
        ).all()
        texts = [(row, index_text(row.body)) for row in rows]
        docs = [_comment_row(row.page_id, row.id, text) for row, text in texts if text]
        if docs:
            session.execute(insert(SearchDoc), docs)
    return Reindexed(pages=len(page_ids), files=len(attachment_ids), comments=len(comment_ids))


def _batches(ids: list, size: int = _BATCH) -> list[list]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _reindex_pages(session: Session, page_ids: list[int]) -> None:
    pointers = session.execute(
        select(Page.id, Page.head_revision_id, Page.published_revision_id).where(Page.id.in_(page_ids))
    ).all()
    wanted = {page.id: _audiences(page.head_revision_id, page.published_revision_id) for page in pointers}
    revision_ids = [revision_id for versions in wanted.values() for revision_id in versions]
    revisions = session.execute(
        select(Revision.id, Revision.page_id, Revision.title, Revision.body).where(Revision.id.in_(revision_ids))
    ).all()
    rows = [
        _page_row(revision.page_id, revision.id, revision.title, revision.body, *wanted[revision.page_id][revision.id])
        for revision in revisions
    ]
    session.execute(insert(SearchDoc), rows)


def _reindex_files(session: Session, attachment_ids: list[int]) -> None:
    attachments = session.execute(
        select(
            Attachment.id,
            Attachment.page_id,
            Attachment.name,
            Attachment.head_version_id,
            Attachment.published_version_id,
        ).where(Attachment.id.in_(attachment_ids))
    ).all()
    wanted = {row.id: _audiences(row.head_version_id, row.published_version_id) for row in attachments}
    versions = {
        version.id: version
        for version in session.execute(
            select(FileVersion).where(FileVersion.id.in_([v for versions in wanted.values() for v in versions]))
        ).scalars()
    }
    rows = [
        row
        for attachment in attachments
        for version_id, (staff, field) in wanted[attachment.id].items()
        for row in _file_rows(attachment.page_id, attachment.id, attachment.name, versions[version_id], staff, field)
    ]
    for batch in _batches(rows):
        session.execute(insert(SearchDoc), batch)
    for version in versions.values():
        session.expunge(version)
