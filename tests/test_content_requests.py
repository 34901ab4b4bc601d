"""Content requests: the field asks, others need it too, leads triage, an owner builds it, everyone hears."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from tests.factories import join_request, make_member, make_page, make_request, make_tactic, make_user, publish
from wiki.extensions import db
from wiki.models import ContentRequest, Notification, NotificationKind, RequestState, RequestVote, utcnow
from wiki.services import content_requests, summaries, summary_content

FRAGMENT = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def world(app, people):
    """A published plan with a tactic the council user owns, another council member, and three field reps."""
    with app.app_context():
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        publish(people["lead"], plan, 1)
        make_member(people["lead"], people["council"], "EMEA")
        tactic = make_tactic(people["lead"], plan, "Customer presentation", owner=people["council"])
        return {
            "tactic_id": tactic.id,
            "other_council": make_user(role="council", name="Olga Other", email="olga@example.com"),
            "aisha": make_user(role="field", name="Aisha Khan", email="aisha@example.com", region="EMEA"),
            "ben": make_user(role="field", name="Ben Carter", email="ben@example.com", region="APAC"),
            "chloe": make_user(role="field", name="Chloe Dupont", email="chloe@example.com", region="France"),
        }


def _ask(app, person, **fields) -> int:
    with app.app_context():
        return make_request(person, **fields).id


def _votes(app, request_id: int) -> list[int]:
    with app.app_context():
        return sorted(
            db.session.execute(select(RequestVote.user_id).where(RequestVote.request_id == request_id)).scalars()
        )


def _notices(app, user) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(
                select(Notification.text).where(Notification.user_id == user.id).order_by(Notification.id)
            ).scalars()
        )


def _request(app, request_id: int) -> ContentRequest:
    with app.app_context():
        found = db.session.get(ContentRequest, request_id)
        db.session.expunge(found)
        return found


# Asking -------------------------------------------------------------------------------------------


def test_a_rep_asks_for_content_and_the_leads_hear_of_it(app, people, world, browser):
    rep = browser(world["aisha"])
    needed = (date.today() + timedelta(days=30)).isoformat()
    response = rep.post(
        "/requests/new",
        {
            "title": "  A DORA checklist   for bank CIOs ",
            "details": "CIOs ask what they must do by January.",
            "segment": "Regional banks",
            "stage": "proposal",
            "needed_by": needed,
        },
    )
    assert response.status_code == 303
    request_id = int(re.search(r"/requests/(\d+)$", response.headers["Location"]).group(1))
    page = rep.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "A DORA checklist for bank CIOs" in page and "CIOs ask what they must do by January." in page
    assert "1 person needs this" in page and "Regional banks" in page and "proposal" in page
    assert "Aisha Khan</strong> asked for it" in page
    assert _votes(app, request_id) == [world["aisha"].id]

    inbox = browser(people["lead"]).get("/inbox").get_data(as_text=True)
    assert f"Aisha Khan asked for content: #{request_id} “A DORA checklist for bank CIOs”" in inbox
    assert f'href="/requests/{request_id}"' in inbox
    assert _notices(app, people["council"]) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "   "}, "Say what content you need."),
        ({"title": "x" * 201}, "What you need can be at most 200 characters; yours has 201."),
        ({"title": "Deck", "details": "y" * 5001}, "Why it would help can be at most 5,000 characters"),
        ({"title": "Deck", "segment": "s" * 81}, "The segment can be at most 80 characters."),
        ({"title": "Deck", "stage": "haggling"}, "The stage must be prospecting, proposal, closing or renewal."),
        ({"title": "Deck", "needed_by": "next week"}, "“Needed by” must be a date such as 2027-01-15."),
        ({"title": "Deck", "needed_by": "2020-01-01"}, "“Needed by” can&#39;t be in the past (2020-01-01)."),
    ],
)
def test_a_bad_request_answers_400_with_the_reason_and_keeps_what_was_typed(app, world, browser, form, message):
    rep = browser(world["aisha"])
    response = rep.post("/requests/new", {"details": "Kept text", **form} if "details" not in form else form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if "details" not in form:
        assert "Kept text" in html
    with app.app_context():
        assert db.session.execute(select(ContentRequest)).first() is None


# I need this too ----------------------------------------------------------------------------------


def test_i_need_this_too_counts_each_person_once_and_keeps_their_note(app, world, browser):
    request_id = _ask(app, world["aisha"])
    ben = browser(world["ben"])
    assert ben.post(f"/requests/{request_id}/join", {"note": "Three banks asked me"}).status_code == 303
    assert ben.post(f"/requests/{request_id}/join", {"note": "Four banks now"}).status_code == 303
    # The requester already counts; asking again doesn't add a vote.
    assert browser(world["aisha"]).post(f"/requests/{request_id}/join", {}).status_code == 303
    assert _votes(app, request_id) == sorted([world["aisha"].id, world["ben"].id])
    page = ben.get(f"/requests/{request_id}").get_data(as_text=True)
    # The list of people shows the note as it is now; the story keeps what was said when.
    assert "2 people need this" in page and "— “Four banks now”" in page and "— “Three banks" not in page


def test_joining_with_htmx_answers_the_demand_section_alone(app, world, browser):
    request_id = _ask(app, world["aisha"])
    response = browser(world["ben"]).post(f"/requests/{request_id}/join", {"note": "Me too"}, headers=FRAGMENT)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<section id="demand"' in html and "<html" not in html
    assert "2 people need this" in html and "Update my note" in html


# Triage and work permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["council", "field"])
@pytest.mark.parametrize(
    ("action", "form"),
    [("accept", {"person_id": "PERSON"}), ("decline", {"reason": "No"}), ("merge", {"into": "OTHER"})],
)
def test_only_a_lead_triages(app, people, world, browser, who, action, form):
    request_id = _ask(app, world["aisha"])
    other_id = _ask(app, world["ben"], title="Another")
    form = {k: {"PERSON": str(people["council"].id), "OTHER": str(other_id)}.get(v, v) for k, v in form.items()}
    response = browser(people[who]).post(f"/requests/{request_id}/{action}", form)
    assert response.status_code == 403
    assert _request(app, request_id).state == RequestState.NEW


def test_the_person_it_is_routed_to_moves_it_on_and_nobody_else_but_a_lead(app, people, world, browser):
    request_id = _ask(app, world["aisha"])
    lead = browser(people["lead"])
    assert lead.post(f"/requests/{request_id}/accept", {"tactic_id": str(world["tactic_id"])}).status_code == 303
    assert _request(app, request_id).state == RequestState.ACCEPTED
    for outsider in (world["other_council"], world["aisha"]):
        assert browser(outsider).post(f"/requests/{request_id}/progress", {}).status_code == 403
    owner = browser(people["council"])
    assert "Your part" in owner.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Your part" not in browser(world["other_council"]).get(f"/requests/{request_id}").get_data(as_text=True)
    assert owner.post(f"/requests/{request_id}/progress", {"note": "Drafting"}).status_code == 303
    assert _request(app, request_id).state == RequestState.IN_PROGRESS
    # Routed to a named person, the tactic's owner no longer builds it.
    assert lead.post(
        f"/requests/{request_id}/accept",
        {"tactic_id": str(world["tactic_id"]), "person_id": str(world["other_council"].id)},
    ).status_code == 303
    assert owner.post(f"/requests/{request_id}/done", {"page": "fy27-plan"}).status_code == 403
    builder = browser(world["other_council"])
    assert builder.post(f"/requests/{request_id}/done", {"page": "fy27-plan"}).status_code == 303
    assert _request(app, request_id).state == RequestState.DONE


def test_triage_mistakes_answer_with_a_clear_message(app, people, world, browser):
    request_id = _ask(app, world["aisha"])
    lead = browser(people["lead"])
    response = lead.post(f"/requests/{request_id}/accept", {})
    assert response.status_code == 400 and "Route it to a tactic or to a person." in response.get_data(as_text=True)
    response = lead.post(f"/requests/{request_id}/accept", {"person_id": str(world["aisha"].id)})
    assert response.status_code == 400
    assert "Route it to an active council member or marketing lead." in response.get_data(as_text=True)
    response = lead.post(f"/requests/{request_id}/decline", {"reason": "  "})
    assert response.status_code == 400 and "Say why it is declined" in response.get_data(as_text=True)
    response = lead.post(f"/requests/{request_id}/merge", {"into": str(request_id)})
    assert response.status_code == 400 and "can&#39;t be merged into itself" in response.get_data(as_text=True)
    response = lead.post(f"/requests/{request_id}/merge", {"into": "999999"})
    assert response.status_code == 404
    assert lead.post(f"/requests/{request_id}/accept", {"person_id": str(people["council"].id)}).status_code == 303
    response = lead.post(f"/requests/{request_id}/done", {"page": "no-such-page"})
    assert response.status_code == 400 and "There is no page called “no-such-page”." in response.get_data(as_text=True)
    response = lead.post(f"/requests/{request_id}/done", {"page": "fy27-plan", "revision": "7"})
    assert response.status_code == 400 and "has no revision 7" in response.get_data(as_text=True)
    assert lead.post(f"/requests/{request_id}/done", {"page": "fy27-plan"}).status_code == 303
    response = lead.post(f"/requests/{request_id}/decline", {"reason": "Too late"})
    assert response.status_code == 409
    assert lead.get("/requests/999999").status_code == 404


# Merging ------------------------------------------------------------------------------------------


def test_merging_carries_votes_and_watchers_over_without_double_votes(app, people, world, browser):
    original = _ask(app, world["aisha"], title="DORA checklist")
    duplicate = _ask(app, world["ben"], title="DORA one-pager")
    with app.app_context():
        join_request(world["aisha"], duplicate, "Same thing")  # already counted on the original
        join_request(world["chloe"], duplicate, "For Lyon")
    lead = browser(people["lead"])
    response = lead.post(f"/requests/{duplicate}/merge", {"into": str(original), "note": "Same request"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/requests/{original}")

    assert _votes(app, original) == sorted([world["aisha"].id, world["ben"].id, world["chloe"].id])
    assert _votes(app, duplicate) == []
    merged = _request(app, duplicate)
    assert merged.state == RequestState.MERGED and merged.merged_into_id == original
    page = lead.get(f"/requests/{original}").get_data(as_text=True)
    assert "3 people need this" in page and "“For Lyon”" in page and f"merged #{duplicate} into it" in page
    assert f"Merged into <a href=\"/requests/{original}\">#{original}</a>" in lead.get(
        f"/requests/{duplicate}"
    ).get_data(as_text=True)
    # Everyone who needed the duplicate hears, and hears about the original's next steps.
    assert any(f"merged #{duplicate}" in text for text in _notices(app, world["chloe"]))
    assert lead.post(f"/requests/{original}/accept", {"person_id": str(people["council"].id)}).status_code == 303
    for person in (world["aisha"], world["ben"], world["chloe"]):
        assert any("accepted it; Cora Council will build it" in text for text in _notices(app, person))
    # The duplicate takes no new votes, and can't be merged again.
    assert browser(world["chloe"]).post(f"/requests/{duplicate}/join", {}).status_code == 409
    assert lead.post(f"/requests/{duplicate}/merge", {"into": str(original)}).status_code == 409
    # The board counts the people once, on the original, and leaves the duplicate out.
    board = lead.get("/requests").get_data(as_text=True)
    assert "DORA one-pager" not in board and "DORA checklist" in board
    assert "DORA one-pager" in lead.get("/requests?state=merged").get_data(as_text=True)


# Notices ------------------------------------------------------------------------------------------


def test_the_requester_and_everyone_who_joined_hear_about_every_step(app, people, world, browser):
    request_id = _ask(app, world["aisha"], title="Pricing sheet")
    with app.app_context():
        join_request(world["ben"], request_id, "Yes please")
    lead = browser(people["lead"])
    lead.post(f"/requests/{request_id}/accept", {"tactic_id": str(world["tactic_id"])})
    browser(people["council"]).post(f"/requests/{request_id}/progress", {})
    browser(people["council"]).post(f"/requests/{request_id}/done", {"page": "fy27-plan"})
    steps = [
        "Ben Carter needs this too: Yes please",
        "Lena Lead accepted it; Cora Council will build it",
        "Cora Council started work on it",
        "Cora Council marked it done: see “FY27 plan”",
    ]
    aisha = _notices(app, world["aisha"])
    assert [text.split(": ", 1)[1] for text in aisha] == steps
    ben = _notices(app, world["ben"])
    # Nobody hears about their own step.
    assert [text.split(": ", 1)[1] for text in ben] == steps[1:]
    # The owner it was routed to hears what others do, not what they did themselves.
    assert [text.split(": ", 1)[1] for text in _notices(app, people["council"])] == steps[1:2]
    inbox = browser(world["aisha"]).get("/inbox").get_data(as_text=True)
    assert f'href="/requests/{request_id}"' in inbox and ">request<" in inbox
    with app.app_context():
        kinds = set(db.session.execute(select(Notification.kind, Notification.page_id)).all())
    assert (NotificationKind.REQUEST, None) in kinds


def test_done_with_an_unpublished_page_shows_the_field_done_without_its_title(app, people, world, browser):
    with app.app_context():
        make_page(people["council"], slug="secret-deck", title="SECRET working title", kind="collateral")
    request_id = _ask(app, world["aisha"], title="A new deck")
    lead = browser(people["lead"])
    lead.post(f"/requests/{request_id}/accept", {"person_id": str(people["council"].id)})
    assert browser(people["council"]).post(
        f"/requests/{request_id}/done", {"page": "secret-deck", "revision": "1"}
    ).status_code == 303
    rep = browser(world["aisha"])
    for url in (f"/requests/{request_id}", "/requests", "/requests?state=done", "/inbox"):
        html = rep.get(url).get_data(as_text=True)
        assert "SECRET" not in html and "secret-deck" not in html, url
    assert "Done. The page that answers it will be linked here once it is published." in rep.get(
        f"/requests/{request_id}"
    ).get_data(as_text=True)
    assert any("it will be readable once published" in text for text in _notices(app, world["aisha"]))
    staff = browser(people["council"]).get(f"/requests/{request_id}").get_data(as_text=True)
    assert 'href="/p/secret-deck?rev=1">SECRET working title</a>' in staff

    with app.app_context():
        publish(people["lead"], db.session.execute(select(ContentRequest)).scalar_one().answer_page, 1)
    html = rep.get(f"/requests/{request_id}").get_data(as_text=True)
    assert 'href="/p/secret-deck?rev=1">SECRET working title</a>' in html


# The board ----------------------------------------------------------------------------------------


def test_the_board_sorts_by_demand_and_filters_by_state_segment_and_tactic(app, people, world, browser):
    few = _ask(app, world["aisha"], title="Few need it", segment="Insurers")
    many = _ask(app, world["ben"], title="Many need it", segment="Regional banks")
    with app.app_context():
        join_request(world["chloe"], many)
        join_request(world["aisha"], many)
        content_requests.accept(people["lead"], few, world["tactic_id"], None)
    rep = browser(world["chloe"])
    board = rep.get("/requests").get_data(as_text=True)
    assert board.index("Many need it") < board.index("Few need it")
    assert "Customer presentation · Cora Council" in board
    only = rep.get("/requests?state=accepted").get_data(as_text=True)
    assert "Few need it" in only and "Many need it" not in only
    banks = rep.get("/requests?segment=Regional+banks").get_data(as_text=True)
    assert "Many need it" in banks and "Few need it" not in banks
    tactic = rep.get(f"/requests?tactic={world['tactic_id']}", headers=FRAGMENT)
    assert "<html" not in tactic.get_data(as_text=True) and "Few need it" in tactic.get_data(as_text=True)
    assert "Many need it" not in tactic.get_data(as_text=True)
    assert rep.get("/requests?state=bogus").status_code == 400
    assert rep.get("/requests?tactic=999999").status_code == 404


def test_a_tactic_of_an_unpublished_plan_stays_out_of_the_fields_board(app, people, world, browser):
    with app.app_context():
        hidden = make_page(people["lead"], slug="draft-plan", title="Draft plan")
        tactic_id = make_tactic(people["lead"], hidden, "SECRET tactic", owner=people["council"]).id
    request_id = _ask(app, world["aisha"])
    browser(people["lead"]).post(f"/requests/{request_id}/accept", {"tactic_id": str(tactic_id)})
    rep = browser(world["aisha"])
    for url in ("/requests", f"/requests/{request_id}"):
        html = rep.get(url).get_data(as_text=True)
        assert "SECRET" not in html and "Cora Council" in html, url
    assert rep.get(f"/requests?tactic={tactic_id}").status_code == 404
    assert "SECRET tactic" in browser(people["lead"]).get("/requests").get_data(as_text=True)


def _count_queries(app, url, person):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert person.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_board_reads_the_same_number_of_queries_however_many_requests(app, people, world, browser):
    rep = browser(world["chloe"])

    def add(n: int) -> None:
        with app.app_context():
            # Each by someone else, so a lazily loaded requester would cost a query per row.
            asked = make_request(make_user(role="field"), title=f"Request {n}", segment=f"Segment {n}").id
            join_request(world["aisha"], asked)
            content_requests.accept(people["lead"], asked, world["tactic_id"], world["other_council"].id)
            if n % 2:
                content_requests.finish(people["lead"], asked, "fy27-plan", 1)

    for n in range(2):
        add(n)
    few = _count_queries(app, "/requests", rep)
    for n in range(2, 12):
        add(n)
    assert "Request 11" in rep.get("/requests").get_data(as_text=True)
    assert _count_queries(app, "/requests", rep) == few


# Home page and summary ----------------------------------------------------------------------------


def test_the_owner_sees_what_is_routed_to_them_and_leads_see_what_to_triage(app, people, world, browser):
    routed = _ask(app, world["aisha"], title="Routed to Cora")
    _ask(app, world["ben"], title="Waiting for triage")
    with app.app_context():
        content_requests.accept(people["lead"], routed, world["tactic_id"], None)
    home = browser(people["council"]).get("/").get_data(as_text=True)
    assert "Requests routed to me (1)" in home and "Routed to Cora" in home and "Waiting for triage" not in home
    lead = browser(people["lead"]).get("/").get_data(as_text=True)
    assert "New requests to triage (1)" in lead and "Waiting for triage" in lead
    assert "Nothing the field asked for is waiting on you." in browser(world["other_council"]).get("/").get_data(
        as_text=True
    )


def test_the_summary_credits_the_reps_who_asked_for_what_was_built_and_published(app, people, world, as_lead):
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        make_page(people["council"], slug="unpublished", title="SECRET deck")
        built = make_request(world["aisha"], title="DORA checklist").id
        join_request(world["ben"], built)
        hidden = make_request(world["chloe"], title="Hidden one").id
        for request_id, slug in ((built, "fy27-plan"), (hidden, "unpublished")):
            content_requests.accept(people["lead"], request_id, None, people["council"].id)
            content_requests.finish(people["council"], request_id, slug, None)
        summary = summaries.create_draft(people["lead"], start, utcnow() + timedelta(seconds=1))
        content = summary_content.gather(summary.period_start, summary.period_end)
        assert [(b.title, b.page_title, b.askers) for b in content.built] == [
            ("DORA checklist", "FY27 plan", [("Aisha Khan", "EMEA"), ("Ben Carter", "APAC")])
        ]
        email = summaries.render_email(summary)
        summary_id = summary.id
    assert "You asked, we built" in email.html and "Aisha Khan" in email.html and "SECRET" not in email.html
    assert "YOU ASKED, WE BUILT" in email.text
    assert "FY27 plan, for “DORA checklist” — asked by Aisha Khan (EMEA), Ben Carter (APAC)" in email.text
    edit = as_lead.get(f"/summaries/{summary_id}/edit").get_data(as_text=True)
    assert f'value="request:{built}"' in edit
    # The lead may leave it out like any other item.
    as_lead.post(f"/summaries/{summary_id}/edit", {"subject": "News", "audience": "field", "then": "stay"})
    with app.app_context():
        assert summaries.content_of(db.session.get(type(summary), summary_id)).built == []


def test_the_command_line_lists_every_request_most_needed_first(app, people, world):
    few = _ask(app, world["aisha"], title="Few need it")
    many = _ask(app, world["ben"], title="Many need it")
    with app.app_context():
        join_request(world["chloe"], many)
        content_requests.accept(people["lead"], few, None, people["council"].id)
    result = app.test_cli_runner().invoke(args=["requests", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"#{many}") and "2 need  Ben Carter: Many need it" in lines[0]
    assert "accepted" in lines[1] and "Few need it → Cora Council" in lines[1]
    only = app.test_cli_runner().invoke(args=["requests", "list", "--state", "new"]).output
    assert "Many need it" in only and "Few need it" not in only


# I no longer need this ----------------------------------------------------------------------------


def test_someone_who_joined_takes_their_need_back_and_stops_hearing_about_it(app, people, world, browser):
    request_id = _ask(app, world["aisha"])
    with app.app_context():
        join_request(world["ben"], request_id, "Three banks asked")
    ben = browser(world["ben"])
    assert "I no longer need this" in ben.get(f"/requests/{request_id}").get_data(as_text=True)
    response = ben.post(f"/requests/{request_id}/withdraw", headers=FRAGMENT)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<section id="demand"' in html and "<html" not in html
    assert "1 person needs this" in html and "I need this too" in html and "I no longer need this" not in html
    assert _votes(app, request_id) == [world["aisha"].id]
    page = ben.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Ben Carter</strong> no longer needs it" in page
    heard = len(_notices(app, world["ben"]))
    browser(people["lead"]).post(f"/requests/{request_id}/accept", {"tactic_id": str(world["tactic_id"])})
    assert len(_notices(app, world["ben"])) == heard
    assert any("accepted it" in text for text in _notices(app, world["aisha"]))


def test_the_requester_cannot_take_back_their_need_and_a_settled_need_stays(app, people, world, browser):
    request_id = _ask(app, world["aisha"])
    rep = browser(world["aisha"])
    assert "I no longer need this" not in rep.get(f"/requests/{request_id}").get_data(as_text=True)
    refused = rep.post(f"/requests/{request_id}/withdraw")
    assert refused.status_code == 403 and "a marketing lead can decline it" in refused.get_data(as_text=True)
    assert browser(world["ben"]).post(f"/requests/{request_id}/withdraw").status_code == 409
    with app.app_context():
        join_request(world["ben"], request_id)
        content_requests.decline(people["lead"], request_id, "Already in the deck")
    assert browser(world["ben"]).post(f"/requests/{request_id}/withdraw").status_code == 409
    assert _votes(app, request_id) == sorted([world["aisha"].id, world["ben"].id])


# Reopening ----------------------------------------------------------------------------------------


def test_a_lead_reopens_a_done_request_back_to_its_builder_and_everyone_hears(app, people, world, browser):
    request_id = _ask(app, world["aisha"], title="Pricing sheet")
    with app.app_context():
        join_request(world["ben"], request_id)
        content_requests.accept(people["lead"], request_id, world["tactic_id"], None)
        content_requests.finish(people["council"], request_id, "fy27-plan", 1)
    lead = browser(people["lead"])
    assert "Reopen" in lead.get(f"/requests/{request_id}").get_data(as_text=True)
    response = lead.post(f"/requests/{request_id}/reopen", {"to": "accepted", "note": "It lacks the euro prices"})
    assert response.status_code == 303
    reopened = _request(app, request_id)
    assert reopened.state == RequestState.ACCEPTED and reopened.tactic_id == world["tactic_id"]
    assert (reopened.answer_page_id, reopened.done_at) == (None, None)
    page = browser(world["aisha"]).get(f"/requests/{request_id}").get_data(as_text=True)
    assert "reopened it, back with the tactic “Customer presentation”" in page and "“It lacks the euro prices”" in page
    assert "marked it done" in page, "the story keeps what answered it before"
    for person in (world["aisha"], world["ben"], people["council"]):
        assert _notices(app, person)[-1].endswith(
            "Lena Lead reopened it; Cora Council builds it again: It lacks the euro prices"
        )
    assert "Requests routed to me (1)" in browser(people["council"]).get("/").get_data(as_text=True)


def test_a_declined_request_reopened_as_new_goes_back_to_triage_routed_to_nobody(app, people, world, browser):
    request_id = _ask(app, world["aisha"], title="Webinar slides")
    with app.app_context():
        content_requests.accept(people["lead"], request_id, None, people["council"].id)
        content_requests.decline(people["lead"], request_id, "Not this quarter")
    lead = browser(people["lead"])
    assert lead.post(f"/requests/{request_id}/reopen", {"to": "new", "note": "Next quarter now"}).status_code == 303
    reopened = _request(app, request_id)
    assert reopened.state == RequestState.NEW and reopened.decline_reason == ""
    assert (reopened.tactic_id, reopened.assignee_id) == (None, None)
    assert "New requests to triage (1)" in lead.get("/").get_data(as_text=True)
    assert "reopened it for the leads to triage again" in lead.get(f"/requests/{request_id}").get_data(as_text=True)
    # The person it was routed to hears it left them.
    assert _notices(app, people["council"])[-1].endswith("Lena Lead reopened it for triage: Next quarter now")
    assert _notices(app, world["aisha"])[-1].endswith("Lena Lead reopened it for triage: Next quarter now")


def test_reopening_mistakes_answer_with_a_clear_message(app, people, world, browser):
    request_id = _ask(app, world["aisha"])
    lead = browser(people["lead"])
    assert lead.post(f"/requests/{request_id}/reopen", {"to": "new", "note": "Why"}).status_code == 409
    with app.app_context():
        content_requests.decline(people["lead"], request_id, "No")
    for person in (people["council"], world["aisha"]):
        assert browser(person).post(f"/requests/{request_id}/reopen", {"to": "new", "note": "Why"}).status_code == 403
    missing = lead.post(f"/requests/{request_id}/reopen", {"to": "new", "note": "  "})
    assert missing.status_code == 400 and "Say why it is reopened" in missing.get_data(as_text=True)
    bogus = lead.post(f"/requests/{request_id}/reopen", {"to": "done", "note": "Why"})
    assert bogus.status_code == 400 and "back to accepted or to new" in bogus.get_data(as_text=True)
    # Never routed, so there is nobody to give it back to.
    unrouted = lead.post(f"/requests/{request_id}/reopen", {"to": "accepted", "note": "Why"})
    assert unrouted.status_code == 400 and "reopen it as new" in unrouted.get_data(as_text=True)
    assert _request(app, request_id).state == RequestState.DECLINED


# The field's home page ----------------------------------------------------------------------------


def test_the_field_home_page_lists_the_requests_i_asked_for_or_joined_with_their_state(app, people, world, browser):
    mine = _ask(app, world["aisha"], title="My own checklist")
    joined = _ask(app, world["ben"], title="Ben's webinar")
    _ask(app, world["chloe"], title="Chloe's brochure")
    with app.app_context():
        join_request(world["aisha"], joined)
        content_requests.decline(people["lead"], joined, "Not this quarter")
    home = browser(world["aisha"]).get("/").get_data(as_text=True)
    card = home[home.index('id="my-requests-heading"') :]
    card = card[: card.index("</section>")]
    assert "My requests (2)" in card
    assert f"#{mine} My own checklist" in card and "Ben&#39;s webinar" in card and "Chloe" not in card
    assert card.index("My own checklist") < card.index("Ben&#39;s webinar"), "the open ones first"
    assert "New</span>" in card and "Declined</span>" in card and "asked by Ben Carter" in card
    assert "My requests" not in browser(people["council"]).get("/").get_data(as_text=True)
    with app.app_context():
        newcomer = make_user(role="field", name="Nina New", email="nina@example.com")
    assert "My requests (0)" in browser(newcomer).get("/").get_data(as_text=True)


# Editing a request --------------------------------------------------------------------------------


def test_the_requester_edits_their_new_request_and_its_story_says_what_changed(app, world, browser):
    request_id = _ask(app, world["aisha"], title="A deck", segment="Banks", stage="proposal")
    rep = browser(world["aisha"])
    form = rep.get(f"/requests/{request_id}/edit").get_data(as_text=True)
    assert 'value="A deck"' in form and 'value="Banks"' in form and 'value="proposal" selected' in form
    response = rep.post(
        f"/requests/{request_id}/edit",
        {"title": "A deck for insurers", "segment": "Insurers", "stage": "proposal", "details": "Two asked"},
    )
    assert response.status_code == 303
    edited = _request(app, request_id)
    assert (edited.title, edited.segment, edited.details) == ("A deck for insurers", "Insurers", "Two asked")
    page = rep.get(f"/requests/{request_id}").get_data(as_text=True)
    assert (
        "Aisha Khan</strong> edited the title (it said “A deck”), the details and the segment (it was “Banks”)"
        in page
    )
    # Saving the same text again is no step in the story.
    again = {"title": "A deck for insurers", "segment": "Insurers", "stage": "proposal", "details": "Two asked"}
    rep.post(f"/requests/{request_id}/edit", again)
    assert rep.get(f"/requests/{request_id}").get_data(as_text=True).count("</strong> edited ") == 1


def test_once_triaged_only_a_lead_edits_a_request_and_the_requesters_text_comes_back(app, people, world, browser):
    request_id = _ask(app, world["aisha"], title="A deck")
    assert browser(world["ben"]).get(f"/requests/{request_id}/edit").status_code == 403
    assert browser(people["council"]).post(f"/requests/{request_id}/edit", {"title": "Mine"}).status_code == 403
    with app.app_context():
        content_requests.accept(people["lead"], request_id, world["tactic_id"], None)
    rep = browser(world["aisha"])
    assert "Edit the request" not in rep.get(f"/requests/{request_id}").get_data(as_text=True)
    assert rep.get(f"/requests/{request_id}/edit").status_code == 403
    # Triaged while they typed: their words are in front of them again.
    late = rep.post(f"/requests/{request_id}/edit", {"title": "A deck, reworded by me"})
    assert late.status_code == 409 and 'value="A deck, reworded by me"' in late.get_data(as_text=True)
    lead = browser(people["lead"])
    assert "Edit the request" in lead.get(f"/requests/{request_id}").get_data(as_text=True)
    assert lead.post(f"/requests/{request_id}/edit", {"title": "A deck for banks"}).status_code == 303
    assert _request(app, request_id).title == "A deck for banks"
    assert "Lena Lead</strong> edited the title (it said “A deck”)" in rep.get(f"/requests/{request_id}").get_data(
        as_text=True
    )


def test_editing_keeps_a_needed_by_date_that_has_passed_and_checks_a_new_one(app, world, browser):
    request_id = _ask(app, world["aisha"], title="A deck", needed_by=(date.today() + timedelta(days=3)).isoformat())
    with app.app_context():
        db.session.get(ContentRequest, request_id).needed_by = date(2020, 1, 15)
        db.session.commit()
    rep = browser(world["aisha"])
    kept = rep.post(f"/requests/{request_id}/edit", {"title": "A new deck", "needed_by": "2020-01-15"})
    assert kept.status_code == 303 and _request(app, request_id).needed_by == date(2020, 1, 15)
    moved = rep.post(f"/requests/{request_id}/edit", {"title": "A new deck", "needed_by": "2020-01-16"})
    assert moved.status_code == 400 and "can&#39;t be in the past" in moved.get_data(as_text=True)
    bad = rep.post(f"/requests/{request_id}/edit", {"title": " "})
    assert bad.status_code == 400 and "Say what content you need." in bad.get_data(as_text=True)
    assert _request(app, request_id).title == "A new deck"
