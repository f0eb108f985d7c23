"""How well two texts match, by the word stems they share: the exercise → dimension mapping and the anchors
derived on request use it."""

from __future__ import annotations

import re

STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "as",
        "at",
        "is",
        "are",
        "be",
        "been",
        "can",
        "do",
        "does",
        "did",
        "they",
        "their",
        "them",
        "candidate",
        "candidates",
        "ability",
        "able",
        "evidence",
        "what",
        "how",
        "not",
        "no",
        "without",
        "clear",
        "strong",
        "good",
        "skill",
        "skills",
        "has",
        "have",
        "had",
        "e",
        "g",
        "eg",
        "etc",
        "from",
        "into",
        "that",
        "this",
        "who",
        "when",
        "where",
        "about",
        "across",
        "only",
        "just",
        "vs",
        "via",
        "ml",
        "ic",
        "own",
        "its",
        "it",
        "if",
        "than",
        "then",
        "there",
        "these",
        "those",
        "such",
        "any",
        "all",
        "some",
        "more",
        "most",
        "other",
        "which",
        "while",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "also",
        "both",
        "each",
        "many",
        "much",
        "very",
    }
)


def words(text: str) -> frozenset[str]:
    """The content words of a text, lowercased, without the common words of STOP_WORDS."""
    return frozenset(
        word for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in STOP_WORDS and len(word) > 1
    )


def shared_stems(a: frozenset[str], b: frozenset[str]) -> list[str]:
    """The word stems (first five letters, so "rigorous" meets "rigor") two sets of words share."""
    return sorted({word[:5] for word in a} & {word[:5] for word in b})


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How well two texts match: shared stems, and half a point more for each word shared whole."""
    return len(shared_stems(a, b)) + 0.5 * len(a & b)
