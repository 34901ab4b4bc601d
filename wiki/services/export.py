"""The whole wiki as a zip of Markdown files, to archive it or take it to another wiki.

The zip holds `pages/<slug>.md` for every page with a published revision (its newest one) under front matter
that says which revision it is and who wrote and approved it (wiki/text/front_matter.py); with `history`, also
every revision of every page as `pages/<slug>/r0001.md` …, drafts and never-published pages included; the
approved version of each file on those pages as `files/<slug>/<name>`; a README.txt and a manifest.json listing
all of it. wiki/services/importing.py reads it back.

It is written as it is read, page by page, so a web download streams and memory stays flat however big the
wiki. Reading and packing is quick (a thousand 5 KB pages in under a second on the 2-core development machine,
files added at the speed of copying their bytes), so the leads' download streams from the web worker rather
than waiting on the worker process; only a wiki whose files run to gigabytes would outlast gunicorn's 30 s
worker timeout, and for it the command line (`flask --app wsgi export`) has no time limit.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer

from wiki.errors import require
from wiki.extensions import db
from wiki.models import Approval, Attachment, Blob, Decision, FileVersion, Page, Revision, User, utcnow
from wiki.services.permissions import can_export
from wiki.text import front_matter

FORMAT = "council-wiki-export"
FORMAT_VERSION = 1
# Pages read per batch: a batch's published revisions, authors and approvals come in a few queries.
BATCH = 100


@dataclass
class ExportCounts:
    pages: int = 0
    revisions: int = 0
    files: int = 0
    left_out: list[str] = field(default_factory=list)  # pages with no published revision (without history)


def check_allowed(user: User | None) -> None:
    """user None is the command line, run with the operator's authority."""
    if user is not None:
        require(can_export(user), "Only marketing leads can export the wiki.")


def chunks(user: User | None, *, history: bool = False) -> Iterator[bytes]:
    """The export zip as it is made, a file at a time, for a streamed download."""
    check_allowed(user)
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for _ in _entries(archive, history, ExportCounts()):
            yield sink.take()
    yield sink.take()


def write(user: User | None, out, *, history: bool = False) -> ExportCounts:
    """Write the export zip to the binary file `out`; what it holds, counted."""
    check_allowed(user)
    counts = ExportCounts()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for _ in _entries(archive, history, counts):
            pass
    return counts


def filename(history: bool) -> str:
    return f"council-wiki-{utcnow():%Y-%m-%d}{'-history' if history else ''}.zip"


