"""A page as a PDF: what each reader may see of it, with its cover line, printed without touching the network."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from tests.factories import make_page, publish
from wiki.models import utcnow
from wiki.services import pages, pdf
from wiki.services.pages import EditSubmission

PUBLISHED = (
    "# Customer presentation\n\nWhat the field shows banks in the first meeting.\n\n"
    "## Budget\n\n| Region | Budget |\n|---|---:|\n| EMEA | 120,000 |\n| APAC | 80,000 |\n"
)
DRAFT = "# Customer presentation\n\nUNRELEASED-PRICING slide for the second meeting.\n"


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.get_data()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _today() -> str:
    now = utcnow()
    return f"{now.day} {now:%b %Y}"


@pytest.fixture
def deck(app, people):
    """Published as revision 1; revision 2 retitles it and adds a line, and waits for a lead."""
    with app.app_context():
        page = make_page(people["council"], slug="customer-deck", title="Customer presentation", bodies=(PUBLISHED,))
        publish(people["lead"], page, 1)
        pages.save_revision(
            people["council"],
            EditSubmission(slug="customer-deck", body=DRAFT, summary="", base_number=1, title="SECRET-NEW-TITLE"),
        )
    return "customer-deck"


def test_the_pdf_opens_with_the_page_text_its_table_and_the_cover_line(app, people, as_field, deck):
    response = as_field.get("/p/customer-deck/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="customer-deck-r1.pdf"'
    text = _text(response)
    assert "Customer presentation" in text
    assert f"Revision 1, approved by Lena Lead on {_today()}" in text
    assert "What the field shows banks in the first meeting." in text
    assert "EMEA" in text and "120,000" in text
    assert "1 of 1" in text


def test_the_field_pdf_holds_only_the_published_version(as_field, deck):
    text = _text(as_field.get("/p/customer-deck/pdf"))
    assert "UNRELEASED-PRICING" not in text
    assert "SECRET-NEW-TITLE" not in text
    assert as_field.get("/p/customer-deck/pdf?rev=2").status_code == 404


def test_the_council_prints_the_draft_head_or_an_older_revision(as_council, deck):
    head = as_council.get("/p/customer-deck/pdf")
    assert head.headers["Content-Disposition"] == 'attachment; filename="customer-deck-r2.pdf"'
    text = _text(head)
    assert "SECRET-NEW-TITLE" in text and "UNRELEASED-PRICING" in text
    assert "Revision 2: Draft, not yet approved" in text
    old = as_council.get("/p/customer-deck/pdf?rev=1")
    assert old.headers["Content-Disposition"] == 'attachment; filename="customer-deck-r1.pdf"'
    assert "Revision 1, approved by Lena Lead" in _text(old)


def test_a_page_never_published_has_no_pdf_for_the_field(app, people, as_field, as_council):
    with app.app_context():
        make_page(people["council"], slug="pricing-floor", title="Pricing floor", bodies=("Secret floor.\n",))
    response = as_field.get("/p/pricing-floor/pdf")
    assert response.status_code == 404
    assert "Pricing floor" not in response.get_data(as_text=True)
    assert as_council.get("/p/pricing-floor/pdf").status_code == 200


def test_the_page_view_links_to_its_pdf(as_field, deck):
    html = as_field.get("/p/customer-deck").get_data(as_text=True)
    assert 'href="/p/customer-deck/pdf?rev=1"' in html


class _Recorder(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        _Recorder.asked.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_images_that_point_elsewhere_are_left_out_not_fetched(app, people, as_council):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        app.config["SITE_URL"] = f"http://127.0.0.1:{port}"
        body = (
            f"# Logos\n\n![remote](http://127.0.0.1:{port}/logo.png)\n\n![ours](/static/favicon.svg)\n\n"
            "Words around the pictures.\n"
        )
        with app.app_context():
            make_page(people["council"], slug="logos", bodies=(body,))
        response = as_council.get("/p/logos/pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 200
    assert "Words around the pictures." in _text(response)
    assert _Recorder.asked == []


def test_a_page_too_large_to_print_is_refused_with_413(app, people, as_council, monkeypatch):
    with app.app_context():
        make_page(people["council"], slug="long-plan", bodies=("# Long\n\n" + "Many words here. " * 400 + "\n",))
    monkeypatch.setattr(pdf, "PDF_MAX_BYTES", 2048)
    response = as_council.get("/p/long-plan/pdf")
    assert response.status_code == 413
    assert "a PDF can be made of pages up to 2 KB" in response.get_data(as_text=True)


def test_a_revision_is_printed_once_and_again_when_its_approval_changes_the_cover(
    app, people, as_council, as_field, deck, monkeypatch
):
    printed = []
    real = pdf.print_html
    monkeypatch.setattr(pdf, "print_html", lambda html: printed.append(html) or real(html))
    first = as_council.get("/p/customer-deck/pdf").get_data()
    assert as_council.get("/p/customer-deck/pdf").get_data() == first and len(printed) == 1
    with app.app_context():
        publish(people["lead"], pages.get_page("customer-deck"), 2)
    text = _text(as_field.get("/p/customer-deck/pdf"))
    assert len(printed) == 2 and f"Revision 2, approved by Lena Lead on {_today()}" in text
