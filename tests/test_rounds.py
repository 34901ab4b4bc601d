"""Comment rounds: a lead opens a published page to the whole field's comments until a date."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from tests.factories import make_member, make_page, make_tactic, make_user, open_round, publish
from wiki.extensions import db
from wiki.models import Comment, CommentRound, Notification, NotificationKind, Thread, ThreadState, utcnow
from wiki.services import pages, rounds, summaries, threads
from wiki.services.pages import EditSubmission

SCORING = "# Lead-scoring criteria\n\nA lead scores 60 points or more before sales calls.\n\nWebinars count 10.\n"
FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def scoring(app, people):
    """The published lead-scoring criteria under a tactic the council user owns, and two field reps."""
    with app.app_context():
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        page = make_page(
            people["lead"], slug="scoring", title="Lead-scoring criteria", kind="collateral", bodies=(SCORING,)
        )
        publish(people["lead"], page, 1)
        make_member(people["lead"], people["council"], "CRM / inside sales")
        make_tactic(people["lead"], plan, "Lead scoring", owner=people["council"], pages=(page,))
        return {
            "aisha": make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA"),
            "ben": make_user(role="field", name="Ben Carter", email="ben@example.com", region="APAC"),
            "chloe": make_user(role="field", name="Chloe Dubois", email="chloe@example.com", region="EMEA"),
        }


def _open(app, people, days: int = 14) -> int:
    with app.app_context():
        return open_round(people["lead"], pages.get_page("scoring"), days, "Tell us before 15 Jan").id


def _close_by_date(app, round_id: int) -> None:
    """The round's date passed: what the clock would do, set in the data instead."""
    with app.app_context():
        yesterday = utcnow().date() - timedelta(days=1)
        db.session.execute(update(CommentRound).where(CommentRound.id == round_id).values(closes_on=yesterday))
        db.session.commit()


def _lower_the_bar_in_a_draft(author) -> None:
    """A draft rewrites the passage the field quotes: "60 points or more" becomes "45 points or more"."""
    pages.save_revision(
        author,
        EditSubmission(
            slug="scoring",
            body=SCORING.replace("60 points or more", "45 points or more"),
            summary="lower",
            base_number=1,
            title="Lead-scoring criteria",
            kind="collateral",
        ),
    )


def _comment(browser, rep, round_id: int, body: str, quote: str = "", headers=None):
    form = {"rev": "1", "body": body, "quote": quote, "line": "3" if quote else "", "prefix": ""}
    return browser(rep).post(f"/rounds/{round_id}/threads", form, headers=headers or {})


def test_a_lead_opens_a_round_and_everyone_sees_the_banner_and_the_field_home_lists_it(app, people, scoring, browser):
    lead = browser(people["lead"])
    closes = (utcnow().date() + timedelta(days=20)).isoformat()
    response = lead.post("/p/scoring/rounds", {"closes_on": closes, "prompt": "  Tell us   before 15 Jan "})
    assert response.status_code == 303
    for person in (people["lead"], people["council"], scoring["aisha"]):
        page = browser(person).get("/p/scoring").get_data(as_text=True)
        assert "Open to the field’s comments until" in page and "Tell us before 15 Jan" in page, person.name
    home = browser(scoring["aisha"]).get("/").get_data(as_text=True)
    assert "Open for your comments" in home and "Lead-scoring criteria</a>:" in home


@pytest.mark.parametrize(
    ("days", "prompt", "status", "message"),
    [
        (0, "Tell us", 400, "The closing date must be in the future."),
        (-3, "Tell us", 400, "The closing date must be in the future."),
        (366, "Tell us", 400, "A round can stay open for at most a year."),
        (10, "   ", 400, "Write a short prompt"),
        (10, "x" * 201, 400, "at most 200 characters; yours has 201"),
        (None, "Tell us", 400, "Give the closing date as a date"),
    ],
)
def test_a_bad_round_is_refused_with_a_clear_message(app, people, scoring, browser, days, prompt, status, message):
    closes = "15/01/2027" if days is None else (utcnow().date() + timedelta(days=days)).isoformat()
    response = browser(people["lead"]).post("/p/scoring/rounds", {"closes_on": closes, "prompt": prompt})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(CommentRound)).first() is None


