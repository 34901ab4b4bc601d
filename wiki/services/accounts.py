"""Signing in, and managing who has an account and what role they hold."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from wiki.db import write_transaction
from wiki.errors import BadInput, Conflict, NotFound, TooManyAttempts, require
from wiki.extensions import db
from wiki.models import LoginThrottle, Role, User, utcnow
from wiki.services.permissions import can_manage_users

MIN_PASSWORD_LENGTH = 10
MAX_LOCKOUT = timedelta(minutes=15)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class InvalidCredentials(BadInput):
    status = 401
    title = "Sign-in failed"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def load_session_user(token: str) -> User | None:
    """The user a login cookie names, if that cookie is still current."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def authenticate(email: str, password: str, *, max_failures: int, lockout_seconds: int) -> User:
    """Check a password; repeated failures for one email are slowed down, growing up to 15 minutes."""
    key = normalise_email(email)
    now = utcnow()
    throttle = db.session.get(LoginThrottle, key)
    if throttle is not None and throttle.blocked_until is not None and throttle.blocked_until > now:
        wait = int((throttle.blocked_until - now).total_seconds()) + 1
        raise TooManyAttempts(
            f"Too many failed sign-in attempts for this email. Please wait {wait} seconds and try again.",
            retry_after=wait,
        )
    user = find_user_by_email(key)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if ok:
        if throttle is not None:
            with write_transaction() as session:
                session.execute(LoginThrottle.__table__.delete().where(LoginThrottle.key == key))
        return user
    _record_failure(key, max_failures, lockout_seconds)
    raise InvalidCredentials("That email and password don't match an active account.")


def _record_failure(key: str, max_failures: int, lockout_seconds: int) -> None:
    with write_transaction() as session:
        throttle = session.get(LoginThrottle, key)
        now = utcnow()
        if throttle is None:
            throttle = LoginThrottle(key=key, failures=0)
            session.add(throttle)
        throttle.failures += 1
        throttle.last_failure_at = now
        if throttle.failures >= max_failures:
            # Each failure past the limit doubles the wait, up to a ceiling.
            doublings = min(throttle.failures - max_failures, 10)
            wait = min(timedelta(seconds=lockout_seconds * 2**doublings), MAX_LOCKOUT)
            throttle.blocked_until = now + wait


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def _validate_profile(email: str, name: str, role: str) -> tuple[str, str, Role]:
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise BadInput("Please give a valid email address, like name@example.com.")
    name = name.strip()
    if not name or len(name) > 120:
        raise BadInput("Please give a name (at most 120 characters).")
    try:
        return email, name, Role(role)
    except ValueError:
        raise BadInput("The role must be lead, council or field.") from None


def create_user(actor: User | None, email: str, name: str, role: str, password: str, region: str | None = None) -> User:
    """actor is None only for the command line, which runs with the operator's authority."""
    if actor is not None:
        require(can_manage_users(actor), "Only marketing leads can add people.")
    email, name, role_value = _validate_profile(email, name, role)
    validate_password(password)
    with write_transaction() as session:
        if session.execute(select(User.id).where(User.email == email)).first():
            raise Conflict(f"There is already an account for {email}.")
        user = User(email=email, name=name, role=role_value, region=(region or "").strip() or None)
        user.set_password(password)
        session.add(user)
    return user


def list_users(actor: User | None) -> list[User]:
    if actor is not None:
        require(can_manage_users(actor), "Only marketing leads can manage people.")
    return list(db.session.execute(select(User).order_by(User.role, func.lower(User.name))).scalars())


def get_user(actor: User | None, user_id: int) -> User:
    if actor is not None:
        require(can_manage_users(actor), "Only marketing leads can manage people.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such person.")
    return user


def _guard_last_lead(session, user: User, becoming_lead: bool) -> None:
    if user.role == Role.LEAD and not becoming_lead:
        leads = session.execute(
            select(func.count()).select_from(User).where(User.role == Role.LEAD, User.active.is_(True))
        ).scalar_one()
        if leads <= 1:
            raise Conflict("This is the last active marketing lead; make someone else a lead first.")


def set_role(actor: User | None, user_id: int, role: str) -> User:
    user = get_user(actor, user_id)
    try:
        new_role = Role(role)
    except ValueError:
        raise BadInput("The role must be lead, council or field.") from None
    with write_transaction() as session:
        user = session.get(User, user_id)
        apply_role(session, user, new_role)
    return user


def apply_role(session, user: User, role: Role) -> None:
    """Change a role inside the caller's transaction (joining or leaving the council changes it too).

    A new role ends the person's other sessions: their next request signs in again with the new rights."""
    if user.role != role:
        _guard_last_lead(session, user, role == Role.LEAD)
        user.role = role
        user.session_version += 1


def update_profile(actor: User | None, user_id: int, name: str, region: str | None) -> User:
    user = get_user(actor, user_id)
    _, name, _ = _validate_profile(user.email, name, user.role.value)
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.name = name
        user.region = (region or "").strip() or None
    return user


def set_active(actor: User | None, user_id: int, active: bool) -> User:
    user = get_user(actor, user_id)
    if actor is not None and actor.id == user_id and not active:
        raise Conflict("You can't deactivate your own account.")
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user.active and not active:
            _guard_last_lead(session, user, False)
        if user.active != active:
            user.active = active
            user.session_version += 1
    return user


def reset_password(actor: User | None, user_id: int, password: str) -> User:
    get_user(actor, user_id)
    validate_password(password)
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.set_password(password)
        user.session_version += 1
    return user


def change_own_password(user: User, current: str, new: str) -> User:
    if not user.check_password(current):
        raise BadInput("Your current password is not right.")
    validate_password(new)
    with write_transaction() as session:
        me = session.get(User, user.id)
        me.set_password(new)
        me.session_version += 1
    return me


def end_sessions(user: User) -> None:
    """Signing out signs out everywhere: every cookie carrying the old version stops working."""
    with write_transaction() as session:
        me = session.get(User, user.id)
        me.session_version += 1
