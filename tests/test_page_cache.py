"""A page view is made once per state of the wiki and reader, and kept; every change a reader could see makes it
afresh, and browsers revalidate with the ETag."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from tests.factories import make_member, make_page, make_tactic, make_user, open_round, publish
from tests.queries import counted_queries
from wiki.extensions import db
from wiki.models import Notification, NotificationKind, Page, User, utcnow
from wiki.services import accounts, inbox, pages, threads
from wiki.views import page_cache

PLAN = "# Plan\n\nSegments are banks.\n\nPricing is flat.\n"


def _plan(app, people, title="FY27 plan"):
    with app.app_context():
        page = make_page(people["lead"], title=title, bodies=(PLAN,))
        publish(people["lead"], page, 1)


def _save(app, author, body, base, title=""):
    with app.app_context():
        pages.save_revision(author, pages.EditSubmission("fy27-plan", body, "", base, title=title))


def _notify_council(app, people):
    """A notice for the council member, which moves nothing a page shows but the header's count."""
    with app.app_context():
        page = pages.get_page("fy27-plan")
        db.session.add(
            Notification(
                user_id=people["council"].id,
                actor_id=people["lead"].id,
                kind=NotificationKind.MENTION,
                page_id=page.id,
                text="Look",
            )
        )
        db.session.commit()


def test_a_repeat_view_reads_only_the_reader_with_their_unread_count(app, people, as_council):
    _plan(app, people)
    as_council.get("/p/fy27-plan")
    with counted_queries(app) as statements:
        html = as_council.get("/p/fy27-plan").get_data(as_text=True)
    assert "Segments are banks." in html
    [only] = [s for s in statements if not s.startswith(("BEGIN", "ROLLBACK", "COMMIT"))]
    assert "FROM users" in only and "notifications" in only and "generations" in only


def test_a_retitle_shows_at_once_to_the_council_and_to_the_field_only_once_published(app, people, as_council, as_field):
    _plan(app, people)
    for reader in (as_council, as_field):
        assert "<h1>FY27 plan</h1>" in reader.get("/p/fy27-plan").get_data(as_text=True)
    _save(app, people["council"], PLAN, 1, title="FY27 field plan")
    assert "<h1>FY27 field plan</h1>" in as_council.get("/p/fy27-plan").get_data(as_text=True)
    assert "<h1>FY27 plan</h1>" in as_field.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        publish(people["lead"], pages.get_page("fy27-plan"), 2)
    html = as_field.get("/p/fy27-plan").get_data(as_text=True)
    assert "<h1>FY27 field plan</h1>" in html and "<title>FY27 field plan" in html


def test_the_status_badge_follows_a_decision(app, people, as_council):
    _plan(app, people)
    _save(app, people["council"], PLAN + "\nWebinars.\n", 1)
    assert "Published (r1 of r2)" in as_council.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        publish(people["lead"], pages.get_page("fy27-plan"), 2)
    html = as_council.get("/p/fy27-plan").get_data(as_text=True)
    assert "Published (r2 of r2)" in html and "Webinars." in html


def test_a_comment_by_someone_else_shows_in_the_readers_margin(app, people, as_council):
    _plan(app, people)
    assert "Who owns webinars?" not in as_council.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        threads.start_thread(people["lead"], pages.get_page("fy27-plan"), 1, "Who owns webinars?", None)
    assert "Who owns webinars?" in as_council.get("/p/fy27-plan").get_data(as_text=True)


def test_a_member_turned_field_rep_no_longer_reads_the_draft(app, people, as_council, browser):
    _plan(app, people)
    _save(app, people["council"], PLAN + "\nSECRET-DRAFT\n", 1)
    assert "SECRET-DRAFT" in as_council.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        accounts.set_role(people["lead"], people["council"].id, "field")
    html = browser(people["council"]).get("/p/fy27-plan").get_data(as_text=True)
    assert "SECRET-DRAFT" not in html and "Segments are banks." in html


def test_the_owner_of_a_tactic_on_the_page_is_offered_to_decide_its_suggestions(app, people, browser):
    with app.app_context():
        member = make_user(role="council", name="Omar Owner", email="omar@example.com")
        make_member(people["lead"], member)
        plan = make_page(people["lead"], slug="plan", title="Plan", bodies=(PLAN,))
        page = make_page(people["lead"], title="FY27 deck", bodies=(PLAN,), kind="collateral")
        make_tactic(people["lead"], plan, pages=(page,))
        threads.suggest(people["council"], page, 1, 8, 27, "Segments are banks.", "Segments are insurers.")
    owner = browser(member)
    assert "Accept" not in owner.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        plan, page = pages.get_page("plan"), pages.get_page("fy27-plan")
        make_tactic(people["lead"], plan, name="Webinars", owner=member, pages=(page,))
    assert ">Accept<" in owner.get("/p/fy27-plan").get_data(as_text=True)


def test_a_comment_round_that_closed_yesterday_is_gone_today(app, people, as_field, monkeypatch):
    _plan(app, people)
    with app.app_context():
        open_round(people["lead"], db.session.get(Page, pages.get_page("fy27-plan").id), days=1)
    assert "Open to the field’s comments" in as_field.get("/p/fy27-plan").get_data(as_text=True)
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr(page_cache, "utcnow", lambda: later)
    monkeypatch.setattr("wiki.views.round_context.utcnow", lambda: later)
    assert "Open to the field’s comments" not in as_field.get("/p/fy27-plan").get_data(as_text=True)


