"""Put files on pages through the real services, for tests whose subject is something else (who sees what,
what a route answers): the upload form itself is tested in tests/test_files.py."""

from __future__ import annotations

from wiki.models import User
from wiki.services import file_review, file_uploads, files, pages


def add_file(author: User, slug: str, filename: str, data: bytes, note: str = "") -> int:
    """Upload `data` as `filename` to the page (a new file, or the next version of the one of that name);
    returns the new version's number."""
    return file_uploads.upload(author, pages.get_page(slug), filename, data, note).number


def approve_file(lead: User, slug: str, name: str, number: int) -> None:
    page = pages.get_page(slug)
    file_review.approve(lead, page, files.get_attachment(lead, page, name), number)
