"""Signing in, and managing who has an account and what role they hold."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from flask import current_app
from sqlalchemy import bindparam, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from wiki.db import write_transaction
from wiki.errors import BadInput, Conflict, NotFound, require
from wiki.extensions import db
from wiki.models import Role, User
from wiki.services import signin_throttle
from wiki.services.permissions import can_manage_users
from wiki.services.seats import SeatEnd, current_seat, end_seat

MIN_PASSWORD_LENGTH = 10
# Longer can't be an account; cut to the column's size so a long one is still counted, never an error.
EMAIL_MAX_LENGTH = 254
ADDRESS_MAX_LENGTH = 64
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidCredentials(BadInput):
    status = 401
    title = "Sign-in failed"


def password_hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


@cache
def dummy_hash(method: str) -> str:
    """Checked against when the email is unknown, so a wrong email costs as long as a wrong password."""
    return generate_password_hash("not-a-real-password", method=method)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


@lru_cache(maxsize=8)
def _session_user_query(also: tuple):
    return select(User, *also).where(User.id == bindparam("user_id"))


def load_session_user(token: str, *also) -> tuple | None:
    """The user a login cookie names, if that cookie is still current, with the columns `also` asks for read in
    the same statement (a request reads its header's unread count that way, in one round trip)."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit() or int(user_id) > 2**63 - 1:
        return None
    row = db.session.execute(_session_user_query(also), {"user_id": int(user_id)}).first()
    if row is None or not row[0].active or row[0].session_version != int(version):
        return None
    return tuple(row)


def authenticate(email: str, password: str, *, address: str | None, limits: signin_throttle.Limits) -> User:
    """Check a password from a client at `address`; repeated failures are slowed down (see signin_throttle)."""
    key = normalise_email(email)[:EMAIL_MAX_LENGTH]
    if not key:
        raise InvalidCredentials("Please enter your email and password.")
    # Without an address (a server on a Unix socket, no proxy), every client counts as one.
    address = (address or "unknown")[:ADDRESS_MAX_LENGTH]
    signin_throttle.reserve(key, address, limits)
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(dummy_hash(password_hash_method()), password)
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if not ok:
        signin_throttle.prune()
        raise InvalidCredentials("That email and password don't match an active account.")
    signin_throttle.forgive(key, address)
    return user


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
        user.set_password(password, password_hash_method())
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


@dataclass(frozen=True)
class AccountChange:
    user: User
    seat_end: SeatEnd | None = None  # the council seat the change ended, if it ended one


def set_role(actor: User | None, user_id: int, role: str) -> AccountChange:
    """A lead's (or the command line's) change of role; moving off `council` also ends a council seat."""
    user = get_user(actor, user_id)
    try:
        new_role = Role(role)
    except ValueError:
        raise BadInput("The role must be lead, council or field.") from None
    with write_transaction() as session:
        user = session.get(User, user_id)
        seat_end = apply_role(session, user, new_role, actor)
    return AccountChange(user, seat_end)


def apply_role(session, user: User, role: Role, actor: User | None = None) -> SeatEnd | None:
    """Change a role inside the caller's transaction (joining or leaving the council changes it too).

    A new role ends the person's other sessions: their next request signs in again with the new rights.
    A seat on the council needs the council role (leads run the council, the field doesn't sit on it), so
    any other role ends the person's seat, if they still hold one."""
    if user.role == role:
        return None
    _guard_last_lead(session, user, role == Role.LEAD)
    user.role = role
    user.session_version += 1
    seat = current_seat(session, user.id, lock=True) if role != Role.COUNCIL else None
    return end_seat(session, seat, actor) if seat is not None else None


def update_profile(actor: User | None, user_id: int, name: str, region: str | None) -> User:
    user = get_user(actor, user_id)
    _, name, _ = _validate_profile(user.email, name, user.role.value)
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.name = name
        user.region = (region or "").strip() or None
    return user


def set_active(actor: User | None, user_id: int, active: bool) -> AccountChange:
    """Deactivating stops someone signing in and ends their council seat; reactivating gives no seat back."""
    user = get_user(actor, user_id)
    if actor is not None and actor.id == user_id and not active:
        raise Conflict("You can't deactivate your own account.")
    seat_end = None
    with write_transaction() as session:
        user = session.get(User, user_id)
        if user.active and not active:
            _guard_last_lead(session, user, False)
        if user.active != active:
            user.active = active
            user.session_version += 1
        seat = current_seat(session, user.id, lock=True) if not active else None
        if seat is not None:
            seat_end = end_seat(session, seat, actor)
    return AccountChange(user, seat_end)


def reset_password(actor: User | None, user_id: int, password: str) -> User:
    get_user(actor, user_id)
    validate_password(password)
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.set_password(password, password_hash_method())
        user.session_version += 1
    return user


def change_own_password(user: User, current: str, new: str) -> User:
    if not user.check_password(current):
        raise BadInput("Your current password is not right.")
    validate_password(new)
    with write_transaction() as session:
        me = session.get(User, user.id)
        me.set_password(new, password_hash_method())
        me.session_version += 1
    return me


def end_sessions(user: User) -> None:
    """Signing out signs out everywhere: every cookie carrying the old version stops working."""
    with write_transaction() as session:
        me = session.get(User, user.id)
        me.session_version += 1