def test_the_header_counts_a_notice_that_arrived_while_the_page_was_kept(app, people, as_council):
    _plan(app, people)
    assert 'aria-label="Inbox, 1 unread"' not in as_council.get("/p/fy27-plan").get_data(as_text=True)
    _notify_council(app, people)
    assert 'aria-label="Inbox, 1 unread"' in as_council.get("/p/fy27-plan").get_data(as_text=True)


def test_each_session_gets_its_own_csrf_token_in_a_kept_page(app, people, browser, as_lead):
    _plan(app, people)
    _save(app, people["council"], PLAN + "\nWebinars.\n", 1)

    def form_token(html: str) -> str:
        approve_form = html[html.index('action="/p/fy27-plan/publish"') :]
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', approve_form).group(1)

    first = form_token(as_lead.get("/p/fy27-plan").get_data(as_text=True))
    other = browser(people["lead"])
    token = form_token(other.get("/p/fy27-plan").get_data(as_text=True))
    assert token != first
    assert other.post("/p/fy27-plan/publish", {"rev": "2", "csrf_token": first}).status_code == 400
    assert other.post("/p/fy27-plan/publish", {"rev": "2", "csrf_token": token}).status_code == 303


def test_a_browser_revalidating_gets_304_until_something_changes(app, people, as_council):
    _plan(app, people)
    first = as_council.get("/p/fy27-plan")
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = as_council.get("/p/fy27-plan", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    _save(app, people["council"], PLAN + "\nWebinars.\n", 1)
    changed = as_council.get("/p/fy27-plan", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Webinars." in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != tag


def test_a_new_notice_is_never_answered_with_304(app, people, as_council):
    _plan(app, people)
    tag = as_council.get("/p/fy27-plan").headers["ETag"]
    _notify_council(app, people)
    assert as_council.get("/p/fy27-plan", headers={"If-None-Match": tag}).status_code == 200


def test_every_write_a_page_could_show_moves_the_generation_and_reading_the_inbox_does_not(app, people):
    _plan(app, people)
    with app.app_context():
        from wiki import generation

        before = generation.now()
        db.session.execute(update(User).where(User.id == people["field"].id).values(name="Finn Renamed"))
        db.session.commit()
        renamed = generation.now()
        db.session.execute(update(User).where(User.id == people["field"].id).values(name="Not kept"))
        db.session.rollback()
        rolled_back = generation.now()
        inbox.mark_read(db.session.get(User, people["council"].id))
        read = generation.now()
        assert db.session.execute(select(User.name).where(User.id == people["field"].id)).scalar_one() == "Finn Renamed"
    assert renamed == before + 1 and rolled_back == renamed and read == renamed


def test_history_diff_and_recent_changes_show_what_was_saved_after_they_were_read(app, people, as_council):
    _plan(app, people)
    _save(app, people["council"], PLAN + "\nWebinars.\n", 1)
    urls = ("/p/fy27-plan/history", "/changes", "/p/fy27-plan/diff?from=1&to=2")
    for url in urls:
        assert "Podcasts" not in as_council.get(url).get_data(as_text=True)
    with app.app_context():
        pages.save_revision(
            people["council"],
            pages.EditSubmission("fy27-plan", PLAN + "\nWebinars.\n", "Podcasts next", 2, "FY27 Podcasts"),
        )
    assert "Podcasts next" in as_council.get("/p/fy27-plan/history").get_data(as_text=True)
    assert "Podcasts" in as_council.get("/changes").get_data(as_text=True)
    assert "FY27 Podcasts" in as_council.get("/p/fy27-plan/diff?from=1&to=2").get_data(as_text=True)


def test_the_home_page_shows_a_change_waiting_for_review_at_once_and_is_kept_a_minute_at_most(
    app, people, as_lead, monkeypatch
):
    _plan(app, people)
    assert "Waiting for review (0)" in as_lead.get("/").get_data(as_text=True)
    _save(app, people["council"], PLAN + "\nWebinars.\n", 1)
    assert "Waiting for review (1)" in as_lead.get("/").get_data(as_text=True)
    with counted_queries(app) as kept:
        as_lead.get("/")
    later = utcnow() + timedelta(minutes=1)
    monkeypatch.setattr(page_cache, "utcnow", lambda: later)
    with counted_queries(app) as made_again:
        as_lead.get("/")
    assert len(kept) < len(made_again)


def test_a_deploy_that_changes_a_template_changes_the_etag_though_nothing_was_written(
    app, people, as_field, monkeypatch
):
    _plan(app, people)
    before = as_field.get("/p/fy27-plan").headers["ETag"]
    assert as_field.get("/p/fy27-plan", headers={"If-None-Match": before}).status_code == 304
    # A new release: the same wiki, other templates.
    monkeypatch.setattr(page_cache, "_build", lambda templates, static: "another-release")
    response = as_field.get("/p/fy27-plan", headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before
