"""Present mode: the page as slides for each reader, and the leads' choice of who presents each section."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from tests.factories import make_member, make_page, make_user, publish
from wiki.extensions import db
from wiki.models import SectionPresenter, utcnow
from wiki.services import accounts, pages, presenting, summaries
from wiki.services.pages import EditSubmission

PUBLISHED = """# FY27 plan

Why the council presents the plan.

## Target segments

| Segment | Accounts |
|---|---:|
| Regional banks | 410 |

```notes
Say that banks come first.
```

## Pricing

Three tiers, one per size of bank.

---

Discounts stop at 15%.
"""
DRAFT_WORD = "SECRET-DRAFT-WORD"
DRAFT_TITLE = "SECRET-DRAFT-TITLE"


@pytest.fixture
def plan(app, people):
    """A plan whose revision 1 is published and whose revision 2, retitled, is a draft; Sofia sits on the
    council for EMEA."""
    with app.app_context():
        page = make_page(people["lead"], title="FY27 plan", bodies=(PUBLISHED,))
        publish(people["lead"], page, 1)
        pages.save_revision(
            people["council"],
            EditSubmission(
                slug="fy27-plan",
                body=PUBLISHED.replace("## Pricing", f"## Pricing {DRAFT_WORD}"),
                summary="draft",
                base_number=1,
                title=DRAFT_TITLE,
                kind="plan",
            ),
        )
        sofia = make_user(role="field", name="Sofia Lindqvist", email="sofia@example.com")
        make_member(people["lead"], sofia, "EMEA")
        return {"sofia_id": sofia.id}


def _slides(html: str) -> list[str]:
    return re.findall(r"<section[^>]*>(.*?)</section>", html, re.DOTALL)


def _assigned(app) -> dict[str, int]:
    with app.app_context():
        return {row.section: row.user_id for row in db.session.execute(select(SectionPresenter)).scalars()}


# Who sees which version -----------------------------------------------------------------------------


def test_field_reader_presents_only_the_published_version(plan, as_field):
    response = as_field.get("/p/fy27-plan/present")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Three tiers, one per size of bank." in html
    assert DRAFT_WORD not in html and DRAFT_TITLE not in html
    assert "Published version, revision 1" in html


def test_field_reader_cannot_preview_the_draft(plan, as_field):
    response = as_field.get("/p/fy27-plan/present?draft=1")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "only the council and marketing leads preview a draft" in html
    assert DRAFT_WORD not in html and DRAFT_TITLE not in html


def test_field_reader_finds_no_slides_of_a_page_with_nothing_published(app, people, as_field):
    with app.app_context():
        make_page(people["council"], slug="webinars", bodies=(f"# Webinars\n\n{DRAFT_WORD}\n",))
    response = as_field.get("/p/webinars/present")
    assert response.status_code == 404
    assert DRAFT_WORD not in response.get_data(as_text=True)


def test_council_presents_the_published_version_and_previews_the_draft(plan, as_council):
    published = as_council.get("/p/fy27-plan/present").get_data(as_text=True)
    assert DRAFT_WORD not in published
    assert 'href="/p/fy27-plan/present?draft=1"' in published
    draft = as_council.get("/p/fy27-plan/present?draft=1")
    html = draft.get_data(as_text=True)
    assert draft.status_code == 200
    assert f"Pricing {DRAFT_WORD}" in html
    assert f"<title>{DRAFT_TITLE}" in html
    assert "Draft preview, revision 2" in html and "Draft — not what the field has" in html


def test_a_page_with_nothing_published_shows_the_council_its_draft_marked_as_one(app, people, as_council):
    with app.app_context():
        make_page(people["council"], slug="webinars", title="Webinars", bodies=("## Series\n\nFour sessions.\n",))
    html = as_council.get("/p/webinars/present").get_data(as_text=True)
    assert "Four sessions." in html
    assert "Draft — not what the field has" in html


def test_a_bad_draft_argument_is_refused(plan, as_council):
    response = as_council.get("/p/fy27-plan/present?draft=yes")
    assert response.status_code == 400
    assert "“draft” is 1" in response.get_data(as_text=True)


# What the slides show -------------------------------------------------------------------------------


def test_slides_follow_the_sections_with_notes_for_the_speaker_only(plan, as_field):
    slides = _slides(as_field.get("/p/fy27-plan/present").get_data(as_text=True))
    assert len(slides) == 4
    assert "<h1" in slides[0] and "FY27 plan" in slides[0]
    assert "<table" in slides[1] and "Regional banks" in slides[1]
    on_slide, notes = slides[1].split('<aside class="notes">')
    assert "Say that banks come first." not in on_slide
    assert "Say that banks come first." in notes
    assert "Three tiers" in slides[2] and "Discounts stop at 15%." in slides[3]


def test_markdown_on_a_slide_never_runs_as_html(app, people, as_field):
    with app.app_context():
        page = make_page(
            people["lead"],
            slug="hostile",
            bodies=("## Hi\n\n<script>alert(1)</script>\n\n```notes\n<img src=x onerror=alert(1)>\n```\n",),
        )
        publish(people["lead"], page, 1)
    html = as_field.get("/p/hostile/present").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_view_offers_present_mode_to_its_readers(plan, as_field):
    assert 'href="/p/fy27-plan/present"' in as_field.get("/p/fy27-plan").get_data(as_text=True)


def test_only_the_wikis_own_pages_may_frame_the_deck(plan, as_council):
    deck = as_council.get("/p/fy27-plan/present")
    assert "frame-ancestors 'self'" in deck.headers["Content-Security-Policy"]
    assert deck.headers["X-Frame-Options"] == "SAMEORIGIN"
    page = as_council.get("/p/fy27-plan")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_the_speaker_view_runs_from_files_the_policy_allows(plan, as_council):
    html = as_council.get("/p/fy27-plan/present/speaker").get_data(as_text=True)
    assert "reveal-5.2.1-speaker-view.js" in html
    assert not re.search(r"<script>|<style>| style=", html)


# Presenters ------------------------------------------------------------------------------------------


def test_lead_assigns_a_council_member_to_a_section(app, plan, as_lead):
    form = as_lead.get("/p/fy27-plan/presenters").get_data(as_text=True)
    assert 'name="presenter:target-segments"' in form and "Sofia Lindqvist, EMEA" in form
    response = as_lead.post("/p/fy27-plan/presenters", {"presenter:target-segments": str(plan["sofia_id"])})
    assert response.status_code == 303
    assert _assigned(app) == {"target-segments": plan["sofia_id"]}


def test_lead_unassigns_a_presenter(app, plan, as_lead):
    as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": str(plan["sofia_id"])})
    as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": ""})
    assert _assigned(app) == {}


@pytest.mark.parametrize("role", ["council", "field"])
def test_only_leads_assign_presenters(app, plan, browser, people, role):
    person = browser(people[role])
    assert person.get("/p/fy27-plan/presenters").status_code == 403
    response = person.post("/p/fy27-plan/presenters", {"presenter:pricing": str(plan["sofia_id"])})
    assert response.status_code == 403
    assert "Only marketing leads assign presenters." in response.get_data(as_text=True)
    assert _assigned(app) == {}


def test_a_presenter_must_be_an_active_council_member(app, plan, people, as_lead):
    with app.app_context():
        unseated = make_user(role="council", name="Una Unseated")
        former = make_user(role="field", name="Fay Former")
        make_member(people["lead"], former, "APAC")
        accounts.set_active(people["lead"], former.id, False)
    for person_id, name in (
        (people["field"].id, "Finn Field"),
        (people["lead"].id, "Lena Lead"),
        (unseated.id, "Una Unseated"),
        (former.id, "Fay Former"),
    ):
        response = as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": str(person_id)})
        html = unescape(response.get_data(as_text=True))
        assert response.status_code == 400
        assert f"{name} can't present a section: presenters are active members of the council." in html
    assert _assigned(app) == {}


def test_presenters_of_sections_the_page_doesnt_have_or_people_who_dont_exist_are_refused(app, plan, as_lead):
    response = as_lead.post("/p/fy27-plan/presenters", {"presenter:no-such-section": str(plan["sofia_id"])})
    assert response.status_code == 400
    assert "This page has no section “no-such-section” to present." in response.get_data(as_text=True)
    assert as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": "999999"}).status_code == 400
    assert as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": "Sofia"}).status_code == 400
    assert _assigned(app) == {}


def test_the_title_slide_and_each_slide_of_a_section_say_who_presents_it(plan, as_lead, as_field):
    as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": str(plan["sofia_id"])})
    slides = _slides(as_field.get("/p/fy27-plan/present").get_data(as_text=True))
    line = "Presented by Sofia Lindqvist, EMEA"
    assert line in slides[0]
    assert line not in slides[1]
    assert line in slides[2] and line in slides[3]


def test_a_section_the_draft_renamed_keeps_its_presenter_listed_until_a_lead_removes_it(app, plan, people, as_lead):
    as_lead.post("/p/fy27-plan/presenters", {"presenter:target-segments": str(plan["sofia_id"])})
    with app.app_context():
        page = pages.get_page("fy27-plan")
        body = PUBLISHED.replace("## Target segments", "## Who we sell to")
        pages.save_revision(people["lead"], EditSubmission("fy27-plan", body, "retitle", 2, "FY27 plan", "plan"))
        publish(people["lead"], page, 3)
        rows = presenting.presenters_plan(people["lead"], pages.get_page("fy27-plan")).rows
    assert [(row.key, row.on_page) for row in rows][-1] == ("target-segments", False)
    assert as_lead.post("/p/fy27-plan/presenters", {"presenter:target-segments": ""}).status_code == 303
    assert _assigned(app) == {}


def test_the_presenters_page_offers_a_line_that_announces_the_session_in_a_summary(app, plan, people, as_lead):
    as_lead.post("/p/fy27-plan/presenters", {"presenter:pricing": str(plan["sofia_id"])})
    line = (
        "**Presenting the plan to the field:** [FY27 plan](/p/fy27-plan/present), presented by Sofia Lindqvist (EMEA)."
    )
    assert line in unescape(as_lead.get("/p/fy27-plan/presenters").get_data(as_text=True))
    with app.test_request_context():
        app.config["SITE_URL"] = "https://wiki.example.com"
        draft = summaries.create_draft(people["lead"], utcnow() - timedelta(days=14), utcnow())
        summaries.update_draft(people["lead"], draft, "Council summary", line, set(), ["field"])
        email = summaries.render_email(draft)
    assert '<a href="https://wiki.example.com/p/fy27-plan/present"' in email.html
    assert "presented by Sofia Lindqvist (EMEA)" in email.text


def test_nothing_to_announce_before_anyone_presents(plan, as_lead):
    assert "For the next summary" not in as_lead.get("/p/fy27-plan/presenters").get_data(as_text=True)
