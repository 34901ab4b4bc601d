"""When the scheduled summary draft is due: pure date arithmetic, no Flask, no database.

A cadence is "every N days, on a weekday, at an hour, in a time zone". The hour is a wall-clock hour in that zone,
so it stays 09:00 in Paris across the change to summer time; only the instants in UTC move.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_EVERY_DAYS = 7
MAX_EVERY_DAYS = 366


@dataclass(frozen=True)
class Cadence:
    every_days: int
    weekday: int  # 0 is Monday, as date.weekday() counts
    hour: int
    zone: str


def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA zone with this exact name ("Europe/Paris", "UTC"), or None. Only names in the zone database are
    taken, so a path or a typo never reaches ZoneInfo's file lookup."""
    if name not in zoneinfo.available_timezones():
        return None
    return zoneinfo.ZoneInfo(name)


def problems(every_days: int, weekday: int, hour: int, zone: str) -> list[tuple[str, str]]:
    """What is wrong with a cadence, as (field, words a lead can act on); empty when it is fine."""
    found = []
    if not MIN_EVERY_DAYS <= every_days <= MAX_EVERY_DAYS:
        found.append(("every_days", f"Every {MIN_EVERY_DAYS} to {MAX_EVERY_DAYS} days, not {every_days}."))
    if not 0 <= weekday < len(WEEKDAYS):
        found.append(("weekday", "Pick the weekday from the list."))
    if not 0 <= hour <= 23:
        found.append(("hour", f"The hour must be from 0 to 23, not {hour}."))
    if zone_named(zone) is None:
        found.append(
            ("time_zone", f"“{zone[:60]}” is not a time zone name; use one like Europe/Paris, America/New_York or UTC.")
        )
    return found


def wall_clock(day: date, hour: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """`hour` o'clock on `day` in `zone`, in UTC. An hour that doesn't exist that day (the clocks jumped over it)
    becomes the moment the clocks jumped to; an hour that happens twice is its first time."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def next_due(cadence: Cadence, now: datetime, last_due: datetime | None = None) -> datetime:
    """The first time after `now` that falls on the cadence's weekday at its hour in its zone, and (after a run
    at `last_due`) no sooner than `every_days` calendar days after that run's day. Returned in UTC.

    A cadence that isn't a whole number of weeks waits for the weekday after those days: every 10 days from a
    Monday is the Monday two weeks later. A worker that was down across several due times gets one next time,
    never a catch-up burst."""
    zone = zoneinfo.ZoneInfo(cadence.zone)
    day = now.astimezone(zone).date()
    if last_due is not None:
        day = max(day, last_due.astimezone(zone).date() + timedelta(days=cadence.every_days))
    day += timedelta(days=(cadence.weekday - day.weekday()) % 7)
    due = wall_clock(day, cadence.hour, zone)
    while due <= now:
        day += timedelta(days=7)
        due = wall_clock(day, cadence.hour, zone)
    return due
