"""Search snippets read like the page and cost the same on long pages; feed text is always valid XML."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from hypothesis import given
from hypothesis import strategies as st

from wiki.text.plaintext import Highlighted, highlight, snippet, xml_safe


def test_highlight_splits_at_the_first_match_whatever_the_case():
    assert highlight("Customer Deck deck", "DECK") == Highlighted("Customer ", "Deck", " deck")
    assert highlight("Customer deck", "slides") == Highlighted("Customer deck", "", "")


def test_snippet_drops_markdown_and_centres_on_the_match():
    source = "# Plan\n\n" + "Filler words here. " * 20 + "We grow **credit union** accounts.\n\n" + "More. " * 40
    cut = snippet(source, "credit union", width=30)
    assert cut.match == "credit union"
    assert cut.before.startswith("…") and cut.before.endswith("We grow ")
    assert cut.after.startswith(" accounts.") and cut.after.endswith("…")
    assert "*" not in cut.before + cut.after
    assert len(cut.before) <= 31 and len(cut.after) <= 31


def test_snippet_shows_the_source_when_the_match_straddles_markup():
    cut = snippet("Some **bo**ld text", "**bo")
    assert cut == Highlighted("Some ", "**bo", "**ld text")


def test_snippet_without_a_match_is_the_start_of_the_page():
    cut = snippet("# Title\n\nFirst *words* of the page.\n", "nowhere")
    assert cut == Highlighted("", "", "Title First words of the page.")


def test_snippet_of_a_long_one_line_page_is_short():
    source = "Lorem ipsum dolor sit amet. " * 4000 + "needle " + "Lorem ipsum. " * 4000
    cut = snippet(source, "NEEDLE")
    assert cut.match == "needle"
    assert len(cut.before) <= 81 and len(cut.after) <= 81


@given(st.text())
def test_xml_safe_text_always_parses_and_only_loses_what_xml_refuses(text):
    safe = xml_safe(text)
    escaped = safe.replace("&", "&amp;").replace("<", "&lt;")
    ElementTree.fromstring(f"<t>{escaped}</t>".encode())
    assert safe == "".join(ch for ch in text if ch in safe)
    assert xml_safe("tab\tnew\nline\u00e9\U0001f600") == "tab\tnew\nline\u00e9\U0001f600"
