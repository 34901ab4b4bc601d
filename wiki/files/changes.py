"""What changed between two versions of a deck or PDF, slide by slide (or page by page).

Slides are paired first by identical content, then by similar content, then by a title both versions use
exactly once. A slide nobody can vouch for stays unpaired and reads as removed: a comment carried to the wrong
slide is worse than one shown as orphaned. Moves are the fewest that explain the new order (a longest run of
paired slides kept in order stays put), so swapping two slides is one move, not a cascade.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from wiki.files.extract import HIDDEN, Unit
from wiki.text.diff import Chunk, word_diff

# How alike two versions of one slide stay after an ordinary edit (the weight of the words they keep in order,
# rare words weighing more); different slides made from one template score far below it.
MIN_SIMILARITY = 0.5
# Past this many parts a headline counts them instead of listing them.
HEADLINE_ITEMS = 4
_WORD = re.compile(r"\w+", re.UNICODE)
_PARTS = ("title", "text", "notes")


@dataclass(frozen=True)
class UnitChange:
    kind: str  # "changed" | "added" | "removed" | "moved"
    old: int | None  # 1-based position in the old version
    new: int | None  # 1-based position in the new version
    title: str
    # For "changed", and for a "moved" unit whose content changed too: which parts, and the word diffs.
    what: tuple[str, ...] = ()
    diff: list[Chunk] = field(default_factory=list)
    notes_diff: list[Chunk] = field(default_factory=list)
    # For a "moved" unit that only exchanged places with its neighbour: that neighbour's new position.
    swapped_with: int | None = None


def match(old: list[Unit], new: list[Unit]) -> dict[int, int | None]:
    """Each old unit's 0-based index in the new version, or None when it is gone."""
    pairs: dict[int, int | None] = dict.fromkeys(range(len(old)))
    free_new = set(range(len(new)))
    waiting: dict[Unit, deque[int]] = defaultdict(deque)
    for j, unit in enumerate(new):
        waiting[unit].append(j)
    for i, unit in enumerate(old):
        if waiting[unit]:
            pairs[i] = j = waiting[unit].popleft()
            free_new.discard(j)
    _pair_similar(old, new, pairs, free_new)
    _pair_by_title(old, new, pairs, free_new)
    return pairs


def _words(unit: Unit) -> list[str]:
    return _WORD.findall(f"{unit.title}\n{unit.text}\n{unit.notes}".lower())


def _pair_similar(old: list[Unit], new: list[Unit], pairs: dict[int, int | None], free_new: set[int]) -> None:
    """Pair what is left by similarity, best pairs first. Words weigh by their rarity across both versions, so
    the wording every slide of a template repeats doesn't make two different slides look alike."""
    left = [i for i, j in pairs.items() if j is None]
    if not left or not free_new:
        return
    old_words, new_words = [_words(unit) for unit in old], [_words(unit) for unit in new]
    weight = _rarity(old_words + new_words)
    new_counts = {j: Counter(new_words[j]) for j in free_new}
    new_totals = {j: _weight_of(counts, weight) for j, counts in new_counts.items()}
    having: dict[str, list[int]] = defaultdict(list)
    for j in sorted(free_new):
        for word in new_counts[j]:
            having[word].append(j)
    candidates = []
    for i in left:
        counts = Counter(old_words[i])
        total = _weight_of(counts, weight)
        if not total:
            continue
        nearby = {j for word in _must_share(counts, weight, total) for j in having.get(word, ())}
        for j in sorted(nearby):
            both = total + new_totals[j]
            # Shared words bound the score from above and cost far less than the score itself.
            theirs = new_counts[j]
            shared = sum(min(n, theirs[word]) * weight[word] for word, n in counts.items() if word in theirs)
            if 2 * shared < MIN_SIMILARITY * both:
                continue
            score = _weighted_ratio(old_words[i], new_words[j], weight, both)
            if score >= MIN_SIMILARITY:
                candidates.append((-score, abs(i - j), i, j))
    for _, _, i, j in sorted(candidates):
        if pairs[i] is None and j in free_new:
            pairs[i] = j
            free_new.discard(j)