def test_one_open_round_per_page_and_only_on_a_published_page(app, people, scoring, browser):
    _open(app, people)
    lead = browser(people["lead"])
    closes = (utcnow().date() + timedelta(days=5)).isoformat()
    again = lead.post("/p/scoring/rounds", {"closes_on": closes, "prompt": "Again"})
    assert again.status_code == 409 and "already open to the field" in again.get_data(as_text=True)
    with app.app_context():
        make_page(people["lead"], slug="draft-page", title="Draft page")
    draft = lead.post("/p/draft-page/rounds", {"closes_on": closes, "prompt": "Tell us"})
    assert draft.status_code == 409 and "Publish the page first" in draft.get_data(as_text=True)


def test_only_leads_open_and_close_rounds(app, people, scoring, browser):
    closes = (utcnow().date() + timedelta(days=5)).isoformat()
    for person in (people["council"], scoring["aisha"]):
        assert browser(person).post("/p/scoring/rounds", {"closes_on": closes, "prompt": "x"}).status_code == 403
    round_id = _open(app, people)
    for person in (people["council"], scoring["aisha"]):
        assert browser(person).post(f"/rounds/{round_id}/close").status_code == 403
    assert browser(people["lead"]).post(f"/rounds/{round_id}/close").status_code == 303
    assert browser(people["lead"]).post(f"/rounds/{round_id}/close").status_code == 409


def test_a_rep_comments_on_a_published_passage_and_the_owner_and_leads_answer_in_the_same_thread(
    app, people, scoring, browser
):
    round_id = _open(app, people)
    response = _comment(browser, scoring["aisha"], round_id, "My banks score on revenue first.", "60 points or more")
    assert response.status_code == 303
    with app.app_context():
        thread = db.session.execute(select(Thread)).scalar_one()
        assert (thread.round_id, thread.original_exact, thread.origin_number) == (round_id, "60 points or more", 1)
        notices = db.session.execute(
            select(Notification.user_id, Notification.text).where(Notification.kind == NotificationKind.ROUND)
        ).all()
    headline = "Aisha Khan (EMEA) commented in the round on “Lead-scoring criteria”: My banks score on revenue first."
    assert {user_id for user_id, _ in notices} == {people["council"].id, people["lead"].id}
    assert {text for _, text in notices} == {headline}

    council = browser(people["council"])
    margin = council.get("/p/scoring").get_data(as_text=True)
    assert "from the field" in margin and "My banks score on revenue first." in margin
    assert council.post(f"/threads/{thread.id}/replies", {"body": "We will weigh revenue."}).status_code == 303
    page = browser(scoring["ben"]).get("/p/scoring").get_data(as_text=True)
    assert "My banks score on revenue first." in page and "We will weigh revenue." in page
    reply = browser(scoring["ben"]).post(f"/round-threads/{thread.id}/replies", {"body": "Same in APAC."})
    assert reply.status_code == 303
    inbox = browser(scoring["aisha"]).get("/inbox").get_data(as_text=True)
    assert "Cora Council replied in a thread on “Lead-scoring criteria”" in inbox
    assert "Ben Carter replied in the comment round on “Lead-scoring criteria”" in inbox


def test_the_field_sees_the_rounds_threads_only_with_the_passage_as_published(app, people, scoring, browser):
    round_id = _open(app, people)
    _comment(browser, scoring["aisha"], round_id, "Too high for credit unions.", "60 points or more")
    with app.app_context():
        page = pages.get_page("scoring")
        threads.start_thread(people["council"], page, 1, "COUNCIL-INTERNAL: lower it quietly?", None)
        # A council member rewrites the passage in a draft: the thread follows the head's text.
        _lower_the_bar_in_a_draft(people["council"])
        thread = db.session.execute(select(Thread).where(Thread.round_id == round_id)).scalar_one()
        assert thread.exact == "45 points or more", "the thread follows the draft head"
    field_page = browser(scoring["ben"]).get("/p/scoring").get_data(as_text=True)
    assert "Too high for credit unions." in field_page
    assert '<blockquote class="quote">60 points or more</blockquote>' in field_page
    assert "45 points" not in field_page and "COUNCIL-INTERNAL" not in field_page
    fragment = _comment(browser, scoring["ben"], round_id, "Agreed.", headers=FRAGMENT)
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "Agreed." in body and "45 points" not in body and "COUNCIL-INTERNAL" not in body


