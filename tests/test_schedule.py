"""The summary's schedule (issue 12, part 2): the worker composes the draft when it is due and tells the leads,
reminds them once, and never sends anything to the field by itself. A real aiosmtpd takes the leads' emails."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest_mail import mail_server
from tests.factories import make_frozen_summary, make_user
from tests.queries import counted_queries
from wiki.extensions import db
from wiki.models import Notification, NotificationKind, Summary, SummaryDelivery, SummarySchedule, SummaryState, utcnow
from wiki.services import schedule, summaries
from wiki.worker import Worker


@pytest.fixture
def mailbox(app):
    with mail_server(app) as mailbox:
        yield mailbox


@pytest.fixture
def leads(app, people):
    """Two leads: the notice goes to both, the draft is credited to the first."""
    with app.app_context():
        return [people["lead"], make_user(role="lead", name="Liam Lead", email="liam@example.com")]


def set_up(app, lead, *, now: datetime, **changes) -> datetime:
    """Save a schedule as `lead` at `now`; returns its first due time."""
    settings = {"every_days": 14, "weekday": 0, "hour": 9, "zone": "Europe/Paris", "enabled": True} | changes
    with app.app_context():
        return schedule.save(lead, now=now, **settings).next_due_at


def run(app, now: datetime) -> schedule.Run:
    with app.app_context():
        return schedule.run_due(now)


def drafts(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Summary.id).where(Summary.state == SummaryState.DRAFT)))


def notices(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Notification.user_id, Notification.text)
            .where(Notification.kind == NotificationKind.SUMMARY)
            .order_by(Notification.id)
        )
        return [(user_id, text) for user_id, text in rows]


def test_when_due_the_schedule_composes_the_draft_and_tells_every_lead_in_the_inbox_and_by_email(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    with app.app_context():
        make_frozen_summary(leads[0])  # a summary that went out: the draft covers what came after it
        last_end = db.session.scalar(select(Summary.period_end))

    done = run(app, due + timedelta(minutes=1))

    [draft_id] = drafts(app)
    assert done.composed == draft_id
    with app.app_context():
        draft = db.session.get(Summary, draft_id)
        assert draft.created_by_id == leads[0].id
        assert (draft.period_start, draft.period_end) == (last_end, due + timedelta(minutes=1))
        # Nothing is on its way to the field: a lead presses Send.
        assert (
            db.session.scalar(
                select(func.count()).select_from(SummaryDelivery).where(SummaryDelivery.summary_id == draft_id)
            )
            == 0
        )
    told = notices(app)
    assert sorted(user_id for user_id, _ in told) == sorted(lead.id for lead in leads)
    assert all("review it and press Send" in text for _, text in told)

    assert sorted(mailbox.per_recipient()) == sorted(lead.email for lead in leads)
    message = mailbox.received[0].message
    assert "ready for review" in message["Subject"]
    assert f"https://wiki.example.com/summaries/{draft_id}/edit" in message.get_content()


def test_the_inbox_notice_opens_the_summaries_where_the_draft_waits(app, leads, as_lead, mailbox):
    run(app, set_up(app, leads[0], now=utcnow()))
    inbox = as_lead.get("/inbox").get_data(as_text=True)
    assert '<a href="/summaries">The schedule composed the summary draft' in inbox
    archive = as_lead.get("/summaries").get_data(as_text=True)
    assert f'href="/summaries/{drafts(app)[0]}/edit"' in archive


def test_before_it_is_due_nothing_happens_and_the_check_is_one_query(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    with counted_queries(app) as seen:
        done = run(app, due - timedelta(seconds=1))
    # SQLite's BEGIN counts as a statement here; the check itself is one SELECT.
    assert [statement.split()[0] for statement in seen if statement != "BEGIN"] == ["SELECT"]
    assert done == schedule.Run()
    assert drafts(app) == [] and notices(app) == [] and mailbox.received == []


def test_two_runs_for_the_same_due_time_compose_one_draft(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    first, second = run(app, due), run(app, due + timedelta(seconds=5))
    assert first.composed is not None and second == schedule.Run()
    assert len(drafts(app)) == 1 and len(notices(app)) == 2 and len(mailbox.received) == 2
    with app.app_context():
        row = db.session.get(SummarySchedule, schedule.SCHEDULE_ID)
        assert row.last_due_at == due and row.next_due_at >= due + timedelta(days=14)


def test_four_workers_at_the_same_moment_compose_one_draft(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    start = threading.Barrier(4)
    runs: list[schedule.Run] = []

    def worker() -> None:
        start.wait()
        runs.append(run(app, due))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(runs) == 4 and sum(1 for done in runs if done.composed) == 1
    assert len(drafts(app)) == 1 and len(notices(app)) == 2 and len(mailbox.received) == 2


def test_a_worker_that_saw_the_due_time_just_before_another_took_it_composes_nothing(app, leads, mailbox, monkeypatch):
    due = set_up(app, leads[0], now=utcnow())
    first_lead, second = summaries.first_lead, []

    def another_worker_meanwhile():
        # Between this worker's taking the due time and its draft: the other worker passed the cheap check a
        # moment before, and now reaches the lock.
        if not second:
            second.append("running")
            second[0] = schedule._compose_if_due(due)
        return first_lead()

    monkeypatch.setattr(summaries, "first_lead", another_worker_meanwhile)
    run(app, due)
    assert second == [(None, "")]
    assert len(drafts(app)) == 1 and len(mailbox.received) == 2


def test_a_draft_left_unsent_for_two_days_gets_one_reminder(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    composed = run(app, due).composed
    assert run(app, due + timedelta(days=1)) == schedule.Run()

    reminded = run(app, due + timedelta(days=2))
    assert reminded.reminded == composed
    waiting = [text for _, text in notices(app)[2:]]
    assert len(waiting) == 2 and all("has waited two days" in text for text in waiting)
    reminders = [item.message for item in mailbox.received[2:]]
    assert [message["To"].addresses[0].addr_spec for message in reminders] == [lead.email for lead in leads]
    assert all(message["Subject"].startswith("Reminder:") for message in reminders)

    assert run(app, due + timedelta(days=5)) == schedule.Run()
    assert len(notices(app)) == 4 and len(mailbox.received) == 4


def test_a_draft_the_leads_sent_or_discarded_gets_no_reminder(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    draft_id = run(app, due).composed
    with app.app_context():
        summaries.discard_draft(leads[0], db.session.get(Summary, draft_id))
    assert run(app, due + timedelta(days=2)) == schedule.Run()
    assert len(notices(app)) == 2 and len(mailbox.received) == 2


def test_while_the_last_scheduled_draft_waits_unsent_the_next_due_time_composes_no_second_one(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    run(app, due)
    run(app, due + timedelta(days=2))  # its reminder
    with app.app_context():
        next_due = db.session.get(SummarySchedule, schedule.SCHEDULE_ID).next_due_at
    later = run(app, next_due)
    assert later.composed is None and "still unsent" in later.skipped
    assert len(drafts(app)) == 1 and len(mailbox.received) == 4


def test_a_schedule_turned_off_composes_nothing(app, leads, mailbox):
    due = set_up(app, leads[0], now=utcnow())
    set_up(app, leads[0], now=utcnow(), enabled=False)
    assert run(app, due + timedelta(days=30)) == schedule.Run()
    assert drafts(app) == [] and mailbox.received == []


def test_the_worker_composes_what_is_due_on_its_poll(app, leads, mailbox):
    # Saved a month ago, so its first due time has passed by now.
    set_up(app, leads[0], now=utcnow() - timedelta(days=30))
    Worker(app).run_once()
    Worker(app).run_once()
    assert len(drafts(app)) == 1 and len(mailbox.received) == 2


def test_cron_composes_what_is_due_with_summary_send_due(app, leads, mailbox):
    set_up(app, leads[0], now=utcnow() - timedelta(days=30))
    result = app.test_cli_runner().invoke(args=["summary", "send", "--due"])
    assert result.exit_code == 0, result.output
    assert f"Schedule: composed draft summary {drafts(app)[0]}" in result.output
    assert len(mailbox.received) == 2


# The settings page -----------------------------------------------------------------------------------


def test_only_leads_open_or_save_the_schedule(app, as_field, as_council, as_lead):
    for person in (as_field, as_council):
        assert person.get("/summaries/schedule").status_code == 403
        saved = person.post(
            "/summaries/schedule", {"every_days": "14", "weekday": "0", "hour": "9", "time_zone": "UTC"}
        )
        assert saved.status_code == 403
        assert "/summaries/schedule" not in person.get("/summaries").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SummarySchedule, schedule.SCHEDULE_ID) is None
    assert 'href="/summaries/schedule"' in as_lead.get("/summaries").get_data(as_text=True)
    page = as_lead.get("/summaries/schedule")
    assert page.status_code == 200 and "Not set up yet" in page.get_data(as_text=True)


def test_a_lead_sets_the_cadence_and_sees_when_the_next_draft_comes(app, as_lead, people):
    answer = as_lead.post(
        "/summaries/schedule",
        {"enabled": "on", "every_days": "14", "weekday": "2", "hour": "8", "time_zone": "Europe/Paris"},
    )
    assert answer.status_code == 303
    page = as_lead.get("/summaries/schedule").get_data(as_text=True)
    assert "Every 14 days, on Wednesday at 08:00 (Europe/Paris)" in page
    with app.app_context():
        row = db.session.get(SummarySchedule, schedule.SCHEDULE_ID)
        local = schedule.in_its_zone(row, row.next_due_at)
        assert (row.enabled, local.weekday(), local.hour, row.updated_by_id) == (True, 2, 8, people["lead"].id)
        assert f'Next draft: <time datetime="{local.isoformat()}">' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hour", "25", "The hour must be from 0 to 23, not 25."),
        ("time_zone", "Mars/Base", "“Mars/Base” is not a time zone name"),
        ("time_zone", "../../etc/passwd", "is not a time zone name"),
        ("every_days", "3", "Every 7 to 366 days, not 3."),
        ("every_days", "often", "must be a whole number"),
        ("weekday", "9", "Pick the weekday from the list."),
    ],
)
def test_a_bad_cadence_answers_400_with_a_message_and_keeps_what_was_typed(app, as_lead, field, value, message):
    form = {"enabled": "on", "every_days": "14", "weekday": "0", "hour": "9", "time_zone": "UTC"} | {field: value}
    answer = as_lead.post("/summaries/schedule", form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in page
    assert f'id="{field}-error"' in page
    if field != "weekday":
        assert f'value="{value}"' in page
    with app.app_context():
        assert db.session.get(SummarySchedule, schedule.SCHEDULE_ID) is None
