"""Shares with clients: a field rep records that they sent a published page to a client.

A rep records one share per client meeting, so several per rep and page are expected. Counts read together
with the field's feedback: how often a page travels, how many reps send it, and how many of the reps who
answered "would you share this?" said yes. A share can name one of the page's files (issue 11): its approved
version, and the slide or page the rep pointed the client to. It counts as a share of the page, since sending
the page's deck is the page reaching a client; but the reps' verdict is their answers about the page's text
only, an answer about a file being about that file (its preview shows those)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Integer, Select, bindparam, case, distinct, func, literal, select, true, union_all
from sqlalchemy.orm import selectinload

from wiki.db import lock_row, write_transaction
from wiki.errors import BadInput, NotFound, require
from wiki.extensions import db
from wiki.models import (
    AnswerTally,
    Attachment,
    Feedback,
    FileVersion,
    NotificationKind,
    Page,
    Revision,
    Role,
    Share,
    Tactic,
    User,
    tactic_pages,
    utcnow,
)
from wiki.services import file_mentions, inbox
from wiki.services.feedback import answer_query
from wiki.services.file_mentions import Mention, OnFile
from wiki.services.permissions import can_record_share, can_see_page, can_see_usage, is_lead
from wiki.services.tactics import page_owners

# The kinds of client a rep picks from; "other" asks for their own words.
CLIENT_KINDS = ("bank", "credit union", "insurer", "wealth manager", "other")
MAX_CLIENT_KIND = 80
MAX_REACTION = 2000
RECENT_DAYS = 30
LONGER_DAYS = 90
MAX_NOTIFICATION = 300


@dataclass(frozen=True)
class Usage:
    """How a page (or a tactic's pages together) travels: shares of it or its files in the last 30 and 90 days,
    the reps who sent them in the last 90, and of the reps who answered "would you share this?" about the page's
    text, how many said yes."""

    shares_recent: int = 0
    shares_longer: int = 0
    reps: int = 0
    answering: int = 0
    would_share: int = 0

    @property
    def share_percent(self) -> int | None:
        """Whole percent of answering reps whose latest answer is "would share"; None when nobody answered."""
        return round(100 * self.would_share / self.answering) if self.answering else None

    @property
    def is_empty(self) -> bool:
        return not (self.shares_longer or self.answering)


@dataclass(frozen=True)
class PageUsage:
    page_id: int
    slug: str
    title: str  # the published title: the one the reps sent
    usage: Usage


@dataclass(frozen=True)
class TacticUsage:
    total: Usage
    pages: list[PageUsage]


@dataclass(frozen=True)
class ShareLine:
    """One line of the summary email: “the DORA email went to 41 clients from 17 reps”."""

    slug: str
    title: str
    clients: int
    reps: int


@dataclass(frozen=True)
class PageShares:
    """The newest shares of a page, and for those that named a file, which file and slide (share id → it)."""

    shares: list[Share]
    files: dict[int, OnFile]


# Writing ------------------------------------------------------------------------------------------


def _check_kind(kind: str | None, other: str | None) -> str:
    kind = (kind or "").strip().lower()
    if kind not in CLIENT_KINDS:
        raise BadInput(f"Pick the kind of client: {', '.join(CLIENT_KINDS)}.", field="client_kind")
    if kind != "other":
        return kind
    other = " ".join((other or "").split())
    if not other:
        raise BadInput("Say what kind of client it was, in a few words.", field="other_kind")
    if len(other) > MAX_CLIENT_KIND:
        raise BadInput(
            f"The kind of client can be at most {MAX_CLIENT_KIND} characters; yours has {len(other)}.",
            field="other_kind",
        )
    if "\x00" in other:
        raise BadInput("The kind of client contains NUL characters, which can't be stored.", field="other_kind")
    return other


def _check_reaction(reaction: str | None) -> str:
    reaction = (reaction or "").replace("\r\n", "\n").strip()
    if len(reaction) > MAX_REACTION:
        raise BadInput(
            f"The client's reaction can be at most {MAX_REACTION:,} characters; yours has {len(reaction):,}.",
            field="reaction",
        )
    if "\x00" in reaction:
        raise BadInput("The reaction contains NUL characters, which can't be stored.", field="reaction")
    return reaction


def record_share(
    user: User,
    page: Page,
    kind: str | None,
    other: str | None,
    reaction: str | None,
    mention: Mention | None = None,
) -> Share:
    """The rep sent the page's published version to a client, or with `mention` the approved version of one of
    its files (pointing to a slide or page of it); whoever answers for the page hears of it. A file that isn't
    approved answers 404, like a missing one."""
    require(
        can_record_share(user),
        "Shares are recorded by the field reps who send pages to clients; the council and leads see the counts.",
    )
    if not can_see_page(user, page):
        raise NotFound(f"There is no page called “{page.slug}”.")
    client_kind = _check_kind(kind, other)
    reaction = _check_reaction(reaction)
    with write_transaction() as session:
        # Under the page lock, so the share names the version that is published when it is stored.
        page = lock_row(session, select(Page).where(Page.id == page.id))
        if page.published_revision_id is None:
            raise NotFound(f"There is no page called “{page.slug}”.")
        pinned = file_mentions.pin(session, page, mention) if mention is not None else None
        share = Share(
            page_id=page.id,
            revision_id=page.published_revision_id,
            author_id=user.id,
            client_kind=client_kind,
            reaction=reaction,
            created_at=utcnow(),
            file_version_id=pinned.version.id if pinned is not None else None,
            unit=pinned.unit if pinned is not None else None,
        )
        session.add(share)
        session.flush()
        who = f"{user.name} ({user.region})" if user.region else user.name
        if pinned is None:
            text = f"{who} sent “{page.published.title}” to a client ({client_kind})"
        else:
            text = f"{who} sent {pinned.attachment.name} from “{page.published.title}” to a client ({client_kind})"
            if pinned.unit is not None:
                text += f", pointing to {pinned.on_file.unit_word} {pinned.unit}"
        if reaction:
            text += ": " + " ".join(reaction.split())
        if len(text) > MAX_NOTIFICATION:
            text = text[: MAX_NOTIFICATION - 1].rstrip() + "…"
        leads = session.execute(select(User.id).where(User.role == Role.LEAD, User.active.is_(True))).scalars()
        inbox.notify(
            session,
            set(page_owners(page).user_ids) | set(leads),
            NotificationKind.SHARE,
            user,
            page,
            text,
            attachment=pinned.attachment if pinned is not None else None,
            version=pinned.version if pinned is not None else None,
            unit=pinned.unit if pinned is not None else None,
        )
    return share


# Reading ------------------------------------------------------------------------------------------


def own_shares(user: User, page: Page) -> list[Share]:
    """The rep's own shares of this page's text, newest first, to show under the form (those of its files show
    under each file's)."""
    require(can_record_share(user), "Only field reps record shares.")
    return list(
        db.session.execute(
            select(Share)
            .where(Share.page_id == page.id, Share.author_id == user.id, Share.file_version_id.is_(None))
            .order_by(Share.created_at.desc(), Share.id.desc())
        ).scalars()
    )


def own_file_shares(user: User, page: Page, attachment: Attachment) -> list[Share]:
    """The rep's own shares of this file, whichever of its versions, newest first."""
    require(can_record_share(user), "Only field reps record shares.")
    versions = select(FileVersion.id).where(FileVersion.attachment_id == attachment.id)
    return list(
        db.session.execute(
            select(Share)
            .where(Share.page_id == page.id, Share.author_id == user.id, Share.file_version_id.in_(versions))
            .order_by(Share.created_at.desc(), Share.id.desc())
        ).scalars()
    )


def page_shares(user: User, page: Page, limit: int = 20) -> PageShares:
    """The newest shares of the page and its files, with the rep and the client's reaction, for the council and
    leads."""
    require(can_see_usage(user), "Only the council and marketing leads see who sent what to clients.")
    rows = list(
        db.session.execute(
            select(Share)
            .where(Share.page_id == page.id)
            .options(selectinload(Share.author), selectinload(Share.revision))
            .order_by(Share.created_at.desc(), Share.id.desc())
            .limit(limit)
        ).scalars()
    )
    return PageShares(shares=rows, files=file_mentions.on_files(rows))


def _share_query(condition, group=None):
    """Shares since the moments bound as `recent` and `longer` (see _windows)."""
    columns = [
        func.sum(case((Share.created_at >= bindparam("recent"), 1), else_=0)).label("recent"),
        func.count().label("longer"),
        func.count(distinct(Share.author_id)).label("reps"),
    ]
    query = select(*([group] if group is not None else []), *columns).where(
        condition, Share.created_at >= bindparam("longer")
    )
    return query.group_by(group) if group is not None else query


def _windows(now: datetime) -> dict:
    return {"recent": now - timedelta(days=RECENT_DAYS), "longer": now - timedelta(days=LONGER_DAYS)}


def _share_numbers(condition, now: datetime) -> tuple:
    return tuple(db.session.execute(_share_query(condition), _windows(now)).one())


def _answer_numbers(condition) -> tuple:
    return tuple(db.session.execute(answer_query(condition)).one())


def _usage(shares: tuple | None, answers: tuple | None) -> Usage:
    recent, longer, reps = shares or (0, 0, 0)
    answering, would_share = answers or (0, 0)
    return Usage(
        shares_recent=recent or 0,
        shares_longer=longer or 0,
        reps=reps or 0,
        answering=answering or 0,
        would_share=would_share or 0,
    )


def _page_usages(statement: Select, values: dict) -> list[PageUsage]:
    return [
        PageUsage(page_id=page_id, slug=slug, title=title, usage=_usage(numbers[:3], numbers[3:]))
        for page_id, slug, title, *numbers in db.session.execute(statement, values)
    ]


def _usage_statement(page_ids, limited: bool) -> Select:
    """Usage per page, for the pages among `page_ids` (a query or None for every page) that have any: the most
    sent first, then those most reps answered about, then most would share; the first `limit` of them when
    `limited`. Counted and ranked before any title is read, so a home page asking for six reads six titles
    however many pages reps have sent or answered about."""
    share_condition = Share.page_id.in_(page_ids) if page_ids is not None else true()
    answer_condition = AnswerTally.page_id.in_(page_ids) if page_ids is not None else true()
    shares = _share_query(share_condition, Share.page_id).subquery()
    # Each page's share numbers and its answer numbers (kept per page as answers are given, wiki/models/core.py
    # AnswerTally) as rows of one list, summed per page.
    either = union_all(
        select(shares.c.page_id, shares.c.recent, shares.c.longer, shares.c.reps, *_zeros("answering", "would_share")),
        select(
            AnswerTally.page_id,
            *_zeros("recent", "longer", "reps"),
            AnswerTally.reps.label("answering"),
            AnswerTally.would_share,
        ).where(answer_condition),
    ).subquery()
    names = ("recent", "longer", "reps", "answering", "would_share")
    summed = [func.sum(either.c[name]).label(name) for name in names]
    ranking = (summed[1].desc(), summed[3].desc(), summed[4].desc(), either.c.page_id)
    limit = bindparam("limit", type_=Integer) if limited else None
    ranked = select(either.c.page_id, *summed).group_by(either.c.page_id).order_by(*ranking).limit(limit).subquery()
    return (
        select(Page.id, Page.slug, Revision.title, *(ranked.c[name] for name in names))
        .join(ranked, ranked.c.page_id == Page.id)
        .join(Revision, Revision.id == Page.published_revision_id)
        .order_by(ranked.c.longer.desc(), ranked.c.answering.desc(), ranked.c.would_share.desc(), Page.id)
    )


def _zeros(*names: str) -> list:
    return [literal(0).label(name) for name in names]


def usage_for_page(user: User, page: Page, now: datetime | None = None) -> Usage:
    require(can_see_usage(user), "Only the council and marketing leads see how often pages reach clients.")
    now = now or utcnow()
    return _usage(_share_numbers(Share.page_id == page.id, now), _answer_numbers(Feedback.page_id == page.id))


def dashboard_usage(user: User, limit: int, now: datetime | None = None) -> list[PageUsage]:
    """The `limit` most sent pages: of every page for a lead, of the tactics they own for a council member."""
    require(can_see_usage(user), "Only the council and marketing leads see how often pages reach clients.")
    values = _windows(now or utcnow()) | {"user_id": user.id, "limit": limit}
    return _page_usages(_dashboard_usage(is_lead(user)), values)


@cache
def _dashboard_usage(lead: bool) -> Select:
    """Built once for leads and once for council members: putting it together costs more than running it."""
    owned = None
    if not lead:
        owned = (
            select(tactic_pages.c.page_id)
            .join(Tactic, Tactic.id == tactic_pages.c.tactic_id)
            .where(Tactic.owner_id == bindparam("user_id", type_=Integer))
        )
    return _usage_statement(owned, limited=True)


def tactic_usage(user: User, tactic: Tactic, now: datetime | None = None) -> TacticUsage:
    """The tactic's pages together (a rep who sent two of them counts once), and each of them."""
    require(can_see_usage(user), "Only the council and marketing leads see how often pages reach clients.")
    now = now or utcnow()
    page_ids = select(tactic_pages.c.page_id).where(tactic_pages.c.tactic_id == tactic.id)
    total = _usage(_share_numbers(Share.page_id.in_(page_ids), now), _answer_numbers(Feedback.page_id.in_(page_ids)))
    return TacticUsage(total=total, pages=_page_usages(_usage_statement(page_ids, limited=False), _windows(now)))


def shares_in_period(start: datetime, end: datetime) -> list[ShareLine]:
    """Per page, the shares recorded in [start, end), most shared first, named by the published title.

    No permission check: this is for composing the summary email (leads only); it names no rep."""
    rows = db.session.execute(
        select(Page.slug, Revision.title, func.count(), func.count(distinct(Share.author_id)))
        .join(Page, Page.id == Share.page_id)
        .join(Revision, Revision.id == Page.published_revision_id)
        .where(Share.created_at >= start, Share.created_at < end)
        .group_by(Page.slug, Revision.title)
    ).all()
    lines = [ShareLine(slug=slug, title=title, clients=clients, reps=reps) for slug, title, clients, reps in rows]
    lines.sort(key=lambda line: (-line.clients, line.title.lower()))
    return lines
