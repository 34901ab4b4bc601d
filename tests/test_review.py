"""Marketing leads review what the council changed, then publish it or send it back."""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from tests.factories import PASSWORD, make_page, make_user, publish
from tests.live import Session, serve
from wiki.extensions import db
from wiki.models import Approval, Decision, Notification, NotificationKind, Page, Revision
from wiki.services import pages, review, threads

PLAN = "# Plan\n\nSegments are banks.\n\nPricing is flat.\n"


def test_review_queue_lists_pages_ahead_of_what_the_field_reads_oldest_first(app, people, as_lead):
    with app.app_context():
        make_page(people["council"], slug="older-page", title="Older page")
        make_page(people["council"], slug="newer-page", title="Newer page")
        done = make_page(people["council"], slug="done-page", title="Done page")
        publish(people["lead"], done, 1)
    html = as_lead.get("/review").get_data(as_text=True)
    assert html.index("Older page") < html.index("Newer page")
    assert "Done page" not in html
    assert "Cora Council" in html and "Draft" in html


def test_only_leads_open_the_review_queue(people, as_council, as_field):
    assert as_council.get("/review").status_code == 403
    assert as_field.get("/review").status_code == 403


def test_review_page_credits_each_change_to_its_revision_and_author(app, people, as_lead):
    with app.app_context():
        page = make_page(people["lead"], bodies=(PLAN,))
        publish(people["lead"], page, 1)
        pages.save_revision(
            people["council"],
            pages.EditSubmission("fy27-plan", PLAN + "\nWebinars every month.\n", "webinars", 1),
        )
        suggestion = threads.suggest(people["council"], page, 2, 8, 27, "Segments are banks.", "Segments are insurers.")
        threads.accept(people["lead"], suggestion)
    html = as_lead.get("/review/fy27-plan").get_data(as_text=True)
    assert "<ins" in html and "Webinars every month." in html
    assert 'title="Added in r2 · Cora Council"' in html
    assert 'title="Added in r3 · Cora Council"' in html and "insurers" in html
    assert "accepted by Lena Lead" in html
    assert "Approve and publish revision 3" in html


def test_approving_a_specific_older_revision_publishes_that_one(app, people, as_lead, as_field):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n", "v2\n", "v3\n"))
    assert as_lead.post("/p/fy27-plan/publish", {"rev": "2"}).status_code == 303
    html = as_field.get("/p/fy27-plan").get_data(as_text=True)
    # As text between tags: a random CSRF token in the page may contain "v3".
    assert ">v2<" in html and ">v3<" not in html


def test_approving_after_the_head_moved_publishes_what_the_lead_saw(app, people, as_lead, as_field):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n", "v2\n"))
    html = as_lead.get("/review/fy27-plan").get_data(as_text=True)
    assert 'name="rev" value="2"' in html
    with app.app_context():
        pages.save_revision(people["council"], pages.EditSubmission("fy27-plan", "v3\n", "late edit", 2))
    assert as_lead.post("/p/fy27-plan/publish", {"rev": "2"}).status_code == 303
    assert "v2" in as_field.get("/p/fy27-plan").get_data(as_text=True)
    with app.app_context():
        status = review.status(pages.get_page("fy27-plan"))
        assert (status.published_number, status.head_number, status.label) == (2, 3, "In review")


def test_an_older_revision_than_the_published_one_is_refused_with_the_way_back(app, people, as_lead):
    with app.app_context():
        page = make_page(people["council"], bodies=("v1\n", "v2\n"))
        publish(people["lead"], page, 2)
    response = as_lead.post("/p/fy27-plan/publish", {"rev": "1"})
    assert response.status_code == 409
    assert "restore it from the history" in response.get_data(as_text=True)


