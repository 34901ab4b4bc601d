"""Taking the wiki out as a zip of Markdown, and bringing Markdown, Word plans and export zips back in."""

from __future__ import annotations

import html as entities
import io
import json
import zipfile

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from sqlalchemy import select

from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck
from tests.files.seed import add_file, approve_file
from wiki.cache import clear_every_cache
from wiki.extensions import db
from wiki.models import Attachment, Page
from wiki.services import files, pages
from wiki.services.pages import EditSubmission

# Titles and bodies that would trip a careless writer of front matter: quotes, colons, a leading rule.
WORLD = {
    "fy27-plan": ('FY27 plan: "Win the regional banks"', "plan", "# FY27\n\nGoals: grow.\n"),
    "customer-deck": ("Customer presentation", "collateral", "---\n\nSlides for the *first* meeting.\n"),
    "webinar-notes": ("Webinar notes — Q1", "note", "No trailing newline"),
}


def _zip(entries: dict[str, bytes | str]) -> bytes:
    """The same bytes whenever it is made: a test parametrized with an archive is collected by each worker, and
    pytest-xdist refuses to run when the workers' tests differ (a clock's second in each entry would do it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2027, 1, 4, 9, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _import(person, data: bytes, name: str):
    return person.upload("/admin/import", {"file": (io.BytesIO(data), name)})


def _heads(app) -> dict[str, tuple[str, str, str, int, str, bool]]:
    """Every page as it now stands: head title, kind, body, number, author's email, whether published."""
    with app.app_context():
        found = {}
        for page in db.session.execute(select(Page).order_by(Page.slug)).scalars():
            head = page.head
            found[page.slug] = (
                head.title,
                head.kind.value,
                head.body,
                head.number,
                head.author.email,
                page.published_revision_id is not None,
            )
        return found


@pytest.fixture
def world(app, people, read_files_in_process):
    """Three published pages (the plan twice revised, the deck with an approved file) and one never published."""
    lead, council = people["lead"], people["council"]
    with app.app_context():
        for slug, (title, kind, body) in WORLD.items():
            page = make_page(council, slug=slug, title=title, kind=kind, bodies=("Older text.\n", body))
            publish(lead, page, 2)
        # A draft on top of a published page: the export has what the field reads.
        pages.save_revision(council, EditSubmission("fy27-plan", "# FY27\n\nUNAPPROVED\n", "", 2))
        make_page(council, slug="pricing-floor", title="Pricing floor", bodies=("Never published.\n",))
        add_file(council, "customer-deck", "customer-presentation.pptx", make_deck([("Hello", "Banks", "")]))
        approve_file(lead, "customer-deck", "customer-presentation.pptx", 1)
    return WORLD


def test_export_then_import_into_an_empty_wiki_gives_the_same_pages(app, people, world, worlds, tmp_path):
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["export", str(tmp_path / "wiki.zip")])
    assert exported.exit_code == 0, exported.output
    assert "Exported 3 published pages, 1 file" in exported.output
    assert "pricing-floor" in exported.output
    with app.app_context():
        deck = files.content(db.session.scalars(select(Attachment)).one().published)

    worlds.blank(app)
    clear_every_cache()
    with app.app_context():
        make_user(role="lead", name="Nora New", email="nora@example.com")
    imported = runner.invoke(args=["import", str(tmp_path / "wiki.zip"), "--as", "nora@example.com"])
    assert imported.exit_code == 0, imported.output
    # Three pages and the deck's file.
    assert "4 created, 0 with a new revision, 0 skipped." in imported.output

    heads = _heads(app)
    assert {slug: head[:3] for slug, head in heads.items()} == world
    assert all(head[3:] == (1, "nora@example.com", False) for head in heads.values())
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).one()
        assert (attachment.page.slug, attachment.name, attachment.published_version_id) == (
            "customer-deck",
            "customer-presentation.pptx",
            None,
        )
        assert files.content(attachment.head) == deck


