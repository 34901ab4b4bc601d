"""Plain functions that make test data through the real services."""

from __future__ import annotations

import itertools

from wiki.extensions import db
from wiki.models import Page, User
from wiki.services import accounts, pages
from wiki.services.pages import EditSubmission

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(
    role: str = "council", name: str | None = None, email: str | None = None, region: str | None = None
) -> User:
    n = next(_counter)
    user = accounts.create_user(None, email or f"person{n}@example.com", name or f"Person {n}", role, PASSWORD, region)
    # Detached with its attributes loaded, so tests can use it after the app context is gone.
    user = db.session.get(User, user.id)
    db.session.refresh(user)
    db.session.expunge(user)
    return user


def make_page(
    author: User,
    slug: str = "fy27-plan",
    bodies: tuple[str, ...] = ("# Plan\n\nFirst.\n",),
    title: str = "",
    kind: str = "plan",
) -> Page:
    """A page with one revision per body, each written on top of the previous one."""
    for number, body in enumerate(bodies):
        pages.save_revision(
            author,
            EditSubmission(slug=slug, body=body, summary=f"r{number + 1}", base_number=number, title=title, kind=kind),
        )
    return pages.get_page(slug)


def publish(lead: User, page: Page, number: int) -> None:
    pages.publish(lead, page, number)
