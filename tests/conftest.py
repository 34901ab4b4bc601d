"""Fixtures: a fresh app and database per test, and people of each role ready to sign in."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.factories import PASSWORD, make_user
from tests.worlds import BLANK, Snapshot, Worlds
from wiki import create_app
from wiki.cache import clear_every_cache
from wiki.extensions import db
from wiki.files import extract, sandbox
from wiki.models import User


@pytest.fixture(scope="session")
def worlds(tmp_path_factory):
    kept = Worlds(tmp_path_factory.mktemp("worlds"))
    yield kept
    kept.drop_all()


def app_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "LOGIN_LOCKOUT_SECONDS": 60,
        # One iteration instead of scrypt: tests sign in hundreds of times, and how passwords are hashed in
        # production is tested on an app made without overrides.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }


# Fixtures that put a richer snapshot in place: a test using one starts from it without first copying the blank one.
RICHER_WORLDS = {"people", "roles_world"}


@pytest.fixture
def app(request, tmp_path, worlds):
    """A fresh app on its own copy of an empty database (schema only)."""
    app = create_app(app_config(worlds.test_url(tmp_path)))
    if not RICHER_WORLDS & set(request.fixturenames):
        worlds.blank(app)
    clear_every_cache()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Browser:
    """A test client that behaves like a person: signs in, finds the CSRF token on the page, posts forms.

    The token read from a page is kept for as long as the session holds the same raw token (Flask-WTF keeps it
    there), so posting doesn't render a page first; a new session reads a new one."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self._token: tuple[str, str] | None = None

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def csrf_token(self, url: str = "/login") -> str:
        html = self.client.get(url, follow_redirects=True).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'"X-CSRFToken": "([^"]+)"', html
        )
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def session_csrf_token(self) -> str:
        raw = self._raw_session_token()
        if self._token is None or raw is None or self._token[0] != raw:
            # A signed-in person's /login redirects to their dashboard, which carries the token too.
            token = self.csrf_token("/login")
            self._token = (self._raw_session_token(), token)
        return self._token[1]

    def _raw_session_token(self) -> str | None:
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        session = self.app.session_interface.get_signing_serializer(self.app).loads(cookie.value)
        return session.get("csrf_token")

    def post(self, url, data=None, *, token_from: str | None = None, **kwargs):
        """token_from reads the token from that page instead, for tests about what a page carries."""
        data = dict(data or {})
        if "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token(token_from) if token_from else self.session_csrf_token()
        return self.client.post(url, data=data, **kwargs)

    def upload(self, url, data, **kwargs):
        """Post a multipart form (files as (stream, filename) pairs), encoded in memory: the test client's own
        encoder spills bodies over 500 KB to a temporary file it never closes."""
        data = {key: FileStorage(*value) if isinstance(value, tuple) else value for key, value in data.items()}
        data.setdefault("csrf_token", self.session_csrf_token())
        boundary, body = encode_multipart(data)
        return self.client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        return self.post("/login", {"email": email, "password": password})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def read_files_in_process(monkeypatch):
    """The same reader the sandbox runs, without starting a child process for each upload (most of a second):
    for tests about what the app does with a file's contents. tests/test_files.py and the browser tests go
    through the sandbox."""

    def run(kind_code: str, data: bytes, limits: sandbox.Limits):
        return extract.extract(kind_code, data, max_units=limits.max_units, max_images=limits.max_images)

    monkeypatch.setattr(sandbox, "run", run)


@pytest.fixture
def browser(app):
    def make(user=None) -> Browser:
        person = Browser(app)
        if user is not None:
            response = person.login(user.email)
            assert response.status_code == 303, response.get_data(as_text=True)
        return person

    return make


def _make_people() -> dict[str, int]:
    return {
        role: make_user(role=role, name=name, email=f"{role}@example.com").id
        for role, name in (("lead", "Lena Lead"), ("council", "Cora Council"), ("field", "Finn Field"))
    }


PEOPLE: Snapshot = ("people", _make_people)


def detached_users(app, ids: dict[str, int]) -> dict[str, User]:
    """The users with these ids, loaded and detached, so a test can use them after its app context ends."""
    with app.app_context():
        users = {}
        for key, user_id in ids.items():
            user = db.session.get(User, user_id)
            db.session.expunge(user)
            users[key] = user
        return users


@pytest.fixture
def people(app, worlds):
    """One person of each role, committed (built once per run, copied for each test)."""
    return detached_users(app, worlds.restore(app, *PEOPLE, base=BLANK))


@pytest.fixture
def as_lead(browser, people):
    return browser(people["lead"])


@pytest.fixture
def as_council(browser, people):
    return browser(people["council"])


@pytest.fixture
def as_field(browser, people):
    return browser(people["field"])