def test_the_lead_downloads_the_published_pages_with_front_matter_and_a_manifest(as_lead, world):
    response = as_lead.get("/admin/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="council-wiki-')
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == [
        "README.txt",
        "files/customer-deck/customer-presentation.pptx",
        "manifest.json",
        "pages/customer-deck.md",
        "pages/fy27-plan.md",
        "pages/webinar-notes.md",
    ]
    plan = archive.read("pages/fy27-plan.md").decode()
    assert plan.startswith('---\ntitle: "FY27 plan: \\"Win the regional banks\\""\nkind: "plan"\nrevision: 2\n')
    assert 'author: "council@example.com"\napproved_by: "lead@example.com"\napproved_at: "' in plan
    assert plan.endswith("---\n# FY27\n\nGoals: grow.\n") and "UNAPPROVED" not in plan
    manifest = json.loads(archive.read("manifest.json"))
    assert [entry["slug"] for entry in manifest["pages"]] == ["customer-deck", "fy27-plan", "webinar-notes"]
    assert manifest["left_out"] == ["pricing-floor"]
    assert manifest["files"][0]["path"] == "files/customer-deck/customer-presentation.pptx"
    assert "left out: pricing-floor" in archive.read("README.txt").decode()


def test_the_history_export_holds_every_revision_of_every_page(as_lead, world):
    archive = zipfile.ZipFile(io.BytesIO(as_lead.get("/admin/export?history=1").get_data()))
    names = set(archive.namelist())
    assert {"pages/fy27-plan/r0001.md", "pages/fy27-plan/r0002.md", "pages/fy27-plan/r0003.md"} <= names
    assert "pages/pricing-floor/r0001.md" in names and "pages/pricing-floor.md" not in names
    assert "UNAPPROVED" in archive.read("pages/fy27-plan/r0003.md").decode()
    assert "approved_by: null" in archive.read("pages/fy27-plan/r0003.md").decode()


def test_a_history_export_brings_back_pages_never_published_too(app, as_lead, world, worlds, tmp_path):
    (tmp_path / "history.zip").write_bytes(as_lead.get("/admin/export?history=1").get_data())
    worlds.blank(app)
    clear_every_cache()
    with app.app_context():
        make_user(role="council", name="Nora New", email="nora@example.com")
    result = app.test_cli_runner().invoke(args=["import", str(tmp_path / "history.zip"), "--as", "nora@example.com"])
    assert result.exit_code == 0, result.output
    heads = _heads(app)
    # A published page comes back as the field read it; one never published as its newest revision.
    assert heads["fy27-plan"][2] == "# FY27\n\nGoals: grow.\n"
    assert heads["pricing-floor"][:3] == ("Pricing floor", "plan", "Never published.\n")


@pytest.mark.parametrize("role", ["council", "field"])
def test_only_leads_export_and_import(app, people, browser, role):
    person = browser(people[role])
    assert person.get("/admin/export").status_code == 403
    assert person.get("/admin/export?history=1").status_code == 403
    assert person.get("/admin/import").status_code == 403
    assert _import(person, b"# Mine\n", "mine.md").status_code == 403
    assert _heads(app) == {}


def test_the_people_page_leads_to_export_and_import(as_lead):
    assert 'href="/admin/import"' in as_lead.get("/admin/users").get_data(as_text=True)
    page = as_lead.get("/admin/import").get_data(as_text=True)
    assert 'href="/admin/export"' in page and 'href="/admin/export?history=1"' in page


def _add_link(paragraph, url: str, text: str) -> None:
    relation = paragraph.part.relate_to(
        url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run, words = OxmlElement("w:r"), OxmlElement("w:t")
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def _plan_docx() -> bytes:
    document = Document()
    document.add_heading("Webinar series", 0)
    document.add_heading("Goals", 1)
    paragraph = document.add_paragraph("We host ")
    paragraph.add_run("six").bold = True
    paragraph.add_run(" webinars, ")
    paragraph.add_run("one a month").italic = True
    paragraph.add_run(". See ")
    _add_link(paragraph, "https://example.com/calendar", "the calendar")
    paragraph.add_run(".")
    document.add_paragraph("Regional banks", style="List Bullet")
    document.add_paragraph("Credit unions", style="List Bullet 2")
    document.add_paragraph("Book the speakers", style="List Number")
    document.add_paragraph("Send the invitations", style="List Number")
    document.add_heading("Budget", 2)
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([["Region", "Budget"], ["EMEA", "12,000"], ["APAC", "8,000"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_plan_imports_with_its_headings_lists_table_and_links(app, as_lead):
    response = _import(as_lead, _plan_docx(), "Webinar Series.docx")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "created" in html and 'href="/p/webinar-series"' in html
    title, kind, body, number, author, published = _heads(app)["webinar-series"]
    assert (title, kind, number, author, published) == ("Webinar series", "note", 1, "lead@example.com", False)
    assert body == (
        "# Webinar series\n\n# Goals\n\n"
        "We host **six** webinars, *one a month*. See [the calendar](https://example.com/calendar).\n\n"
        "- Regional banks\n   - Credit unions\n1. Book the speakers\n1. Send the invitations\n\n"
        "## Budget\n\n| Region | Budget |\n| --- | --- |\n| EMEA | 12,000 |\n| APAC | 8,000 |\n"
    )


def test_a_markdown_file_takes_its_title_from_front_matter_then_heading_then_name(app, as_lead):
    _import(as_lead, b'---\ntitle: "Lead scoring: v2"\nkind: "plan"\n---\n# Scoring\n', "lead-scoring.md")
    _import(as_lead, b"Intro.\n\n# Email cadence\n\nThree touches.\n", "email.md")
    _import(as_lead, b"No heading at all.\n", "Field FAQ.md")
    heads = _heads(app)
    assert heads["lead-scoring"][:3] == ("Lead scoring: v2", "plan", "# Scoring\n")
    assert heads["email"][0] == "Email cadence"
    assert heads["field-faq"][0] == "Field FAQ"


def test_an_existing_page_gets_a_new_draft_revision_on_top_never_in_place(app, people, as_lead):
    with app.app_context():
        page = make_page(people["council"], slug="fy27-plan", title="FY27 plan", bodies=("# Plan\n\nOld.\n",))
        publish(people["lead"], page, 1)
    html = _import(as_lead, b"# Plan\n\nNew.\n", "fy27-plan.md").get_data(as_text=True)
    assert "new revision" in html and "revision 2 on top of revision 1" in html
    heads = _heads(app)
    assert heads["fy27-plan"][2:] == ("# Plan\n\nNew.\n", 2, "lead@example.com", True)
    with app.app_context():
        assert pages.get_page("fy27-plan").published.body == "# Plan\n\nOld.\n"
    again = _import(as_lead, b"# Plan\n\nNew.\n", "fy27-plan.md").get_data(as_text=True)
    assert "skipped" in again and "the same as revision 2, the current one" in again


def test_importing_a_page_keeps_the_importers_own_unsaved_draft_of_it(app, people, as_lead):
    with app.app_context():
        make_page(people["council"], slug="fy27-plan", bodies=("# Plan\n",))
        pages.keep_draft(people["lead"], EditSubmission("fy27-plan", "# Plan\n\nMy half-written idea.\n", "", 1))
    _import(as_lead, b"# Plan\n\nImported.\n", "fy27-plan.md")
    with app.app_context():
        draft = pages.get_draft(people["lead"], "fy27-plan")
        assert draft is not None and draft.body == "# Plan\n\nMy half-written idea.\n"
    assert _heads(app)["fy27-plan"][2] == "# Plan\n\nImported.\n"


def test_an_archive_reports_each_file_it_could_not_bring_in(app, as_lead):
    archive = _zip(
        {
            "pages/good-page.md": "# Good\n",
            "pages/logo.png": b"\x89PNG\r\n\x1a\n",
            "files/no-such-page/deck.pptx": b"PK",
            "other/Good Page.md": "# Twin\n",
        }
    )
    response = _import(as_lead, archive, "pages.zip")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1 created · 0 with a new revision · 3 skipped" in html
    assert "not a Markdown or Word file" in html
    assert "there is no page “no-such-page” for it" in html
    assert "is page “good-page” already" in html


def _bomb() -> bytes:
    # 20 MB of zeros packs into some 20 KB: far past the ratio any real document has.
    return _zip({"pages/bomb.md": b"\0" * 20_000_000})


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.zip", b"# Not a zip\n", "“plan.zip” is not a zip archive."),
        ("broken.zip", _zip({"pages/a.md": "# A\n" * 100})[:-30], "“broken.zip” is damaged or incomplete"),
        ("evil.zip", _zip({"../../etc/passwd.md": "# Evil\n"}), "which points outside the archive"),
        ("evil2.zip", _zip({"/etc/cron.md": "# Evil\n"}), "which points outside the archive"),
        ("bomb.zip", _bomb(), "would expand to more than"),
        ("plan.docx", b"Just some words.\n", "“plan.docx” can't be imported as a Word document"),
        ("plan.docx", _zip({"word/other.xml": "<x/>"}), "“plan.docx” can't be imported as a Word document"),
        (
            "plan.docx",
            _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "not XML"}),
            "can't be imported as a Word document: it can't be read as a Word document.",
        ),
        ("plan.exe", b"MZ\x90\x00", "“plan.exe” can't be imported."),
        ("plan.md", b"PK\x03\x04rest", "is not Markdown text"),
        ("plan.md", b"\xff\xfe# Plan\n", "is not UTF-8 text"),
    ],
)
def test_bad_uploads_get_400_with_a_message_and_import_nothing(app, as_lead, name, data, message):
    response = _import(as_lead, data, name)
    assert response.status_code == 400
    html = entities.unescape(response.get_data(as_text=True))
    assert message in html
    assert 'id="import-file"' in html
    assert _heads(app) == {}


def test_an_import_past_the_upload_limit_gets_413(app, as_lead):
    app.config["MAX_UPLOAD_BYTES"] = 1024
    response = _import(as_lead, b"# Big\n\n" + b"words " * 1000, "big.md")
    assert response.status_code == 413
    assert "“big.md” is 6 KB; an import can be at most 1 KB." in response.get_data(as_text=True)
