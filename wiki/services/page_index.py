"""The lists of pages: the home page's most recently changed of each kind, and the index of every page.

Each reader lists the revision they would see of each page (the draft head for council and leads, the
published one for the field), so a title the field hasn't been given never reaches them through a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import joinedload

from wiki.errors import BadInput, require
from wiki.extensions import db
from wiki.models import Page, PageKind, Revision, User
from wiki.services.pages import parse_kind, shown_id, shown_id_for
from wiki.services.permissions import can_read_drafts, is_signed_in

PER_PAGE = 100
KIND_NAMES = {PageKind.PLAN: "Plans", PageKind.COLLATERAL: "Collateral", PageKind.NOTE: "Notes"}


@dataclass(frozen=True)
class PageIndex:
    """One page of the index: its rows, and how many pages of each kind this reader can open."""

    rows: list[tuple[Page, Revision]]
    kind: PageKind | None
    counts: dict[PageKind, int]
    page_no: int
    per_page: int

    @property
    def total(self) -> int:
        return self.counts[self.kind] if self.kind is not None else sum(self.counts.values())

    @property
    def has_more(self) -> bool:
        return self.page_no * self.per_page < self.total


def _listed(user: User):
    return _listed_by(can_read_drafts(user))


def _listed_by(drafts: bool):
    # The list names who made each page's last change; for the staff, who read drafts, each page's badge says how
    # far its published revision is behind.
    query = select(Page, Revision).join(Revision, Revision.id == shown_id_for(drafts))
    query = query.options(joinedload(Revision.author))
    return query.options(joinedload(Page.published)) if drafts else query


def kind_counts(user: User) -> dict[PageKind, int]:
    found = dict(
        db.session.execute(
            select(Revision.kind, func.count()).join(Page, Revision.id == shown_id(user)).group_by(Revision.kind)
        ).all()
    )
    return {kind: found.get(kind, 0) for kind in PageKind}


@dataclass(frozen=True)
class Recent:
    """The newest few pages of a kind, and whether there are older ones."""

    rows: list[tuple[Page, Revision]]
    more: bool


def recently_changed(user: User, per_kind: int) -> dict[PageKind, Recent]:
    """The `per_kind` pages of each kind whose shown revision is newest, however many pages there are: the
    newest of each kind are picked in one statement and loaded in another. Revision ids follow time, so the
    newest is the highest id, read from the page row (ordering by the revision's time would read every page's
    revision)."""
    require(is_signed_in(user), "Sign in to see the pages.")
    rows = db.session.execute(_newest_of_each_kind(can_read_drafts(user), per_kind)).all()
    found = {}
    for kind in PageKind:
        of_kind = [row for row in rows if row[1].kind == kind]
        found[kind] = Recent(of_kind[:per_kind], more=len(of_kind) > per_kind)
    return found


@cache
def _newest_of_each_kind(drafts: bool, per_kind: int) -> Select:
    # Built once for each kind of reader: putting a union of three together costs more than running it.
    shown = shown_id_for(drafts)
    newest = [
        select(shown.label("revision_id"))
        .join(Revision, Revision.id == shown)
        .where(Revision.kind == kind)
        .order_by(shown.desc())
        .limit(per_kind + 1)
        .subquery()
        for kind in PageKind
    ]
    picked = union_all(*(select(each.c.revision_id) for each in newest)).subquery()
    return _listed_by(drafts).where(Revision.id.in_(select(picked.c.revision_id))).order_by(Revision.id.desc())


# How many pages a name typed into a filter offers, and the longest it reads.
MAX_NAMES = 20
MAX_TYPED = 200


def names_like(user: User, typed: str) -> list[tuple[str, str]]:
    """The address and title of the first `MAX_NAMES` pages this reader can open (by the title they see, so the
    field never learns a draft's) whose title or address holds `typed`, ignoring case, A to Z: what a page filter
    offers as someone types, rather than listing every page."""
    require(is_signed_in(user), "Sign in to see the pages.")
    typed = typed.strip()
    if len(typed) > MAX_TYPED:
        raise BadInput(f"Type at most {MAX_TYPED} characters of a page's name; that was {len(typed)}.")
    if not typed:
        return []
    shown = shown_id(user)
    needle = typed.lower()
    return [
        (slug, title)
        for slug, title in db.session.execute(
            select(Page.slug, Revision.title)
            .join(Revision, Revision.id == shown)
            .where(
                func.lower(Revision.title).contains(needle, autoescape=True)
                | Page.slug.contains(needle, autoescape=True)
            )
            .order_by(func.lower(Revision.title), Page.id)
            .limit(MAX_NAMES)
        )
    ]


def titled(user: User, title: str) -> Page | None:
    """The page whose title, as this reader sees it, is `title` ignoring case (the oldest, should two share one)."""
    require(is_signed_in(user), "Sign in to see the pages.")
    if not title.strip() or len(title) > MAX_TYPED:
        return None
    return db.session.execute(
        select(Page)
        .join(Revision, Revision.id == shown_id(user))
        .where(func.lower(Revision.title) == title.strip().lower())
        .order_by(Page.id)
        .limit(1)
    ).scalar_one_or_none()


def page_index(user: User, kind_asked: str | None, page_no: int = 1, per_page: int = PER_PAGE) -> PageIndex:
    """Every page this reader can open (of one kind, or all), by title, `per_page` at a time."""
    require(is_signed_in(user), "Sign in to see the pages.")
    kind = parse_kind(kind_asked or "")
    query = _listed(user)
    if kind is not None:
        query = query.where(Revision.kind == kind)
    rows = db.session.execute(
        query.order_by(func.lower(Revision.title), Page.id).limit(per_page).offset((page_no - 1) * per_page)
    ).all()
    return PageIndex(list(rows), kind, kind_counts(user), page_no, per_page)
