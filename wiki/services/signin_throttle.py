"""Slowing down password guessing, counted in the database so every worker and app server sees the same counts.

Three counts, each a row of login_throttles:
- one email from one address: LOGIN_MAX_FAILURES failures lock that address out of that account for
  LOGIN_LOCKOUT_SECONDS, doubling with each further failure up to 15 minutes; signing in there clears it;
- one address, any emails: LOGIN_MAX_FAILURES_PER_ADDRESS failures lock the address out the same way. Signing in
  doesn't clear it, or an attacker would sign in to an account of their own to start again;
- one email, any address: past LOGIN_MAX_FAILURES failures the account is slowed, not locked. An address that has
  itself failed on it waits LOGIN_LOCKOUT_SECONDS after each failure; an address that hasn't still has its
  password checked, so a stranger can't lock the owner out of their own account.

An attempt is counted before its password is checked, in a transaction holding the rows' locks, and handed back
if the password was right: parallel guesses can never check more passwords than the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wiki.db import lock_row, write_transaction
from wiki.errors import TooManyAttempts
from wiki.models import LoginThrottle, utcnow

MAX_LOCKOUT = timedelta(minutes=15)
# The part of a row's key that a count doesn't depend on: ("", address) counts an address for every email.
ANY = ""


@dataclass(frozen=True)
class Limits:
    max_failures: int
    max_failures_per_address: int
    lockout_seconds: int

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            max_failures=config["LOGIN_MAX_FAILURES"],
            max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            lockout_seconds=config["LOGIN_LOCKOUT_SECONDS"],
        )


def reserve(email: str, address: str, limits: Limits) -> None:
    """Count one attempt at `email` from `address` as failed until forgiven, or refuse it with TooManyAttempts."""
    now = utcnow()
    with write_transaction() as session:
        # Always in this order, so two transactions sharing rows can't each hold one the other waits for.
        pair = _locked(session, email, address, now)
        origin = _locked(session, ANY, address, now)
        account = _locked(session, email, ANY, now)
        refusal = _refusal(pair, origin, account, now)
        if refusal is None:
            _count(pair, limits.max_failures, limits.lockout_seconds, now)
            _count(origin, limits.max_failures_per_address, limits.lockout_seconds, now)
            _count(account, limits.max_failures, limits.lockout_seconds, now, growing=False)
    if refusal is not None:
        raise refusal


def forgive(email: str, address: str) -> None:
    """The reserved attempt was the right password: this address is clear for this account again, and the attempt
    no longer counts against the address or the account (their earlier failures still do)."""
    with write_transaction() as session:
        session.execute(delete(LoginThrottle).where(_key(email, address)))
        # Any block on the address now was set by this attempt: another would have refused it. So it goes too.
        session.execute(
            update(LoginThrottle)
            .where(_key(ANY, address))
            .values(failures=LoginThrottle.failures - 1, blocked_until=None)
        )
        session.execute(update(LoginThrottle).where(_key(email, ANY)).values(failures=LoginThrottle.failures - 1))
        session.execute(
            delete(LoginThrottle).where(or_(_key(ANY, address), _key(email, ANY)), LoginThrottle.failures <= 0)
        )


def prune() -> None:
    """Forget counts idle for longer than the longest wait: none of them can be holding anyone back.

    A row a reservation has locked meanwhile is skipped, not waited for (PostgreSQL; SQLite has one writer
    anyway): waiting while holding the rows already deleted could deadlock with that reservation."""
    idle = (
        select(LoginThrottle.email, LoginThrottle.address)
        .where(LoginThrottle.last_failure_at < utcnow() - MAX_LOCKOUT)
        .with_for_update(skip_locked=True)
    )
    with write_transaction() as session:
        session.execute(delete(LoginThrottle).where(tuple_(LoginThrottle.email, LoginThrottle.address).in_(idle)))


def _key(email: str, address: str):
    return and_(LoginThrottle.email == email, LoginThrottle.address == address)


def _locked(session: Session, email: str, address: str, now: datetime) -> LoginThrottle:
    query = select(LoginThrottle).where(_key(email, address))
    row = lock_row(session, query)
    if row is None:
        try:
            with session.begin_nested():
                session.add(LoginThrottle(email=email, address=address, failures=0, last_failure_at=now))
        except IntegrityError:
            pass  # another app server added it a moment ago; locking it below waits for that one to finish
        row = lock_row(session, query)
    if row.last_failure_at < now - MAX_LOCKOUT:
        # Idle past the longest wait, as if pruned: a failure an hour ago doesn't bring the next one closer to a lock.
        row.failures, row.blocked_until = 0, None
    return row


def _blocked(row: LoginThrottle, now: datetime) -> bool:
    return row.blocked_until is not None and row.blocked_until > now


def _refusal(pair: LoginThrottle, origin: LoginThrottle, account: LoginThrottle, now: datetime):
    waits = []
    if _blocked(pair, now):
        waits.append((pair.blocked_until, "Too many failed sign-in attempts for this email from your network."))
    if _blocked(origin, now):
        waits.append((origin.blocked_until, "Too many failed sign-in attempts from your network."))
    if pair.failures and _blocked(account, now):
        waits.append(
            (
                account.blocked_until,
                "This account has had many failed sign-in attempts, so after a wrong password there is a wait.",
            )
        )
    if not waits:
        return None
    until, reason = max(waits)
    wait = int((until - now).total_seconds()) + 1
    return TooManyAttempts(f"{reason} Please wait {wait} seconds and try again.", retry_after=wait)


def _count(row: LoginThrottle, limit: int, first_wait: int, now: datetime, *, growing: bool = True) -> None:
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= limit:
        # A lock doubles with each failure past the limit, up to a ceiling; a slowed account waits the same each time.
        doublings = min(row.failures - limit, 10) if growing else 0
        row.blocked_until = now + min(timedelta(seconds=first_wait * 2**doublings), MAX_LOCKOUT)
