"""Markdown rendering: what it supports, and that no input can smuggle script into the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.text.render import MAX_BLOCKS, render

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: <javascript:alert(1)>",
    '[x](https://ok.example "title" onclick="alert(1)")',
    '[x](https://ok.example"onmouseover="alert(1))',
    "```\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<!-- <script>alert(1)</script> -->",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "- [ ] <img src=x onerror=alert(1)>",
    "# <script>alert(1)</script>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](\\javascript:alert(1))",
    "[x](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
]
DANGEROUS_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)


class _Audit(HTMLParser):
    """Collects every tag and attribute so the checks look at parsed HTML, not substrings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    audit = _Audit()
    audit.feed(html)
    assert not {"script", "iframe", "svg", "style", "object", "embed"} & set(audit.tags), audit.tags
    for tag, name, value in audit.attributes:
        assert not name.lower().startswith("on"), (tag, name, value)
        assert name != "style", (tag, name, value)
        if name in {"href", "src"}:
            assert not DANGEROUS_SCHEMES.match(value), (tag, name, value)


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_input_never_yields_script(markdown):
    assert_safe(render(markdown).html)


def test_raw_html_is_shown_as_text():
    html = render("<b>bold?</b> and <script>alert(1)</script>").html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html


def test_a_raw_html_block_is_shown_as_text():
    html = render('<div onclick="alert(1)">\nhi\n</div>\n').html
    assert '&lt;div onclick="alert(1)"&gt;' in html and "&lt;/div&gt;" in html


def test_a_refused_address_makes_no_link_and_no_image_source():
    html = render("[x](javascript:alert(1)) [t](tel:123) ![i](data:image/png;base64,AAAA) [e]()").html
    assert "href" not in html and "src" not in html
    assert ">x</a>" in html and ">t</a>" in html and 'alt="i"' in html


def test_a_scheme_hidden_by_a_control_character_is_refused():
    # A browser drops tabs inside a URL, so "jav<TAB>ascript:" would run as javascript:.
    assert "href" not in render("[x](jav&#x09;ascript:alert(1))").html


def test_safe_links_keep_working():
    html = render("[plan](/p/fy27-plan) [site](https://example.com) [mail](mailto:a@example.com)").html
    assert 'href="/p/fy27-plan"' in html
    assert 'href="https://example.com"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_tables_strikethrough_and_task_lists():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n- [ ] open\n").html
    assert "<table" in html and 'class="align-right"' in html
    assert "<s>gone</s>" in html
    assert html.count('type="checkbox"') == 2 and "checked" in html


def test_headings_get_unique_ids_and_a_table_of_contents():
    rendered = render("# Plan\n\n## Segments\n\n## Segments\n\n### Banks\n\n## Tactics\n")
    assert [h.id for h in rendered.toc] == ["plan", "segments", "segments-2", "banks", "tactics"]
    assert 'id="segments-2"' in rendered.html
    assert rendered.show_toc


def test_a_heading_in_the_table_of_contents_is_its_words_without_markup():
    rendered = render("## The *new* `plan` &amp; [more](/p/more)\n")
    assert [(h.level, h.id, h.text) for h in rendered.toc] == [(2, "the-new-plan-more", "The new plan & more")]
    assert '<h2 data-source-line="0" id="the-new-plan-more">' in rendered.html


def test_short_pages_have_no_table_of_contents():
    assert not render("# Plan\n\n## Only one section\n").show_toc


def test_blocks_carry_their_source_line():
    html = render("# Title\n\nFirst paragraph.\n\n- item\n").html
    assert '<h1 data-source-line="0"' in html
    assert '<p data-source-line="2">' in html
    assert 'data-source-line="4"' in html


def test_many_equal_headings_each_get_their_own_id():
    # How long this takes is `make bench`'s (render_20k_headings_ms); here, that every id is right and unique.
    rendered = render("# a\n" * MAX_BLOCKS)
    ids = [entry.id for entry in rendered.toc]
    assert ids[:3] == ["a", "a-2", "a-3"] and ids[-1] == f"a-{MAX_BLOCKS}"
    assert len(set(ids)) == MAX_BLOCKS


MARKUP_ALPHABET = st.sampled_from(
    list("<>[]()!&#;:\"'`*_~|-\\/=\n \t")
    + ["javascript:", "vbscript:", "data:", "on", "script", "img", "src", "href", "svg", "&#106;", "&#x3A;", "a"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP_ALPHABET, max_size=60).map("".join))
def test_any_text_renders_without_script_or_event_handlers(markdown):
    assert_safe(render(markdown).html)
