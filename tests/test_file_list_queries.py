"""Files on pages (issue 11): a page's list of files costs the same statements for 3 files as for 12."""

from __future__ import annotations

import pytest

from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck, make_pdf, make_png
from tests.files.seed import add_file, approve_file
from tests.queries import counted_queries

pytestmark = pytest.mark.usefixtures("read_files_in_process")


def _count_statements(app, person, url: str) -> int:
    with counted_queries(app) as statements:
        response = person.get(url)
    assert response.status_code == 200
    return len(statements)


def _add_files(app, lead, numbers: range) -> None:
    """Files of each kind the list draws differently (a PDF has a thumbnail), each by a different author, all
    approved; every third also has a newer version by yet another author, waiting for a lead."""
    makers = (lambda n: ("pdf", make_pdf([f"File {n}"])), lambda n: ("pptx", make_deck([(f"File {n}", "", "")])))
    makers += (lambda n: ("png", make_png(color=(n, 40, 40))),)
    with app.app_context():
        for n in numbers:
            extension, data = makers[n % len(makers)](n)
            name = f"file-{n}.{extension}"
            add_file(make_user(role="council"), "fy27-plan", name, data)
            approve_file(lead, "fy27-plan", name, 1)
            if n % 3 == 0:
                _, newer = makers[n % len(makers)](n + 100)
                add_file(make_user(role="council"), "fy27-plan", name, newer, note=f"Newer {n}")


def test_a_pages_file_list_reads_the_same_number_of_statements_however_many_files(app, people, browser):
    with app.app_context():
        publish(people["lead"], make_page(people["lead"], title="FY27 plan"), 1)
    readers = {role: browser(people[role]) for role in ("council", "field")}
    _add_files(app, people["lead"], range(3))
    few = {role: _count_statements(app, person, "/p/fy27-plan/files") for role, person in readers.items()}
    _add_files(app, people["lead"], range(3, 12))
    for role, person in readers.items():
        listing = person.get("/p/fy27-plan/files").get_data(as_text=True)
        assert listing.count('class="file-card"') == 12, role
        assert _count_statements(app, person, "/p/fy27-plan/files") == few[role], role
