"""Rendered Markdown a keyboard and a screen reader can use (issue 16): named task checkboxes, and tables that
scroll in a box of their own."""

from __future__ import annotations

from html.parser import HTMLParser

from wiki.text.render import MAX_TASK_NAME, render


class _Elements(HTMLParser):
    """Every start tag's name and attributes, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def elements(html: str, tag: str) -> list[dict[str, str]]:
    parser = _Elements()
    parser.feed(html)
    return [attrs for name, attrs in parser.found if name == tag]


def checkbox_names(markdown: str) -> list[str]:
    return [attrs.get("aria-label") for attrs in elements(render(markdown).html, "input")]


def test_each_task_checkbox_is_named_by_its_task_without_the_markup():
    markdown = '- [x] Book the **venue** & [caterer](https://cater.example) "early"\n- [ ] Send the `invites`\n'
    assert checkbox_names(markdown) == ['Book the venue & caterer "early"', "Send the invites"]


def test_a_task_with_subtasks_is_named_by_its_own_words_only():
    markdown = "- [ ] Prepare the roadshow\n  - [x] Book the venue\n  - [ ] Print badges\n"
    assert checkbox_names(markdown) == ["Prepare the roadshow", "Book the venue", "Print badges"]


def test_a_task_of_paragraphs_is_named_by_its_first():
    markdown = "- [ ] Book the venue\n\n  The big room, with a projector.\n- [x] Send invites\n"
    assert checkbox_names(markdown) == ["Book the venue", "Send invites"]


def test_a_picture_in_a_task_is_named_by_its_description():
    assert checkbox_names("- [ ] Put ![the new logo](logo.png) on slide 1\n") == ["Put the new logo on slide 1"]


def test_a_long_task_gets_a_shortened_name_and_keeps_all_its_words():
    words = "word " * 100
    html = render(f"- [ ] {words}\n").html
    (name,) = checkbox_names(f"- [ ] {words}\n")
    assert len(name) == MAX_TASK_NAME and name.endswith("…")
    assert words.strip() in html


def test_a_task_of_no_words_is_still_named():
    assert checkbox_names("- [ ] ![](blank.png)\n") == ["Task"]


def test_a_task_name_cannot_break_out_of_its_attribute():
    (checkbox,) = elements(render('- [ ] " onmouseover="alert(1)\n').html, "input")
    assert checkbox["aria-label"] == '" onmouseover="alert(1)'
    assert set(checkbox) == {"type", "class", "disabled", "aria-label"}


def test_every_table_scrolls_in_its_own_labelled_box_a_keyboard_can_reach():
    tables = "| Segment | Banks |\n|---|--:|\n| EMEA | 40 |\n\nBetween.\n\n> | Region |\n> |---|\n> | APAC |\n"
    html = render(tables).html
    boxes = elements(html, "div")
    assert boxes == [
        {"class": "table-scroll", "role": "region", "aria-label": f"Table {number}", "tabindex": "0"}
        for number in (1, 2)
    ]
    assert html.count("</table></div>") == 2
    # The table keeps its source line, so a selection in it still finds its way back to the Markdown.
    assert '<table data-source-line="0">' in html
