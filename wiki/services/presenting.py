"""Present mode (issue 15, part 1): a page as slides for its reader, and who presents each section.

The field presents the published version only. The council and leads present it too, and preview the draft head
with `draft`; on a page nothing of which is published yet, the draft is all there is, and it says so.
Leads assign each `##` section to a council member, and every slide of the section says who presents it; the
title slide names them all, in the order they speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wiki.cache import LRUCache
from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, require
from wiki.extensions import db
from wiki.models import CouncilMember, Page, Revision, Role, SectionPresenter, User, utcnow
from wiki.services import pages
from wiki.services.permissions import can_assign_presenters, can_present, can_present_section, can_read_drafts
from wiki.text.render import RENDERER_VERSION, render
from wiki.text.slides import Slide, literal, sections, split


@dataclass(frozen=True)
class RenderedSlide:
    slide: Slide
    html: str
    notes_html: str


@dataclass(frozen=True)
class ShownSlide:
    html: str
    notes_html: str
    title: str | None  # the page title above the title slide's text, unless that opens with a title of its own
    presenter: str | None  # "Sofia Lindqvist, EMEA"


@dataclass(frozen=True)
class Deck:
    page: Page
    revision: Revision
    draft: bool  # showing a revision the field doesn't have
    slides: list[ShownSlide]
    lineup: list[str]  # who presents, in the order of their sections: the title slide's line


@dataclass(frozen=True)
class SectionRow:
    key: str
    heading: str
    on_page: bool  # False for an assignment whose heading is gone (renamed or removed) from the page
    presenter_id: int | None


@dataclass(frozen=True)
class Candidate:
    id: int
    line: str  # "Sofia Lindqvist, EMEA"
    eligible: bool  # False for someone assigned earlier who is no longer on the council


@dataclass(frozen=True)
class PresentersPlan:
    page: Page
    rows: list[SectionRow]
    candidates: list[Candidate]
    announcement: str | None  # a line for a summary's introduction, once someone presents


class Presenter(NamedTuple):
    name: str
    region: str | None  # the one they speak for on the council, else their account's

    @property
    def line(self) -> str:
        """As the slides say it: "Sofia Lindqvist, EMEA"."""
        return f"{self.name}, {self.region}" if self.region else self.name

    @property
    def credit(self) -> str:
        """As the summary credits people: "Sofia Lindqvist (EMEA)"."""
        return f"{self.name} ({self.region})" if self.region else self.name


# Each revision's slides are rendered once: a revision never changes.
_rendered: LRUCache[tuple[RenderedSlide, ...]] = LRUCache(capacity=64)


def rendered_slides(revision: Revision) -> tuple[RenderedSlide, ...]:
    def make() -> tuple[RenderedSlide, ...]:
        return tuple(
            RenderedSlide(slide, render(slide.markdown).html, render(slide.notes).html if slide.notes else "")
            for slide in split(revision.body)
        )

    return _rendered.get_or_make((revision.id, RENDERER_VERSION), make)


def _presented_revision(user: User, page: Page, draft: bool) -> Revision:
    if draft:
        require(
            can_read_drafts(user),
            "Field reps present the published version; only the council and marketing leads preview a draft.",
        )
        return pages.visible_revision(user, page)
    if page.published is not None:
        return page.published
    # Only the council and leads get this far (the field doesn't see a page with nothing published).
    return pages.visible_revision(user, page)


def deck(user: User, slug: str, draft: bool = False) -> Deck:
    """The slides `user` presents of the page: its published version, or with `draft` its head."""
    page = pages.readable_page(user, slug)
    require(can_present(user, page), "You can't present this page.")
    revision = _presented_revision(user, page, draft)
    presenters = _presenters(page)
    shown = []
    for index, made in enumerate(rendered_slides(revision)):
        slide = made.slide
        presenter = presenters.get(slide.section) if slide.section else None
        title = revision.title if index == 0 and not slide.opens_with_title else None
        shown.append(ShownSlide(made.html, made.notes_html, title, presenter.line if presenter else None))
    lineup = [presenter.line for presenter in _lineup(revision, presenters)]
    return Deck(page, revision, revision.id != page.published_revision_id, shown, lineup)


# Presenters ---------------------------------------------------------------------------------------


def _presenter(person: User, seat: CouncilMember | None) -> Presenter:
    return Presenter(person.name, seat.represents if seat is not None else person.region)


def _seats(user_ids) -> dict[int, CouncilMember]:
    query = select(CouncilMember).where(CouncilMember.user_id.in_(user_ids), CouncilMember.left_at.is_(None))
    return {seat.user_id: seat for seat in db.session.execute(query).scalars()}


def _assignments(page: Page) -> list[SectionPresenter]:
    query = (
        select(SectionPresenter)
        .options(selectinload(SectionPresenter.user))
        .where(SectionPresenter.page_id == page.id)
        .order_by(SectionPresenter.id)
    )
    return list(db.session.execute(query).scalars())


def _presenters(page: Page) -> dict[str, Presenter]:
    """Section key → who presents it."""
    assigned = _assignments(page)
    seats = _seats({row.user_id for row in assigned})
    return {row.section: _presenter(row.user, seats.get(row.user_id)) for row in assigned}


def _lineup(revision: Revision, presenters: dict[str, Presenter]) -> list[Presenter]:
    """Who presents the revision's sections, each once, in the order they first speak."""
    found = [
        presenters[key] for key, _ in sections([made.slide for made in rendered_slides(revision)]) if key in presenters
    ]
    return list(dict.fromkeys(found))


