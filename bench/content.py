"""What the side-by-side benchmarks serve: a ~20 KB marketing plan with 50 revisions, each written the way a
council edits (a few paragraphs reworded, now and then one added or dropped), so a diff across ten revisions
touches text all over the page. Our bench and the peer's (bench/otter.py) use the same revisions."""

from __future__ import annotations

import random

_WORDS = (
    "segment value proposition regional banks credit unions insurers webinar lead scoring council field "
    "presentation resilience DORA pipeline campaign budget quarter customers partners renewal churn pricing "
    "onboarding analysts events content nurture accounts territory quota enablement launch message proof"
).split()
_SECTIONS = (
    "Goals",
    "Segments",
    "Messages",
    "Channels",
    "Events",
    "Content",
    "Enablement",
    "Budget",
    "Measures",
    "Risks",
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))


def _plan(rng: random.Random, size: int) -> list[str]:
    """The plan as blocks: headings, paragraphs and bullet lists, about `size` characters in all."""
    blocks = ["# FY27 marketing plan"]
    section = 0
    while sum(len(block) + 2 for block in blocks) < size:
        if len(blocks) % 6 == 1:
            blocks.append(f"## {_SECTIONS[section % len(_SECTIONS)]} {section // len(_SECTIONS) + 1}")
            section += 1
        elif rng.random() < 0.25:
            blocks.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(3, 6))))
        else:
            blocks.append(_paragraph(rng))
    return blocks


def _reword(rng: random.Random, block: str) -> str:
    words = block.split(" ")
    for _ in range(rng.randint(2, 6)):
        at = rng.randrange(len(words))
        if not words[at].startswith(("#", "-")):
            words[at] = rng.choice(_WORDS) + ("." if words[at].endswith(".") else "")
    return " ".join(words)


def plan_revisions(size: int = 20_000, revisions: int = 50, seed: int = 13) -> list[str]:
    """The texts of revisions 1..`revisions`, oldest first."""
    rng = random.Random(seed)
    blocks = _plan(rng, size)
    texts = ["\n\n".join(blocks) + "\n"]
    while len(texts) < revisions:
        for _ in range(rng.randint(2, 4)):
            at = rng.randrange(1, len(blocks))
            if not blocks[at].startswith("#"):
                blocks[at] = _reword(rng, blocks[at])
        if rng.random() < 0.3:
            blocks.insert(rng.randrange(1, len(blocks)), _paragraph(rng))
        if rng.random() < 0.2:
            at = rng.randrange(1, len(blocks))
            if not blocks[at].startswith("#"):
                del blocks[at]
        texts.append("\n\n".join(blocks) + "\n")
    return texts
