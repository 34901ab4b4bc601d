"""Unsubscribing from the summary email (no login, RFC 8058 one-click) and the email preferences page."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from tests.factories import make_user
from wiki.extensions import db
from wiki.models import User
from wiki.services import subscriptions


def subscribed(app, user: User) -> bool:
    with app.app_context():
        return db.session.get(User, user.id).summary_emails


def unsubscribe_path(app, user: User) -> str:
    with app.app_context():
        return f"/unsubscribe/{subscriptions.unsubscribe_token(user.id)}"


def test_one_click_post_unsubscribes_without_login_or_csrf_token(app, client, people):
    path = unsubscribe_path(app, people["field"])
    response = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You are unsubscribed" in page and "field@example.com" in page and "/account/email" in page
    assert subscribed(app, people["field"]) is False
    assert subscribed(app, people["council"]) is True
    # Mail providers may send it again: still fine, still off.
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert subscribed(app, people["field"]) is False


def test_the_link_opened_in_a_browser_asks_first_and_a_get_changes_nothing(app, client, people):
    path = unsubscribe_path(app, people["field"])
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "field@example.com" in page and f'action="{path}"' in page and ">Unsubscribe</button>" in page
    assert subscribed(app, people["field"]) is True


@pytest.mark.parametrize(
    "token",
    [
        "tampered",
        "{valid}x",
        "{valid_other_user_signature}",
        "{feed_salt}",
        "{not_an_id}",
        "..",
    ],
)
def test_a_tampered_or_malformed_token_is_refused_with_400(app, client, people, token):
    with app.app_context():
        valid = subscriptions.unsubscribe_token(people["field"].id)
        council = subscriptions.unsubscribe_token(people["council"].id)
        payload, _, signature = valid.partition(".")
        token = token.format(
            valid=valid,
            # The field rep's id with the council member's signature.
            valid_other_user_signature=f"{payload}.{council.partition('.')[2]}",
            feed_salt=URLSafeSerializer(app.secret_key, salt="feed").dumps(people["field"].id),
            not_an_id=URLSafeSerializer(app.secret_key, salt="unsubscribe").dumps("1"),
        )
    for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}")):
        assert response.status_code == 400
        assert "This unsubscribe link is damaged" in response.get_data(as_text=True)
    assert subscribed(app, people["field"]) is True


def test_a_link_for_an_account_that_is_gone_is_404(app, client, people):
    with app.app_context():
        token = subscriptions.unsubscribe_token(999_999)
    assert client.post(f"/unsubscribe/{token}").status_code == 404


def test_the_preferences_page_needs_a_login(client):
    response = client.get("/account/email")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_preferences_page_turns_the_email_off_and_on(app, browser, people):
    me = browser(people["field"])
    account = me.get("/account").get_data(as_text=True)
    assert 'href="/account/email"' in account
    page = me.get("/account/email").get_data(as_text=True)
    assert "Send me the council&#39;s summary email" in page and "checked" in page

    off = me.post("/account/email", {}, token_from="/account/email")
    assert off.status_code == 303 and off.headers["Location"].endswith("/account/email")
    assert subscribed(app, people["field"]) is False
    assert "checked" not in me.get("/account/email").get_data(as_text=True)

    on = me.post("/account/email", {"summary_emails": "y"}, token_from="/account/email")
    assert on.status_code == 303 and subscribed(app, people["field"]) is True


def test_the_preferences_page_needs_its_csrf_token(app, browser, people):
    me = browser(people["council"])
    assert me.client.post("/account/email", data={}).status_code == 400
    assert subscribed(app, people["council"]) is True


def test_each_person_changes_only_their_own_preference(app, browser, people):
    with app.app_context():
        other = make_user(role="field", email="other@example.com")
    browser(people["lead"]).post("/account/email", {}, token_from="/account/email")
    assert subscribed(app, people["lead"]) is False and subscribed(app, other) is True
