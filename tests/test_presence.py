"""Who is editing (issue 15, part 4): the open editor beats, the page and the other editors say who is in it, and
the field is told nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_page, make_user, publish
from tests.queries import counted_queries
from wiki import generation
from wiki.errors import BadInput, NotAllowed
from wiki.extensions import db
from wiki.models import EditingPresence, utcnow
from wiki.services import presence

T = datetime(2027, 1, 12, 10, 42, 7, 123456, tzinfo=UTC)
WINDOW = timedelta(seconds=45)  # the default PRESENCE_WINDOW_SECONDS


def _names(editors) -> list[str]:
    return [editor.name for editor in editors]


@pytest.fixture
def plan(app, people):
    with app.app_context():
        page = make_page(people["lead"], title="FY27 plan", bodies=("# Plan\n\nSegments are banks.\n",))
        publish(people["lead"], page, 1)
    return "fy27-plan"


def _htmx_post(person, url: str):
    """A POST as htmx sends it: the CSRF token in the header the page's body hands down."""
    headers = {"X-CSRFToken": person.session_csrf_token(), "HX-Request": "true", "HX-Request-Type": "partial"}
    return person.client.post(url, headers=headers)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


# The service ---------------------------------------------------------------------------------------


def test_a_council_member_sees_the_lead_editing_and_since_when(app, people, plan):
    with app.app_context():
        presence.beat(people["lead"], plan, now=T)
        [editor] = presence.editing(people["council"], plan, now=T + timedelta(seconds=10))
    assert (editor.name, editor.since) == ("Lena Lead", T)


def test_nobody_is_told_they_are_editing_themselves(app, people, plan):
    with app.app_context():
        assert presence.beat(people["council"], plan, now=T) == []
        assert presence.editing(people["council"], plan, now=T) == []
        assert _names(presence.beat(people["lead"], plan, now=T)) == ["Cora Council"]
        assert _names(presence.beat(people["council"], plan, now=T)) == ["Lena Lead"]


def test_the_start_is_kept_while_the_beats_keep_coming(app, people, plan):
    with app.app_context():
        for seconds in (0, 20, 40, 60, 80):
            presence.beat(people["lead"], plan, now=T + timedelta(seconds=seconds))
        [editor] = presence.editing(people["council"], plan, now=T + timedelta(seconds=90))
    assert editor.since == T


def test_an_editor_whose_beats_stopped_is_gone_after_the_window(app, people, plan):
    with app.app_context():
        presence.beat(people["lead"], plan, now=T)
        assert _names(presence.editing(people["council"], plan, now=T + WINDOW)) == ["Lena Lead"]
        assert presence.editing(people["council"], plan, now=T + WINDOW + timedelta(seconds=1)) == []


def test_a_beat_after_a_silence_starts_a_new_stay_and_sweeps_the_old_rows(app, people, plan):
    later = T + timedelta(minutes=10)
    with app.app_context():
        presence.beat(people["lead"], plan, now=T)
        presence.beat(people["council"], "webinar-series", now=T)
        presence.beat(people["lead"], plan, now=later)
        [editor] = presence.editing(people["council"], plan, now=later)
        rows = db.session.execute(select(EditingPresence.slug, EditingPresence.user_id)).all()
    assert editor.since == later
    assert rows == [(plan, people["lead"].id)]


def test_leaving_takes_the_editor_off_at_once(app, people, plan):
    with app.app_context():
        presence.beat(people["lead"], plan, now=utcnow())
        presence.leave(people["lead"], plan)
        assert presence.editing(people["council"], plan) == []


def test_several_editors_are_listed_the_longest_there_first(app, people, plan):
    with app.app_context():
        third = make_user(role="council", name="Marcus Hill")
        presence.beat(people["lead"], plan, now=T + timedelta(seconds=5))
        presence.beat(third, plan, now=T)
        assert _names(presence.editing(people["council"], plan, now=T + timedelta(seconds=9))) == [
            "Marcus Hill",
            "Lena Lead",
        ]


def test_someone_writing_a_page_that_does_not_exist_yet_is_seen_too(app, people):
    with app.app_context():
        presence.beat(people["lead"], "new-webinar", now=T)
        assert _names(presence.editing(people["council"], "new-webinar", now=T)) == ["Lena Lead"]


def test_the_field_can_neither_beat_nor_see_who_is_editing(app, people, plan):
    with app.app_context():
        presence.beat(people["lead"], plan, now=T)
        with pytest.raises(NotAllowed):
            presence.beat(people["field"], plan, now=T)
        with pytest.raises(NotAllowed):
            presence.editing(people["field"], plan, now=T)
        with pytest.raises(NotAllowed):
            presence.leave(people["field"], plan)
        assert db.session.execute(select(func.count()).select_from(EditingPresence)).scalar_one() == 1


