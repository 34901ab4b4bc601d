"""An upload's kind comes from its content: a renamed page of HTML is refused, and so is an archive that would
unpack to more than the site allows — decided from the zip's table of contents, without unpacking it."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

import pytest

from tests.files.makers import (
    make_deck,
    make_docx,
    make_html,
    make_jpeg,
    make_large_deck,
    make_pdf,
    make_png,
    make_xlsx,
    sample_slides,
    zip_bomb_pptx,
)
from wiki.files.kinds import KINDS, MAX_ENTRIES, Refused, sniff

LIMIT = 200_000_000
MEMORY_FOR_SNIFFING = 4_000_000


def refusal(data: bytes, name: str, max_expanded: int = LIMIT) -> str:
    with pytest.raises(Refused) as refused:
        sniff(data, name, max_expanded=max_expanded)
    return refused.value.message


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (lambda: make_deck(sample_slides(2)), "customer-deck.pptx", "pptx"),
        (lambda: make_pdf(["One-pager"]), "one-pager.PDF", "pdf"),
        (lambda: make_docx(["Proposal"]), "proposal.docx", "docx"),
        (lambda: make_xlsx(["Leads"]), "leads.xlsx", "xlsx"),
        (make_png, "logo.png", "png"),
        (make_jpeg, "team.jpg", "jpeg"),
        (make_jpeg, "team.jpeg", "jpeg"),
    ],
)
def test_every_kind_is_recognised_from_its_content(make, name, code):
    kind = sniff(make(), name, max_expanded=LIMIT)

    assert kind is KINDS[code]
    assert name.lower().endswith(kind.extensions)


def test_each_kind_says_what_it_is_made_of():
    assert {code: kind.unit for code, kind in KINDS.items()} == {
        "pptx": "slide",
        "pdf": "page",
        "docx": None,
        "xlsx": "sheet",
        "png": None,
        "jpeg": None,
    }
    assert KINDS["pdf"].media_type == "application/pdf"
    assert KINDS["jpeg"].media_type == "image/jpeg"


@pytest.mark.parametrize("name", ["plan.pdf", "deck.pptx", "logo.png"])
def test_html_renamed_as_an_accepted_kind_is_refused(name):
    message = refusal(make_html(), name)

    assert message == (
        f"Council Wiki keeps PowerPoint, PDF, Word, Excel, PNG and JPEG files; “{name}” is none of these "
        "(its content looks like HTML)."
    )


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "an SVG"),
        (b"<!doctype html><p>Our offer</p>", "HTML"),
        (b"#!/bin/sh\nrm -rf ~\n", "a script"),
        (b"Dear client,\nplease find our offer.\n", "plain text"),
        (b"", "it is empty"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "a .gif file"),
    ],
)
def test_other_content_is_refused_with_what_it_looks_like(content, looks_like):
    message = refusal(content, "deck.pptx")

    assert message.startswith("Council Wiki keeps PowerPoint, PDF, Word, Excel, PNG and JPEG files; “deck.pptx”")
    assert looks_like in message


def test_a_zip_that_is_not_an_office_file_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    assert "zip archive" in refusal(out.getvalue(), "deck.pptx")


def test_a_zip_with_office_content_types_but_no_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/slides/slide1.xml", "<p/>")

    assert "zip archive" in refusal(out.getvalue(), "deck.pptx")


def test_a_pdf_named_pptx_is_refused_with_the_name_it_should_have():
    assert refusal(make_pdf(["Offer"]), "deck.pptx") == "“deck.pptx” is a PDF; rename it to end in .pdf."


def test_a_deck_named_pdf_is_refused_with_the_name_it_should_have():
    message = refusal(make_deck(sample_slides(1)), "deck.pdf")

    assert message == "“deck.pdf” is a PowerPoint deck; rename it to end in .pptx."


def test_a_zip_bomb_disguised_as_a_deck_is_refused_without_unpacking_it():
    bomb = zip_bomb_pptx()
    assert len(bomb) < 5_000_000

    tracemalloc.start()
    try:
        message = refusal(bomb, "deck.pptx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert message == "“deck.pptx” expands to more than 200 MB when opened, which is more than this site allows."
    assert peak < MEMORY_FOR_SNIFFING


def test_a_deck_within_the_expansion_limit_is_accepted():
    deck = make_deck(sample_slides(3))
    declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(deck)).infolist())

    assert sniff(deck, "deck.pptx", max_expanded=declared).code == "pptx"
    assert "expands to more than" in refusal(deck, "deck.pptx", max_expanded=declared - 1)


def test_a_big_deck_carrying_a_video_is_accepted():
    deck = make_large_deck(5_000_000)

    assert sniff(deck, "deck.pptx", max_expanded=LIMIT).code == "pptx"


def test_one_entry_packed_far_tighter_than_real_documents_is_refused_even_under_the_total():
    bomb = zip_bomb_pptx()

    assert "expands to more than" in refusal(bomb, "deck.pptx", max_expanded=10_000_000_000)


def test_an_archive_of_too_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
        for n in range(MAX_ENTRIES):
            archive.writestr(f"ppt/slides/s{n}.xml", "")

    assert "holds more than 10,000 parts" in refusal(out.getvalue(), "deck.pptx", max_expanded=10**12)


def test_an_archive_that_understates_its_parts_is_refused_before_they_are_all_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
        for n in range(MAX_ENTRIES):
            archive.writestr(f"ppt/slides/s{n}.xml", "")
    data = bytearray(out.getvalue())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<2H", 5, 5)  # this disk's and the total count of entries

    assert "holds more than 10,000 parts" in refusal(bytes(data), "deck.pptx", max_expanded=10**12)


@pytest.mark.parametrize("cut", [100, 10_000])
def test_a_truncated_deck_is_refused_as_damaged(cut):
    deck = make_deck(sample_slides(3))

    assert "damaged or incomplete" in refusal(deck[:-cut], "deck.pptx")


def test_a_deck_with_something_glued_in_front_is_refused():
    deck = make_deck(sample_slides(1))

    message = refusal(b"<html>" + deck, "deck.pptx")

    assert "none of these" in message
