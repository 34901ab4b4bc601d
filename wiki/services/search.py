"""Finding pages, files and comments by their words, through the database's full-text index (issue 14, item 3).

Council and leads search the draft head of every page and the newest version of every file, and the comments in
every thread; the field searches the published version of each page and the approved version of the files on the
pages it can read, and never comments (wiki/services/search_index.py keeps one index row per audience). Results with
one of the words in their title come first, then the others, each by rank (bm25 on SQLite, ts_rank on PostgreSQL, a
word in the title weighing more than one in the text); words are stemmed ("campaigns" finds "campaign"), "quoted
phrases" and prefixes (camp*) work, and each hit comes with a snippet the database marked. Each kind of result costs
two statements whatever the number of hits: one finds and marks the best few, one loads what the page shows of them.
Pages come 20 at a time (`page_no`); the first page of results also lists the best 20 files and comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload, load_only

from wiki.errors import BadInput, NotFound, require
from wiki.extensions import db
from wiki.files import kinds
from wiki.models import Attachment, Comment, FileVersion, Page, Revision, SearchSource, Thread, User
from wiki.services.pages import shown_id
from wiki.services.permissions import can_discuss, can_follow_published, can_read_drafts
from wiki.text.search_text import MARK_END, MARK_START, Marked, Term, fts5_query, marked, parse_query

MAX_QUERY = 200
# Per page of results: marking a snippet is most of what a hit costs, so a page marks only what it shows.
MAX_RESULTS = 20
# FTS5's bm25 weights per column (title, body), and PostgreSQL's per weight class (D, C, B = body, A = title).
_BM25_WEIGHTS = "10.0, 1.0"
_TS_RANK_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"
_SNIPPET_WORDS = 24


@dataclass(frozen=True)
class Hit:
    page: Page
    revision: Revision  # the one this reader sees
    title: Marked
    excerpt: Marked


@dataclass(frozen=True)
class FileHit:
    """A file whose text has the words: where in it (the slide or page that matched best), when it is made of
    slides or pages."""

    page: Page
    page_title: str  # the title this reader sees of the file's page
    attachment: Attachment
    version: FileVersion  # the one this reader sees
    kind: kinds.FileKind
    unit: int | None  # 1-based slide or page number, None when the words are in the file's name or whole text
    unit_title: Marked
    name: Marked
    excerpt: Marked

    @property
    def anchor(self) -> str | None:
        """The slide's id on the file's preview ("slide-7")."""
        return f"{self.kind.unit}-{self.unit}" if self.unit is not None and self.kind.unit else None


@dataclass(frozen=True)
class CommentHit:
    """A comment in a thread on a page or on one of its files (council and leads only)."""

    page: Page
    page_title: str  # the head's: only staff find comments
    comment: Comment
    attachment: Attachment | None  # the file the thread is on, if it is on one
    excerpt: Marked


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    more: bool  # pages found after these: the next page of results has them
    files: list[FileHit] = field(default_factory=list)
    more_files: bool = False
    comments: list[CommentHit] = field(default_factory=list)
    more_comments: bool = False
    # Why nothing was searched for although something was typed.
    notice: str = ""
    page_no: int = 1

    @property
    def first_shown(self) -> int:
        """The number of the first page found on this page of results (21 on the second)."""
        return (self.page_no - 1) * MAX_RESULTS + 1


@dataclass(frozen=True)
class _Found:
    """An index row that matched, in rank order, with its title and text marked by the database."""

    revision_id: int | None
    file_version_id: int | None
    position: int | None
    comment_id: int | None
    title: Marked
    excerpt: Marked


def find_pages(user: User, query: str, page_no: int = 1) -> Results:
    """The pages found, `MAX_RESULTS` at a time from `page_no`; files and comments on the first page only."""
    require(can_follow_published(user), "Sign in to search the wiki.")
    if len(query) > MAX_QUERY:
        raise BadInput(f"Search for at most {MAX_QUERY} characters; that was {len(query)}.")
    if "\x00" in query:
        raise BadInput("The search contained NUL characters; remove them and search again.")
    query = query.strip()
    if not query:
        return Results(query="", hits=[], more=False)
    terms = parse_query(query)
    if not terms:
        return Results(query=query, hits=[], more=False, notice="Search for words or numbers: this had none.")
    audience = "staff" if can_read_drafts(user) else "field"
    pages, more = _matches(terms, SearchSource.PAGE, audience, offset=(page_no - 1) * MAX_RESULTS)
    if page_no > 1:
        if not pages:
            raise NotFound(f"There is no page {page_no} of results for “{query}”; fewer pages have its words.")
        return Results(query=query, hits=_page_hits(pages), more=more, page_no=page_no)
    files, more_files = _matches(terms, SearchSource.FILE, audience, one_per_file=True)
    comments, more_comments = _matches(terms, SearchSource.COMMENT, audience) if can_discuss(user) else ([], False)
    return Results(
        query=query,
        hits=_page_hits(pages),
        more=more,
        files=_file_hits(user, files),
        more_files=more_files,
        comments=_comment_hits(comments),
        more_comments=more_comments,
    )


# Matching: one statement per kind of result, in each database's dialect ---------------------------------

# Each source has an index of its own (wiki/models/search.py): search_fts_<source> on SQLite, a partial GIN index on
# PostgreSQL, which the source written into the statement lets the planner pick. Rows with one of the words in their
# title come first (`in_title`), then by rank, lower is better; bm25 and ts_rank alone could put a short text saying
# a word twice above a page named by it (on PostgreSQL the title's words are those weighted A in the row's tsvector:
# filtering them out of it costs half what parsing each title again did). For the field, a file counts only on a
# page that is published: its approved version can sit on a page the field can't read.
_SQLITE_RANKED = """
    SELECT d.id AS id, d.attachment_id AS attachment_id, bm25({fts}, {weights}) AS rank,
        d.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH :in_title) AS in_title
    FROM {fts} JOIN search_docs d ON d.id = {fts}.rowid
    WHERE {fts} MATCH :match AND d.{audience} {published}