def test_the_field_comments_only_and_never_suggests_in_a_round(app, people, scoring, browser):
    _open(app, people)
    rep = browser(scoring["aisha"])
    page = rep.get("/p/scoring").get_data(as_text=True)
    assert 'data-annotate="comments"' in page
    suggestion = {"rev": "1", "start": "27", "end": "44", "exact": SCORING[27:44], "replacement": "50 points"}
    assert rep.post("/p/scoring/suggestions", suggestion).status_code == 403
    assert rep.get("/p/scoring/suggest?rev=1&line=3&quote=60").status_code == 403
    with app.app_context():
        assert db.session.execute(select(Thread)).first() is None


@pytest.mark.parametrize("how", ["by its date", "by a lead"])
def test_nobody_comments_on_a_closed_round_and_its_threads_stay_readable(app, people, scoring, browser, how):
    round_id = _open(app, people)
    _comment(browser, scoring["aisha"], round_id, "Before the close.", "Webinars count 10.")
    with app.app_context():
        thread_id = db.session.execute(select(Thread.id)).scalar_one()
    if how == "by its date":
        _close_by_date(app, round_id)
    else:
        assert browser(people["lead"]).post(f"/rounds/{round_id}/close").status_code == 303
    for person in (scoring["aisha"], scoring["ben"], people["council"], people["lead"]):
        late = _comment(browser, person, round_id, "Too late?")
        assert late.status_code == 403, person.name
        assert "This comment round closed on" in late.get_data(as_text=True)
    late_reply = browser(scoring["ben"]).post(f"/round-threads/{thread_id}/replies", {"body": "Late reply"})
    assert late_reply.status_code == 403 and "take no new comments or replies" in late_reply.get_data(as_text=True)
    page = browser(scoring["ben"]).get("/p/scoring").get_data(as_text=True)
    assert "Before the close." in page and "The comment round is closed" in page
    assert 'data-annotate="comments"' not in page and "Open to the field’s comments" not in page
    # The council and leads still answer what the field said.
    assert browser(people["council"]).post(f"/round-threads/{thread_id}/replies", {"body": "Noted"}).status_code == 303
    with app.app_context():
        assert (
            db.session.execute(select(Thread).where(Thread.round_id == round_id)).scalars().all()[0].comments[-1].body
            == "Noted"
        )


def test_the_round_report_counts_who_took_part_by_region_and_open_against_resolved_threads(
    app, people, scoring, browser
):
    round_id = _open(app, people)
    _comment(browser, scoring["aisha"], round_id, "One", "Webinars count 10.")
    _comment(browser, scoring["chloe"], round_id, "Two")
    _comment(browser, scoring["ben"], round_id, "Three")
    with app.app_context():
        first = db.session.execute(select(Thread).order_by(Thread.id)).scalars().first()
        threads.reply(people["council"], first, "Staff answer")
        threads.set_resolved(people["council"], first, True)
        report = rounds.report(people["lead"], db.session.get(CommentRound, round_id))
        assert [(turnout.region, turnout.people) for turnout in report.regions] == [
            ("EMEA", ["Aisha Khan", "Chloe Dubois"]),
            ("APAC", ["Ben Carter"]),
        ]
        assert (report.participants, len(report.threads), report.open_count, report.resolved_count) == (3, 3, 2, 1)
    page = browser(people["lead"]).get(f"/rounds/{round_id}")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert "3 reps took part" in text and "3 threads" in text and "2 open, 1 resolved" in text
    assert "EMEA 2 Aisha Khan, Chloe Dubois" in text
    for person in (people["council"], scoring["aisha"]):
        assert browser(person).get(f"/rounds/{round_id}").status_code == 403


def test_the_summary_announces_the_rounds_open_when_it_is_sent(app, people, scoring):
    round_id = _open(app, people)
    with app.app_context():
        draft = summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
        assert [line.title for line in summaries.content_of(draft).rounds] == ["Lead-scoring criteria"]
    _close_by_date(app, round_id)
    with app.app_context():
        draft = summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
        assert summaries.content_of(draft).rounds == []
    with app.app_context():
        db.session.execute(update(CommentRound).values(closes_on=utcnow().date() + timedelta(days=3)))
        db.session.commit()
        sent = summaries.start_sending(
            people["lead"], summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
        )
        assert "TELL US WHAT YOU THINK" in sent.text_body
        assert "Lead-scoring criteria: Tell us before 15 Jan (open for comments until" in sent.text_body
        assert "Tell us what you think" in sent.html_body


