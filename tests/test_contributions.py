"""The contributions chart's numbers are kept per person and day as the council works, and always agree with
the history they count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from tests.factories import make_member, make_page
from wiki.db import write_transaction
from wiki.extensions import db
from wiki.models import ContributionDay, utcnow
from wiki.services import activity, contributions, pages, threads

PLAN = "# Plan\n\nSegments are banks.\n"


def _kept() -> list[tuple]:
    return [
        (row.user_id, row.day, row.edits, row.accepted_suggestions, row.resolved_threads)
        for row in db.session.execute(select(ContributionDay).order_by(ContributionDay.user_id)).scalars()
    ]


def _chart(lead) -> tuple:
    [row] = activity.council_contributions(lead)
    return row.edits, row.accepted_suggestions, row.resolved_threads


def test_a_reopened_thread_stops_counting_and_one_resolved_again_counts_once(app, people):
    with app.app_context():
        lead, member = people["lead"], people["council"]
        make_member(lead, member, "EMEA")
        page = make_page(lead, bodies=(PLAN,))
        thread = threads.start_thread(member, page, 1, "Add LATAM?", None)
        threads.set_resolved(lead, thread, True)
        assert _chart(lead) == (0, 0, 1)
        threads.set_resolved(lead, thread, False)
        assert _chart(lead) == (0, 0, 0)
        threads.set_resolved(lead, thread, True)
        threads.set_resolved(lead, thread, True)
        assert _chart(lead) == (0, 0, 1)


def test_what_is_kept_on_every_write_is_what_counting_the_history_again_gives(app, people):
    with app.app_context():
        lead, member = people["lead"], people["council"]
        make_member(lead, member, "EMEA")
        page = make_page(lead, bodies=(PLAN,))
        pages.save_revision(member, pages.EditSubmission("fy27-plan", PLAN + "\nMore.\n", "", 1))
        suggestion = threads.suggest(member, page, 2, 8, 27, "Segments are banks.", "Segments are insurers.")
        threads.accept(lead, suggestion)
        for question in ("Add LATAM?", "Add APAC?"):
            threads.set_resolved(lead, threads.start_thread(member, page, 3, question, None), True)
        reopened = threads.start_thread(member, page, 3, "Add Africa?", None)
        threads.set_resolved(lead, reopened, True)
        threads.set_resolved(lead, reopened, False)
        kept = _kept()
        assert _chart(lead) == (1, 1, 2)
        contributions.recount()
        assert _kept() == kept


def test_the_chart_counts_today_and_the_89_days_before_it(app, people):
    with app.app_context():
        lead, member = people["lead"], people["council"]
        make_member(lead, member, "EMEA")
        now = utcnow()
        with write_transaction() as session:
            for days_ago in (0, 89, 90, 400):
                contributions.count(session, member.id, contributions.EDITS, now - timedelta(days=days_ago))
        assert _chart(lead) == (2, 0, 0)


def test_two_contributions_on_one_day_share_its_row(app, people):
    with app.app_context():
        member = people["council"]
        now = utcnow()
        with write_transaction() as session:
            contributions.count(session, member.id, contributions.EDITS, now)
            contributions.count(session, member.id, contributions.RESOLVED, now)
            contributions.count(session, member.id, contributions.EDITS, now)
        assert _kept() == [(member.id, contributions.day_of(now), 2, 0, 1)]


def test_the_migration_counts_the_history_already_stored(app, people):
    """The table's migration undone and run again: it fills the table as the services had."""
    from flask_migrate import downgrade, stamp, upgrade

    with app.app_context():
        lead, member = people["lead"], people["council"]
        page = make_page(lead, bodies=(PLAN,))
        pages.save_revision(member, pages.EditSubmission("fy27-plan", PLAN + "\nMore.\n", "", 1))
        threads.set_resolved(lead, threads.start_thread(member, page, 2, "Add LATAM?", None), True)
        kept = _kept()
        db.session.remove()
        stamp(revision="d4f5a6b7c8d9")
        downgrade(revision="c3e4f5a6b7c8")
        upgrade(revision="d4f5a6b7c8d9")
        assert _kept() == kept


def test_the_recount_command_counts_history_loaded_around_the_app(app, people):
    with app.app_context():
        lead, member = people["lead"], people["council"]
        make_member(lead, member, "EMEA")
        make_page(lead, bodies=(PLAN,))
        pages.save_revision(member, pages.EditSubmission("fy27-plan", PLAN + "\nMore.\n", "", 1))
        kept = _kept()
        with write_transaction() as session:
            session.execute(delete(ContributionDay))
        assert _chart(lead) == (0, 0, 0)
    result = app.test_cli_runner().invoke(args=["recount"])
    assert result.exit_code == 0 and "Counted each page's answers" in result.output
    with app.app_context():
        assert _kept() == kept and _chart(db.session.get(type(people["lead"]), people["lead"].id)) == (1, 0, 0)
