"""Files on a page: upload, versions, downloads, approval, and what the field may see of them."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from tests.factories import make_page, make_user, publish
from tests.files.makers import make_deck, make_docx, make_pdf, make_png, zip_bomb_pptx
from tests.tokens import without_tokens
from wiki.extensions import db
from wiki.models import Attachment, Blob, FileVersion, Notification
from wiki.services import file_review, files, pages

SLIDES = [(f"Slide title {n}", f"Body of slide {n}", f"Notes {n}") for n in range(1, 11)]


@pytest.fixture
def deck_page(app, people):
    with app.app_context():
        page = make_page(people["lead"], slug="customer-deck", title="Customer deck", kind="collateral")
        publish(people["lead"], page, 1)
    return "customer-deck"


def _upload(person, data: bytes, name: str, note: str = "", url: str = "/p/customer-deck/files"):
    return person.upload(url, {"file": (io.BytesIO(data), name), "note": note})


def _approve(person, number: int, name: str = "customer-presentation.pptx"):
    return person.post(f"/p/customer-deck/files/{name}/approve", {"v": str(number)})


def _versions(app) -> list[tuple[int, str, int, str]]:
    with app.app_context():
        return [
            (v.number, v.kind, v.size, v.note)
            for v in db.session.execute(select(FileVersion).order_by(FileVersion.number)).scalars()
        ]


def test_council_uploads_a_deck_and_reads_its_outline(app, deck_page, as_council):
    deck = make_deck(SLIDES)
    response = _upload(as_council, deck, "Customer Presentation.pptx", note="First cut for the field")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/p/customer-deck/files/customer-presentation.pptx/preview")
    html = as_council.get("/p/customer-deck/files/customer-presentation.pptx/preview").get_data(as_text=True)
    assert "Slide 7</span> · Slide title 7" in html
    assert "Body of slide 7" in html and "Notes 7" in html
    assert "waiting for approval" in html and "“First cut for the field”" in html
    assert _versions(app) == [(1, "pptx", len(deck), "First cut for the field")]
    listing = as_council.get("/p/customer-deck/files").get_data(as_text=True)
    assert "customer-presentation.pptx" in listing and "10 slides" in listing


def test_the_same_name_makes_version_two_and_both_download(app, deck_page, as_council):
    first, second = make_deck(SLIDES), make_deck([*SLIDES[:6], ("Slide title 7", "New body", "Notes 7"), *SLIDES[7:]])
    _upload(as_council, first, "customer-presentation.pptx")
    response = _upload(as_council, second, "customer-presentation.pptx", note="Slide 7 rewritten")
    assert response.status_code == 303
    assert [row[0] for row in _versions(app)] == [1, 2]

    old = as_council.get("/p/customer-deck/files/customer-presentation.pptx?v=1")
    assert old.status_code == 200 and old.data == first
    assert old.headers["Content-Disposition"] == "attachment; filename=customer-presentation-v1.pptx"
    assert old.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert old.headers["X-Content-Type-Options"] == "nosniff"
    newest = as_council.get("/p/customer-deck/files/customer-presentation.pptx")
    assert newest.data == second
    assert "customer-presentation-v2.pptx" in newest.headers["Content-Disposition"]


def test_a_download_answers_etag_revalidation_and_ranges(app, deck_page, as_council):
    deck = make_deck(SLIDES)
    _upload(as_council, deck, "customer-presentation.pptx")
    url = "/p/customer-deck/files/customer-presentation.pptx?v=1"
    full = as_council.get(url)
    assert full.headers["ETag"] == f'"{hashlib.sha256(deck).hexdigest()}"'
    assert as_council.get(url, headers={"If-None-Match": full.headers["ETag"]}).status_code == 304
    part = as_council.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == deck[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(deck)}"


def test_field_reader_cannot_see_or_download_a_draft_file(app, deck_page, as_council, as_field):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    missing = as_field.get("/p/customer-deck/files/no-such-file.pptx")
    for url in (
        "/p/customer-deck/files/customer-presentation.pptx",
        "/p/customer-deck/files/customer-presentation.pptx?v=1",
        "/p/customer-deck/files/customer-presentation.pptx/preview",
    ):
        response = as_field.get(url)
        assert response.status_code == 404
        shown = response.get_data(as_text=True).replace("customer-presentation.pptx", "no-such-file.pptx")
        assert without_tokens(shown) == without_tokens(missing.get_data(as_text=True))
    listing = as_field.get("/p/customer-deck/files").get_data(as_text=True)
    assert "customer-presentation" not in listing and "no approved files yet" in listing


def test_field_downloads_the_approved_version_only(app, deck_page, as_council, as_lead, as_field):
    first = make_deck(SLIDES)
    _upload(as_council, first, "customer-presentation.pptx")
    assert _approve(as_lead, 1).status_code == 303
    _upload(as_council, make_deck(SLIDES[:5]), "customer-presentation.pptx", note="Cut to five slides")

    download = as_field.get("/p/customer-deck/files/customer-presentation.pptx")
    assert download.status_code == 200 and download.data == first
    assert "customer-presentation-v1.pptx" in download.headers["Content-Disposition"]
    assert as_field.get("/p/customer-deck/files/customer-presentation.pptx?v=2").status_code == 404
    preview = as_field.get("/p/customer-deck/files/customer-presentation.pptx/preview").get_data(as_text=True)
    assert "Slide title 10" in preview and "Cut to five slides" not in preview and "Restore" not in preview

    _approve(as_lead, 2)
    assert as_field.get("/p/customer-deck/files/customer-presentation.pptx?v=1").status_code == 404
    assert as_field.get("/p/customer-deck/files/customer-presentation.pptx?v=2").status_code == 200


def test_approving_tells_the_uploader_and_only_goes_forward(app, people, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    _upload(as_council, make_deck(SLIDES[:4]), "customer-presentation.pptx")
    assert _approve(as_lead, 2).status_code == 303
    older = _approve(as_lead, 1)
    assert older.status_code == 409
    assert "Version 2 of “customer-presentation.pptx”, which is newer, is already approved" in older.get_data(
        as_text=True
    )
    with app.app_context():
        [notice] = db.session.execute(
            select(Notification).where(Notification.user_id == people["council"].id)
        ).scalars()
        assert "approved version 2 of “customer-presentation.pptx” on “Customer deck”" in notice.text


def test_the_files_list_tells_staff_what_the_field_has_and_what_was_sent_back(app, deck_page, as_council, as_lead):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    _approve(as_lead, 1)
    _upload(as_council, make_deck(SLIDES[:5]), "customer-presentation.pptx")
    listing = as_council.get("/p/customer-deck/files").get_data(as_text=True)
    assert "waiting for approval" in listing and "The field downloads version 1." in listing
    as_lead.post(
        "/p/customer-deck/files/customer-presentation.pptx/request-changes", {"v": "2", "note": "Keep the pricing"}
    )
    listing = as_council.get("/p/customer-deck/files").get_data(as_text=True)
    assert "changes requested" in listing and "waiting for approval" not in listing


def test_council_cannot_approve_a_file(app, deck_page, as_council):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    assert _approve(as_council, 1).status_code == 403
    with app.app_context():
        assert db.session.execute(select(Attachment.published_version_id)).scalar_one() is None


def test_field_cannot_upload(app, deck_page, as_field):
    response = _upload(as_field, make_deck(SLIDES), "customer-presentation.pptx")
    assert response.status_code == 403
    assert _versions(app) == []


def test_restoring_an_old_version_makes_a_new_one_with_its_bytes(app, deck_page, as_council):
    first = make_deck(SLIDES)
    _upload(as_council, first, "customer-presentation.pptx")
    _upload(as_council, make_deck(SLIDES[:3]), "customer-presentation.pptx")
    response = as_council.post("/p/customer-deck/files/customer-presentation.pptx/restore", {"v": "1"})
    assert response.status_code == 303
    assert [(n, note) for n, _, _, note in _versions(app)] == [(1, ""), (2, ""), (3, "Restored version 1")]
    assert as_council.get("/p/customer-deck/files/customer-presentation.pptx?v=3").data == first
    html = as_council.get("/p/customer-deck/files/customer-presentation.pptx/preview").get_data(as_text=True)
    assert "Slide title 10" in html and "restored v1" in html
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Blob)).scalar_one() == 2


def test_the_uploader_deletes_a_file_the_field_never_had_with_its_versions(app, deck_page, as_council):
    _upload(as_council, make_deck(SLIDES), "duplicate-deck.pptx")
    _upload(as_council, make_deck(SLIDES[:4]), "duplicate-deck.pptx")
    preview = as_council.get("/p/customer-deck/files/duplicate-deck.pptx/preview").get_data(as_text=True)
    assert "Deleting it removes all\n      2 versions" in preview
    response = as_council.post("/p/customer-deck/files/duplicate-deck.pptx/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith("/p/customer-deck/files")
    assert "Deleted “duplicate-deck.pptx” and its versions." in as_council.get("/p/customer-deck/files").get_data(
        as_text=True
    )
    assert _versions(app) == []
    assert as_council.get("/p/customer-deck/files/duplicate-deck.pptx").status_code == 404


def test_a_file_the_field_has_had_cant_be_deleted_and_others_cant_delete_a_draft(
    app, people, deck_page, as_council, as_lead, as_field, browser
):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    with app.app_context():
        olga = make_user(role="council", name="Olga Other", email="olga@example.com")
    other = browser(olga)
    assert other.post("/p/customer-deck/files/customer-presentation.pptx/delete").status_code == 403
    assert as_field.post("/p/customer-deck/files/customer-presentation.pptx/delete").status_code == 404
    _approve(as_lead, 1)
    for person in (as_council, as_lead, as_field):
        assert person.post("/p/customer-deck/files/customer-presentation.pptx/delete").status_code == 403
    assert "Delete this file" not in as_lead.get("/p/customer-deck/files/customer-presentation.pptx/preview").get_data(
        as_text=True
    )
    assert len(_versions(app)) == 1


def test_the_same_bytes_under_two_names_are_stored_once(app, deck_page, as_council):
    deck = make_deck(SLIDES)
    _upload(as_council, deck, "customer-presentation.pptx")
    _upload(as_council, deck, "emea-presentation.pptx")
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Blob)).scalar_one() == 1
        assert db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 2


def test_uploading_the_same_file_again_makes_no_version(app, deck_page, as_council):
    deck = make_deck(SLIDES)
    _upload(as_council, deck, "customer-presentation.pptx")
    again = _upload(as_council, deck, "customer-presentation.pptx")
    # Often a second click on Upload: the file is there, so the answer is its page, saying so.
    assert again.status_code == 303
    assert again.headers["Location"].endswith("/p/customer-deck/files/customer-presentation.pptx/preview")
    shown = as_council.get(again.headers["Location"]).get_data(as_text=True)
    assert "This is the same file as version 1 of “customer-presentation.pptx”, so no new version was made." in shown
    assert len(_versions(app)) == 1


def test_a_renamed_html_file_is_refused(app, deck_page, as_council):
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    for name in ("one-pager.pdf", "deck.pptx"):
        response = _upload(as_council, html, name)
        assert response.status_code == 400
        assert "PowerPoint, PDF, Word, Excel, PNG and JPEG" in response.get_data(as_text=True)
    assert _versions(app) == []


def test_a_refused_upload_is_answered_on_its_form_with_the_note_kept(app, deck_page, as_council):
    response = _upload(as_council, b"just some text", "one-pager.pdf", note="For the Lyon meeting")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<p id="upload-error" class="field-error" role="alert">' in html
    assert 'aria-describedby="upload-error upload-hint"' in html and 'aria-invalid="true"' in html
    assert 'name="note" maxlength="300" value="For the Lyon meeting"' in html
    assert 'data-max-bytes="52428800" data-max-label="50.0 MB"' in html


def test_a_new_version_of_a_deck_must_be_a_deck(app, deck_page, as_council):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    response = _upload(
        as_council,
        make_pdf(["Page one"]),
        "one-pager.pdf",
        url="/p/customer-deck/files/customer-presentation.pptx/versions",
    )
    assert response.status_code == 400
    assert "a new version of it must be one too" in response.get_data(as_text=True)
    assert len(_versions(app)) == 1


def test_a_zip_bomb_disguised_as_a_deck_is_refused(app, deck_page, as_council):
    response = _upload(as_council, zip_bomb_pptx(), "deck.pptx")
    assert response.status_code == 400
    assert "expands to more than" in response.get_data(as_text=True)
    assert _versions(app) == []


def test_a_file_over_the_limit_answers_413_naming_it(app, deck_page, as_council):
    app.config["MAX_UPLOAD_BYTES"] = 200_000
    response = _upload(as_council, b"%PDF-1.4\n" + b"0" * 300_000, "big.pdf")
    assert response.status_code == 413
    assert "“big.pdf” is 293 KB; files can be at most 195 KB." in response.get_data(as_text=True)
    # Larger still, and the request itself is refused before any of it is read as a form.
    response = _upload(as_council, b"%PDF-1.4\n" + b"0" * 600_000, "bigger.pdf")
    assert response.status_code == 413
    assert "That file is too large" in response.get_data(as_text=True)
    assert "Files can be at most 195 KB; choose a smaller one." in response.get_data(as_text=True)
    assert _versions(app) == []


def test_a_pdf_shows_its_pages_as_pictures_and_text(app, deck_page, as_council):
    _upload(as_council, make_pdf(["Why banks choose us", "Pricing for insurers"]), "one-pager.pdf")
    html = as_council.get("/p/customer-deck/files/one-pager.pdf/preview").get_data(as_text=True)
    assert "Page 2</span> · Pricing for insurers" in html
    picture = as_council.get("/p/customer-deck/files/one-pager.pdf/pictures/2?v=1")
    assert picture.status_code == 200 and picture.data.startswith(b"\x89PNG")
    assert picture.headers["Content-Type"] == "image/png" and "attachment" not in picture.headers.get(
        "Content-Disposition", ""
    )
    listing = as_council.get("/p/customer-deck/files").get_data(as_text=True)
    assert "/p/customer-deck/files/one-pager.pdf/pictures/1?v=1" in listing


def test_a_file_that_cant_be_read_is_kept_and_downloads_with_no_preview(app, deck_page, as_council):
    locked = make_pdf(["Pricing for insurers"], password="secret")
    assert _upload(as_council, locked, "price-list.pdf").status_code == 303
    html = as_council.get("/p/customer-deck/files/price-list.pdf/preview").get_data(as_text=True)
    assert "No preview: the PDF is encrypted." in html
    assert as_council.get("/p/customer-deck/files/price-list.pdf?v=1").data == locked


def test_a_word_document_shows_its_text(app, deck_page, as_council):
    _upload(
        as_council,
        make_docx([(1, "Proposal for Regional Bank"), "We propose three steps.", [["Step", "When"], ["Pilot", "Q1"]]]),
        "proposal-template.docx",
    )
    html = as_council.get("/p/customer-deck/files/proposal-template.docx/preview").get_data(as_text=True)
    assert '<p class="doc-heading doc-heading-1"><strong>Proposal for Regional Bank</strong></p>' in html
    assert "<p>We propose three steps.</p>" in html
    # A table keeps its rows apart.
    assert "<p>Step | When<br>Pilot | Q1</p>" in html


def test_an_image_is_kept_and_shown_through_a_drawn_copy(app, deck_page, as_council):
    _upload(as_council, make_png(), "logo.png")
    html = as_council.get("/p/customer-deck/files/logo.png/preview").get_data(as_text=True)
    assert "/p/customer-deck/files/logo.png/pictures/1?v=1" in html
    original = as_council.get("/p/customer-deck/files/logo.png")
    assert original.headers["Content-Disposition"].startswith("attachment")


def test_slide_changes_between_versions(app, deck_page, as_council):
    changed = [*SLIDES]
    changed[6] = ("Slide title 7", "Body of slide 7, now with numbers", "Notes 7")
    changed.insert(8, ("Slide title new", "A new slide", ""))
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    _upload(as_council, make_deck(changed), "customer-presentation.pptx")
    html = as_council.get("/p/customer-deck/files/customer-presentation.pptx/changes?from=1&to=2").get_data(
        as_text=True
    )
    assert "Slide 7: text changed" in html and "Slide 9 added" in html
    assert "<ins>" in html and "numbers" in html


def test_field_and_lead_see_the_right_version_in_the_service(app, people, deck_page, as_council):
    _upload(as_council, make_deck(SLIDES), "customer-presentation.pptx")
    with app.app_context():
        page = pages.get_page(deck_page)
        [row] = files.list_files(people["council"], page)
        assert row.waiting and files.list_files(people["field"], page) == []
        attachment = row.attachment
        file_review.approve(people["lead"], page, attachment, 1)
        [seen] = files.list_files(people["field"], page)
        assert seen.version.number == 1
