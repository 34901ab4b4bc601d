from __future__ import annotations

import pytest

from wiki.text.slugs import is_valid_slug, slugify


@pytest.mark.parametrize("slug", ["fy27-plan", "a", "webinar-series-2027", "x" * 80])
def test_valid_slugs(slug):
    assert is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["", "FY27", "a--b", "-a", "a-", "a_b", "a b", "é", "x" * 81, "../etc", "a/b"])
def test_invalid_slugs(slug):
    assert not is_valid_slug(slug)


def test_slugify_makes_a_valid_slug():
    assert slugify("FY27 Financial Services — Marketing Plan!") == "fy27-financial-services-marketing-plan"
    assert slugify("Café Crème") == "cafe-creme"
    assert slugify("!!!") == ""
