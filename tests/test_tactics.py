"""Tactics: who owns what in a plan, review cadence, and suggestion decisions following ownership."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_member, make_page, make_tactic, make_user, publish
from wiki.errors import BadInput, Conflict, NotAllowed, NotFound
from wiki.extensions import db
from wiki.models import Notification, NotificationKind, Tactic, TacticReview, TacticStatus, Thread, ThreadState
from wiki.services import council, pages, tactics, threads
from wiki.services.tactics import TacticFields

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
OWNER_TAKEN = (
    "Priya Raman already owns “Customer presentation” in this plan; a council member owns at most one tactic per plan."
)


@pytest.fixture
def world(app, people):
    """A published plan, two collateral pages and two seated council members (Priya and Cora)."""
    lead = people["lead"]
    with app.app_context():
        plan = make_page(lead, slug="fy27-plan", title="FY27 plan", bodies=("# FY27\n\nThe plan.\n",))
        publish(lead, plan, 1)
        deck = make_page(lead, slug="deck", title="Customer deck", kind="collateral", bodies=("# Deck\n\nSlide 7.\n",))
        email = make_page(lead, slug="email", title="DM email", kind="collateral", bodies=("# Email\n\nHello.\n",))
        priya = make_user(role="council", name="Priya Raman", email="priya.raman@example.com")
        make_member(lead, priya, "North America East")
        make_member(lead, people["council"], "EMEA")
        return {
            "plan_id": plan.id,
            "deck_id": deck.id,
            "email_id": email.id,
            "priya": priya,
            "cora": people["council"],
        }


def plan():
    return pages.get_page("fy27-plan")


def page(slug):
    return pages.get_page(slug)


def suggest_on(user, slug, exact, replacement):
    target = pages.get_page(slug)
    start = target.head.body.index(exact)
    return threads.suggest(user, target, target.head_number, start, start + len(exact), exact, replacement)


# Creating and editing ------------------------------------------------------------------------------


def test_a_lead_creates_a_tactic_with_collateral_owner_cadence_and_markdown_description(app, world, as_lead):
    form = {
        "name": "Customer presentation",
        "description": "Keep **slide 7** specific.\n\n<script>alert(1)</script>",
        "page_ids": [str(world["deck_id"])],
        "cadence_days": "30",
        "status": "active",
        "owner_id": str(world["priya"].id),
    }
    response = as_lead.post("/tactics/new?plan=fy27-plan", form)
    assert response.status_code == 303
    with app.app_context():
        tactic = db.session.execute(select(Tactic)).scalar_one()
        assert (tactic.name, tactic.owner_id, tactic.cadence_days, tactic.status) == (
            "Customer presentation",
            world["priya"].id,
            30,
            TacticStatus.ACTIVE,
        )
        assert [p.slug for p in tactic.pages] == ["deck"]
    assert response.headers["Location"].endswith(f"/tactics/{tactic.id}")
    html = as_lead.get(f"/tactics/{tactic.id}").get_data(as_text=True)
    assert "<strong>slide 7</strong>" in html and "<script>alert" not in html
    assert "Priya Raman" in html and "every 30 days" in html and "Customer deck" in html
    assert "Review due in 30 days" in html


def test_the_new_tactic_form_lists_council_members_with_what_they_own_and_linkable_pages(app, people, world, as_lead):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Webinar series", owner=world["cora"])
    html = as_lead.get("/tactics/new?plan=fy27-plan").get_data(as_text=True)
    assert "Priya Raman — North America East</option>" in html
    assert "Cora Council — EMEA (owns “Webinar series”)</option>" in html
    assert "Customer deck" in html and "DM email" in html
    assert 'name="page_ids"' in html and "<legend>Collateral pages</legend>" in html


def test_tactics_belong_to_plans_only(app, world, as_lead):
    assert as_lead.get("/tactics/new?plan=deck").status_code == 400
    assert as_lead.get("/tactics/new?plan=nowhere").status_code == 404


def test_a_member_cannot_own_two_tactics_in_one_plan(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
        with pytest.raises(Conflict) as caught:
            make_tactic(people["lead"], plan(), "Webinar series", owner=world["priya"])
        assert caught.value.message == OWNER_TAKEN and caught.value.field == "owner_id"
        assert len(tactics.tactics_for_plan(people["lead"], plan())) == 1


def test_the_database_refuses_a_second_tactic_for_the_same_owner_in_a_plan(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
        db.session.add(Tactic(plan_id=world["plan_id"], name="Webinar series", owner_id=world["priya"].id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_save_that_races_past_the_check_still_gets_a_conflict_naming_the_tactic(app, people, world, monkeypatch):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
        # As if another lead's save landed between our check and our insert.
        monkeypatch.setattr(tactics, "_check_owner_free", lambda *args: None)
        with pytest.raises(Conflict) as caught:
            make_tactic(people["lead"], plan(), "Webinar series", owner=world["priya"])
        assert caught.value.message == OWNER_TAKEN and caught.value.field == "owner_id"
        tactic = make_tactic(people["lead"], plan(), "Customer presentation v2", owner=world["cora"])
        with pytest.raises(Conflict, match="already owns “Customer presentation”"):
            tactics.update_tactic(people["lead"], tactic, TacticFields(name="Renamed", owner_id=world["priya"].id))
        monkeypatch.setattr(tactics, "_check_name_free", lambda *args: None)
        with pytest.raises(Conflict, match="already has a tactic called “Customer presentation”") as caught:
            make_tactic(people["lead"], plan(), "Customer presentation")
        assert caught.value.field == "name"


def test_the_owner_conflict_is_shown_beside_the_owner_field_with_the_form_kept(app, people, world, as_lead):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
    form = {
        "name": "Webinar series",
        "description": "Four sessions",
        "page_ids": [str(world["email_id"])],
        "cadence_days": "21",
        "status": "planned",
        "owner_id": str(world["priya"].id),
    }
    response = as_lead.post("/tactics/new?plan=fy27-plan", form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert '<p id="owner_id-error" class="field-error">Priya Raman already owns “Customer presentation”' in html
    assert 'id="owner_id" name="owner_id" aria-describedby="owner_id-hint owner_id-error" aria-invalid="true"' in html
    assert 'value="Webinar series"' in html and "Four sessions</textarea>" in html and 'value="21"' in html
    assert f'value="{world["email_id"]}" checked' in html and '<option value="planned" selected>' in html
    assert f'<option value="{world["priya"].id}" selected>' in html


def test_a_member_may_own_one_tactic_in_each_plan(app, people, world):
    with app.app_context():
        other = make_page(people["lead"], slug="fy28-plan", title="FY28 plan")
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
        make_tactic(people["lead"], other, "Customer presentation", owner=world["priya"])
        owned = tactics.tactic_for_owner(people["lead"], world["priya"])
        assert sorted(row.tactic.plan.slug for row in owned) == ["fy27-plan", "fy28-plan"]


def test_editing_a_tactic_keeps_its_owner_and_can_unassign(app, people, world, as_lead):
    with app.app_context():
        tactic = make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
        tactic_id = tactic.id
    form = as_lead.get(f"/tactics/{tactic_id}/edit").get_data(as_text=True)
    assert f'<option value="{world["priya"].id}" selected>' in form and "(owns" not in form
    keep = {"name": "Customer deck", "cadence_days": "14", "status": "paused", "owner_id": str(world["priya"].id)}
    assert as_lead.post(f"/tactics/{tactic_id}/edit", keep).status_code == 303
    assert as_lead.post(f"/tactics/{tactic_id}/edit", {**keep, "owner_id": ""}).status_code == 303
    with app.app_context():
        tactic = db.session.get(Tactic, tactic_id)
        assert (tactic.name, tactic.status, tactic.owner_id) == ("Customer deck", TacticStatus.PAUSED, None)
    assert "needs an owner" in as_lead.get(f"/tactics/{tactic_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the tactic a name."),
        ({"cadence_days": "0"}, "cadence_days", "number of days from 1 to 365"),
        ({"cadence_days": "weekly"}, "cadence_days", "number of days from 1 to 365"),
        ({"status": "finished"}, "status", "planned, active, paused or done"),
        ({"page_ids": ("fy27-plan",)}, "page_ids", "Link collateral or note pages"),
        ({"owner_id": "999"}, "owner_id", "must be a current council member"),
    ],
)
def test_bad_values_are_refused_with_the_field_they_concern(app, people, world, fields, field, message):
    with app.app_context():
        with pytest.raises(BadInput, match=message) as caught:
            tactics.create_tactic(people["lead"], plan(), TacticFields(**{"name": "Webinar series", **fields}))
        assert caught.value.field == field


def test_linking_the_plan_itself_or_an_unseated_owner_is_refused(app, people, world):
    with app.app_context():
        with pytest.raises(BadInput, match="Link collateral or note pages"):
            tactics.create_tactic(people["lead"], plan(), TacticFields(name="X", page_ids=(world["plan_id"],)))
        unseated = make_user(role="council", name="No Seat")
        with pytest.raises(BadInput, match="current council member"):
            make_tactic(people["lead"], plan(), "X", owner=unseated)


def test_two_tactics_in_a_plan_cannot_share_a_name(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation")
        with pytest.raises(Conflict, match="already has a tactic called “customer presentation”"):
            make_tactic(people["lead"], plan(), "customer presentation")


def test_only_leads_create_and_edit_tactics(app, people, world, as_council, as_field):
    with app.app_context():
        with pytest.raises(NotAllowed):
            make_tactic(world["cora"], plan(), "Webinar series")
        tactic_id = make_tactic(people["lead"], plan(), "Webinar series").id
    for reader in (as_council, as_field):
        assert reader.get("/tactics/new?plan=fy27-plan").status_code == 403
        assert reader.post(f"/tactics/{tactic_id}/edit", {"name": "Mine"}).status_code == 403


# Reviews and cadence -------------------------------------------------------------------------------


def test_the_owner_marks_the_tactic_reviewed_with_a_note(app, people, world, browser):
    with app.app_context():
        tactic_id = make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"]).id
    priya = browser(world["priya"])
    page_html = priya.get(f"/tactics/{tactic_id}").get_data(as_text=True)
    assert "Mark reviewed" in page_html and "Not reviewed yet." in page_html
    response = priya.post(f"/tactics/{tactic_id}/review", {"note": "Slide 7 now names a customer."})
    assert response.status_code == 303
    with app.app_context():
        review = db.session.execute(select(TacticReview)).scalar_one()
        tactic = db.session.get(Tactic, tactic_id)
        assert review.reviewer_id == world["priya"].id and review.note == "Slide 7 now names a customer."
        assert tactic.last_reviewed_at == review.created_at
    assert "Slide 7 now names a customer." in priya.get(f"/tactics/{tactic_id}").get_data(as_text=True)


def test_only_the_owner_or_a_lead_marks_a_tactic_reviewed(app, people, world, browser, as_field, as_lead):
    with app.app_context():
        tactic_id = make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"]).id
    cora = browser(world["cora"])
    assert "Mark reviewed" not in cora.get(f"/tactics/{tactic_id}").get_data(as_text=True)
    assert cora.post(f"/tactics/{tactic_id}/review", {"note": "mine now"}).status_code == 403
    assert as_field.post(f"/tactics/{tactic_id}/review", {"note": "x"}).status_code == 403
    assert as_lead.post(f"/tactics/{tactic_id}/review", {"note": ""}).status_code == 303
    too_long = as_lead.post(f"/tactics/{tactic_id}/review", {"note": "x" * 1001})
    assert too_long.status_code == 400 and 'id="note-error"' in too_long.get_data(as_text=True)


def test_an_active_tactic_is_overdue_once_its_cadence_has_passed_since_the_last_review():
    tactic = Tactic(
        name="t",
        cadence_days=14,
        status=TacticStatus.ACTIVE,
        created_at=NOW - timedelta(days=40),
        last_reviewed_at=None,
    )
    assert tactics.is_overdue(tactic, NOW) and tactics.due_in_days(tactic, NOW) == -26
    tactic.last_reviewed_at = NOW - timedelta(days=10)
    assert not tactics.is_overdue(tactic, NOW) and tactics.due_in_days(tactic, NOW) == 4
    tactic.last_reviewed_at = NOW - timedelta(days=14, hours=1)
    assert tactics.is_overdue(tactic, NOW) and tactics.due_in_days(tactic, NOW) == -1
    tactic.last_reviewed_at = NOW - timedelta(days=16, hours=23)
    assert tactics.is_overdue(tactic, NOW) and tactics.due_in_days(tactic, NOW) == -2
    tactic.last_reviewed_at = NOW - timedelta(days=14)
    assert not tactics.is_overdue(tactic, NOW) and tactics.due_in_days(tactic, NOW) == 0
    for status in (TacticStatus.PLANNED, TacticStatus.PAUSED, TacticStatus.DONE):
        tactic.status, tactic.last_reviewed_at = status, NOW - timedelta(days=100)
        assert not tactics.is_overdue(tactic, NOW)


def test_the_council_page_flags_overdue_tactics_and_counts_down_the_others(app, people, world, as_field, as_lead):
    with app.app_context():
        late = make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], cadence_days=30)
        fresh = make_tactic(people["lead"], plan(), "DM email", owner=world["cora"], cadence_days=14)
        late.created_at = datetime.now(UTC) - timedelta(days=33, hours=1)
        fresh.last_reviewed_at = datetime.now(UTC) - timedelta(days=4, hours=1)
        db.session.commit()
        late_id = late.id
    html = as_field.get("/council").get_data(as_text=True)
    assert "Review overdue by 3 days" in html and "Review due in 10 days" in html
    assert "review overdue" in html.split('id="members"')[1].split("</table>")[0]
    assert "Review overdue by 3 days" in as_lead.get(f"/tactics/{late_id}").get_data(as_text=True)


def test_the_grid_counts_open_suggestions_on_each_tactics_pages(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], pages=(page("deck"),))
        make_tactic(people["lead"], plan(), "DM email", owner=world["cora"], pages=(page("email"),))
        suggest_on(people["lead"], "deck", "Slide 7.", "Slide 7, with a named customer.")
        decided = suggest_on(people["lead"], "deck", "# Deck", "# The deck")
        threads.reject(people["lead"], db.session.get(Thread, decided.id), "Keep the title")
        threads.start_thread(people["lead"], page("deck"), 1, "Just a comment", None)
        counts = {row.tactic.name: row.open_suggestions for row in tactics.all_tactics(people["lead"])}
        assert counts == {"Customer presentation": 1, "DM email": 0}


def test_field_reps_read_tactics_of_published_plans_and_see_published_pages_only(app, people, world, as_field):
    with app.app_context():
        tactic_id = make_tactic(people["lead"], plan(), "Customer presentation", pages=(page("deck"),)).id
        draft_plan = make_page(people["lead"], slug="draft-plan", title="Secret plan")
        hidden_id = make_tactic(people["lead"], draft_plan, "Hidden tactic").id
    html = as_field.get(f"/tactics/{tactic_id}").get_data(as_text=True)
    assert "Customer presentation" in html and "Customer deck" not in html and "Mark reviewed" not in html
    assert as_field.get(f"/tactics/{hidden_id}").status_code == 404
    assert "Secret plan" not in as_field.get("/council").get_data(as_text=True)
    with app.app_context():
        publish(people["lead"], page("deck"), 1)
    assert "Customer deck" in as_field.get(f"/tactics/{tactic_id}").get_data(as_text=True)
    with app.app_context():
        with pytest.raises(NotFound):
            tactics.get_tactic(people["field"], 999)


def test_removing_the_owner_leaves_the_tactic_needing_an_owner(app, people, world):
    with app.app_context():
        tactic_id = make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"]).id
        seat = next(m for m in council.current_members(people["lead"]) if m.user_id == world["priya"].id)
        council.remove_member(people["lead"], seat.id)
        assert db.session.get(Tactic, tactic_id).owner_id is None
        assert tactics.tactic_for_owner(people["lead"], world["priya"]) == []


# Suggestion decisions follow ownership ------------------------------------------------------------


def test_a_council_member_cannot_accept_suggestions_on_a_tactic_they_dont_own(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], pages=(page("deck"),))
        thread = suggest_on(world["priya"], "deck", "Slide 7.", "Slide 7, named customer.")
        with pytest.raises(NotAllowed, match="owner of this page's tactic"):
            threads.accept(world["cora"], db.session.get(Thread, thread.id))
        with pytest.raises(NotAllowed):
            threads.reject(world["cora"], db.session.get(Thread, thread.id), "no")


def test_the_tactic_owner_accepts_suggestions_on_its_pages(app, people, world, browser):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], pages=(page("deck"),))
        thread_id = suggest_on(world["cora"], "deck", "Slide 7.", "Slide 7, named customer.").id
    priya = browser(world["priya"])
    assert "Accept" in priya.get("/p/deck").get_data(as_text=True)
    assert priya.post(f"/threads/{thread_id}/accept", {}).status_code == 303
    with app.app_context():
        assert db.session.get(Thread, thread_id).state == ThreadState.ACCEPTED
        assert "named customer" in page("deck").head.body


def test_a_lead_accepts_suggestions_on_any_tactics_pages(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], pages=(page("deck"),))
        thread = suggest_on(world["cora"], "deck", "Slide 7.", "Slide 7, named customer.")
        threads.accept(people["lead"], db.session.get(Thread, thread.id))
        assert db.session.get(Thread, thread.id).state == ThreadState.ACCEPTED


def test_once_a_tactic_covers_a_page_its_creator_no_longer_decides(app, people, world):
    with app.app_context():
        note = make_page(world["cora"], slug="cora-note", title="Cora's note", kind="note", bodies=("Cora wrote.\n",))
        thread = suggest_on(people["lead"], "cora-note", "Cora wrote.", "Cora wrote this.")
        tactic = make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], pages=(note,))
        with pytest.raises(NotAllowed):
            threads.accept(world["cora"], db.session.get(Thread, thread.id))
        tactics.update_tactic(people["lead"], tactic, TacticFields(name="Customer presentation", page_ids=(note.id,)))
        # Unowned for now: a lead decides, not whoever happened to create the page.
        with pytest.raises(NotAllowed):
            threads.accept(world["cora"], db.session.get(Thread, thread.id))
        threads.accept(people["lead"], db.session.get(Thread, thread.id))


def test_suggestions_on_a_plan_with_tactics_are_for_the_leads_not_the_tactic_owners(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"])
        thread = suggest_on(world["cora"], "fy27-plan", "The plan.", "The FY27 plan.")
        with pytest.raises(NotAllowed):
            threads.accept(world["priya"], db.session.get(Thread, thread.id))
        threads.accept(people["lead"], db.session.get(Thread, thread.id))
        assert "The FY27 plan." in plan().head.body


def test_new_suggestions_notify_the_tactic_owner_not_the_page_creator(app, people, world):
    with app.app_context():
        make_tactic(people["lead"], plan(), "Customer presentation", owner=world["priya"], pages=(page("deck"),))
        suggest_on(world["cora"], "deck", "Slide 7.", "Slide 7, named customer.")
        suggest_on(world["cora"], "email", "Hello.", "Hello there.")
        notified = db.session.execute(
            select(Notification.user_id, Notification.page_id).where(Notification.kind == NotificationKind.SUGGESTION)
        ).all()
        assert set(notified) == {(world["priya"].id, world["deck_id"]), (people["lead"].id, world["email_id"])}


def test_the_database_ranks_tactics_needing_attention_by_the_review_rules(app, people):
    """Overdue first, then ownerless, then by next review, tactics not active last; the counts agree with
    is_overdue, down to a review that fell due an hour ago; the field counts only the tactics of published plans."""
    with app.app_context():
        lead, member = people["lead"], people["council"]
        make_member(lead, member)
        plan = make_page(lead, "fy27-plan", ("# Plan\n",), title="FY27 plan")
        now = datetime.now(UTC)
        made = {}
        for n, (name, status, cadence, reviewed_days_ago) in enumerate(
            (
                ("Later", "active", 30, 0),
                ("Paused", "paused", 14, 40),
                ("Soon", "active", 14, 10),
                ("Just late", "active", 14, 14 + 1 / 24),
                ("Nobody's", "active", 14, 0),
                ("Very late", "active", 7, 30),
            )
        ):
            # A member owns one tactic per plan: each has their own.
            owner = member if n == 0 else make_user(role="council", name=f"Member {n}", email=f"m{n}@example.com")
            if n:
                make_member(lead, owner)
            owner = None if name == "Nobody's" else owner
            tactic = make_tactic(lead, plan, name, owner=owner, cadence_days=cadence)
            made[name] = (tactic.id, TacticStatus(status), now - timedelta(days=reviewed_days_ago))
        for tactic_id, status, created_at in made.values():
            row = db.session.get(Tactic, tactic_id)
            row.status, row.created_at = status, created_at
        db.session.commit()
        attention = tactics.needing_attention(lead, 4, now)
        every = tactics.needing_attention(lead, 10, now)
        field = tactics.needing_attention(people["field"], 10, now)

        assert [row.tactic.name for row in attention.rows] == ["Very late", "Just late", "Nobody's", "Soon"]
        assert [row.tactic.name for row in every.rows][4:] == ["Later", "Paused"]
        assert (attention.total, attention.overdue, attention.unowned) == (6, 2, 1)
        assert attention.overdue == sum(
            tactics.is_overdue(db.session.get(Tactic, id_), now) for id_, *_ in made.values()
        )
        assert (field.total, field.rows) == (0, [])
        publish(lead, plan, 1)
        assert tactics.needing_attention(people["field"], 10, now).total == 6
