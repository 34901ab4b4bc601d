"""Many people saving the same page at the same moment: every edit lands, numbers stay 1..N."""

from __future__ import annotations

import threading

from sqlalchemy import select

from tests.factories import PASSWORD, make_page, make_user
from tests.live import Session, serve
from wiki.extensions import db
from wiki.models import Revision
from wiki.services.pages import get_page

EDITORS = 20


def base_text() -> str:
    return "# Plan\n\n" + "\n\n".join(f"Paragraph {i} of the plan." for i in range(EDITORS + 2)) + "\n"


def test_twenty_simultaneous_saves_from_one_base_all_land(app):
    with app.app_context():
        users = [make_user(role="council", email=f"editor{i}@example.com") for i in range(EDITORS)]
        make_page(users[0], bodies=(base_text(),))
    statuses: list[int] = []
    with serve(app) as base:
        sessions = []
        for user in users:
            session = Session(base)
            session.login(user.email, PASSWORD)
            sessions.append(session)
        barrier = threading.Barrier(EDITORS)

        def edit(i: int) -> None:
            text = base_text().replace(f"Paragraph {i} of the plan.", f"Paragraph {i} of the plan.\nmarker-{i}")
            barrier.wait()
            status, _ = sessions[i].post("/p/fy27-plan/edit", {"body": text, "summary": f"m{i}", "base_revision": "1"})
            statuses.append(status)

        threads = [threading.Thread(target=edit, args=(i,)) for i in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

    assert len(statuses) == EDITORS
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(303) == EDITORS, statuses
    with app.app_context():
        page = get_page("fy27-plan")
        numbers = list(
            db.session.execute(
                select(Revision.number).where(Revision.page_id == page.id).order_by(Revision.number)
            ).scalars()
        )
        head = page.head.body
    assert numbers == list(range(1, EDITORS + 2))
    for i in range(EDITORS):
        assert f"marker-{i}\n" in head
