"""The council page: who sits on it, adding and removing members, and the target size."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import make_member, make_page, make_tactic, make_user, publish
from wiki.errors import BadInput, Conflict, NotAllowed
from wiki.extensions import db
from wiki.models import CouncilMember, Notification, NotificationKind, Role, Tactic, User
from wiki.services import accounts, council

TODAY = date.today().isoformat()


def seat_count() -> int:
    return len(db.session.execute(select(CouncilMember).where(CouncilMember.left_at.is_(None))).all())


@pytest.fixture
def seated(app, people):
    """Cora (council) holds the EMEA seat and owns the customer presentation on the FY27 plan."""
    with app.app_context():
        member = make_member(people["lead"], people["council"], "EMEA", date(2026, 1, 5))
        plan = make_page(people["lead"], slug="fy27-plan", title="FY27 plan")
        publish(people["lead"], plan, 1)
        tactic = make_tactic(people["lead"], plan, "Customer presentation", owner=people["council"])
        return {"member_id": member.id, "tactic_id": tactic.id}


def test_every_signed_in_role_sees_members_with_region_term_role_and_tactic(seated, as_field, as_council, as_lead):
    for reader in (as_field, as_council, as_lead):
        response = reader.get("/council")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Cora Council" in html and "EMEA" in html and "05 Jan 2026" in html and "open-ended" in html
        assert 'class="role role-council"' in html and "Customer presentation" in html
    assert "Add a member" in as_lead.get("/council").get_data(as_text=True)
    assert "Add a member" not in as_council.get("/council").get_data(as_text=True)
    assert "Remove" not in as_field.get("/council").get_data(as_text=True)


def test_a_lead_adds_a_field_rep_who_becomes_council_and_is_signed_out_elsewhere(app, people, as_lead, browser):
    rep = browser(people["field"])
    assert rep.get("/account").status_code == 200
    response = as_lead.post(
        "/council/members",
        {"person_id": str(people["field"].id), "represents": "LATAM", "term_start": TODAY, "term_end": ""},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/council#members")
    with app.app_context():
        person = db.session.get(User, people["field"].id)
        assert person.role == Role.COUNCIL
        seat = db.session.execute(select(CouncilMember).where(CouncilMember.user_id == person.id)).scalar_one()
        assert seat.represents == "LATAM" and seat.term_start == date.today() and seat.added_by_id == people["lead"].id
    assert rep.get("/account").status_code == 302
    assert "asked to sign in again" in as_lead.get("/council").get_data(as_text=True)


def test_the_add_form_offers_field_and_council_users_without_a_seat_only(app, seated, as_lead):
    with app.app_context():
        make_user(role="lead", name="Another Lead")
        inactive = make_user(role="field", name="Gone Rep")
        accounts.set_active(None, inactive.id, False)
    html = as_lead.get("/council").get_data(as_text=True)
    form = html.split('id="add-member"')[1]
    assert "Finn Field (field rep)" in form
    assert "Cora Council (" not in form and "Another Lead" not in form and "Gone Rep" not in form
    assert f'value="{TODAY}"' in form


def test_region_defaults_to_the_persons_region(app, people):
    with app.app_context():
        rep = make_user(role="field", name="Kavya Iyer", region="APAC")
        change = council.add_member(people["lead"], rep.id, "  ", date.today(), None)
        assert change.member.represents == "APAC" and change.role_changed


def test_adding_beyond_the_target_asks_first_then_adds_with_confirm(app, people, as_lead):
    with app.app_context():
        for n in range(6):
            make_member(people["lead"], make_user(role="council", name=f"Member {n}"), f"Region {n}")
    form = {"person_id": str(people["field"].id), "represents": "LATAM", "term_start": TODAY}
    first = as_lead.post("/council/members", form)
    assert first.status_code == 409
    html = first.get_data(as_text=True)
    assert "This makes 7 members; the council&#39;s target is 6. Add anyway?" in html
    assert '<input type="hidden" name="confirm" value="1">' in html and "Add anyway" in html
    assert 'value="LATAM"' in html and f'<option value="{people["field"].id}" selected>' in html
    with app.app_context():
        assert seat_count() == 6
    second = as_lead.post("/council/members", {**form, "confirm": "1"})
    assert second.status_code == 303
    with app.app_context():
        assert seat_count() == 7


def test_the_target_size_is_a_setting(app, people):
    app.config["COUNCIL_TARGET_SIZE"] = 1
    with app.app_context():
        make_member(people["lead"], people["council"])
        with pytest.raises(council.OverTarget, match="This makes 2 members; the council's target is 1"):
            council.add_member(people["lead"], people["field"].id, "LATAM", date.today(), None)


def test_mistakes_in_the_add_form_are_shown_beside_the_field(app, people, as_lead):
    response = as_lead.post(
        "/council/members", {"person_id": str(people["field"].id), "represents": "", "term_start": TODAY}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="represents-error"' in html and "Say which region or group Finn Field speaks for." in html
    assert 'aria-describedby="represents-hint represents-error" aria-invalid="true"' in html
    ended = as_lead.post(
        "/council/members",
        {"person_id": str(people["field"].id), "represents": "LATAM", "term_start": TODAY, "term_end": "2020-01-01"},
    )
    assert ended.status_code == 400 and "The term can&#39;t end before it starts." in ended.get_data(as_text=True)
    nobody = as_lead.post("/council/members", {"person_id": "", "represents": "LATAM", "term_start": TODAY})
    assert nobody.status_code == 400 and "Choose who joins the council." in nobody.get_data(as_text=True)


def test_leads_and_people_already_seated_cannot_be_added(app, people, seated):
    with app.app_context():
        with pytest.raises(BadInput, match="leads run the council"):
            council.add_member(people["lead"], people["lead"].id, "Marketing", date.today(), None)
        with pytest.raises(Conflict, match="Cora Council is already on the council, for EMEA"):
            council.add_member(people["lead"], people["council"].id, "APAC", date.today(), None)


def test_the_database_holds_one_current_seat_per_person(app, people, seated):
    with app.app_context():
        db.session.add(
            CouncilMember(
                user_id=people["council"].id, represents="APAC", term_start=date.today(), added_by_id=people["lead"].id
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_only_leads_manage_the_council(app, people, seated, as_council):
    with app.app_context():
        with pytest.raises(NotAllowed):
            council.add_member(people["council"], people["field"].id, "LATAM", date.today(), None)
        with pytest.raises(NotAllowed):
            council.remove_member(people["council"], seated["member_id"])
    assert as_council.post(f"/council/members/{seated['member_id']}/remove").status_code == 403


def test_removing_asks_first_then_ends_the_seat_resets_the_role_and_unassigns_the_tactic(app, people, seated, as_lead):
    confirm = as_lead.get(f"/council/members/{seated['member_id']}/remove")
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    assert "Remove Cora Council from the council?" in page and "“Customer presentation” will need a new owner" in page
    assert "signed out everywhere" in page
    with app.app_context():
        assert seat_count() == 1

    response = as_lead.post(f"/council/members/{seated['member_id']}/remove")
    assert response.status_code == 303
    with app.app_context():
        seat = db.session.get(CouncilMember, seated["member_id"])
        assert seat.left_at is not None
        assert db.session.get(User, people["council"].id).role == Role.FIELD
        assert db.session.get(Tactic, seated["tactic_id"]).owner_id is None
    html = as_lead.get("/council").get_data(as_text=True)
    assert "“Customer presentation” now needs an owner." in html
    assert "needs an owner" in html.split('id="tactics"')[1]
    former = html.split("Former members (1)")[1]
    assert "Cora Council" in former
    assert as_lead.post(f"/council/members/{seated['member_id']}/remove").status_code == 409


def test_a_member_made_a_lead_leaves_the_council_and_keeps_the_lead_role(app, people, seated):
    with app.app_context():
        change = accounts.set_role(None, people["council"].id, "lead")
        assert change.seat_end.unassigned == ["Customer presentation"]
        assert db.session.get(User, people["council"].id).role == Role.LEAD
        assert db.session.get(CouncilMember, seated["member_id"]).left_at is not None
        with pytest.raises(Conflict, match="already left the council"):
            council.remove_member(people["lead"], seated["member_id"])


def test_a_former_member_can_join_again_and_appears_in_both_lists(app, people, seated):
    with app.app_context():
        council.remove_member(people["lead"], seated["member_id"])
        council.add_member(people["lead"], people["council"].id, "EMEA", date.today() + timedelta(days=1), None)
        assert [m.user.name for m in council.current_members(people["field"])] == ["Cora Council"]
        assert [m.user.name for m in council.former_members(people["field"])] == ["Cora Council"]
        assert db.session.get(User, people["council"].id).role == Role.COUNCIL


# Leaving the council, whichever way ---------------------------------------------------------------------------

NOTICE = "Cora Council left the council (EMEA): “Customer presentation” needs a new owner."
LEAVING = {
    "removed on the council page": ("council page", None),
    "made a field rep on the People page": ("People page", {"role": "field", "active": "y"}),
    "made a lead on the People page": ("People page", {"role": "lead", "active": "y"}),
    "deactivated on the People page": ("People page", {"role": "council"}),
    "users set-role EMAIL field": ("command line", ("set-role", "council@example.com", "field")),
    "users deactivate EMAIL": ("command line", ("deactivate", "council@example.com")),
}


def leave(way: str, app, as_lead, person, member_id: int) -> str:
    """Take `person` off the council `way`; returns what whoever did it was told."""
    where, what = LEAVING[way]
    if where == "command line":
        result = app.test_cli_runner().invoke(args=["users", *what])
        assert result.exit_code == 0, result.output
        return result.output
    if where == "council page":
        response = as_lead.post(f"/council/members/{member_id}/remove")
    else:
        response = as_lead.post(f"/admin/users/{person.id}", {"name": person.name, "region": "", **what})
    assert response.status_code == 303
    return as_lead.get(response.headers["Location"]).get_data(as_text=True)


def council_notices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Notification).where(Notification.kind == NotificationKind.COUNCIL))
    return sorted((notice.user_id, notice.text) for notice in rows.scalars())


@pytest.mark.parametrize("way", LEAVING)
def test_leaving_the_council_any_way_ends_the_seat_frees_the_tactic_and_sends_the_same_notices(
    app, people, seated, as_lead, way
):
    with app.app_context():
        other_lead = make_user(role="lead", name="Lee Second")
    told = leave(way, app, as_lead, people["council"], seated["member_id"])
    assert "“Customer presentation” now needs an owner" in told
    with app.app_context():
        assert db.session.get(CouncilMember, seated["member_id"]).left_at is not None
        assert db.session.get(Tactic, seated["tactic_id"]).owner_id is None
        assert seat_count() == 0
        # Nobody is told what they did themselves; from the command line the notice comes from the person.
        by_hand = LEAVING[way][0] == "command line"
        told_ids = {other_lead.id, people["lead"].id if by_hand else people["council"].id}
        assert council_notices() == sorted((user_id, NOTICE) for user_id in told_ids)
    html = as_lead.get("/council").get_data(as_text=True)
    assert "needs an owner" in html.split('id="tactics"')[1]
    assert "Cora Council" in html.split("Former members (1)")[1]


def test_saving_a_members_account_unchanged_keeps_their_seat_and_tactic(app, people, seated, as_lead):
    member = people["council"]
    form = {"name": member.name, "region": "EMEA", "role": "council", "active": "y"}
    assert as_lead.post(f"/admin/users/{member.id}", form).status_code == 303
    with app.app_context():
        assert db.session.get(CouncilMember, seated["member_id"]).left_at is None
        assert db.session.get(Tactic, seated["tactic_id"]).owner_id == member.id
        assert council_notices() == []


def test_reactivating_a_former_member_gives_no_seat_back(app, people, seated):
    with app.app_context():
        accounts.set_active(people["lead"], people["council"].id, False)
        change = accounts.set_active(people["lead"], people["council"].id, True)
        assert change.seat_end is None and seat_count() == 0
        assert db.session.get(User, people["council"].id).role == Role.COUNCIL
