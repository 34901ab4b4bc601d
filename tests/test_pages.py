"""Reading, creating, editing, history, diffs, restoring and publishing pages over HTTP."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.factories import make_page, publish
from wiki.extensions import db
from wiki.models import Draft, Revision, RevisionOrigin


def save(person, slug, body, base, summary="", **extra):
    data = {"body": body, "summary": summary, "base_revision": str(base), **extra}
    return person.post(f"/p/{slug}/edit", data, token_from=f"/p/{slug}/edit")


def revisions_of(app, slug):
    with app.app_context():
        from wiki.services.pages import get_page

        page = get_page(slug)
        return list(
            db.session.execute(select(Revision).where(Revision.page_id == page.id).order_by(Revision.number)).scalars()
        )


def test_council_member_creates_a_page_by_opening_its_edit_url(as_council):
    form = as_council.get("/p/webinar-series/edit")
    assert form.status_code == 200
    assert 'name="base_revision"' in form.get_data(as_text=True)

    response = save(as_council, "webinar-series", "# Webinars\n\nFour sessions.", 0, "First cut", kind="collateral")
    assert response.status_code == 303
    page = as_council.get("/p/webinar-series").get_data(as_text=True)
    assert "Four sessions." in page
    assert "Saved as revision 1." in page


def test_missing_page_offers_staff_a_create_link(as_council):
    response = as_council.get("/p/no-such-page")
    assert response.status_code == 404
    assert "/p/no-such-page/edit" in response.get_data(as_text=True)


def test_invalid_slug_is_refused_with_the_rule(as_council):
    response = as_council.get("/p/Bad_Slug/edit")
    assert response.status_code == 400
    assert "lowercase" in response.get_data(as_text=True)
    assert save(as_council, "Nope--x", "text", 0).status_code == 400


def test_dashboard_new_page_box_checks_the_name(as_council):
    assert as_council.get("/new?slug=good-name").headers["Location"].endswith("/p/good-name/edit")
    assert as_council.get("/new?slug=Bad Name").status_code == 400


def test_markdown_renders_tables_tasks_and_heading_anchors(as_council):
    body = "# Plan\n\n## Segments\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n~~old~~\n"
    save(as_council, "fy27-plan", body, 0)
    html = as_council.get("/p/fy27-plan").get_data(as_text=True)
    assert "<table" in html and "<s>old</s>" in html
    assert 'type="checkbox"' in html
    assert 'id="segments"' in html


def test_raw_html_and_script_links_are_shown_as_text(as_council):
    save(as_council, "xss", "<script>alert(1)</script>\n\n[click](javascript:alert(1))\n", 0)
    html = as_council.get("/p/xss").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def history_rows(html: str) -> list[dict[str, str]]:
    """The history table as a reader sees it: one row per revision, each cell's text under its column heading."""
    table = html[html.index('<table class="list history"') :]
    table = table[: table.index("</table>")]

    def text(cell: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", cell).split())

    headings = [text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    rows = re.findall(r"<tr>(.*?)</tr>", table.partition("<tbody>")[2], re.S)
    return [dict(zip(headings, map(text, re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)), strict=True)) for row in rows]


def test_history_lists_revisions_newest_first_with_author_and_size_change(app, people, as_council):
    with app.app_context():
        make_page(people["lead"], bodies=("one\n",))
    save(as_council, "fy27-plan", "one\ntwo\n", 1, "second")
    rows = history_rows(as_council.get("/p/fy27-plan/history").get_data(as_text=True))
    assert [(row["Revision"].split()[0], row["Author"], row["Size"]) for row in rows] == [
        ("r2", "Cora Council", "+4"),
        ("r1", "Lena Lead", "+4"),
    ]
    assert rows[0]["Summary"] == "second"


def test_history_is_paginated(app, as_council):
    app.config["HISTORY_PAGE_SIZE"] = 2
    for n in range(5):
        save(as_council, "fy27-plan", f"version {n}\n", n)
    first = as_council.get("/p/fy27-plan/history").get_data(as_text=True)
    assert "Page 1 of 3" in first and ">r5<" in first and ">r3<" not in first
    third = as_council.get("/p/fy27-plan/history?page=3").get_data(as_text=True)
    assert ">r1<" in third
    assert as_council.get("/p/fy27-plan/history?page=4").status_code == 404
    assert as_council.get("/p/fy27-plan/history?page=abc").status_code == 400


def test_old_revision_and_raw_are_readable(as_council):
    save(as_council, "fy27-plan", "first text\n", 0)
    save(as_council, "fy27-plan", "second text\n", 1)
    old = as_council.get("/p/fy27-plan?rev=1").get_data(as_text=True)
    assert "first text" in old and "older revision" in old
    raw = as_council.get("/p/fy27-plan/raw?rev=1")
    assert raw.mimetype == "text/plain" and raw.get_data(as_text=True) == "first text\n"
    assert as_council.get("/p/fy27-plan/raw").get_data(as_text=True) == "second text\n"
    assert as_council.get("/p/fy27-plan?rev=9").status_code == 404
    assert as_council.get("/p/fy27-plan?rev=0").status_code == 400


def test_diff_highlights_inserted_and_deleted_words(as_council):
    save(as_council, "fy27-plan", "We sell to regional banks.\n", 0)
    save(as_council, "fy27-plan", "We sell to regional banks and credit unions.\n", 1)
    inline = as_council.get("/p/fy27-plan/diff?from=1&to=2").get_data(as_text=True)
    assert "<ins>" in inline and "credit unions" in inline
    side = as_council.get("/p/fy27-plan/diff?from=1&to=2&view=side").get_data(as_text=True)
    assert "side-diff" in side and "<ins>" in side


def test_restore_creates_a_new_revision_and_keeps_history(app, as_council):
    save(as_council, "fy27-plan", "original\n", 0)
    save(as_council, "fy27-plan", "vandalised\n", 1)
    response = as_council.post("/p/fy27-plan/restore", {"rev": "1"})
    assert response.status_code == 303
    revisions = revisions_of(app, "fy27-plan")
    assert [r.number for r in revisions] == [1, 2, 3]
    with app.app_context():
        head = db.session.get(Revision, revisions[-1].id)
        assert head.body == "original\n" and head.origin == RevisionOrigin.RESTORE and head.restored_from == 1


def test_non_overlapping_concurrent_edits_merge_and_say_so(app, as_council, as_lead):
    base = "# Plan\n\nIntro paragraph.\n\nMiddle paragraph.\n\nClosing paragraph.\n"
    save(as_council, "fy27-plan", base, 0)
    save(as_lead, "fy27-plan", base.replace("Intro paragraph.", "Intro, sharpened."), 1)
    response = save(as_council, "fy27-plan", base.replace("Closing paragraph.", "Closing, reworded."), 1)
    assert response.status_code == 303
    page = as_council.get("/p/fy27-plan").get_data(as_text=True)
    assert "merged" in page
    assert "Intro, sharpened." in page and "Closing, reworded." in page
    head = revisions_of(app, "fy27-plan")[-1]
    assert head.origin == RevisionOrigin.MERGE and head.base_number == 1


def test_overlapping_edits_answer_409_and_keep_my_text(app, as_council, as_lead, people):
    save(as_council, "fy27-plan", "The value proposition.\n", 0)
    save(as_lead, "fy27-plan", "The lead's value proposition.\n", 1)
    response = save(as_council, "fy27-plan", "The council's value proposition.\n", 1, "my words")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The council&#39;s value proposition." in html or "The council's value proposition." in html
    assert 'name="base_revision"' in html and 'value="2"' in html
    with app.app_context():
        draft = db.session.execute(select(Draft).where(Draft.user_id == people["council"].id)).scalar_one()
        assert draft.body == "The council's value proposition.\n"
    reopened = as_council.get("/p/fy27-plan/edit").get_data(as_text=True)
    assert "unsaved draft" in reopened and "council&#39;s value proposition" in reopened
    assert len(revisions_of(app, "fy27-plan")) == 2


def test_saving_the_same_text_creates_no_revision(app, as_council):
    save(as_council, "fy27-plan", "same\n", 0)
    response = save(as_council, "fy27-plan", "same\n", 1)
    assert response.status_code == 303
    assert len(revisions_of(app, "fy27-plan")) == 1


def test_preview_renders_markdown_and_keeps_a_draft(app, as_council, people):
    response = as_council.post(
        "/p/new-idea/preview",
        {"body": "**bold idea**", "summary": "", "base_revision": "0"},
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>bold idea</strong>" in html and "<html" not in html
    with app.app_context():
        assert db.session.execute(select(Draft.body).where(Draft.slug == "new-idea")).scalar_one() == "**bold idea**"


def test_crlf_is_normalised(app, as_council):
    save(as_council, "fy27-plan", "a\r\nb\r\n", 0)
    assert as_council.get("/p/fy27-plan/raw").get_data(as_text=True) == "a\nb\n"


def test_field_reader_cannot_see_unapproved_draft(app, people, as_field):
    with app.app_context():
        make_page(people["council"], bodies=("published words\n", "draft words\n"))
    response = as_field.get("/p/fy27-plan")
    assert response.status_code == 404
    assert "draft words" not in response.get_data(as_text=True)
    with app.app_context():
        from wiki.services.pages import get_page

        publish(people["lead"], get_page("fy27-plan"), 1)
    html = as_field.get("/p/fy27-plan").get_data(as_text=True)
    assert "published words" in html and "draft words" not in html
    assert as_field.get("/p/fy27-plan?rev=2").status_code == 404
    assert as_field.get("/p/fy27-plan/raw?rev=2").status_code == 404
    assert as_field.get("/p/fy27-plan/raw").get_data(as_text=True) == "published words\n"
    assert as_field.get("/p/fy27-plan/history").status_code == 403
    assert as_field.get("/p/fy27-plan/diff?from=1&to=2").status_code == 403
    assert as_field.get("/p/fy27-plan/edit").status_code == 403


def test_lead_publishes_and_the_field_sees_the_newest_published(app, people, as_lead, as_field):
    with app.app_context():
        make_page(people["council"], bodies=("v1\n", "v2\n", "v3\n"))
    assert as_lead.post("/p/fy27-plan/publish", {"rev": "2"}).status_code == 303
    assert "v2" in as_field.get("/p/fy27-plan").get_data(as_text=True)
    older = as_lead.post("/p/fy27-plan/publish", {"rev": "1"})
    assert older.status_code == 409 and "restore it" in older.get_data(as_text=True)
    assert "v2" in as_field.get("/p/fy27-plan").get_data(as_text=True)


def test_council_cannot_publish(app, people, as_council):
    with app.app_context():
        make_page(people["council"])
    assert as_council.post("/p/fy27-plan/publish", {"rev": "1"}).status_code == 403


def test_dashboard_lists_pages_by_kind_with_author(app, people, as_council, as_field):
    with app.app_context():
        make_page(people["council"], slug="fy27-plan", title="FY27 plan", kind="plan")
        make_page(people["lead"], slug="deck", title="The deck", kind="collateral")
    html = as_council.get("/").get_data(as_text=True)
    assert "Plans" in html and "FY27 plan" in html and "The deck" in html and "Lena Lead" in html
    assert "FY27 plan" not in as_field.get("/").get_data(as_text=True)
