"""What a table column, a table row's first cell or an anchor line's lead says about a scale level.

"5", "Level 3", "What “5” looks like", "4 – Strong", "9-10 (Outstanding)", "7 to 8: Strong" name numbers
(a band when it is a range); "Meets", "Exceeds", "Strong Hire", "No hire", "Hire: YES",
"Hire: RECONSIDERING" name a level by its word, ranked from worst to best by LEVEL_WORDS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LOOKS_LIKE_RE = re.compile(r"^what\s+[“\"']([^”\"']{1,40})[”\"']\s+looks\s+like\b", re.IGNORECASE)
NUMBER_KEY_RE = re.compile(
    r"^(?:(?:level|score|rating|grade|points?)\s*)?(\d{1,2})(?:\s*(?:-|–|—|to)\s*(\d{1,2}))?(?!\d)"
    r"(?:\s*(?:points?|pts)\b)?\s*(?:[-–—:=.)]\s*|\(([^()]{1,60})\)\s*:?\s*|\s+)?(.*)$",
    re.IGNORECASE,
)
# (phrase, rank): the first phrase found (as whole words) ranks the level; a higher rank is a better level.
LEVEL_WORDS: tuple[tuple[str, int], ...] = (
    ("strong no hire", -6),
    ("strong no", -6),
    ("definitely not", -6),
    ("strongly reject", -6),
    ("far below", -6),
    ("does not meet", -4),
    ("doesn't meet", -4),
    ("not meet", -4),
    ("do not hire", -4),
    ("no hire", -4),
    ("not hire", -4),
    ("below", -4),
    ("reject", -4),
    ("unsatisfactory", -4),
    ("insufficient", -4),
    ("not yet", -4),
    ("needs improvement", -4),
    ("no evidence", -4),
    ("poor", -4),
    ("lean no", -2),
    ("leaning no", -2),
    ("reconsidering", -2),
    ("reconsider", -2),
    ("partially meets", -2),
    ("mixed", -2),
    ("borderline", -2),
    ("developing", -2),
    ("weak", -2),
    ("lean yes", 1),
    ("leaning yes", 1),
    ("far exceeds", 6),
    ("strong hire", 4),
    ("strong yes", 4),
    ("exceeds", 4),
    ("above", 4),
    ("exceptional", 6),
    ("outstanding", 6),
    ("meets", 2),
    ("at the bar", 2),
    ("on target", 2),
    ("solid", 2),
    ("competent", 2),
    ("proficient", 2),
    ("hire", 2),
    ("yes", 2),
    ("no", -4),
)
_WORD_RES = tuple((re.compile(rf"\b{re.escape(phrase)}\b"), rank) for phrase, rank in LEVEL_WORDS)


@dataclass(frozen=True)
class LevelKey:
    """A level as a document names it: numbers (low..high, a band when they differ) or a ranked word."""

    text: str
    low: int | None = None
    high: int | None = None
    rank: int | None = None
    label: str = ""

    @property
    def numbered(self) -> bool:
        return self.low is not None

    @property
    def band(self) -> bool:
        return self.low is not None and self.high is not None and self.high > self.low


def level_key(text: str, *, words: bool = True) -> LevelKey | None:
    """The level a heading cell or a line's lead names, or None when it names none."""
    cleaned = " ".join(text.replace("*", "").split()).strip(" :")
    if not cleaned or len(cleaned) > 80:
        return None
    if quoted := LOOKS_LIKE_RE.match(cleaned):
        inner = level_key(quoted.group(1), words=words)
        return LevelKey(cleaned, inner.low, inner.high, inner.rank, inner.label) if inner else None
    if match := NUMBER_KEY_RE.match(cleaned):
        low, high = sorted((int(match.group(1)), int(match.group(2) or match.group(1))))
        label = (match.group(3) or match.group(4) or "").strip(" :–—-()")
        if label and not _label_like(label):
            return None
        return LevelKey(cleaned, low, high, label=label)
    if not words:
        return None
    rank = word_rank(cleaned)
    return LevelKey(cleaned, rank=rank, label=cleaned) if rank is not None and len(cleaned.split()) <= 5 else None


ANCHOR_LINE_RE = re.compile(
    r"^(?:(?:level|score|rating)\s+)?(\d{1,2})(?:\s*(?:-|–|—|to)\s*(\d{1,2}))?(?!\d)\s*(?:\(([^()]{1,40})\))?"
    r"\s*(?:[:=]|\s[-–—]|[.)])\s*(.+)$",
    re.IGNORECASE,
)


def anchor_line(text: str, lead: str = "") -> tuple[LevelKey, str] | None:
    """An anchor written as a line: "5 – text", "9-10 (Outstanding): text", "**Strong hire:** text"."""
    if lead and text.startswith(lead) and (key := level_key(lead)) is not None:
        rest = text[len(lead) :].strip(" :–—-")
        return (key, rest) if rest else None
    if match := ANCHOR_LINE_RE.match(text):
        low, high = sorted((int(match.group(1)), int(match.group(2) or match.group(1))))
        label = (match.group(3) or "").strip()
        rest = match.group(4).strip()
        if rest:
            return LevelKey(text[: match.start(4)].strip(" :–—-"), low, high, label=label), rest
    return None


def word_rank(text: str) -> int | None:
    lowered = text.lower().replace("’", "'")
    return next((rank for pattern, rank in _WORD_RES if pattern.search(lowered)), None)


def _label_like(label: str) -> bool:
    """A level's label after its number ("Strong", "Meets expectations"), not a sentence."""
    return len(label.split()) <= 5 and not label.endswith((".", "?", ","))
