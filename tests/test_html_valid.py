"""The markup of the pages: valid HTML, machine-readable times, a description per page, ids that don't collide.

Every main page, for each role, is valid HTML as the Nu Html Checker (vnu, vendored in tests/vendor) reads it. The
pages are made by the test client from the demo company and checked in one run of the checker: the JVM takes
seconds to start. Warnings are allowed; errors are not.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Browser
from tests.factories import make_page
from wiki import demo
from wiki.extensions import db
from wiki.models import Attachment, CommentRound, ContentRequest, Summary, Tactic, User, Variant
from wiki.services.rendering import PREVIEW_IDS, preview
from wiki.text.plaintext import first_words
from wiki.web import machine_time

VNU = Path(__file__).resolve().parent / "vendor" / "vnu-26.9.27.jar"
PLAN = demo.PLAN
DECK = "customer-presentation"

# htmx's attributes (hx-post, hx-headers:inherited…) are no HTML attributes, and the checker says so of each one.
HTMX_ATTRIBUTES = r".*Attribute “hx-[^”]*” not allowed.*"

LOGINS = {"lead": "maya.chen@example.com", "council": "marcus.hill@example.com", "field": "aisha.khan@example.com"}


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def java() -> str:
    found = shutil.which("java")
    if found is None:
        _missing("The HTML check runs the Nu Html Checker, which needs Java: apt-get install default-jre-headless")
    if not VNU.exists():
        _missing(f"The HTML check needs the Nu Html Checker at {VNU}: `make test` fetches it with npm")
    return found


def addresses() -> dict[str, list[str]]:
    """The pages each role opens, by address: every kind of page the demo company has."""
    first = {
        model: db.session.execute(select(model.id).order_by(model.id).limit(1)).scalar_one()
        for model in (Summary, Tactic, ContentRequest, CommentRound)
    }
    deck = db.session.execute(select(Attachment).order_by(Attachment.id).limit(1)).scalar_one()
    variant = db.session.execute(select(Variant).order_by(Variant.id).limit(1)).scalar_one()
    someone = db.session.execute(select(User.id).where(User.email == LOGINS["field"])).scalar_one()
    everyone = [
        "/",
        "/pages",
        "/pages?kind=collateral",
        f"/p/{PLAN}",
        f"/p/{DECK}",
        f"/p/{DECK}/files",
        f"/p/{DECK}/files/{deck.name}/preview",
        f"/p/{PLAN}/variants",
        "/changes",
        "/inbox",
        "/council",
        f"/tactics/{first[Tactic]}",
        "/summaries",
        f"/summaries/{first[Summary]}",
        "/requests",
        f"/requests/{first[ContentRequest]}",
        "/requests/new",
        "/search?q=webinar",
        "/account",
        "/account/email",
        "/p/no-such-page",  # an error page
    ]
    staff = [
        f"/p/{PLAN}?rev=1",
        f"/p/{PLAN}/history",
        f"/p/{PLAN}/diff?from=1&to=5",
        f"/p/{PLAN}/diff?from=1&to=5&view=side",
        f"/p/{PLAN}/edit",
        f"/p/{DECK}/files/{deck.name}/changes",
        f"/p/{DECK}/present",
        f"/p/{DECK}/present/speaker",
    ]
    lead = [
        "/review",
        f"/review/{PLAN}",
        f"/review/{DECK}",
        "/admin/users",
        f"/admin/users/{someone}",
        "/summaries/new",
        "/summaries/schedule",
        f"/tactics/{first[Tactic]}/edit",
        f"/tactics/new?plan={PLAN}",
        f"/p/{variant.page.slug}/variants/{variant.id}",
        f"/rounds/{first[CommentRound]}",
    ]
    return {
        "anonymous": ["/login"],
        "field": everyone + ["/review"],
        "council": everyone + staff,
        "lead": everyone + staff + lead,
    }


def status(role: str, address: str) -> int:
    """Two error pages are among them: a page that isn't there, and the review queue for the field."""
    if address == "/p/no-such-page":
        return 404
    return 403 if (role, address) == ("field", "/review") else 200


def file_name(role: str, address: str) -> str:
    return f"{role}{re.sub(r'[^A-Za-z0-9]+', '_', address)}.html"