def test_the_field_page_reads_the_round_threads_in_a_fixed_number_of_queries(app, people, scoring, browser):
    round_id = _open(app, people)
    rep = browser(scoring["aisha"])
    _comment(browser, scoring["aisha"], round_id, "First")

    def queries() -> int:
        seen: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert rep.get("/p/scoring").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    queries()  # the first read renders the revision and fills the cache
    # A comment moves the wiki's generation on, so the next read makes the page afresh instead of reusing it.
    _comment(browser, scoring["ben"], round_id, "Second")
    few = queries()
    for index in range(5):
        _comment(browser, scoring["ben"] if index % 2 else scoring["chloe"], round_id, f"More {index}")
    assert queries() == few
    with app.app_context():
        assert db.session.execute(select(Thread)).scalars().all()[0].state == ThreadState.OPEN


def _first_comment_id(app, round_id: int) -> int:
    with app.app_context():
        thread = db.session.execute(select(Thread).where(Thread.round_id == round_id).order_by(Thread.id)).scalar()
        return thread.comments[0].id


def test_a_rep_edits_and_deletes_their_own_comment_while_the_round_is_open(app, people, scoring, browser):
    round_id = _open(app, people)
    _comment(browser, scoring["aisha"], round_id, "Banks score on revnue.", "60 points or more")
    comment_id = _first_comment_id(app, round_id)
    with app.app_context():
        # A draft rewrites the passage: the rep's margin, answered to htmx, must still quote the published text.
        _lower_the_bar_in_a_draft(people["council"])
    aisha = browser(scoring["aisha"])
    page = aisha.get("/p/scoring").get_data(as_text=True)
    assert "Edit or delete" in page and f'action="/comments/{comment_id}/edit"' in page

    edited = aisha.post(f"/comments/{comment_id}/edit", {"body": "Banks score on revenue."}, headers=FRAGMENT)
    assert edited.status_code == 200
    margin = edited.get_data(as_text=True)
    assert 'id="threads"' in margin and "Banks score on revenue." in margin and "(edited)" in margin
    assert '<blockquote class="quote">60 points or more</blockquote>' in margin and "45 points" not in margin
    assert "Banks score on revenue." in browser(scoring["ben"]).get("/p/scoring").get_data(as_text=True)

    assert aisha.post(f"/comments/{comment_id}/delete").status_code == 303
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.body, comment.deleted_at is not None) == ("", True)
    for person in (scoring["ben"], people["council"]):
        page = browser(person).get("/p/scoring").get_data(as_text=True)
        assert "This comment was deleted." in page and "Banks score on revenue." not in page, person.name


@pytest.mark.parametrize("how", ["by its date", "by a lead"])
def test_a_rep_cannot_change_their_comment_once_the_round_closed(app, people, scoring, browser, how):
    round_id = _open(app, people)
    _comment(browser, scoring["aisha"], round_id, "Before the close.")
    comment_id = _first_comment_id(app, round_id)
    if how == "by its date":
        _close_by_date(app, round_id)
    else:
        assert browser(people["lead"]).post(f"/rounds/{round_id}/close").status_code == 303
    aisha = browser(scoring["aisha"])
    assert "Edit or delete" not in aisha.get("/p/scoring").get_data(as_text=True)
    for response in (
        aisha.post(f"/comments/{comment_id}/edit", {"body": "Rewritten after the close."}),
        aisha.post(f"/comments/{comment_id}/delete"),
    ):
        assert response.status_code == 403
        text = response.get_data(as_text=True)
        assert "This comment round closed on" in text and "kept as a record" in text
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.body, comment.edited_at, comment.deleted_at) == ("Before the close.", None, None)


def test_nobody_changes_another_persons_comment_in_a_round(app, people, scoring, browser):
    round_id = _open(app, people)
    _comment(browser, scoring["aisha"], round_id, "Aisha's words.")
    comment_id = _first_comment_id(app, round_id)
    ben = browser(scoring["ben"])
    assert f'action="/comments/{comment_id}/edit"' not in ben.get("/p/scoring").get_data(as_text=True)
    for person in (scoring["ben"], people["council"], people["lead"]):
        someone = browser(person)
        edited = someone.post(f"/comments/{comment_id}/edit", {"body": "Not yours."})
        assert edited.status_code == 403, person.name
        assert "You can only edit your own comments" in edited.get_data(as_text=True)
        assert someone.post(f"/comments/{comment_id}/delete").status_code == 403, person.name
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert (comment.body, comment.edited_at, comment.deleted_at) == ("Aisha's words.", None, None)
