"""Files are read in a child process with a deadline and a memory cap: whatever the file does to the child,
the caller gets an Extraction back, with a reason a person can read when there is no preview."""

from __future__ import annotations

from tests.files.makers import make_deck, make_huge_png, make_pdf, make_png, sample_slides
from wiki.files.extract import extract
from wiki.files.sandbox import Limits, run

# Enough for the interpreter and an image library, far too little to decode 6000 × 6000 RGB pixels (108 MB).
SMALL_MEMORY = 120_000_000


def test_the_child_reads_a_deck_as_extract_would():
    deck = make_deck(sample_slides(4), tables={2: [["a", "b"]]})

    assert run("pptx", deck) == extract("pptx", deck)


def test_page_pictures_come_back_from_the_child_intact():
    pdf = make_pdf(["One", "Two", "Three"])

    extraction = run("pdf", pdf, Limits(max_images=2))

    assert extraction.images == extract("pdf", pdf, max_images=2).images
    assert len(extraction.images) == 2
    assert extraction.truncated


def test_a_file_that_takes_too_long_gives_a_timeout_reason():
    extraction = run("pptx", make_deck(sample_slides(2)), Limits(seconds=0.01))

    assert extraction.error == "it took longer than 0.01 seconds to read"
    assert (extraction.units, extraction.images, extraction.count) == ([], [], 0)


def test_a_file_that_needs_too_much_memory_gives_a_memory_reason():
    extraction = run("png", make_huge_png(6000, 6000), Limits(memory_bytes=SMALL_MEMORY))

    assert extraction.error == "reading it needed too much memory"
    assert extraction.images == []


def test_the_same_memory_cap_is_enough_for_an_ordinary_image():
    extraction = run("png", make_png(), Limits(memory_bytes=SMALL_MEMORY))

    assert extraction.error == ""
    assert len(extraction.images) == 1


def test_a_cap_too_small_for_any_reading_is_reported_as_memory_not_as_a_bad_file():
    extraction = run("pptx", make_deck(sample_slides(2)), Limits(memory_bytes=50_000_000))

    assert extraction.error == "reading it needed too much memory"


def test_garbage_gives_a_reason_not_an_exception():
    assert run("docx", b"\x00" * 1000).error == "it could not be read"


def test_an_unknown_kind_gives_a_reason_not_an_exception():
    assert run("exe", make_png()).error == "it could not be read"