"""
_POSTGRESQL_RANKED = """
    SELECT d.id AS id, d.attachment_id AS attachment_id, -ts_rank('{weights}', d.tsv, q.q) AS rank,
        ts_filter(d.tsv, '{{a}}') @@ q.any_word AS in_title
    FROM search_docs d, q
    WHERE d.tsv @@ q.q AND d.source = '{source}' AND d.{audience} {published}
"""
_PUBLISHED_PAGE = "AND EXISTS (SELECT 1 FROM pages p WHERE p.id = d.page_id AND p.published_revision_id IS NOT NULL)"
# The best rows (for files, the best part of each file), one more than shown so the page can say there are more.
_ORDER = "in_title DESC, rank, id"
_CHOSEN = f"SELECT id, in_title, rank FROM ranked ORDER BY {_ORDER} LIMIT :limit OFFSET :offset"
_CHOSEN_PER_FILE = f"""
    SELECT id, in_title, rank FROM (
        SELECT id, in_title, rank, row_number() OVER (PARTITION BY attachment_id ORDER BY {_ORDER}) AS n FROM ranked
    ) best WHERE n = 1 ORDER BY {_ORDER} LIMIT :limit OFFSET :offset
"""
_COLUMNS = "d.id, d.page_id, d.revision_id, d.attachment_id, d.file_version_id, d.position, d.comment_id"
# Marking the chosen rows only: snippets of every row that matched would cost as much as reading them all. The index
# is read once more and the chosen rows picked out of it ("rowid IN chosen" would read it once per row).
_SQLITE_MARKED = f"""
    WITH ranked AS ({{ranked}}), chosen AS ({{chosen}})
    SELECT {_COLUMNS}, highlight({{fts}}, 0, :start, :end) AS title,
        snippet({{fts}}, 1, :start, :end, '…', {_SNIPPET_WORDS}) AS excerpt,
        NULL AS passage, false AS cut_before, false AS cut_after
    FROM {{fts}} JOIN chosen ON chosen.id = {{fts}}.rowid JOIN search_docs d ON d.id = chosen.id
    WHERE {{fts}} MATCH :match
    ORDER BY chosen.in_title DESC, chosen.rank, chosen.id
