"""Signing in and out, sessions that end when they should, and the headers every response carries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from wiki.extensions import db
from wiki.models import User


def test_sign_in_with_email_and_password(client, browser, people):
    person = browser()
    response = person.login("council@example.com")
    assert response.status_code == 303
    assert "Cora Council" in person.get("/").get_data(as_text=True)


def test_email_is_case_insensitive(browser, people):
    assert browser().login("Council@Example.COM").status_code == 303


def test_wrong_password_is_refused_with_a_message(browser, people):
    response = browser().login("council@example.com", "wrong password!")
    assert response.status_code == 401
    assert "don&#39;t match" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/p/fy27-plan")
    assert response.status_code == 302
    assert "/login?next=%2Fp%2Ffy27-plan" in response.headers["Location"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/p/fy27-plan", "/p/fy27-plan"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("https://evil.example.com/", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_to_this_site(browser, people, target, expected):
    person = browser()
    token = person.csrf_token("/login")
    response = person.client.post(
        "/login",
        query_string={"next": target},
        data={"email": "council@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_repeated_failures_are_slowed_down(app, browser, people):
    person = browser()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        person.login("council@example.com", "not the password")
    response = person.login("council@example.com")
    assert response.status_code == 429
    assert "wait" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_deactivated_user_cannot_sign_in(app, browser, people):
    with app.app_context():
        from wiki.services import accounts

        accounts.set_active(None, people["field"].id, False)
    assert browser().login("field@example.com").status_code == 401


def test_sign_out_ends_the_users_other_sessions(browser, people):
    laptop = browser(people["council"])
    phone = browser(people["council"])
    laptop.logout()
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_the_test_browser_reads_a_new_csrf_token_for_a_new_session(app, browser, people):
    person = browser(people["council"])
    person.client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    assert person.login("council@example.com").status_code == 303


def test_role_change_ends_sessions(app, browser, people):
    phone = browser(people["council"])
    with app.app_context():
        from wiki.services import accounts

        accounts.set_role(None, people["council"].id, "field")
    assert phone.get("/").status_code == 302


def test_password_change_keeps_this_session_and_ends_others(browser, people):
    laptop = browser(people["council"])
    phone = browser(people["council"])
    response = laptop.post("/account", {"current": PASSWORD, "new": "a brand new password"}, token_from="/account")
    assert response.status_code == 303
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert browser().login("council@example.com", "a brand new password").status_code == 303


def test_short_passwords_are_refused(browser, people):
    laptop = browser(people["council"])
    response = laptop.post("/account", {"current": PASSWORD, "new": "short"}, token_from="/account")
    assert response.status_code == 400
    assert "10 characters" in response.get_data(as_text=True)


def test_an_app_made_as_in_production_hashes_passwords_with_scrypt(monkeypatch, tmp_path):
    from wiki import create_app
    from wiki.services import accounts

    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    production = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite", "SECRET_KEY": "s"})
    with production.app_context():
        db.create_all()
        accounts.create_user(None, "ops@example.com", "Ops", "lead", PASSWORD)
        stored = db.session.execute(select(User.password_hash).where(User.email == "ops@example.com")).scalar_one()
        db.session.remove()
        db.engine.dispose()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_every_password_is_hashed_with_the_configured_method(app, people):
    from wiki.services import accounts

    with app.app_context():
        accounts.reset_password(None, people["field"].id, "a reset password")
        stored = set(db.session.execute(select(User.password_hash)).scalars())
        unknown_email_check = accounts.dummy_hash(accounts.password_hash_method())
    assert {hashed.partition("$")[0] for hashed in stored | {unknown_email_check}} == {"pbkdf2:sha256:1"}


def test_an_unknown_password_hash_method_stops_the_app_at_start(monkeypatch, tmp_path):
    from wiki import create_app

    monkeypatch.setenv("PASSWORD_HASH_METHOD", "md5")
    with pytest.raises(RuntimeError, match="PASSWORD_HASH_METHOD"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_security_headers_on_every_response(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "HX-Request-Type" in response.headers["Vary"]


def test_session_cookie_is_httponly_lax_and_secure_over_https(app, people):
    client = app.test_client()
    token_page = client.get("/login", base_url="https://wiki.example.com")
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page.get_data(as_text=True)).group(1)
    response = client.post(
        "/login",
        base_url="https://wiki.example.com",
        data={"email": "council@example.com", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://wiki.example.com/login"},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    from wiki import create_app

    monkeypatch.setenv("WIKI_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_lead_manages_people_in_the_browser(app, as_lead, people):
    response = as_lead.post(
        "/admin/users",
        {
            "email": "new.rep@example.com",
            "name": "New Rep",
            "role": "field",
            "region": "EMEA",
            "password": "a long enough password",
        },
        token_from="/admin/users",
    )
    assert response.status_code == 303
    assert "New Rep" in as_lead.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        new = db.session.execute(select(User).where(User.email == "new.rep@example.com")).scalar_one()
    response = as_lead.post(
        f"/admin/users/{new.id}",
        {"name": "New Rep", "role": "council", "region": "EMEA", "active": "y"},
        token_from="/admin/users",
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, new.id).role.value == "council"


def test_duplicate_email_answers_409(as_lead, people):
    response = as_lead.post(
        "/admin/users",
        {"email": "council@example.com", "name": "Dup", "role": "field", "password": "a long enough password"},
    )
    assert response.status_code == 409


def test_the_last_lead_cannot_be_demoted(app, as_lead, people):
    response = as_lead.post(
        f"/admin/users/{people['lead'].id}", {"name": "Lena Lead", "role": "council", "active": "y"}
    )
    assert response.status_code == 409


def test_cli_manages_users(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "ops@example.com", "--name", "Ops", "--role", "lead", "--password", "long password 1"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        make_user(role="lead")
    assert "ops@example.com" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "set-role", "ops@example.com", "council"]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "ops@example.com"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "council" in listing and "deactivated" in listing
    bad = runner.invoke(
        args=["users", "create", "x@example.com", "--name", "X", "--role", "lead", "--password", "short"]
    )
    assert bad.exit_code != 0 and "10 characters" in bad.output
