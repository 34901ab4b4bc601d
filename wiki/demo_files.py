"""The demo's files: the customer deck the presentation page describes, built with python-pptx from the same
text, so the slides a new user reads in the wiki are the ones in the file. Version 1 is approved; version 2
(slide 7's named customer story) waits for a lead, as it does for the page's text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from pptx import Presentation

from wiki.models import User
from wiki.services import file_review, file_uploads, files, pages

SLIDE = re.compile(r"^## Slide (\d+) — (.+)$", re.MULTILINE)
DECK = "customer-presentation.pptx"


def _slides(markdown: str) -> list[tuple[str, str, str]]:
    """(title, text, notes) per "## Slide N — Title" section: its bullets are the slide, a council note the notes."""
    parts = SLIDE.split(markdown)[1:]
    slides = []
    for index in range(0, len(parts), 3):
        title, body = parts[index + 1].strip(), parts[index + 2]
        bullets = [line[2:].strip().strip('"') for line in body.splitlines() if line.startswith("- ")]
        text = [line for line in bullets if not line.startswith("Council note:")]
        notes = [line.removeprefix("Council note:").strip() for line in bullets if line.startswith("Council note:")]
        slides.append((title, "\n".join(text), "\n".join(notes)))
    return slides


def deck(markdown: str) -> bytes:
    presentation = Presentation()
    layout = presentation.slide_layouts[1]
    for title, text, notes in _slides(markdown):
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = text
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def proposal_template() -> bytes:
    document = Document()
    document.add_heading("Proposal: phased core modernisation", 1)
    document.add_paragraph("Prepared for [institution] by [rep name], Northwind Financial Software.")
    document.add_heading("What we propose", 2)
    document.add_paragraph("Move one product line first, keep everything else where it is, and cut over per product.")
    phases = [("Phase", "When"), ("Discovery workshop", "Month 1"), ("First product live", "Months 7–9")]
    table = document.add_table(rows=len(phases), cols=2)
    for row, (phase, when) in zip(table.rows, phases, strict=True):
        row.cells[0].text, row.cells[1].text = phase, when
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def load(users: dict[str, User], lead: User, content: Path) -> None:
    first, second = ((content / f"presentation-{n}.md").read_text("utf-8") for n in (1, 2))
    page = pages.get_page("customer-presentation")
    file_uploads.upload(users["daniel.okafor@example.com"], page, DECK, deck(first), "The twelve slides of the outline")
    attachment = files.get_attachment(lead, page, DECK)
    file_review.approve(lead, page, attachment, 1)
    story = "Slide 7: Harbour Federal instead of the generic story"
    file_uploads.upload(users["tom.becker@example.com"], page, DECK, deck(second), story)
    proposal = file_uploads.upload(
        users["daniel.okafor@example.com"], page, "proposal-template.docx", proposal_template(), "For first proposals"
    )
    file_review.approve(lead, page, proposal.attachment, 1)
