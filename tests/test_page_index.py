"""The lists of pages at any size: the home page names the newest few of each kind, /pages every page, the
review queue and the tactics card the first few with the count of the rest."""

from datetime import timedelta

from tests.factories import make_member, make_page, make_tactic, publish
from wiki.extensions import db
from wiki.models import Tactic, utcnow
from wiki.services import page_index, pages, review_queue


def _notes(author, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        make_page(author, f"note-{n:02}", (f"# Note {n:02}\n\nText.\n",), title=f"Note {n:02}", kind="note")


def test_the_home_page_lists_the_ten_newest_pages_of_each_kind_and_links_to_all(app, people, as_council):
    with app.app_context():
        _notes(people["council"], 12)
    html = as_council.get("/").get_data(as_text=True)
    assert "Note 12" in html and "Note 03" in html
    assert "Note 02" not in html and "Note 01" not in html
    assert 'href="/pages?kind=note">All notes</a>' in html


def test_the_page_index_lists_every_page_by_title_a_page_at_a_time(app, people, as_council, monkeypatch):
    monkeypatch.setattr(page_index, "PER_PAGE", 5)
    with app.app_context():
        _notes(people["council"], 7)
    first = as_council.get("/pages?kind=note").get_data(as_text=True)
    assert [f"Note {n:02}" in first for n in range(1, 8)] == [True] * 5 + [False] * 2
    assert "1–5 of 7" in first and 'href="/pages?kind=note&amp;p=2" rel="next"' in first
    second = as_council.get("/pages?kind=note&p=2").get_data(as_text=True)
    assert "Note 06" in second and "Note 07" in second and "Note 05" not in second
    assert "6–7 of 7" in second and 'rel="next"' not in second


def test_the_field_lists_only_published_pages_by_their_published_titles(app, people, as_field):
    with app.app_context():
        plan = make_page(people["council"], "fy27-plan", ("# Plan\n\nFirst.\n",), title="FY27 plan")
        publish(people["lead"], plan, 1)
        pages.save_revision(
            people["council"],
            pages.EditSubmission(
                slug="fy27-plan", body="# Plan\n\nSecond.\n", summary="", base_number=1, title="Renamed in draft"
            ),
        )
        make_page(people["council"], "never-published", ("# Secret\n",), title="Never published")
    html = as_field.get("/pages").get_data(as_text=True)
    assert "FY27 plan" in html and "All (1)" in html
    assert "Renamed in draft" not in html and "Never published" not in html


def test_a_kind_that_does_not_exist_or_a_page_number_below_one_is_a_clear_400(as_council):
    response = as_council.get("/pages?kind=memo")
    assert response.status_code == 400 and "plan, collateral or note" in response.get_data(as_text=True)
    assert as_council.get("/pages?p=0").status_code == 400


def _waiting_pages(app, people, count: int) -> None:
    with app.app_context():
        for n in range(1, count + 1):
            make_page(people["council"], f"deck-{n:02}", (f"# Deck {n:02}\n",), title=f"Deck {n:02}")


def test_the_review_queue_shows_the_longest_waiting_first_a_page_at_a_time(app, people, as_lead, monkeypatch):
    monkeypatch.setattr(review_queue, "PER_PAGE", 3)
    _waiting_pages(app, people, 4)
    first = as_lead.get("/review").get_data(as_text=True)
    assert first.index("Deck 01") < first.index("Deck 02") < first.index("Deck 03")
    assert "Deck 04" not in first and "1–3 of 4" in first
    second = as_lead.get("/review?p=2").get_data(as_text=True)
    assert "Deck 04" in second and "Deck 01" not in second
    past = as_lead.get("/review?p=3").get_data(as_text=True)
    assert "fewer pages waiting than that" in past


def test_the_queue_names_the_newest_five_revisions_counts_the_rest_and_credits_every_author(app, people, as_lead):
    with app.app_context():
        plan = make_page(people["council"], "fy27-plan", ("# Plan\n\nv1\n",), title="FY27 plan")
        publish(people["lead"], plan, 1)
        for number in range(2, 10):
            author = people["lead"] if number == 2 else people["council"]
            pages.save_revision(
                author,
                pages.EditSubmission(
                    slug="fy27-plan", body=f"# Plan\n\nv{number}\n", summary=f"Edit {number}", base_number=number - 1
                ),
            )
    queue = as_lead.get("/review").get_data(as_text=True)
    assert [f"r{n} ·" in queue for n in range(2, 10)] == [False] * 3 + [True] * 5
    assert "and 3 earlier revisions" in queue
    home = as_lead.get("/").get_data(as_text=True)
    # The lead wrote only the oldest of the eight, which neither page lists: they are still credited.
    assert "8 revisions by Lena Lead, Cora Council" in home or "8 revisions by Cora Council, Lena Lead" in home


def test_the_home_page_shows_the_most_urgent_tactics_and_counts_them_all(app, people, as_lead):
    with app.app_context():
        plan = make_page(people["lead"], "fy27-plan", ("# Plan\n",), title="FY27 plan")
        make_member(people["lead"], people["council"])
        for n in range(1, 10):
            make_tactic(people["lead"], plan, f"Tactic {n}", owner=people["council"] if n == 1 else None)
        owned = make_tactic(people["lead"], make_page(people["lead"], "fy28-plan", ("# Plan\n",)), "Late tactic")
        db.session.get(Tactic, owned.id).owner_id = people["council"].id
        db.session.get(Tactic, owned.id).created_at = utcnow() - timedelta(days=30)
        db.session.commit()
    html = as_lead.get("/").get_data(as_text=True)
    card = html[html.index('id="tactics-heading"') :]
    assert "10 tactics, " in card and "1 overdue" in card and "8 without an owner" in card
    assert "the 8 to look at first" in card
    # The overdue tactic comes first, then those nobody owns; the tactic that is merely due waits its turn.
    assert card.index("Late tactic") < card.index("Tactic 2") < card.index("Tactic 8")
    assert "Tactic 9<" not in card and "Tactic 1<" not in card
    assert 'href="/council#tactics">Every tactic, plan by plan</a>' in card