def _announcement(page: Page, presenters: dict[str, Presenter]) -> str | None:
    """The session, as a line of Markdown for a summary's introduction (where the lead adds when and where)."""
    revision = page.published or page.head
    people = [literal(presenter.credit) for presenter in _lineup(revision, presenters)]
    if not people:
        return None
    names = people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"
    link = f"[{literal(revision.title)}](/p/{page.slug}/present)"
    return f"**Presenting the plan to the field:** {link}, presented by {names}."


def _page_sections(page: Page) -> dict[str, str]:
    """Key → heading of the sections of the head and the published version, the head's first: a lead plans the
    session on the draft that is about to be published, or on what the field has now."""
    found: dict[str, str] = {}
    for revision in (page.head, page.published):
        if revision is not None:
            for key, heading in sections([made.slide for made in rendered_slides(revision)]):
                found.setdefault(key, heading)
    return found


def presenters_plan(user: User, page: Page) -> PresentersPlan:
    """What the presenters form shows: each section with its presenter, and whom a lead can pick."""
    require(can_assign_presenters(user), "Only marketing leads assign presenters.")
    assigned = {row.section: row for row in _assignments(page)}
    headings = _page_sections(page)
    rows = [
        SectionRow(key, heading, True, assigned[key].user_id if key in assigned else None)
        for key, heading in headings.items()
    ]
    rows += [SectionRow(key, key, False, row.user_id) for key, row in assigned.items() if key not in headings]
    members = list(
        db.session.execute(
            select(User)
            .join(CouncilMember, CouncilMember.user_id == User.id)
            .where(CouncilMember.left_at.is_(None), User.active.is_(True), User.role == Role.COUNCIL)
            .order_by(func.lower(User.name))
        ).scalars()
    )
    earlier = [row.user for row in assigned.values() if row.user not in members]
    seats = _seats({person.id for person in members + earlier})
    candidates = [Candidate(person.id, _presenter(person, seats.get(person.id)).line, True) for person in members]
    candidates += [
        Candidate(person.id, _presenter(person, seats.get(person.id)).line, False) for person in dict.fromkeys(earlier)
    ]
    presenters = {key: _presenter(row.user, seats.get(row.user_id)) for key, row in assigned.items()}
    return PresentersPlan(page, rows, candidates, _announcement(page, presenters))


def set_presenters(user: User, page: Page, chosen: Mapping[str, int | None]) -> int:
    """Assign (a person's id) or unassign (None) the presenter of each section named, in one transaction; returns
    how many sections changed. A section left as it was is not checked again, so a presenter who has since left
    the council stays until a lead picks someone else."""
    require(can_assign_presenters(user), "Only marketing leads assign presenters.")
    with write_transaction() as session:
        lock_row(session, select(Page).where(Page.id == page.id))
        assigned = {row.section: row for row in _assignments(page)}
        known = _page_sections(page).keys() | assigned.keys()
        changed = 0
        for key, person_id in chosen.items():
            if key not in known:
                raise BadInput(f"This page has no section “{key[:80]}” to present.", field="section")
            row = assigned.get(key)
            if person_id == (row.user_id if row is not None else None):
                continue
            changed += 1
            if person_id is None:
                session.delete(row)
                continue
            person = session.get(User, person_id)
            if person is None:
                raise BadInput("Pick a presenter from the list: that person doesn't exist.", field="presenter")
            seated = _seats({person.id}).get(person.id) is not None
            if not can_present_section(person, seated):
                raise BadInput(
                    f"{person.name} can't present a section: presenters are active members of the council.",
                    field="presenter",
                )
            if row is None:
                session.add(SectionPresenter(page_id=page.id, section=key, user_id=person.id, assigned_by_id=user.id))
            else:
                row.user_id, row.assigned_by_id, row.assigned_at = person.id, user.id, utcnow()
    return changed