def test_every_main_page_is_valid_html_for_every_role(app, java, tmp_path):
    with app.app_context():
        demo.load()
        wanted = addresses()
    where: dict[str, str] = {}
    for role, urls in wanted.items():
        person = Browser(app)
        if role in LOGINS:
            assert person.login(LOGINS[role], demo.PASSWORD).status_code == 303
        for address in urls:
            response = person.get(address)
            assert response.status_code == status(role, address), f"{role} {address}: {response.status_code}"
            name = file_name(role, address)
            (tmp_path / name).write_bytes(response.get_data())
            where[name] = f"{role} {address}"

    checked = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--filterpattern", HTMX_ATTRIBUTES]
        + sorted(str(tmp_path / name) for name in where),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert checked.returncode in (0, 1), checked.stderr
    # One line per kind of error (every bad value of an attribute is one kind), with the first message and where.
    errors: dict[str, tuple[str, list[str]]] = {}
    for message in json.loads(checked.stderr)["messages"]:
        page = where.get(Path(message.get("url", "")).name, message.get("url", "?"))
        kind = re.sub(r"^Bad value “[^”]*”", "Bad value", message["message"])
        errors.setdefault(kind, (message["message"], []))[1].append(f"{page} (line {message.get('lastLine', '?')})")
    assert not errors, f"{sum(len(places) for _, places in errors.values())} HTML errors:\n" + "\n".join(
        f"- {first}\n  {len(places)}×: {', '.join(places[:4])}{' …' if len(places) > 4 else ''}"
        for first, places in errors.values()
    )


def test_times_are_given_to_the_second_as_html_allows():
    assert machine_time(datetime(2026, 12, 2, 7, 5, 9, 123456, tzinfo=UTC)) == "2026-12-02T07:05:09+00:00"
    assert machine_time(date(2026, 12, 2)) == "2026-12-02"


def test_a_page_view_gives_its_times_without_microseconds(app, as_council, people):
    with app.app_context():
        make_page(people["council"])
    html = as_council.get("/p/fy27-plan").get_data(as_text=True)
    stamps = re.findall(r'<time[^>]* datetime="([^"]*)"', html)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp) for stamp in stamps), stamps


def descriptions(person: Browser, address: str) -> list[str]:
    html = person.get(address).get_data(as_text=True)
    return [unescape(found) for found in re.findall(r'<meta name="description" content="([^"]*)">', html)]


def test_every_page_has_one_description_and_a_page_view_its_first_paragraph(app, as_council, people):
    with app.app_context():
        body = "# FY27 plan\n\nRegional banks first, then *credit unions* & insurers.\n\n## Budget\n\n$38M.\n"
        make_page(people["council"], title="FY27 plan", bodies=(body,))
    first = descriptions(as_council, "/p/fy27-plan")
    assert first == ["Regional banks first, then credit unions & insurers."]
    assert descriptions(as_council, "/p/fy27-plan") == first  # the kept page, made once, says the same
    [home] = descriptions(as_council, "/")
    assert "sales advisory council" in home
    [history] = descriptions(as_council, "/p/fy27-plan/history")
    assert "FY27 plan" in history and history != home
    [council] = descriptions(as_council, "/council")
    assert council not in (home, history)


def test_a_page_without_a_paragraph_is_described_by_its_title(app, as_council, people):
    with app.app_context():
        make_page(people["council"], title="FY27 plan", bodies=("# FY27 plan\n\n## Budget\n",))
    assert descriptions(as_council, "/p/fy27-plan") == ["FY27 plan"]


def test_a_long_first_paragraph_is_cut_after_a_word():
    words = first_words("<p>" + "pipeline " * 40 + "</p><p>Second.</p>")
    assert len(words) <= 160 and words.endswith("pipeline…")
    assert first_words("<h1>Only a title</h1>") == ""


def test_preview_headings_take_ids_no_page_uses_and_their_links_follow():
    made = preview("## Summary\n\nSee [the body](#body).\n\n## Body\n")
    assert 'id="summary"' not in made.html and 'id="body"' not in made.html
    assert f'id="{PREVIEW_IDS}summary"' in made.html and f'href="#{PREVIEW_IDS}body"' in made.html
    assert [heading.id for heading in made.toc] == [f"{PREVIEW_IDS}summary", f"{PREVIEW_IDS}body"]


def test_no_template_gives_an_id_that_a_preview_heading_could_take():
    templates = Path(__file__).resolve().parent.parent / "templates"
    assert not [path.name for path in templates.rglob("*.html") if f'id="{PREVIEW_IDS}' in path.read_text()]


def test_the_editors_live_preview_leaves_the_summary_fields_id_alone(as_council, people):
    response = as_council.post(
        "/p/new-idea/preview",
        {"body": "## Summary\n\n## Title\n", "summary": "", "base_revision": "0"},
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    )
    html = response.get_data(as_text=True)
    assert re.findall(r' id="([^"]*)"', html) == [f"{PREVIEW_IDS}summary", f"{PREVIEW_IDS}title"]