def test_request_changes_needs_a_note_and_reaches_the_authors_inbox(app, people, as_lead, browser):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n",))
    empty = as_lead.post("/p/fy27-plan/request-changes", {"rev": "1", "note": "  "})
    assert empty.status_code == 400 and "Say what should change" in empty.get_data(as_text=True)
    response = as_lead.post("/p/fy27-plan/request-changes", {"rev": "1", "note": "Name the segments."})
    assert response.status_code == 303
    inbox = browser(people["council"]).get("/inbox").get_data(as_text=True)
    assert "asked for changes" in inbox and "Name the segments." in inbox
    assert "Changes requested" in as_lead.get("/p/fy27-plan").get_data(as_text=True)


def test_badges_follow_the_page_through_review(app, people, as_lead, as_council, as_field):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n",))

    def badge_of(person):
        return person.get("/p/fy27-plan").get_data(as_text=True)

    assert "Draft" in badge_of(as_council)
    as_lead.post("/p/fy27-plan/request-changes", {"rev": "1", "note": "Shorter, please."})
    assert "Changes requested" in badge_of(as_council)
    as_council.post("/p/fy27-plan/edit", {"body": "v2\n", "summary": "shorter", "base_revision": "1"})
    assert "Changes requested" not in badge_of(as_council) and "Draft" in badge_of(as_council)
    as_lead.post("/p/fy27-plan/publish", {"rev": "2"})
    assert "Published (r2 of r2)" in badge_of(as_council)
    field_view = badge_of(as_field)
    assert "Published" in field_view and "r2 of r2" not in field_view
    as_council.post("/p/fy27-plan/edit", {"body": "v3\n", "summary": "more", "base_revision": "2"})
    council_view = badge_of(as_council)
    assert "In review" in council_view and "Published (r2 of r3)" in council_view


def test_every_decision_is_recorded_and_shown_in_the_history(app, people, as_lead, as_council):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n", "v2\n"))
    as_lead.post("/p/fy27-plan/request-changes", {"rev": "1", "note": "Not yet."})
    as_lead.post("/p/fy27-plan/publish", {"rev": "2", "note": "Good to go."})
    html = as_council.get("/p/fy27-plan/history").get_data(as_text=True)
    assert "Changes requested" in html and "Not yet." in html
    assert "Approved" in html and "Good to go." in html and "Lena Lead" in html


def test_with_a_second_approver_required_a_lead_cannot_publish_their_own_edit(app, people, browser):
    app.config["REQUIRE_SECOND_APPROVER"] = True
    with app.app_context():
        other = make_user(role="lead", name="Omar Other", email="other@example.com")
        make_page(people["lead"], bodies=("v1\n",))
    response = browser(people["lead"]).post("/p/fy27-plan/publish", {"rev": "1"})
    assert response.status_code == 403 and "second lead" in response.get_data(as_text=True)
    assert browser(other).post("/p/fy27-plan/publish", {"rev": "1"}).status_code == 303


def test_without_the_setting_a_lead_publishes_their_own_edit(app, people, as_lead):
    with app.app_context():
        make_page(people["lead"], bodies=("v1\n",))
    assert as_lead.post("/p/fy27-plan/publish", {"rev": "1"}).status_code == 303


ROUNDS = 12