def _rarity(documents: list[list[str]]) -> dict[str, float]:
    """Inverse document frequency, smoothed so a word found in every unit still counts a little."""
    found = Counter(word for words in documents for word in set(words))
    return {word: math.log((len(documents) + 1) / n) for word, n in found.items()}


def _weight_of(counts: Counter[str], weight: dict[str, float]) -> float:
    return sum(n * weight[word] for word, n in counts.items())


def _must_share(counts: Counter[str], weight: dict[str, float], total: float) -> list[str]:
    """The rarest words of a unit, so many that a unit sharing none of them can't reach MIN_SIMILARITY
    with it: what the others weigh together is less than any such pair must have in common."""
    needed = MIN_SIMILARITY * total / (2 - MIN_SIMILARITY)
    rest, rarest = total, []
    for word in sorted(counts, key=lambda word: (-weight[word], word)):
        if rest < needed:
            break
        rarest.append(word)
        rest -= counts[word] * weight[word]
    return rarest


def _weighted_ratio(a: list[str], b: list[str], weight: dict[str, float], both: float) -> float:
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    kept = sum(weight[word] for block in blocks for word in a[block.a : block.a + block.size])
    return 2 * kept / both


def _pair_by_title(old: list[Unit], new: list[Unit], pairs: dict[int, int | None], free_new: set[int]) -> None:
    """A slide rewritten under its title is still that slide, when no other slide of either version has it."""
    old_titles, new_titles = _unique_titles(old), _unique_titles(new)
    for i, j in list(pairs.items()):
        title = _plain_title(old[i])
        if j is None and title in old_titles and new_titles.get(title) in free_new:
            pairs[i] = new_titles[title]
            free_new.discard(pairs[i])


def _plain_title(unit: Unit) -> str:
    return unit.title.strip().removesuffix(HIDDEN.strip()).strip().lower()


def _unique_titles(units: list[Unit]) -> dict[str, int]:
    seen = Counter(_plain_title(unit) for unit in units)
    return {
        title: index
        for index, unit in enumerate(units)
        if seen[title := _plain_title(unit)] == 1 and _WORD.search(title)
    }


def compare(old: list[Unit], new: list[Unit]) -> list[UnitChange]:
    """The changes from `old` to `new`, in the new version's order; a removed unit sits where it used to be."""
    pairs = match(old, new)
    paired = sorted((i, j) for i, j in pairs.items() if j is not None)
    staying = _kept_in_order(paired)
    old_of = {j: i for i, j in paired}
    keyed: list[tuple[tuple[int, int, int], UnitChange]] = []
    # A unit that stayed can have exchanged places with one neighbour at most.
    swapped_staying: set[int] = set()
    for j, unit in enumerate(new):
        i = old_of.get(j)
        if i is None:
            keyed.append(((j, 0, 0), UnitChange("added", None, j + 1, unit.title)))
            continue
        content = _content_change(old[i], unit)
        if (i, j) not in staying:
            swapped = next(
                (
                    neighbour + 1
                    for neighbour, step in ((j + 1, -1), (j - 1, 1))
                    if (i + step, neighbour) in staying and neighbour not in swapped_staying
                ),
                None,
            )
            if swapped is not None:
                swapped_staying.add(swapped - 1)
            change = UnitChange("moved", i + 1, j + 1, unit.title, swapped_with=swapped, **content)
            keyed.append(((j, 0, 0), change))
        elif content:
            keyed.append(((j, 0, 0), UnitChange("changed", i + 1, j + 1, unit.title, **content)))
    # A removed unit goes just after the unit that preceded it and stayed in place.
    after = -1
    staying_new = dict(staying)
    for i, unit in enumerate(old):
        if pairs[i] is None:
            keyed.append(((after, 1, i), UnitChange("removed", i + 1, None, unit.title)))
        elif i in staying_new:
            after = staying_new[i]
    return [change for _, change in sorted(keyed, key=lambda item: item[0])]


