"""Fixtures: a fresh app and database per test, and people of each role ready to sign in."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import text

from tests.factories import PASSWORD, make_user
from wiki import create_app
from wiki.extensions import db
from wiki.services import outbox
from wiki.services.rendering import cache, margins


def database_url(tmp_path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'wiki.sqlite'}"


def reset_schema() -> None:
    """PostgreSQL is shared by the whole run, so each test starts from empty tables."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    db.create_all()


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            "SECRET_KEY": "test-secret",
            "LOGIN_LOCKOUT_SECONDS": 60,
        }
    )
    with app.app_context():
        reset_schema()
    cache.clear()
    margins.clear()
    yield app
    # A summary sent during the test may still be going out from a background thread: stop it before the
    # database goes away.
    outbox.stop_background(app, timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Browser:
    """A test client that behaves like a person: signs in, finds the CSRF token on the page, posts forms."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def csrf_token(self, url: str = "/login") -> str:
        html = self.client.get(url, follow_redirects=True).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'"X-CSRFToken": "([^"]+)"', html
        )
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def post(self, url, data=None, *, token_from: str = "/", **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(token_from))
        return self.client.post(url, data=data, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        token = self.csrf_token("/login")
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def browser(app):
    def make(user=None) -> Browser:
        person = Browser(app)
        if user is not None:
            response = person.login(user.email)
            assert response.status_code == 303, response.get_data(as_text=True)
        return person

    return make


@pytest.fixture
def people(app):
    """One person of each role, committed."""
    with app.app_context():
        return {
            "lead": make_user(role="lead", name="Lena Lead", email="lead@example.com"),
            "council": make_user(role="council", name="Cora Council", email="council@example.com"),
            "field": make_user(role="field", name="Finn Field", email="field@example.com"),
        }


@pytest.fixture
def as_lead(browser, people):
    return browser(people["lead"])


@pytest.fixture
def as_council(browser, people):
    return browser(people["council"])


@pytest.fixture
def as_field(browser, people):
    return browser(people["field"])
