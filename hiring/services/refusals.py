"""How a service refuses an input: every problem found, each by the domain place it is about.

A service says what is wrong and where (a dimension's score, a signal's note, a loop's hiring
manager...), never which form field: the web forms (``hiring.forms.problem_field``) and the API
(``api.errors``) decide where to show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError

Place = Literal[
    "score",
    "evidence",
    "signal_note",
    "recommendation",
    "key_takeaways",
    "reason",
    "hiring_manager",
    "sex",
    "race_ethnicity",
    "input",
]


@dataclass(frozen=True)
class Problem:
    """One reason an input is refused: where it lies and what to say.

    ``place`` is what it is about: a dimension's score or evidence, a signal's note (``item`` is then
    the dimension's or signal's id), the recommendation, the key takeaways, the amendment's reason, a new
    loop's hiring manager, a self-identification's sex or race/ethnicity, or the input as a whole ("input").
    Forms and the API decide where to show it.
    """

    place: Place
    message: str
    item: int | None = None


class InputRefused(ValidationError):
    """An input the rules refuse (a scorecard, an amendment, a new loop), with every problem found; nothing was
    saved.

    Its ``messages`` are grouped by place, in the order each place first came up.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        by_place: dict[tuple[str, int | None], list[str]] = {}
        for problem in self.problems:
            by_place.setdefault((problem.place, problem.item), []).append(problem.message)
        super().__init__([message for messages in by_place.values() for message in messages])
