"""The demo company a newcomer sees after `make run`."""

from __future__ import annotations

from sqlalchemy import func, select

from wiki.demo import COUNCIL
from wiki.extensions import db
from wiki.models import Attachment, CouncilMember, Page, Revision, Role, Tactic, TacticReview, User, utcnow
from wiki.services import tactics


def test_demo_creates_the_company_and_its_plan(app):
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "maya.chen@example.com" in result.output and "council-demo-2027" in result.output
    with app.app_context():
        roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
        assert roles == {Role.LEAD: 2, Role.COUNCIL: 6, Role.FIELD: 20}
        regions = set(db.session.execute(select(User.region).where(User.role == Role.COUNCIL)).scalars())
        assert {"EMEA", "APAC", "LATAM", "CRM / inside sales"} <= regions
        plan = db.session.execute(select(Page).where(Page.slug == "fy27-financial-services-plan")).scalar_one()
        assert plan.published.title == "FY27 Financial Services Marketing Plan"
        authors = db.session.execute(
            select(func.count(func.distinct(Revision.author_id))).where(Revision.page_id == plan.id)
        )
        assert authors.scalar_one() >= 4
        assert plan.published is not None and plan.published.number < plan.head_number


def test_demo_keeps_the_customer_deck_as_a_file_whose_new_version_waits(app):
    app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    with app.app_context():
        deck = db.session.execute(
            select(Attachment).where(Attachment.name == "customer-presentation.pptx")
        ).scalar_one()
        assert (deck.published.number, deck.head.number, deck.head.unit_count) == (1, 2, 12)
        assert deck.head.units[6]["title"] == "A customer story: Harbour Federal Credit Union"
        assert deck.published.units[6]["title"] != deck.head.units[6]["title"]


def test_demo_is_not_loaded_twice(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "--if-empty"])
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "already has data" in again.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 28


def test_field_rep_reads_the_published_plan(app, browser):
    app.test_cli_runner().invoke(args=["demo"])
    rep = browser()
    assert rep.login("aisha.khan@example.com", "council-demo-2027").status_code == 303
    html = rep.get("/p/fy27-financial-services-plan").get_data(as_text=True)
    assert "DORA" in html
    assert "Tom Becker" in html
    assert "65 or more" not in html


def test_demo_seats_the_council_and_gives_each_member_one_tactic(app, browser):
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        seats = db.session.execute(select(CouncilMember).where(CouncilMember.left_at.is_(None))).scalars().all()
        assert sorted(seat.represents for seat in seats) == sorted(region for _, _, region in COUNCIL)
        assert all(seat.represents == seat.user.region for seat in seats)
        plan = db.session.execute(select(Page).where(Page.slug == "fy27-financial-services-plan")).scalar_one()
        owned = db.session.execute(select(Tactic.owner_id).where(Tactic.plan_id == plan.id)).scalars().all()
        assert sorted(owned) == sorted(seat.user_id for seat in seats)
        deck = db.session.execute(select(Tactic).where(Tactic.name == "Customer presentation")).scalar_one()
        assert [page.slug for page in deck.pages] == ["customer-presentation"]
        now = utcnow()
        assert [t.name for t in db.session.execute(select(Tactic)).scalars() if tactics.is_overdue(t, now)] == [
            "Customer presentation"
        ]
        assert db.session.execute(select(func.count()).select_from(TacticReview)).scalar_one() >= 2
    rep = browser()
    rep.login("aisha.khan@example.com", "council-demo-2027")
    html = rep.get("/council").get_data(as_text=True)
    assert "Tom Becker" in html and "Review overdue by 6 days" in html and "Review due in 11 days" in html


def test_demo_archive_holds_a_sent_summary_crediting_the_council(app, browser):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    reader = browser()
    assert reader.login("aisha.khan@example.com", "council-demo-2027").status_code == 303
    archive = reader.get("/summaries").get_data(as_text=True)
    assert "FY27 plan: what the council changed in its first two weeks" in archive
    link = archive.split('href="/summaries/')[1].split('"')[0]
    summary = reader.get(f"/summaries/{link}").get_data(as_text=True)
    assert "Thanks to" in summary and "DORA" in summary


def test_every_demo_address_can_receive_the_summary_email(app):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        emails = db.session.execute(select(User.email)).scalars().all()
    assert all(email.isascii() for email in emails), [email for email in emails if not email.isascii()]
