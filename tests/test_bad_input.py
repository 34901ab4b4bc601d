"""Bad input gets a clear sentence and the right status, never a 500 and never lost text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import make_page, publish
from wiki.extensions import db
from wiki.models import Summary, utcnow


def test_oversized_body_answers_413_naming_the_limit(app, as_council):
    limit = app.config["MAX_PAGE_BYTES"]
    body = "x" * (limit + 1)
    response = as_council.post("/p/big/edit", {"body": body, "summary": "", "base_revision": "0"})
    assert response.status_code == 413
    assert f"{limit // 1024} KB" in response.get_data(as_text=True)


def test_request_larger_than_the_request_cap_answers_413(app, as_council):
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = as_council.post("/p/big/edit", {"body": body, "base_revision": "0"})
    assert response.status_code == 413
    assert "KB" in response.get_data(as_text=True)


def test_missing_csrf_token_answers_400(as_council):
    response = as_council.client.post("/p/fy27-plan/edit", data={"body": "x", "base_revision": "0"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_invalid_utf8_answers_400(as_council):
    token = as_council.csrf_token("/")
    raw = b"csrf_token=" + token.encode() + b"&body=%FF%FEbad&base_revision=0"
    response = as_council.client.post("/p/fy27-plan/edit", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_nul_bytes_answer_400(as_council):
    response = as_council.post("/p/fy27-plan/edit", {"body": "a\x00b", "base_revision": "0"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_nul_bytes_in_multipart_answer_400(as_council):
    token = as_council.csrf_token("/")
    response = as_council.client.post(
        "/p/fy27-plan/edit",
        data={"csrf_token": token, "body": "a\x00b", "base_revision": "0"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("base", ["-1", "abc", "99"])
def test_nonsense_base_revision_answers_400(as_council, base):
    as_council.post("/p/fy27-plan/edit", {"body": "one\n", "base_revision": "0"})
    response = as_council.post("/p/fy27-plan/edit", {"body": "two\n", "base_revision": base})
    assert response.status_code == 400


def test_overlong_summary_answers_400(as_council):
    response = as_council.post("/p/fy27-plan/edit", {"body": "x", "summary": "s" * 301, "base_revision": "0"})
    assert response.status_code == 400
    assert "300" in response.get_data(as_text=True)


def test_unknown_page_kind_answers_400(as_council):
    response = as_council.post("/p/fy27-plan/edit", {"body": "x", "kind": "poster", "base_revision": "0"})
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["rev=abc", "rev=-3", "rev=1e9", "rev=99999999999999"])
def test_bad_revision_numbers_answer_400(as_council, query):
    as_council.post("/p/fy27-plan/edit", {"body": "x", "base_revision": "0"})
    assert as_council.get(f"/p/fy27-plan?{query}").status_code == 400


def test_diff_of_missing_revision_answers_404(as_council):
    as_council.post("/p/fy27-plan/edit", {"body": "x", "base_revision": "0"})
    assert as_council.get("/p/fy27-plan/diff?from=1&to=7").status_code == 404


def test_error_fragment_for_htmx(as_council):
    response = as_council.post(
        "/p/Bad/preview", {"body": "x"}, headers={"HX-Request": "true", "HX-Request-Type": "partial"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'role="alert"' in html


FORM_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    slug=st.sampled_from(["fy27-plan", "Bad Slug", "", "a" * 90, "new-page", "%00"]),
    body=FORM_TEXT,
    summary=FORM_TEXT,
    base=st.sampled_from(["0", "1", "", "-1", "x", "99999999999", "1.5"]),
    kind=st.sampled_from(["", "plan", "poster", "\x00"]),
)
def test_arbitrary_edit_forms_never_cause_a_server_error(as_council, slug, body, summary, base, kind):
    data = {"body": body, "summary": summary, "base_revision": base, "kind": kind, "title": summary}
    for url in (f"/p/{slug}/edit", f"/p/{slug}/preview"):
        response = as_council.post(url, data)
        assert response.status_code < 500, (url, data, response.status_code)


def test_a_huge_base_revision_is_refused_and_the_text_kept_as_a_draft(app, people, as_council):
    with app.app_context():
        make_page(people["council"])
    saved = as_council.post("/p/fy27-plan/edit", {"body": "Mine.\n", "summary": "", "base_revision": "99999999999"})
    assert saved.status_code == 400
    previewed = as_council.post("/p/fy27-plan/preview", {"body": "Mine.\n", "base_revision": "99999999999"})
    assert previewed.status_code == 200
    assert "Mine." in as_council.get("/p/fy27-plan/edit").get_data(as_text=True)


# Digits that aren't 0-9: "²".isdigit() is true, but int("²") raises ------------------------------------------

# Superscript two and circled one: isdigit() yet not int(); the old checks let both through to int().
UNICODE_DIGITS = ["²", "①"]


@pytest.fixture
def published_plan(app, people):
    with app.app_context():
        plan = make_page(people["lead"], bodies=("# Plan\n\nFirst words.\n", "# Plan\n\nFirst words, then more.\n"))
        publish(people["lead"], plan, 1)


FIELD_NUMBERS = [
    ("GET", "/p/fy27-plan?rev={d}"),
    ("GET", "/p/fy27-plan/raw?rev={d}"),
    ("GET", "/changes?p={d}"),
    ("GET", "/changes?person={d}"),
    ("POST", "/inbox/read id={d}"),
]
STAFF_NUMBERS = [
    ("GET", "/p/fy27-plan/history?page={d}"),
    ("GET", "/p/fy27-plan/diff?from={d}&to=2"),
    ("GET", "/p/fy27-plan/diff?from=1&to={d}"),
    ("GET", "/p/fy27-plan/suggest?rev={d}&quote=First"),
    ("GET", "/p/fy27-plan/suggest?rev=2&quote=First&line={d}"),
    ("POST", "/p/fy27-plan/threads rev={d}&body=Hi"),
    ("POST", "/p/fy27-plan/threads rev=2&quote=First&line={d}&body=Hi"),
    ("POST", "/p/fy27-plan/suggestions rev={d}&start=8&end=19&exact=First words&replacement=Our words"),
    ("POST", "/p/fy27-plan/suggestions rev=2&start={d}&end=19&exact=First words&replacement=Our words"),
    ("POST", "/p/fy27-plan/suggestions rev=2&start=8&end={d}&exact=First words&replacement=Our words"),
    ("POST", "/p/fy27-plan/restore rev={d}"),
    ("POST", "/p/fy27-plan/edit base_revision={d}&body=New words"),
]
LEAD_NUMBERS = [
    ("POST", "/p/fy27-plan/publish rev={d}"),
    ("POST", "/p/fy27-plan/request-changes rev={d}&note=Please"),
    ("POST", "/tactics/new?plan=fy27-plan name=Webinars&cadence_days={d}&status=active"),
    ("POST", "/tactics/new?plan=fy27-plan name=Webinars&cadence_days=14&status=active&owner_id={d}"),
    ("POST", "/tactics/new?plan=fy27-plan name=Webinars&cadence_days=14&status=active&page_ids={d}"),
]


def _send(person, method: str, request: str, digit: str):
    url, _, form = request.format(d=digit).partition(" ")
    if method == "GET":
        return person.get(url)
    return person.post(url, dict(pair.split("=", 1) for pair in form.split("&")))


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
@pytest.mark.parametrize(
    ("role", "method", "request_"),
    [("field", *case) for case in FIELD_NUMBERS]
    + [("council", *case) for case in STAFF_NUMBERS]
    + [("lead", *case) for case in LEAD_NUMBERS],
)
def test_numbers_written_with_other_digits_answer_400(people, published_plan, browser, role, method, request_, digit):
    response = _send(browser(people[role]), method, request_, digit)
    assert response.status_code == 400, response.get_data(as_text=True)


def test_a_person_id_too_large_for_the_database_answers_400_beside_the_field(people, as_lead):
    """SQLite can't even look a number past 64 bits up (OverflowError), so it never reaches the database."""
    form = {"person_id": "99999999999999999999", "represents": "EMEA", "term_start": "2026-01-05"}
    response = as_lead.post("/council/members", form)
    assert response.status_code == 400
    assert "Choose who joins the council." in response.get_data(as_text=True)


def test_a_live_preview_with_another_digit_as_base_keeps_the_draft(people, published_plan, as_council):
    response = as_council.post("/p/fy27-plan/preview", {"body": "Mine.\n", "base_revision": "²"})
    assert response.status_code == 200
    assert "Mine." in as_council.get("/p/fy27-plan/edit").get_data(as_text=True)


# The summary period -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("end", ["9999-12-31", "2999-01-01"])
def test_a_summary_period_ending_in_the_far_future_answers_400_and_makes_no_draft(app, as_lead, end):
    response = as_lead.post("/summaries/new", {"start": "2026-01-01", "end": end})
    assert response.status_code == 400
    assert f"at the latest, not {end}" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(Summary)).first() is None


def test_a_summary_period_ending_tomorrow_is_taken_up_to_now(app, as_lead):
    """A lead east of UTC may already be living in tomorrow."""
    today = utcnow().date()
    form = {"start": today.isoformat(), "end": (today + timedelta(days=1)).isoformat()}
    response = as_lead.post("/summaries/new", form)
    assert response.status_code == 303
    with app.app_context():
        summary = db.session.execute(select(Summary)).scalar_one()
        assert summary.period_end <= utcnow()
