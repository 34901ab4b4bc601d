"""What the app shows of a file without downloading it: each slide's title, text and notes, each page's text
and picture, a Word document's text, a workbook's sheets. A file it can't read says so instead of failing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.files.makers import make_deck, make_docx, make_huge_png, make_jpeg, make_pdf, make_png, make_xlsx
from wiki.files.extract import PREVIEW_WIDTH, Unit, extract

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def twelve_slides():
    slides = [(f"Slide title {n}", f"Point one of {n}\nPoint two of {n}", f"Say {n} slowly") for n in range(1, 13)]
    slides[6] = ("Why us", "Clients found this generic\nNamed references", "")
    return make_deck(
        slides,
        tables={4: [["Region", "Owner"], ["North", "Ann Lee"]]},
        groups={9: ["Before", "After"]},
        hidden=(11,),
    )


def test_a_deck_gives_each_slide_in_order_with_tables_groups_and_notes():
    extraction = extract("pptx", twelve_slides())

    assert extraction.error == ""
    assert extraction.count == 12
    assert not extraction.truncated
    assert [unit.title for unit in extraction.units[:3]] == ["Slide title 1", "Slide title 2", "Slide title 3"]
    assert extraction.units[0] == Unit("Slide title 1", "Point one of 1\nPoint two of 1", "Say 1 slowly")
    assert extraction.units[3].text == "Point one of 4\nPoint two of 4\nRegion | Owner\nNorth | Ann Lee"
    assert extraction.units[6] == Unit("Why us", "Clients found this generic\nNamed references", "")
    assert extraction.units[8].text.endswith("Before\nAfter")
    assert extraction.images == []


def test_a_hidden_slide_is_kept_and_marked():
    extraction = extract("pptx", twelve_slides())

    assert extraction.units[10].title == "Slide title 11 (hidden)"
    assert extraction.units[11].title == "Slide title 12"


def test_a_decks_text_holds_every_slide_for_search():
    text = extract("pptx", twelve_slides()).text

    assert "Clients found this generic" in text
    assert "North | Ann Lee" in text
    assert "Say 12 slowly" in text


def test_past_the_slide_limit_the_deck_is_truncated_but_counted():
    extraction = extract("pptx", twelve_slides(), max_units=5)

    assert len(extraction.units) == 5
    assert extraction.count == 12
    assert extraction.truncated


def test_a_pdf_gives_each_pages_text_and_a_picture_of_it():
    pdf = make_pdf(["Customer one-pager\nWe cut onboarding to a week.", "Pricing\nThree plans."])

    extraction = extract("pdf", pdf)

    assert extraction.error == ""
    assert extraction.count == 2
    assert extraction.units == [
        Unit("Customer one-pager", "We cut onboarding to a week."),
        Unit("Pricing", "Three plans."),
    ]
    assert "Three plans." in extraction.text
    assert len(extraction.images) == 2
    for png in extraction.images:
        assert png.startswith(PNG_SIGNATURE)
        width, height = Image.open(io.BytesIO(png)).size
        assert width <= PREVIEW_WIDTH
        assert width > PREVIEW_WIDTH * 0.9
        assert height > width  # A4, upright


def test_a_pdf_page_starting_with_a_long_line_gets_a_short_title_and_keeps_the_line():
    line = "We " + "really " * 40 + "mean it."

    unit = extract("pdf", make_pdf([line + "\nSecond line"])).units[0]

    assert len(unit.title) <= 120
    assert unit.title.endswith("…")
    assert unit.text == line + "\nSecond line"


def test_only_the_first_pages_are_pictured():
    extraction = extract("pdf", make_pdf([f"Page {n}" for n in range(1, 6)]), max_images=2)

    assert len(extraction.units) == 5
    assert len(extraction.images) == 2
    assert extraction.truncated


def test_a_pdf_that_needs_a_password_says_it_is_encrypted():
    extraction = extract("pdf", make_pdf(["Secret"], password="hunter2"))

    assert extraction.error == "the PDF is encrypted"
    assert extraction.units == []


def test_a_word_document_gives_its_text_with_headings_and_tables():
    document = make_docx(
        [
            (1, "Proposal"),
            "We propose a pilot.",
            (2, "Team"),
            [["Role", "Name"], ["Lead", "Ann Lee"]],
            "Signed.",
        ]
    )

    extraction = extract("docx", document)

    assert extraction.error == ""
    assert extraction.units == []
    assert extraction.text == "# Proposal\n\nWe propose a pilot.\n\n## Team\n\nRole | Name\nLead | Ann Lee\n\nSigned."


def test_a_workbook_gives_its_sheet_names():
    extraction = extract("xlsx", make_xlsx(["Leads", "Q3 <pipeline> & wins", "Old"], hidden=("Old",)))

    assert extraction.error == ""
    assert extraction.count == 3
    assert [unit.title for unit in extraction.units] == ["Leads", "Q3 <pipeline> & wins", "Old (hidden)"]


@pytest.mark.parametrize("make", [make_png, make_jpeg])
def test_an_image_gives_one_png_thumbnail_no_wider_than_the_preview(make):
    extraction = extract("png" if make is make_png else "jpeg", make(2000, 500))

    assert extraction.error == ""
    [thumbnail] = extraction.images
    assert thumbnail.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(thumbnail)).size == (800, 200)


def test_a_small_image_is_not_enlarged():
    [thumbnail] = extract("png", make_png(64, 48)).images

    assert Image.open(io.BytesIO(thumbnail)).size == (64, 48)


def test_an_image_of_too_many_pixels_is_not_decoded():
    extraction = extract("png", make_huge_png(10_000, 10_000))

    assert extraction.error == "the image is too large to preview"
    assert extraction.images == []


@pytest.mark.parametrize("code", ["pptx", "pdf", "docx", "xlsx", "png", "jpeg"])
def test_a_file_that_cannot_be_parsed_says_so(code):
    extraction = extract(code, b"PK\x03\x04 not really anything")

    assert extraction.error == "it could not be read"
    assert (extraction.units, extraction.text, extraction.images, extraction.count) == ([], "", [], 0)
