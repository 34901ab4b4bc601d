from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiki.text.front_matter import first_heading, parse, write

# Any text a title or an email could hold, NUL and lone surrogates aside (the wiki never stores either).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)


def test_an_export_file_reads_back_as_written():
    meta = {"title": 'Plan: "FY27" — EMEA', "kind": "plan", "revision": 12, "approved_by": None}
    text = write(meta, "# Plan\n\nBody.\n")
    assert text.startswith('---\ntitle: "Plan: \\"FY27\\" — EMEA"\nkind: "plan"\n')
    assert 'revision: 12\napproved_by: null\n---\n# Plan' in text
    assert parse(text).meta == meta
    assert parse(text).body == "# Plan\n\nBody.\n"


@given(title=TEXT, author=TEXT, number=st.integers(min_value=0, max_value=2**31), body=st.text(max_size=300))
def test_any_values_and_body_round_trip_exactly(title, author, number, body):
    meta = {"title": title, "author": author, "revision": number, "approved_at": None}
    document = parse(write(meta, body))
    assert document.meta == meta
    assert document.body == body


def test_hand_written_front_matter_is_read_too():
    text = "---\r\ntitle: Webinar series\r\nkind: 'collateral'\r\n# a comment\r\nowner: 'Sofia''s'\r\n---\r\nText\r\n"
    document = parse(text)
    assert document.meta == {"title": "Webinar series", "kind": "collateral", "owner": "Sofia's"}
    assert document.body == "Text\r\n"


@pytest.mark.parametrize(
    "text",
    [
        "# Plan\n\nNo front matter.\n",
        "---\n\nA page that starts with a rule.\n\n---\n",
        "---\ntitle: never closed\n",
        '---\ntitle: "broken\n---\nBody\n',
        "---\nnot a key line\n---\n",
    ],
)
def test_anything_else_is_all_body(text):
    document = parse(text)
    assert document.meta == {}
    assert document.body == text


def test_the_first_top_level_heading_outside_code_is_the_title():
    assert first_heading("Intro\n\n```\n# not this\n```\n\n## Sub\n\n# Customer deck #\n\n# Later\n") == "Customer deck"
    assert first_heading("## Only a section\n") == ""
    assert first_heading("#NoSpace\n") == ""
