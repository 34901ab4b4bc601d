"""Password guessing is slowed per account, per address and per account from one address, without letting a
stranger lock anyone out of their own account."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Browser
from tests.factories import PASSWORD, make_user
from tests.live import Session, serve
from wiki import create_app
from wiki.extensions import db
from wiki.models import LoginThrottle, utcnow

STRANGER = "203.0.113.66"
HOME = "192.0.2.10"
WRONG = "not the password"


def from_address(browser, address: str) -> Browser:
    person = browser()
    person.client.environ_base["REMOTE_ADDR"] = address
    return person


def sign_in(person: Browser, email: str, password: str = PASSWORD, **kwargs):
    return person.post("/login", {"email": email, "password": password}, **kwargs)


def test_guesses_spread_over_many_accounts_from_one_address_are_slowed(app, browser, people):
    with app.app_context():
        emails = [make_user(role="field").email for _ in range(20)]
    guesser = from_address(browser, STRANGER)
    statuses = [sign_in(guesser, email, WRONG).status_code for _ in range(3) for email in emails]
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    assert statuses == [401] * limit + [429] * (60 - limit)
    # Even a right password waits: otherwise the guesser could go on guessing.
    refused = sign_in(guesser, "council@example.com")
    assert refused.status_code == 429 and "from your network" in refused.get_data(as_text=True)
    assert sign_in(from_address(browser, HOME), "council@example.com").status_code == 303


def test_signing_in_from_one_address_again_and_again_is_never_slowed(app, browser, people):
    office = from_address(browser, HOME)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] + 5):
        assert sign_in(office, "field@example.com").status_code == 303
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert sign_in(office, "field@example.com", WRONG).status_code == 401
    assert sign_in(office, "field@example.com").status_code == 303
    with app.app_context():
        counts = db.session.execute(select(LoginThrottle.email, LoginThrottle.address, LoginThrottle.failures)).all()
    # Signing in cleared the account from this address; the typos still count for the address and the account.
    assert sorted(counts) == [("", HOME, 4), ("field@example.com", "", 4)]


def test_a_strangers_failures_dont_stop_the_owner_signing_in_from_their_own_address(app, browser, people):
    stranger = from_address(browser, STRANGER)
    statuses = [sign_in(stranger, "lead@example.com", WRONG).status_code for _ in range(12)]
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert statuses == [401] * limit + [429] * (12 - limit)
    locked = sign_in(stranger, "lead@example.com")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert sign_in(from_address(browser, HOME), "lead@example.com").status_code == 303


def test_an_account_under_attack_only_slows_its_owner_after_a_wrong_password(app, browser, people):
    stranger = from_address(browser, STRANGER)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(stranger, "lead@example.com", WRONG)
    owner = from_address(browser, HOME)
    assert sign_in(owner, "lead@example.com", WRONG).status_code == 401
    slowed = sign_in(owner, "lead@example.com")
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["Retry-After"]) <= app.config["LOGIN_LOCKOUT_SECONDS"] + 1
    assert "Please wait" in slowed.get_data(as_text=True)


def test_parallel_wrong_guesses_at_one_account_never_check_more_passwords_than_the_limit(app, people):
    guesses = 40
    statuses: list[int] = []
    with serve(app) as base:
        sessions = [Session(base) for _ in range(guesses)]
        for session in sessions:
            _, html = session.request("GET", "/login")
            session.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        barrier = threading.Barrier(guesses)

        def guess(session: Session) -> None:
            barrier.wait()
            status, _ = session.post("/login", {"email": "lead@example.com", "password": WRONG})
            statuses.append(status)

        threads = [threading.Thread(target=guess, args=(session,)) for session in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert len(statuses) == guesses
    # A 401 is a password that was checked; a 429 was refused before checking it.
    assert sorted(statuses) == [401] * app.config["LOGIN_MAX_FAILURES"] + [429] * (
        guesses - app.config["LOGIN_MAX_FAILURES"]
    )


@pytest.fixture
def proxied_app(app):
    """The same database behind one trusted reverse proxy."""
    proxied = create_app({**app.config, "TRUST_PROXY": 1})
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(app, proxied_app, people):
    through_proxy = Browser(proxied_app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(through_proxy, "lead@example.com", WRONG, headers={"X-Forwarded-For": STRANGER})
    assert sign_in(through_proxy, "lead@example.com", headers={"X-Forwarded-For": STRANGER}).status_code == 429
    assert sign_in(through_proxy, "lead@example.com", headers={"X-Forwarded-For": HOME}).status_code == 303


def test_without_trust_proxy_a_forwarded_address_is_ignored(app, browser, people):
    person = browser()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(person, "lead@example.com", WRONG, headers={"X-Forwarded-For": STRANGER})
    assert sign_in(person, "lead@example.com", headers={"X-Forwarded-For": HOME}).status_code == 429


def test_a_failed_sign_in_prunes_counts_idle_for_longer_than_the_longest_lockout(app, browser, people):
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                LoginThrottle(
                    email="gone@example.com", address=STRANGER, failures=3, last_failure_at=now - timedelta(minutes=16)
                ),
                LoginThrottle(
                    email="kept@example.com", address=STRANGER, failures=3, last_failure_at=now - timedelta(minutes=1)
                ),
            ]
        )
        db.session.commit()
    sign_in(from_address(browser, HOME), "lead@example.com", WRONG)
    with app.app_context():
        emails = set(db.session.execute(select(LoginThrottle.email)).scalars())
    assert "gone@example.com" not in emails and "kept@example.com" in emails


def test_failures_idle_for_longer_than_the_longest_lockout_no_longer_count(app, browser, people):
    long_ago = utcnow() - timedelta(minutes=20)
    with app.app_context():
        db.session.add(
            LoginThrottle(
                email="lead@example.com",
                address=HOME,
                failures=app.config["LOGIN_MAX_FAILURES"] - 1,
                last_failure_at=long_ago,
            )
        )
        db.session.commit()
    owner = from_address(browser, HOME)
    assert sign_in(owner, "lead@example.com", WRONG).status_code == 401
    assert sign_in(owner, "lead@example.com").status_code == 303


def test_an_overlong_email_is_refused_and_counted_like_any_other(app, browser, people):
    person = browser()
    email = "a" * 300 + "@example.com"
    statuses = [sign_in(person, email, WRONG).status_code for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)]
    assert statuses == [401] * app.config["LOGIN_MAX_FAILURES"] + [429]
    with app.app_context():
        assert max(len(email) for email in db.session.execute(select(LoginThrottle.email)).scalars()) == 254
