"""When the scheduled summary draft is due (wiki/schedule_rules.py): properties over zones, weekdays, hours and
cadences, and the days the clocks change."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wiki.schedule_rules import MAX_EVERY_DAYS, MIN_EVERY_DAYS, Cadence, next_due, problems, wall_clock

ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})

cadences = st.builds(
    Cadence,
    every_days=st.integers(MIN_EVERY_DAYS, MAX_EVERY_DAYS),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    zone=st.sampled_from(ZONES),
)
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))


def exists(day: date, hour: int, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether the clocks in `zone` show `hour` o'clock on `day` at all."""
    local = wall_clock(day, hour, zone).astimezone(zone)
    return (local.date(), local.hour) == (day, hour)


def assert_on_the_cadence(due: datetime, cadence: Cadence) -> date:
    """Returns the local day the due time is for."""
    zone = zoneinfo.ZoneInfo(cadence.zone)
    local = due.astimezone(zone)
    # The local day the due time was meant for: the clocks may have jumped past the hour, even past the day.
    meant = next(
        local.date() - timedelta(days=back)
        for back in range(3)
        if (local.date() - timedelta(days=back)).weekday() == cadence.weekday
        and wall_clock(local.date() - timedelta(days=back), cadence.hour, zone) == due
    )
    if exists(meant, cadence.hour, zone):
        assert (local.date(), local.hour, local.minute, local.second) == (meant, cadence.hour, 0, 0)
    return meant


@given(cadences, instants)
def test_the_next_due_time_is_in_the_future_on_the_weekday_at_the_hour_in_that_zone(cadence, now):
    due = next_due(cadence, now)
    assert due > now
    assert due - now <= timedelta(days=8)
    assert due.tzinfo is UTC
    meant = assert_on_the_cadence(due, cadence)
    # The first such time: the week before's has passed.
    assert wall_clock(meant - timedelta(days=7), cadence.hour, zoneinfo.ZoneInfo(cadence.zone)) <= now


@given(cadences, instants, st.integers(0, 400))
def test_after_a_run_the_next_is_at_least_the_cadence_later_and_within_a_week_of_it(cadence, last_due, late_days):
    now = last_due + timedelta(days=late_days)
    due = next_due(cadence, now, last_due=last_due)
    zone = zoneinfo.ZoneInfo(cadence.zone)
    assert due > now
    days_apart = (due.astimezone(zone).date() - last_due.astimezone(zone).date()).days
    assert days_apart >= cadence.every_days
    # A worker that was down across several due times makes one draft and then keeps the rhythm from now on.
    assert days_apart < max(cadence.every_days, late_days) + 8
    assert_on_the_cadence(due, cadence)


def test_every_fourteen_days_keeps_the_hour_in_paris_across_the_change_to_summer_time():
    paris = Cadence(every_days=14, weekday=0, hour=9, zone="Europe/Paris")
    first = next_due(paris, datetime(2027, 3, 17, tzinfo=UTC))
    second = next_due(paris, first, last_due=first)
    assert first == datetime(2027, 3, 22, 8, tzinfo=UTC)  # 09:00 CET
    assert second == datetime(2027, 4, 5, 7, tzinfo=UTC)  # 09:00 CEST


def test_an_hour_the_clocks_skip_is_the_moment_they_jump_to():
    # Paris goes from 02:00 to 03:00 on Sunday 28 March 2027.
    night = Cadence(every_days=7, weekday=6, hour=2, zone="Europe/Paris")
    due = next_due(night, datetime(2027, 3, 26, tzinfo=UTC))
    assert due.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).replace(tzinfo=None) == datetime(2027, 3, 28, 3)


def test_the_day_is_the_zone_s_day_not_utc_s():
    # Tuesday 02:00 UTC is still Monday 21:00 in New York: Monday's 23:00 there is two hours away.
    monday_night = Cadence(every_days=7, weekday=0, hour=23, zone="America/New_York")
    assert next_due(monday_night, datetime(2027, 1, 5, 2, tzinfo=UTC)) == datetime(2027, 1, 5, 4, tzinfo=UTC)


def test_a_cadence_that_is_not_whole_weeks_waits_for_the_weekday():
    monday = Cadence(every_days=10, weekday=0, hour=9, zone="UTC")
    last = datetime(2027, 1, 4, 9, tzinfo=UTC)
    assert next_due(monday, last, last_due=last) == datetime(2027, 1, 18, 9, tzinfo=UTC)


def test_the_hour_passed_today_means_next_week():
    monday = Cadence(every_days=7, weekday=0, hour=9, zone="UTC")
    assert next_due(monday, datetime.combine(date(2027, 1, 4), time(9), tzinfo=UTC)) == datetime(
        2027, 1, 11, 9, tzinfo=UTC
    )


def test_problems_name_what_is_wrong_in_words():
    assert problems(14, 0, 9, "Europe/Paris") == []
    assert problems(14, 0, 25, "Europe/Paris") == [("hour", "The hour must be from 0 to 23, not 25.")]
    assert problems(14, 0, 9, "Mars/Base") == [
        ("time_zone", "“Mars/Base” is not a time zone name; use one like Europe/Paris, America/New_York or UTC.")
    ]
    fields = [field for field, _ in problems(3, 9, -1, "../../etc/passwd")]
    assert fields == ["every_days", "weekday", "hour", "time_zone"]
