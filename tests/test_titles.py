"""A page's title and kind are part of each revision: saved, merged, restored, reviewed and published with it."""

from __future__ import annotations

from tests.factories import make_page, publish
from tests.test_pages import revisions_of, save


def test_retitling_alone_saves_a_revision_that_waits_for_approval(app, people, as_council, as_field):
    with app.app_context():
        publish(people["lead"], make_page(people["council"], title="Old name", bodies=("Text.\n",)), 1)
    save(as_council, "fy27-plan", "Text.\n", 1, "rename", title="New name", kind="collateral")
    assert [(r.number, r.title, r.kind.value) for r in revisions_of(app, "fy27-plan")] == [
        (1, "Old name", "plan"),
        (2, "New name", "collateral"),
    ]
    assert "<h1>Old name</h1>" in as_field.get("/p/fy27-plan").get_data(as_text=True)
    assert "<h1>New name</h1>" in as_council.get("/p/fy27-plan").get_data(as_text=True)


def test_saving_with_the_same_title_kind_and_text_is_no_change(app, people, as_council):
    with app.app_context():
        make_page(people["council"], title="Plan", bodies=("Text.\n",))
    response = save(as_council, "fy27-plan", "Text.\n", 1, title="Plan", kind="plan")
    assert "No changes to save" in as_council.get(response.headers["Location"]).get_data(as_text=True)
    assert len(revisions_of(app, "fy27-plan")) == 1


def test_a_concurrent_retitle_survives_an_edit_that_left_the_title_alone(app, people, as_council, as_lead):
    with app.app_context():
        make_page(people["council"], title="Plan", bodies=("One.\n\nTwo.\n",))
    save(as_lead, "fy27-plan", "One.\n\nTwo.\n", 1, title="FY27 plan")
    # Cora started from revision 1 too: her form still carries the old title, which she didn't touch.
    save(as_council, "fy27-plan", "One.\n\nTwo, edited.\n", 1, title="Plan")
    head = revisions_of(app, "fy27-plan")[-1]
    assert (head.number, head.title, head.origin.value) == (3, "FY27 plan", "merge")
    assert as_council.get("/p/fy27-plan/raw").get_data(as_text=True) == "One.\n\nTwo, edited.\n"


def test_restoring_an_old_revision_brings_back_its_title_and_kind(app, people, as_council):
    with app.app_context():
        make_page(people["council"], title="First", bodies=("Text.\n",))
    save(as_council, "fy27-plan", "Text.\n", 1, title="Second", kind="note")
    as_council.post("/p/fy27-plan/restore", {"rev": "1"})
    head = revisions_of(app, "fy27-plan")[-1]
    assert (head.number, head.title, head.kind.value) == (3, "First", "plan")


def test_history_diff_and_review_show_a_title_and_kind_change(app, people, as_council, as_lead):
    with app.app_context():
        publish(people["lead"], make_page(people["council"], title="Old name", bodies=("Text.\n",)), 1)
    save(as_council, "fy27-plan", "Text.\n", 1, title="New name", kind="collateral")
    change = "Title:</span> <del>Old name</del> → <ins>New name</ins>"
    kind = "Kind:</span> <del>plan</del> → <ins>collateral</ins>"
    history = as_council.get("/p/fy27-plan/history").get_data(as_text=True)
    assert change in history and kind in history
    diff = as_council.get("/p/fy27-plan/diff?from=1&to=2").get_data(as_text=True)
    assert change in diff and kind in diff
    review = as_lead.get("/review/fy27-plan").get_data(as_text=True)
    assert change in review and kind in review
    assert "Title:" not in as_council.get("/p/fy27-plan/diff?from=2&to=2").get_data(as_text=True)


def test_the_oldest_row_of_a_history_page_still_shows_its_retitle(app, people, as_council):
    app.config["HISTORY_PAGE_SIZE"] = 1
    with app.app_context():
        make_page(people["council"], title="Old name", bodies=("Text.\n",))
    save(as_council, "fy27-plan", "Text.\n", 1, title="New name")
    save(as_council, "fy27-plan", "Text, longer.\n", 2, title="New name")
    second_page = as_council.get("/p/fy27-plan/history?page=2").get_data(as_text=True)
    assert "<del>Old name</del> → <ins>New name</ins>" in second_page
