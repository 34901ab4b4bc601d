"""Feed text is always valid XML."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from hypothesis import given
from hypothesis import strategies as st

from wiki.text.plaintext import xml_safe


@given(st.text())
def test_xml_safe_text_always_parses_and_only_loses_what_xml_refuses(text):
    safe = xml_safe(text)
    escaped = safe.replace("&", "&amp;").replace("<", "&lt;")
    ElementTree.fromstring(f"<t>{escaped}</t>".encode())
    assert safe == "".join(ch for ch in text if ch in safe)
    assert xml_safe("tab\tnew\nline\u00e9\U0001f600") == "tab\tnew\nline\u00e9\U0001f600"