"""
# ts_headline parses all the text it is given (some milliseconds for a long page), so it is given a passage: from
# a little before where one of the words first occurs as typed (a stem's first letters: "pric" of "pricing"),
# starting on a word, ending before a cut one. It still marks every form of every word in it. (`|| ''` reads each
# text out of TOAST once, where every function given the column would decompress it again.)
_POSTGRESQL_MARKED = rf"""
    WITH q AS (SELECT {{tsquery}} AS q, {{any_word}} AS any_word), ranked AS ({{ranked}}), chosen AS ({{chosen}}),
    found AS MATERIALIZED (
        SELECT {_COLUMNS}, chosen.in_title, chosen.rank, d.title, d.body || '' AS body
        FROM chosen JOIN search_docs d ON d.id = chosen.id
    ),
    windows AS MATERIALIZED (
        SELECT found.*, length(body) AS length,
            greatest(coalesce(least({{positions}}), 1) - :lead, 1) AS near
        FROM found
    ),
    starts AS MATERIALIZED (
        SELECT windows.*, CASE WHEN near = 1 THEN 1 ELSE near + strpos(substr(body, near, 100), ' ') END AS start
        FROM windows
    ),
    passages AS MATERIALIZED (
        SELECT starts.*, start > 1 AS cut_before, start + :span <= length AS cut_after,
            CASE WHEN start + :span <= length THEN regexp_replace(substr(body, start, :span), '\s+\S*$', '')
                ELSE substr(body, start) END AS passage
        FROM starts
    )
    SELECT id, page_id, revision_id, attachment_id, file_version_id, position, comment_id,
        ts_headline('english', replace(title, '<', '<' || chr(1)), q.q, :title_options) AS title,
        ts_headline('english', replace(passage, '<', '<' || chr(1)), q.q, :body_options) AS excerpt,
        passage, cut_before, cut_after
    FROM passages, q
    ORDER BY in_title DESC, rank, id
