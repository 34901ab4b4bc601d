"""Markdown in an email: links that work in a mail client, and a plain-text part that reads as words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wiki.text.mail_text import absolute_links, markdown_as_text

SITE = "https://wiki.example.com"


def test_a_path_on_the_site_becomes_an_absolute_link_and_nothing_else_changes():
    html = '<a href="/p/fy27-plan">plan</a> <img src="/static/logo.png"> <a href="//cdn.example.com/x">x</a>'
    html += ' <a href="https://example.com/a">a</a> <a href="#slide-7">7</a>'
    assert absolute_links(html, SITE) == (
        '<a href="https://wiki.example.com/p/fy27-plan">plan</a> <img src="https://wiki.example.com/static/logo.png">'
        ' <a href="//cdn.example.com/x">x</a> <a href="https://example.com/a">a</a> <a href="#slide-7">7</a>'
    )


def test_the_plain_text_has_words_not_markdown_and_links_as_numbered_references():
    markdown = (
        "### Slide 12 — Next steps\n\n"
        "Read the [updated plan](/p/fy27-plan): score **65 or more** in *lead scoring* (`crm`).\n\n"
        "- Regional banks\n- See [the deck](https://example.com/deck)\n  - credit unions too\n\n"
        "1. Pilot\n2. Roll out\n\n"
        "> **Sofia:** DORA first.\n\n"
        "| Tactic | Owner |\n|---|---|\n| Webinars | Kenji |\n"
    )
    assert markdown_as_text(markdown, SITE) == (
        "Slide 12 — Next steps\n\n"
        "Read the updated plan [1]: score 65 or more in lead scoring (crm).\n\n"
        "- Regional banks\n- See the deck [2]\n  - credit unions too\n\n"
        "1. Pilot\n2. Roll out\n\n"
        "> Sofia: DORA first.\n\n"
        "Tactic | Owner\nWebinars | Kenji\n\n"
        "[1] https://wiki.example.com/p/fy27-plan\n[2] https://example.com/deck"
    )


@given(st.text(max_size=400))
def test_any_intro_a_lead_types_becomes_plain_text(text):
    # Sending must never fail on what a lead wrote: whatever the Markdown, some text comes out.
    assert isinstance(markdown_as_text(text, SITE), str)