def _content_change(before: Unit, after: Unit) -> dict:
    what = tuple(part for part in _PARTS if getattr(before, part) != getattr(after, part))
    if not what:
        return {}
    diff = []
    if "title" in what or "text" in what:
        diff = word_diff(f"{before.title}\n{before.text}", f"{after.title}\n{after.text}")
    notes_diff = word_diff(before.notes, after.notes) if "notes" in what else []
    return {"what": what, "diff": diff, "notes_diff": notes_diff}


def _kept_in_order(paired: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The most pairs whose new order is their old order; among equally many, those that travelled least,
    so that what is reported as moved is what visibly moved."""
    if all(a[1] < b[1] for a, b in zip(paired, paired[1:], strict=False)):
        return set(paired)
    best: list[tuple[int, int]] = []
    before: list[int] = []
    for k, (i, j) in enumerate(paired):
        best.append((1, -abs(i - j)))
        before.append(-1)
        for p in range(k):
            if paired[p][1] < j:
                candidate = (best[p][0] + 1, best[p][1] - abs(i - j))
                if candidate > best[k]:
                    best[k], before[k] = candidate, p
    k = max(range(len(paired)), key=best.__getitem__)
    kept = set()
    while k >= 0:
        kept.add(paired[k])
        k = before[k]
    return kept


def describe(changes: list[UnitChange], unit: str) -> list[str]:
    """One line per change for people: "Slide 7: text changed", "Slides 3–4 swapped", "Slides 9–11 added"."""
    lines: list[str] = []
    replaced = replacements(changes)
    k = 0
    while k < len(changes):
        change = changes[k]
        if change.kind == "added" and change.new in replaced:
            before, _ = replaced[change.new]
            lines.append(f"{unit.capitalize()} {change.new} replaced: “{before.title}” → “{change.title}”")
        elif change.kind == "removed" and change.old in replaced:
            pass
        elif change.kind in ("added", "removed"):
            position = "new" if change.kind == "added" else "old"
            run = [getattr(change, position)]
            while (
                k + 1 < len(changes)
                and changes[k + 1].kind == change.kind
                and getattr(changes[k + 1], position) == run[-1] + 1
                and getattr(changes[k + 1], position) not in replaced
            ):
                k += 1
                run.append(getattr(changes[k], position))
            lines.append(f"{_numbered(unit, run).capitalize()} {change.kind}")
        elif change.kind == "moved":
            if change.swapped_with is not None:
                low, high = sorted((change.new, change.swapped_with))
                lines.append(f"{unit.capitalize()}s {low}–{high} swapped")
            elif change.old != change.new:
                lines.append(f"{unit.capitalize()} {change.old} moved to {change.new}")
            else:
                # Its number is the same, but the units around it are not.
                where = f"follows {unit} {change.new - 1}" if change.new > 1 else "comes first"
                lines.append(f"{unit.capitalize()} {change.old} moved: it now {where}")
            if change.what:
                lines.append(f"{unit.capitalize()} {change.new}: {_and(list(change.what))} changed")
        else:
            run = [change.new]
            while (
                k + 1 < len(changes)
                and changes[k + 1].kind == "changed"
                and changes[k + 1].what == change.what
                and changes[k + 1].new == run[-1] + 1
            ):
                k += 1
                run.append(changes[k].new)
            lines.append(f"{_numbered(unit, run).capitalize()}: {_and(list(change.what))} changed")
        k += 1
    return lines


def replacements(changes: list[UnitChange]) -> dict[int, tuple[UnitChange, UnitChange]]:
    """Slides removed and added at the same place, read as one slide replaced (position → (removed, added)):
    a slide rewritten beyond recognition is not matched to its old self, and "slide 7 removed, slide 7 added"
    is the machine's way of saying it."""
    added = {c.new: c for c in changes if c.kind == "added"}
    return {c.old: (c, added[c.old]) for c in changes if c.kind == "removed" and c.old in added}


def headline(changes: list[UnitChange], unit: str) -> str:
    """The whole comparison in one line: "slides 7 and 12 changed, slide 9 added"."""
    changed = [c.new for c in changes if c.kind == "changed" or (c.kind == "moved" and c.what)]
    replaced = replacements(changes)
    added = [c.new for c in changes if c.kind == "added" and c.new not in replaced]
    removed = [c.old for c in changes if c.kind == "removed" and c.old not in replaced]
    swaps = [sorted((c.new, c.swapped_with)) for c in changes if c.kind == "moved" and c.swapped_with is not None]
    moves = [c for c in changes if c.kind == "moved" and c.swapped_with is None]
    verbs = ((changed, "changed"), (sorted(replaced), "replaced"), (added, "added"), (removed, "removed"))
    parts = [f"{_numbered(unit, numbers)} {verb}" for numbers, verb in verbs if numbers]
    parts += [f"{unit}s {low}–{high} swapped" for low, high in swaps]
    if len(moves) == 1:
        parts.append(f"{unit} {moves[0].old} moved to {moves[0].new}")
    elif moves:
        parts.append(f"{len(moves)} {unit}s moved")
    return ", ".join(parts) if parts else f"no {unit} changed"


def _numbered(unit: str, numbers: list[int]) -> str:
    """ "slide 7", "slides 7 and 12", "slides 3–5, 7 and 12", or "14 slides" when that gets long."""
    numbers = sorted(numbers)
    if len(numbers) == 1:
        return f"{unit} {numbers[0]}"
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    if len(runs) > HEADLINE_ITEMS:
        return f"{len(numbers)} {unit}s"
    return f"{unit}s " + _and([f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Section:
    """One unit's change as the changes page shows it: a heading and the words, marked inserted or deleted."""

    heading: str
    anchor: int | None  # the unit's 1-based position in the new version, when it has one
    diff: list[Chunk]
    notes_diff: list[Chunk]


def sections(changes: list[UnitChange], old: list[Unit], new: list[Unit], unit: str) -> list[Section]:
    """What each change looks like in words: a changed unit's word diff, a replaced one's old words against its
    new ones, an added unit's words as inserted and a removed one's as deleted. Pure moves have no words."""
    name = unit.capitalize()
    replaced = replacements(changes)
    found: list[Section] = []
    for change in changes:
        if change.kind == "added" and change.new in replaced:
            before, after = old[change.new - 1], new[change.new - 1]
            found.append(
                Section(
                    f"{name} {change.new} replaced",
                    change.new,
                    word_diff(f"{before.title}\n{before.text}", f"{after.title}\n{after.text}"),
                    word_diff(before.notes, after.notes) if before.notes != after.notes else [],
                )
            )
        elif change.kind == "added":
            after = new[change.new - 1]
            words = [Chunk("insert", f"{after.title}\n{after.text}".strip())]
            found.append(Section(f"{name} {change.new} added", change.new, words, _whole("insert", after.notes)))
        elif change.kind == "removed" and change.old not in replaced:
            before = old[change.old - 1]
            words = [Chunk("delete", f"{before.title}\n{before.text}".strip())]
            heading = f"{name} {change.old} of the older version removed"
            found.append(Section(heading, None, words, _whole("delete", before.notes)))
        elif change.what:
            title = f" · {change.title}" if change.title else ""
            found.append(Section(f"{name} {change.new}{title}", change.new, change.diff, change.notes_diff))
    return found


def _whole(op: str, text: str) -> list[Chunk]:
    return [Chunk(op, text)] if text else []
