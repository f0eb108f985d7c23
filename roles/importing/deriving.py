"""Anchors derived from a rubric's own words, only when a person asks for them (`--derive-anchors`).

For each dimension, each of the lowest, middle and highest levels that no written anchor covers
gets the rubric text that best matches the dimension (most word stems in common): the highest
from a strong signal, the lowest from a red flag or weak signal, the middle from an assessment
area (else a weak signal); the dimension's own signals first. Each is marked `derived` and listed
in the review list with what it came from.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from roles.importing.matching import overlap, shared_stems, words


def _best(pool: list[tuple[str, str]], keys: frozenset[str], uses: Counter[str]) -> tuple[str, str, list[str]]:
    """The (kind, text) of the pool that best matches keys; ties go to the least used, then the first."""
    scored = [(-overlap(keys, words(text)), uses[text], index, kind, text) for index, (kind, text) in enumerate(pool)]
    _, _, _, kind, text = min(scored)
    uses[text] += 1
    return kind, text, shared_stems(keys, words(text))


def _pool(signals: list[dict[str, Any]], kinds: tuple[str, ...], slug: str) -> list[tuple[str, str]]:
    names = {"strong": "strong signal", "weak": "weak signal", "red_flag": "red flag"}
    own = [
        (names[s["kind"]], s["text"])
        for kind in kinds
        for s in signals
        if s["kind"] == kind and s.get("dimension") == slug
    ]
    shared = [
        (names[s["kind"]], s["text"]) for kind in kinds for s in signals if s["kind"] == kind and not s.get("dimension")
    ]
    return own or shared


def anchors_derive(fixture: dict[str, Any]) -> None:
    """Fill each dimension's uncovered lowest, middle and highest level with a derived anchor, in place, and list
    each in the fixture's review list."""
    rubric = fixture["rubric"]
    low, high = rubric["scale"]["min"], rubric["scale"]["max"]
    mid = (low + high) // 2
    signals = rubric.get("signals", [])
    areas = [
        ("assessment area", area["questions"][0] if area["questions"] else area["name"])
        for area in rubric.get("areas", [])
    ]
    uses: Counter[str] = Counter()
    review = fixture.setdefault("review", [])
    for index, dimension in enumerate(rubric["dimensions"]):
        anchors = dimension.setdefault("anchors", [])
        covered = {level for a in anchors for level in range(a["level"], a.get("level_max", a["level"]) + 1)}
        keys = words(" ".join([dimension["name"], dimension.get("description", ""), *(a["text"] for a in anchors)]))
        pools = {
            high: _pool(signals, ("strong",), dimension["slug"]),
            mid: areas or _pool(signals, ("weak",), dimension["slug"]),
            low: _pool(signals, ("red_flag", "weak"), dimension["slug"]),
        }
        for level in sorted({low, mid, high}, reverse=True):
            if level in covered or not pools[level]:
                continue
            kind, text, shared = _best(pools[level], keys, uses)
            anchors.append({"level": level, "text": text, "source": "derived"})
            why = f"shares {', '.join(shared)}" if shared else "shares no word: check it"
            review.append(
                {
                    "topic": "anchors",
                    "message": f'"{dimension["name"]}" level {level} derived from the {kind} "{text}" ({why}).',
                    "field": f"rubric.dimensions[{index}].anchors",
                }
            )
        anchors.sort(key=lambda anchor: -anchor["level"])