class _Sink:
    """A write-only file for zipfile (which then writes sizes after each entry instead of seeking back)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


# What goes in -------------------------------------------------------------------------------------


def page_document(revision: Revision, approval: Approval | None) -> str:
    """A revision as an exported Markdown file: front matter, then the body exactly as stored."""
    meta = {
        "title": revision.title,
        "kind": revision.kind.value,
        "revision": revision.number,
        "author": revision.author.email,
        "approved_by": approval.decided_by.email if approval else None,
        "approved_at": _iso(approval.created_at) if approval else None,
        "created_at": _iso(revision.created_at),
    }
    return front_matter.write(meta, revision.body)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _entries(archive: zipfile.ZipFile, history: bool, counts: ExportCounts) -> Iterator[None]:
    """Write every entry, yielding after each so a download can send what is ready."""
    listed: dict[str, list[dict]] = {"pages": [], "files": []}
    slugs = list(db.session.execute(select(Page.id, Page.slug).order_by(Page.slug)).all())
    for start in range(0, len(slugs), BATCH):
        batch = slugs[start : start + BATCH]
        published = _published([page_id for page_id, _ in batch])
        approvals = _first_approvals(Approval.revision_id.in_([r.id for r in published.values()]))
        for page_id, slug in batch:
            revision = published.get(page_id)
            if revision is None and not history:
                counts.left_out.append(slug)
                continue
            entry: dict = {"slug": slug, "published": revision is not None}
            if revision is not None:
                path = f"pages/{slug}.md"
                _add(archive, path, page_document(revision, approvals.get(revision.id)), revision.created_at)
                entry |= {"path": path, "title": revision.title, "kind": revision.kind.value}
                entry["revision"] = revision.number
                counts.pages += 1
                yield
            if history:
                yield from _history(archive, page_id, slug, entry, counts)
            listed["pages"].append(entry)
            yield from _files(archive, page_id, slug, listed["files"], counts)
        # What this batch loaded is written; let it go before the next.
        db.session.expire_all()
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "site": current_app.config["SITE_NAME"],
        "exported_at": _iso(utcnow()),
        "history": history,
        **listed,
        "left_out": counts.left_out,
    }
    _add(archive, "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", utcnow())
    _add(archive, "README.txt", _readme(history, counts), utcnow())
    yield


def _history(archive, page_id: int, slug: str, entry: dict, counts: ExportCounts) -> Iterator[None]:
    entry["revisions"] = []
    for revision, approval in _every_revision(page_id):
        path = f"pages/{slug}/r{revision.number:04d}.md"
        _add(archive, path, page_document(revision, approval), revision.created_at)
        entry["revisions"].append(path)
        if not entry["published"]:
            # A page never published is known by its newest title.
            entry["title"], entry["kind"] = revision.title, revision.kind.value
        counts.revisions += 1
        yield


def _files(archive, page_id: int, slug: str, listed: list[dict], counts: ExportCounts) -> Iterator[None]:
    for attachment, version in _approved_files(page_id):
        path = f"files/{slug}/{attachment.name}"
        data = db.session.execute(select(Blob.data).where(Blob.sha256 == version.blob_sha256)).scalar_one()
        # Decks and documents are zips already: deflating them again costs time and saves nothing.
        _add(archive, path, data, version.created_at, zipfile.ZIP_STORED)
        listed.append(
            {
                "page": slug,
                "name": attachment.name,
                "version": version.number,
                "size": version.size,
                "sha256": version.blob_sha256,
                "path": path,
            }
        )
        counts.files += 1
        yield


def _add(archive: zipfile.ZipFile, path: str, content: str | bytes, when: datetime, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(path, date_time=max(when, datetime(1980, 1, 2, tzinfo=when.tzinfo)).timetuple()[:6])
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)


def _published(page_ids: list[int]) -> dict[int, Revision]:
    rows = db.session.execute(
        select(Page.id, Revision)
        .join(Revision, Revision.id == Page.published_revision_id)
        .options(undefer(Revision.body), selectinload(Revision.author))
        .where(Page.id.in_(page_ids))
    ).all()
    return {page_id: revision for page_id, revision in rows}


def _first_approvals(which) -> dict[int, Approval]:
    """The decision that published each revision `which` selects (its first approval), by revision id."""
    first = (
        select(func.min(Approval.id))
        .where(Approval.decision == Decision.APPROVED, which)
        .group_by(Approval.revision_id)
    )
    return {
        approval.revision_id: approval
        for approval in db.session.execute(
            select(Approval).options(selectinload(Approval.decided_by)).where(Approval.id.in_(first))
        ).scalars()
    }


def _every_revision(page_id: int) -> Iterator[tuple[Revision, Approval | None]]:
    approvals = _first_approvals(Approval.page_id == page_id)
    revisions = db.session.execute(
        select(Revision)
        .options(undefer(Revision.body), selectinload(Revision.author))
        .where(Revision.page_id == page_id)
        .order_by(Revision.number)
        .execution_options(yield_per=50)
    ).scalars()
    for revision in revisions:
        yield revision, approvals.get(revision.id)


def _approved_files(page_id: int) -> list[tuple[Attachment, FileVersion]]:
    return list(
        db.session.execute(
            select(Attachment, FileVersion)
            .join(FileVersion, FileVersion.id == Attachment.published_version_id)
            .where(Attachment.page_id == page_id)
            .order_by(Attachment.name)
        ).all()
    )


def _readme(history: bool, counts: ExportCounts) -> str:
    pages = (
        "pages/<slug>.md      the newest published revision of each page that has one\n"
        "pages/<slug>/r0001.md  every revision of every page, drafts and never-published pages included\n"
        if history
        else "pages/<slug>.md      the newest published revision of each page that has one\n"
    )
    left_out = (
        ""
        if history
        else (
            f"\n{len(counts.left_out)} page(s) never published are left out: {', '.join(counts.left_out)}.\n"
            "Export with --history to include them (and every older revision).\n"
            if counts.left_out
            else "\nEvery page has a published revision, so none is left out.\n"
        )
    )
    return (
        f"{current_app.config['SITE_NAME']}: export of {_iso(utcnow())}\n\n"
        f"{pages}"
        "files/<slug>/<name>  the approved version of each file on those pages\n"
        "manifest.json        everything above, listed\n\n"
        "Each Markdown file starts with front matter between two --- lines: title, kind, revision, author,\n"
        "approved_by and approved_at (null for a revision never approved) and created_at; the page's text\n"
        "follows exactly as it was saved. Text values are JSON strings, which YAML reads too.\n"
        f"{left_out}\n"
        "To bring it into a wiki: flask --app wsgi import FILE.zip --as EMAIL, or Export and import on the\n"
        "People page. Every page arrives as a new draft revision that a lead approves.\n"
    )