"""
# How much of the text ts_headline reads, and how far before the first word found it starts.
_PASSAGE_CHARS = 1200
_PASSAGE_LEAD = 400
_WORDY = re.compile(r"[^\W_]")


def _tsquery(terms: tuple[Term, ...], params: dict) -> tuple[str, str]:
    """The terms as PostgreSQL tsqueries, all of them and any one of them: each parsed with the text's own parser
    (phraseto_tsquery, which has no operators), a prefix's last word as a quoted lexeme of letters and digits only.
    The SQL names parameters and nothing else, so what was typed stays data."""
    parts = []
    for index, term in enumerate(terms):
        if not term.prefix:
            params[f"t{index}"] = term.text
            parts.append(f"phraseto_tsquery('english', :t{index})")
            continue
        last = term.last_word
        params[f"t{index}"] = term.text[: last.start()]
        params[f"p{index}"] = f"'{last.group()}':*"
        parts.append(f"tsquery_phrase(phraseto_tsquery('english', :t{index}), to_tsquery('english', :p{index}))")
    return " && ".join(parts), " || ".join(parts)


def _positions(terms: tuple[Term, ...], params: dict) -> str:
    """Where each term's needle first occurs in the text, as written in lower case or capitalised (lower() of a long
    text costs more than these look-ups; a word only in capitals is found by ts_headline if it is in the passage)."""
    positions = []
    for index, term in enumerate(terms):
        for case, needle in enumerate(dict.fromkeys((term.needle, term.needle.capitalize()))):
            params[f"n{index}_{case}"] = needle
            positions.append(f"nullif(strpos(body, :n{index}_{case}), 0)")
    return ", ".join(positions)


def _matches(
    terms: tuple[Term, ...], source: SearchSource, audience: str, one_per_file: bool = False, offset: int = 0
) -> tuple[list[_Found], bool]:
    """The best `MAX_RESULTS` rows after the first `offset`, and whether there are more after them."""
    params: dict = {"limit": MAX_RESULTS + 1, "offset": offset, "start": MARK_START, "end": MARK_END}
    published = _PUBLISHED_PAGE if audience == "field" and source == SearchSource.FILE else ""
    chosen = _CHOSEN_PER_FILE if one_per_file else _CHOSEN
    if db.session.get_bind().dialect.name == "postgresql":
        ranked = _POSTGRESQL_RANKED.format(
            weights=_TS_RANK_WEIGHTS, source=source.value, audience=audience, published=published
        )
        every_word, any_word = _tsquery(terms, params)
        statement = _POSTGRESQL_MARKED.format(
            tsquery=every_word, any_word=any_word, ranked=ranked, chosen=chosen, positions=_positions(terms, params)
        )
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
        params["title_options"] = f"HighlightAll=true, {marks}"
        params["body_options"] = (
            f"MaxWords={_SNIPPET_WORDS}, MinWords={_SNIPPET_WORDS // 2}, MaxFragments=1, ShortWord=0, {marks}"
        )
        params.update(span=_PASSAGE_CHARS, lead=_PASSAGE_LEAD)
    else:
        fts = f"search_fts_{source.value}"
        ranked = _SQLITE_RANKED.format(fts=fts, weights=_BM25_WEIGHTS, audience=audience, published=published)
        statement = _SQLITE_MARKED.format(ranked=ranked, chosen=chosen, fts=fts)
        params["match"] = fts5_query(terms)
        params["in_title"] = fts5_query(terms, column="title", any_term=True)
    found = [
        _Found(
            revision_id=row.revision_id,
            file_version_id=row.file_version_id,
            position=row.position,
            comment_id=row.comment_id,
            title=marked(row.title),
            excerpt=_excerpt(row.excerpt, row.passage, bool(row.cut_before), bool(row.cut_after)),
        )
        for row in db.session.execute(text(statement), params)
    ]
    return found[:MAX_RESULTS], len(found) > MAX_RESULTS


def _excerpt(excerpt: str, passage: str | None, cut_before: bool, cut_after: bool) -> Marked:
    """The snippet, with "…" where the text goes on. ts_headline (a `passage` given) starts and ends on a word and
    says nothing of cuts: what is left of the passage around it is added back when it is only punctuation (a full
    stop), and counts as a cut when it has words."""
    if passage is None:
        return marked(excerpt)
    shown = marked(excerpt).text
    at = passage.find(shown)
    if at < 0:
        return marked(excerpt, before=cut_before, after=cut_after)
    head, tail = passage[:at], passage[at + len(shown) :]
    head_cut = cut_before or len(head) > 40 or _WORDY.search(head) is not None
    tail_cut = cut_after or len(tail) > 40 or _WORDY.search(tail) is not None
    return marked(("" if head_cut else head) + excerpt + ("" if tail_cut else tail), before=head_cut, after=tail_cut)


# Loading what the results show: one statement per kind ------------------------------------------------------


def _page_hits(found: list[_Found]) -> list[Hit]:
    if not found:
        return []
    revisions = {
        revision.id: revision
        for revision in db.session.execute(
            select(Revision)
            .options(joinedload(Revision.page))
            .where(Revision.id.in_([hit.revision_id for hit in found]))
        ).scalars()
    }
    return [
        Hit(
            page=revisions[hit.revision_id].page,
            revision=revisions[hit.revision_id],
            title=hit.title,
            excerpt=hit.excerpt,
        )
        for hit in found
        if hit.revision_id in revisions
    ]


def _file_hits(user: User, found: list[_Found]) -> list[FileHit]:
    if not found:
        return []
    rows = db.session.execute(
        select(FileVersion, Attachment, Page, Revision.title)
        .join(Attachment, Attachment.id == FileVersion.attachment_id)
        .join(Page, Page.id == Attachment.page_id)
        .join(Revision, Revision.id == shown_id(user))
        .options(load_only(FileVersion.id, FileVersion.number, FileVersion.kind, FileVersion.attachment_id))
        .where(FileVersion.id.in_([hit.file_version_id for hit in found]))
    ).all()
    loaded = {version.id: (version, attachment, page, title) for version, attachment, page, title in rows}
    hits = []
    for hit in found:
        if hit.file_version_id not in loaded:
            continue
        version, attachment, page, page_title = loaded[hit.file_version_id]
        kind = kinds.KINDS[version.kind]
        in_name = hit.position == 0
        hits.append(
            FileHit(
                page=page,
                page_title=page_title,
                attachment=attachment,
                version=version,
                kind=kind,
                unit=hit.position if kind.unit and not in_name else None,
                unit_title=Marked(()) if in_name else hit.title,
                name=_in_shape_of(hit.title, attachment.name) if in_name else Marked(((attachment.name, False),)),
                excerpt=hit.excerpt,
            )
        )
    return hits


def _in_shape_of(words: Marked, name: str) -> Marked:
    """The file's name marked where its indexed form (the name with - _ . as spaces, as long) was marked."""
    if len(words.text) != len(name):
        return Marked(((name, False),))
    parts, at = [], 0
    for part, matched in words.parts:
        parts.append((name[at : at + len(part)], matched))
        at += len(part)
    return Marked(tuple(parts))


def _comment_hits(found: list[_Found]) -> list[CommentHit]:
    if not found:
        return []
    rows = db.session.execute(
        select(Comment, Page, Revision.title, Attachment)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Page, Page.id == Thread.page_id)
        .join(Revision, Revision.id == Page.head_revision_id)
        .outerjoin(Attachment, Attachment.id == Thread.attachment_id)
        .options(joinedload(Comment.author))
        .where(Comment.id.in_([hit.comment_id for hit in found]))
    ).all()
    loaded = {comment.id: (comment, page, title, attachment) for comment, page, title, attachment in rows}
    return [
        CommentHit(page=page, page_title=title, comment=comment, attachment=attachment, excerpt=hit.excerpt)
        for hit in found
        if hit.comment_id in loaded
        for comment, page, title, attachment in [loaded[hit.comment_id]]
    ]