def test_a_name_no_page_could_have_is_refused_and_nothing_is_kept(app, people):
    with app.app_context():
        with pytest.raises(BadInput):
            presence.beat(people["lead"], "Not a Page!", now=T)
        assert db.session.execute(select(func.count()).select_from(EditingPresence)).scalar_one() == 0


# The views -----------------------------------------------------------------------------------------


def test_the_editors_heartbeat_answers_who_else_is_editing(app, people, plan, as_council, as_lead):
    started = utcnow().replace(microsecond=654321)
    with app.app_context():
        presence.beat(people["lead"], plan, now=started)
    response = _htmx_post(as_council, f"/p/{plan}/editing")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Lena Lead is editing (since {started.strftime('%H:%M')} UTC)." in _text(html)
    assert f'datetime="{started.replace(microsecond=0).isoformat()}"' in html
    assert "Saving loses nothing" in html
    assert response.headers["Cache-Control"] == "no-store"
    # The lead's own editor now hears about the council member.
    assert "Cora Council is editing" in _text(_htmx_post(as_lead, f"/p/{plan}/editing").get_data(as_text=True))


def test_two_editors_read_as_one_sentence(app, people, plan, as_council):
    with app.app_context():
        third = make_user(role="council", name="Marcus Hill")
        presence.beat(third, plan, now=utcnow() - timedelta(seconds=5))
        presence.beat(people["lead"], plan, now=utcnow())
    html = as_council.get(f"/p/{plan}/editing").get_data(as_text=True)
    assert "Marcus Hill and Lena Lead are editing (since" in _text(html)


def test_nobody_else_editing_leaves_the_line_empty(app, people, plan, as_council):
    _htmx_post(as_council, f"/p/{plan}/editing")
    assert as_council.get(f"/p/{plan}/editing").get_data(as_text=True).strip() == ""


def test_a_heartbeat_without_its_csrf_token_is_refused(app, people, plan, as_council):
    response = as_council.client.post(f"/p/{plan}/editing", headers={"HX-Request": "true"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(EditingPresence)).scalar_one() == 0


def test_the_goodbye_beacon_carries_its_token_in_the_body_and_takes_the_editor_off(
    app, people, plan, as_lead, as_council
):
    _htmx_post(as_lead, f"/p/{plan}/editing")
    assert "Lena Lead is editing" in _text(as_council.get(f"/p/{plan}/editing").get_data(as_text=True))
    response = as_lead.post(f"/p/{plan}/editing/leave")
    assert response.status_code == 204
    assert as_council.get(f"/p/{plan}/editing").get_data(as_text=True).strip() == ""


def test_the_field_is_refused_every_presence_address(app, people, plan, as_field):
    assert _htmx_post(as_field, f"/p/{plan}/editing").status_code == 403
    assert as_field.get(f"/p/{plan}/editing").status_code == 403
    assert as_field.post(f"/p/{plan}/editing/leave").status_code == 403
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(EditingPresence)).scalar_one() == 0


def test_a_signed_out_visitor_is_sent_to_sign_in(app, plan, client):
    assert client.get(f"/p/{plan}/editing").status_code == 302


@pytest.mark.parametrize("role", ["lead", "council"])
def test_staff_page_views_and_editors_carry_the_status_line(app, people, plan, browser, role):
    person = browser(people[role])
    view = person.get(f"/p/{plan}").get_data(as_text=True)
    assert f'hx-get="/p/{plan}/editing"' in view and 'role="status"' in view
    editor = person.get(f"/p/{plan}/edit").get_data(as_text=True)
    assert f'hx-post="/p/{plan}/editing"' in editor
    assert f'data-presence-leave="/p/{plan}/editing/leave"' in editor
    token = re.search(r'data-csrf-token="([^"]+)"', editor).group(1)
    assert person.post(f"/p/{plan}/editing/leave", {"csrf_token": token}).status_code == 204


def test_the_fields_page_view_has_no_status_line(app, people, plan, as_field):
    assert "/editing" not in as_field.get(f"/p/{plan}").get_data(as_text=True)


def test_who_is_editing_is_never_baked_into_the_kept_page(app, people, plan, as_council):
    with app.app_context():
        presence.beat(people["lead"], plan, now=utcnow())
    assert "Lena Lead is editing" not in as_council.get(f"/p/{plan}").get_data(as_text=True)


def test_a_heartbeat_keeps_every_kept_page(app, people, plan, as_lead, as_council):
    as_council.get(f"/p/{plan}")
    with app.app_context():
        before = generation.now()
    _htmx_post(as_lead, f"/p/{plan}/editing")
    as_lead.post(f"/p/{plan}/editing/leave")
    with app.app_context():
        assert generation.now() == before
    with counted_queries(app) as statements:
        as_council.get(f"/p/{plan}")
    # Kept: only the reader (with their unread count and the generation) is read, the page isn't made again.
    assert len([s for s in statements if not s.startswith(("BEGIN", "ROLLBACK", "COMMIT"))]) == 1
