"""What the index reads of a page, how a typed query becomes terms the database can't misread, and marked snippets."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiki.text.search_text import (
    MARK_END,
    MARK_START,
    MAX_INDEXED_CHARS,
    TAG_BREAK,
    Marked,
    Term,
    fts5_query,
    index_text,
    marked,
    parse_query,
    searchable,
)


def test_words_phrases_and_prefixes_are_terms():
    assert parse_query('credit "union accounts" camp*') == (
        Term("credit"),
        Term("union accounts"),
        Term("camp", prefix=True),
    )
    assert parse_query('"credit uni"*') == (Term("credit uni", prefix=True),)


def test_an_unclosed_quote_is_a_phrase_to_the_end():
    assert parse_query('pricing "credit union') == (Term("pricing"), Term("credit union"))


def test_terms_without_a_letter_or_digit_are_dropped():
    assert parse_query('* *** "" - ( ) : % _ ^') == ()
    assert parse_query("-pricing title:x") == (Term("-pricing"), Term("title:x"))


def test_a_one_letter_prefix_is_the_word_itself():
    assert parse_query("a* ab*") == (Term("a"), Term("ab", prefix=True))


def test_operators_are_quoted_like_any_word():
    assert fts5_query(parse_query('NEAR(a b) x:y say "hi""')) == '"NEAR(a" "b)" "x:y" "say" "hi"'
    assert fts5_query((Term('a"b'),)) == '"a""b"'
    assert fts5_query(parse_query("camp*")) == '"camp" *'
    assert fts5_query(parse_query("a bc*"), "title", any_term=True) == 'title : "a" OR title : "bc" *'


# Every query FTS5 is given is one it accepts, whatever was typed.
_FTS = sqlite3.connect(":memory:")
_FTS.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')")
_FTS.execute("INSERT INTO t VALUES ('Credit union plan', 'We grow \"quoted\" NEAR accounts: title * - ^')")


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from(list("\"*-^:()+ NEARORANDNOTtile{}\\'abc12é\u00a0"))
        | st.characters(exclude_categories=("Cs",)),
        max_size=40,
    )
)
def test_no_typed_query_breaks_fts5(typed):
    terms = parse_query(typed)
    if terms:
        _FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_query(terms),)).fetchall()
        _FTS.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_query(terms, "title", any_term=True),)).fetchall()


@pytest.mark.parametrize(
    ("markdown", "reads"),
    [
        ("# Plan\n\nWe grow **credit union** accounts.", "Plan We grow credit union accounts."),
        ("- one [link](http://x.example/a) and ![a picture](p.png)", "one link and a picture"),
        ("> quoted _emphasis_ and `code` ~~gone~~", "quoted emphasis and code gone"),
        ("pricing_table and snake_case stay", "pricing_table and snake_case stay"),
        ("| a | b |\n|---|:--:|\n| 1 | 2 |", "a b 1 2"),
        ("```python\nx = 1\n```", "x = 1"),
        ("[ref]: http://example.com\ntext", "text"),
        ("1. first\n2) second\n- [x] done", "first second done"),
        ("Slide 7: <script>alert(1)</script>", "Slide 7: <script>alert(1)</script>"),
        ("escaped \\*stars\\*", "escaped stars"),
    ],
)
def test_the_index_reads_a_page_as_it_reads(markdown, reads):
    assert searchable(markdown) == reads


def test_indexed_text_never_holds_the_marks_and_is_capped():
    assert index_text(f"a{MARK_START}b{MARK_END}c{TAG_BREAK}d") == "a b c d"
    assert len(index_text("word " * MAX_INDEXED_CHARS)) == MAX_INDEXED_CHARS
    assert len(index_text("word " * MAX_INDEXED_CHARS, limit=None)) > MAX_INDEXED_CHARS


def test_marked_text_is_split_into_matched_and_plain_parts():
    found = marked(f"{MARK_START}Credit{MARK_END} union {MARK_START}plan{MARK_END}s", before=True)
    assert found == Marked((("…", False), ("Credit", True), (" union ", False), ("plan", True), ("s", False)))
    assert found.matches == ("Credit", "plan")
    assert marked(f"5 <{TAG_BREAK}b> 6", after=True).text == "5 <b> 6…"


def test_matches_with_only_spaces_between_are_marked_as_one():
    found = marked(f"grow {MARK_START}credit{MARK_END} {MARK_START}union{MARK_END} accounts")
    assert found.parts == (("grow ", False), ("credit union", True), (" accounts", False))
    assert marked(f"{MARK_START}a{MARK_END}, {MARK_START}b{MARK_END}").matches == ("a", "b")
