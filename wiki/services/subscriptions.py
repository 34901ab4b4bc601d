"""Who receives the summary email: the unsubscribe links in every email, and each person's own preference."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from wiki.db import write_transaction
from wiki.errors import BadInput, NotFound, require
from wiki.extensions import db
from wiki.models import User
from wiki.services.permissions import can_manage_own_subscription

_SALT = "unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def unsubscribe_url(user_id: int) -> str:
    """The absolute address of someone's unsubscribe page, for emails (SITE_URL is the public address)."""
    return f"{current_app.config['SITE_URL']}/unsubscribe/{unsubscribe_token(user_id)}"


def subscriber(token: str) -> User:
    """Whose unsubscribe link this is. The link works without signing in, so it must be one we signed."""
    try:
        user_id = _serializer().loads(token)
    except BadData:
        user_id = None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise BadInput(
            "This unsubscribe link is damaged: part of it may be missing. Copy the whole link from the email, "
            "or sign in and change your email preferences on your account page."
        )
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("This unsubscribe link belongs to an account that no longer exists.")
    return user


def unsubscribe(token: str) -> User:
    """Stop the summary email for whoever the link belongs to; doing it twice changes nothing."""
    user_id = subscriber(token).id
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.summary_emails = False
    return user


def set_summary_emails(actor: User, wanted: bool) -> User:
    require(can_manage_own_subscription(actor), "Sign in to change your email preferences.")
    with write_transaction() as session:
        user = session.get(User, actor.id)
        user.summary_emails = wanted
    return user