def race(app, people, numbers: tuple[str, str], *, same_lead: bool = False, rounds: int = ROUNDS) -> list[list[int]]:
    """Two approvals pressed at the same moment, on `rounds` fresh pages with revisions 1–3 each: the
    statuses each round got. The race runs many times in one test, so a lost update can't pass by luck."""
    with app.app_context():
        second = make_user(role="lead", email="second@example.com")
        for round_no in range(rounds):
            make_page(people["council"], slug=f"race-{round_no}", bodies=("v1\n", "v2\n", "v3\n"))
    results: list[list[int]] = []
    with serve(app) as base:
        sessions = []
        for email in (people["lead"].email, people["lead"].email if same_lead else second.email):
            session = Session(base)
            session.login(email, PASSWORD)
            sessions.append(session)
        for round_no in range(rounds):
            barrier = threading.Barrier(2)
            statuses: list[int] = []
            workers = [
                threading.Thread(target=_approve, args=(barrier, statuses, session, f"race-{round_no}", number))
                for session, number in zip(sessions, numbers, strict=True)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
            results.append(statuses)
    return results


def _approve(barrier: threading.Barrier, statuses: list[int], session: Session, slug: str, number: str) -> None:
    barrier.wait()
    statuses.append(session.post(f"/p/{slug}/publish", {"rev": number})[0])


def recorded_decisions(app, slug: str) -> tuple[int, list[tuple[Decision, int]]]:
    with app.app_context():
        page = pages.get_page(slug)
        decisions = (
            db.session.execute(select(Approval).where(Approval.page_id == page.id).order_by(Approval.id))
            .scalars()
            .all()
        )
        return page.published.number, [(d.decision, d.revision.number) for d in decisions]


def test_two_leads_approving_at_once_leave_one_published_state_and_two_decisions(app, people):
    for round_no, statuses in enumerate(race(app, people, ("3", "3"))):
        assert statuses == [303, 303]
        assert recorded_decisions(app, f"race-{round_no}") == (3, [(Decision.APPROVED, 3), (Decision.APPROVED, 3)])


def test_two_leads_approving_different_revisions_at_once_never_leave_the_older_one_published(app, people):
    for round_no, statuses in enumerate(race(app, people, ("2", "3"))):
        assert all(status < 500 for status in statuses)
        published, decisions = recorded_decisions(app, f"race-{round_no}")
        # Either order ends with revision 3 published; if 2 came second it was refused, not recorded.
        assert published == 3, f"round {round_no}: revision {published} is published after approving 2 and 3"
        assert len(decisions) == statuses.count(303) and (Decision.APPROVED, 3) in decisions


def test_a_double_click_on_approve_records_one_decision(app, people):
    for round_no, statuses in enumerate(race(app, people, ("3", "3"), same_lead=True, rounds=4)):
        assert statuses == [303, 303]
        assert recorded_decisions(app, f"race-{round_no}") == (3, [(Decision.APPROVED, 3)])


def test_sending_the_same_request_for_changes_twice_records_it_once(app, people, as_lead):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n", "v2\n"))
    for _ in range(2):
        as_lead.post("/p/fy27-plan/request-changes", {"rev": "2", "note": "Tighten the intro"})
    with app.app_context():
        page = pages.get_page("fy27-plan")
        decisions = db.session.execute(select(Approval).where(Approval.page_id == page.id)).scalars().all()
    assert [(d.decision, d.note) for d in decisions] == [(Decision.CHANGES_REQUESTED, "Tighten the intro")]


def test_approval_notifies_the_authors(app, people, as_lead):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n",))
    as_lead.post("/p/fy27-plan/publish", {"rev": "1"})
    with app.app_context():
        kinds = (
            db.session.execute(select(Notification.kind).where(Notification.user_id == people["council"].id))
            .scalars()
            .all()
        )
    assert kinds == [NotificationKind.REVIEW]


def test_the_review_page_shows_what_was_saved_and_published_since_it_was_last_read(app, people, as_lead):
    with app.app_context():
        page = make_page(people["lead"], bodies=(PLAN,))
        publish(people["lead"], page, 1)
        pages.save_revision(people["council"], pages.EditSubmission("fy27-plan", PLAN + "\nWebinars.\n", "", 1))
    assert "Webinars." in as_lead.get("/review/fy27-plan").get_data(as_text=True)
    with app.app_context():
        pages.save_revision(people["council"], pages.EditSubmission("fy27-plan", PLAN + "\nPodcasts.\n", "", 2))
    html = as_lead.get("/review/fy27-plan").get_data(as_text=True)
    assert "Podcasts" in html and 'title="Added in r3 · Cora Council"' in html
    with app.app_context():
        publish(people["lead"], pages.get_page("fy27-plan"), 2)
    html = as_lead.get("/review/fy27-plan").get_data(as_text=True)
    assert "<del" in html and 'title="Removed in r3 · Cora Council"' in html


def test_the_diff_page_shows_each_pair_of_revisions_it_is_asked_for(app, people, as_council):
    with app.app_context():
        make_page(people["council"], bodies=("v1 banks\n", "v2 insurers\n", "v3 unions\n"))
    assert "insurers" in as_council.get("/p/fy27-plan/diff?from=1&to=2").get_data(as_text=True)
    html = as_council.get("/p/fy27-plan/diff?from=2&to=3").get_data(as_text=True)
    assert "unions" in html and "banks" not in html
    html = as_council.get("/p/fy27-plan/diff?from=1&to=3").get_data(as_text=True)
    assert "unions" in html and "insurers" not in html
    side = as_council.get("/p/fy27-plan/diff?from=1&to=3&view=side").get_data(as_text=True)
    assert "banks" in side and "unions" in side and "insurers" not in side


def test_each_page_keeps_its_first_waiting_revision_through_edits_and_approvals(app, people):
    """What the queue orders by: the first revision the field hasn't been given, or none."""

    def first_waiting() -> int | None:
        page = pages.get_page("fy27-plan")
        db.session.refresh(page)
        numbers = {revision.id: revision.number for revision in db.session.execute(select(Revision)).scalars()}
        return numbers.get(page.first_waiting_revision_id)

    def save(number: int) -> None:
        pages.save_revision(
            people["council"], pages.EditSubmission("fy27-plan", f"# Plan\n\nv{number + 1}\n", "", number)
        )

    with app.app_context():
        page = make_page(people["lead"], bodies=("# Plan\n\nv1\n",))
        assert first_waiting() == 1
        save(1)
        save(2)
        assert first_waiting() == 1, "a new revision doesn't move what has waited longest"
        publish(people["lead"], page, 2)
        assert first_waiting() == 3
        publish(people["lead"], pages.get_page("fy27-plan"), 3)
        assert first_waiting() is None
        save(3)
        assert first_waiting() == 4
        # Another page, published at another revision, so each page's own published one must be read.
        other = make_page(people["lead"], slug="deck", bodies=("# Deck\n", "# Deck\n\nv2\n", "# Deck\n\nv3\n"))
        publish(people["lead"], other, 1)
        make_page(people["lead"], slug="done", bodies=("# Done\n",))
        publish(people["lead"], pages.get_page("done"), 1)
        kept = dict(db.session.execute(select(Page.slug, Page.first_waiting_revision_id)).all())
        db.session.execute(update(Page).values(first_waiting_revision_id=None))
        db.session.commit()
        review.find_first_waiting_again()
        assert dict(db.session.execute(select(Page.slug, Page.first_waiting_revision_id)).all()) == kept
        since, total = review.longest_waiting_texts(6)
        assert total == 2 and list(since) == [page.id, other.id]


def test_the_migration_finds_each_pages_first_waiting_revision(app, people):
    from flask_migrate import downgrade, stamp, upgrade

    with app.app_context():
        page = make_page(people["lead"], bodies=("# Plan\n\nv1\n", "# Plan\n\nv2\n", "# Plan\n\nv3\n"))
        publish(people["lead"], page, 1)
        make_page(people["lead"], slug="published", bodies=("# Done\n",))
        publish(people["lead"], pages.get_page("published"), 1)
        make_page(people["lead"], slug="never-published", bodies=("# New\n",))
        kept = dict(db.session.execute(select(Page.slug, Page.first_waiting_revision_id)).all())
        assert kept["published"] is None and None not in (kept["fy27-plan"], kept["never-published"])
        db.session.remove()
        stamp(revision="f6a7b8c9d0e1")
        downgrade(revision="e5a6b7c8d9e0")
        upgrade(revision="f6a7b8c9d0e1")
        assert dict(db.session.execute(select(Page.slug, Page.first_waiting_revision_id)).all()) == kept
