"""Page names: lowercase words joined by hyphens, stable enough to paste into an email."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_LENGTH = 80
SLUG_RULE = (
    "Page names are lowercase words (a–z, 0–9) joined by single hyphens, like fy27-plan, "
    f"at most {MAX_SLUG_LENGTH} characters."
)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_SLUG_LENGTH and _SLUG.fullmatch(slug) is not None


def slugify(title: str) -> str:
    """Best effort: accents dropped, anything else between words becomes one hyphen; may be empty."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        slug = candidate
    return slug
