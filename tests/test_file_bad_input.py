"""Files on pages (issue 11): nonsense in a version number, a file name or an upload gets a clear 400 or a 404,
never a 500, and nothing is stored."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.conftest import PEOPLE
from tests.factories import make_page, publish
from tests.files.makers import make_deck, make_pdf
from tests.files.seed import add_file, approve_file
from wiki.extensions import db
from wiki.models import Attachment, Blob, FileVersion

pytestmark = pytest.mark.usefixtures("read_files_in_process")

# Zero, negative, not a number, a digit int() refuses, past 64 bits, a fraction, an exponent.
BAD_NUMBERS = ("0", "-1", "x", "²", str(10**20), "1.5", "1e3")


def _build_deck_world(people) -> None:
    page = make_page(people["lead"], title="FY27 plan")
    publish(people["lead"], page, 1)
    add_file(people["council"], "fy27-plan", "deck.pptx", make_deck([("One", "First words", "")]))
    approve_file(people["lead"], "fy27-plan", "deck.pptx", 1)
    add_file(people["council"], "fy27-plan", "deck.pptx", make_deck([("One", "Second words", "")]))
    add_file(people["council"], "fy27-plan", "slides.pdf", make_pdf(["Page one"]))
    approve_file(people["lead"], "fy27-plan", "slides.pdf", 1)


@pytest.fixture
def deck(app, people, worlds):
    """The FY27 plan with deck.pptx (version 1 approved, version 2 waiting) and slides.pdf (approved); built
    once per run, since reading each upload takes a child process."""
    worlds.restore(app, "files-bad-input", lambda: _build_deck_world(people), base=PEOPLE)


def file_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("files.")), key=str)


def path_of(rule, name: str = "deck.pptx") -> str:
    values = {"slug": "fy27-plan", "name": name, "position": 1}
    return rule.build({key: values[key] for key in rule.arguments}, append_unknown=False)[1]


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Attachment, FileVersion, Blob)
        )


@pytest.mark.parametrize("role", ["lead", "field"])
def test_a_bad_version_number_answers_400_or_404_on_every_file_route(app, people, deck, browser, role):
    person = browser(people[role])
    # Every route about one file that reads a version (the list of a page's files, and deleting a file, read none).
    rules = [rule for rule in file_rules(app) if "name" in rule.arguments and rule.endpoint != "files.delete"]
    assert len(rules) >= 8, "the url_map should list every file route"
    before = counts(app)
    for rule in rules:
        url = path_of(rule)
        for bad in BAD_NUMBERS:
            if rule.endpoint == "files.changes":
                answers = [person.get(f"{url}?{query}") for query in (f"from={bad}&to=2", f"from=1&to={bad}")]
            elif "GET" in rule.methods:
                answers = [person.get(f"{url}?v={bad}")]
            else:
                answers = [person.post(url, {"v": bad, "note": "A note"})]
            for response in answers:
                assert response.status_code in (400, 404), (url, bad, response.status_code)
    assert counts(app) == before


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_a_bad_version_number_is_named_in_the_answer(deck, as_lead, bad):
    for url in (
        f"/p/fy27-plan/files/deck.pptx?v={bad}",
        f"/p/fy27-plan/files/deck.pptx/preview?v={bad}",
        f"/p/fy27-plan/files/slides.pdf/pictures/1?v={bad}",
        f"/p/fy27-plan/files/deck.pptx/changes?from={bad}&to=2",
    ):
        response = as_lead.get(url)
        assert response.status_code == 400, url
        assert "must be a positive whole number" in response.get_data(as_text=True), url
    restore = as_lead.post("/p/fy27-plan/files/deck.pptx/restore", {"v": bad})
    assert restore.status_code == 400 and "“v” must be a positive whole number" in restore.get_data(as_text=True)


@pytest.mark.parametrize("position", ["0", "2", "-1", "x", str(2**31)])
def test_a_picture_that_does_not_exist_answers_404(deck, as_lead, position):
    assert as_lead.get("/p/fy27-plan/files/slides.pdf/pictures/1?v=1").status_code == 200
    assert as_lead.get(f"/p/fy27-plan/files/slides.pdf/pictures/{position}?v=1").status_code == 404


@pytest.mark.parametrize("name", ["..%2Fdeck.pptx", "%2E%2E", "..", "deck.pptx%2F..%2F..%2Fslides.pdf", "DECK.PPTX"])
def test_a_file_name_that_climbs_out_of_the_page_is_missing(deck, as_lead, name):
    for suffix in ("", "/preview", "/changes"):
        response = as_lead.get(f"/p/fy27-plan/files/{name}{suffix}")
        assert response.status_code == 404, (name, suffix)


def test_a_nul_in_a_file_name_answers_400(app, deck, as_council):
    assert as_council.get("/p/fy27-plan/files/deck%00.pptx").status_code == 400
    before = counts(app)
    response = as_council.post(
        "/p/fy27-plan/files",
        {"file": (io.BytesIO(make_pdf(["Other"])), "deck\x00.pdf"), "note": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert counts(app) == before


def _upload_pdf(person, filename: str):
    return person.post(
        "/p/fy27-plan/files",
        {"file": (io.BytesIO(make_pdf([f"From {filename}"])), filename), "note": ""},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("filename", "kept_as"),
    [("../../etc/passwd.pdf", "passwd.pdf"), ("C:/Users/me/../Q3 plan.pdf", "q3-plan.pdf")],
)
def test_an_uploaded_file_name_keeps_only_its_last_part(app, deck, as_council, filename, kept_as):
    response = _upload_pdf(as_council, filename)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith(f"/p/fy27-plan/files/{kept_as}/preview")
    with app.app_context():
        names = set(db.session.execute(select(Attachment.name)).scalars())
    assert names == {"deck.pptx", "slides.pdf", kept_as}


def test_a_file_name_of_dots_alone_is_refused_with_the_name_to_use(app, deck, as_council):
    before = counts(app)
    response = _upload_pdf(as_council, "..")
    assert response.status_code == 400
    assert "rename it to end in .pdf" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize(
    "form",
    [
        lambda: {"note": "No file at all"},
        # What a browser sends when the file input is left empty: a part with no file name and no bytes.
        lambda: {"file": (io.BytesIO(b""), ""), "note": ""},
    ],
    ids=["no file part", "empty file input"],
)
@pytest.mark.parametrize("url", ["/p/fy27-plan/files", "/p/fy27-plan/files/deck.pptx/versions"])
def test_an_upload_without_a_file_asks_for_one(app, deck, as_council, form, url):
    before = counts(app)
    response = as_council.post(url, form(), content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a file" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize("url", ["/p/fy27-plan/files", "/p/fy27-plan/files/deck.pptx/versions"])
def test_an_empty_file_is_refused_by_name(app, deck, as_council, url):
    before = counts(app)
    response = as_council.post(
        url, {"file": (io.BytesIO(b""), "deck.pptx"), "note": ""}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "“deck.pptx” is empty" in response.get_data(as_text=True)
    assert counts(app) == before
