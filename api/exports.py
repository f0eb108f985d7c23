"""The loop-summary and ratings exports as JSON objects, from the same rows as the CSV files.

`hiring.exports` defines each row once; here a row's text cells get their JSON types back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from hiring.exports import RATINGS_HEADER, ratings_rows, summary_header, summary_rows
from hiring.models import Loop
from hiring.selectors.pipeline import RECOMMENDATIONS, DimensionColumn


def _number(text: Any) -> float | None:
    return None if text in ("", None) else float(text)


def _optional(text: Any) -> Any:
    return None if text == "" else text


def summary_objects(loops: QuerySet[Loop], columns: list[DimensionColumn]) -> Iterator[dict[str, Any]]:
    header = summary_header(columns)
    for row in summary_rows(loops, columns):
        cells = dict(zip(header, row, strict=True))
        yield {
            "loop": cells["loop_id"],
            **{key: cells[key] for key in ("candidate", "role", "rubric_version", "status", "created")},
            **{key: cells[key] for key in ("hiring_manager", "recruiter", "scorecards_submitted")},
            "scorecards_expected": cells["scorecards_expected"],
            "overdue": cells["overdue"],
            "normalised_mean": _number(cells["normalised_mean"]),
            "normalised_dimensions": {c.slug: _number(cells[f"normalised_{c.slug}"]) for c in columns},
            "signals": {
                "strong": cells["strong_signals"],
                "weak": cells["weak_signals"],
                "red_flag": cells["red_flags"],
            },
            "recommendations": {value: cells[f"rec_{value}"] for value in RECOMMENDATIONS},
            "decision": cells["decision"],
            "decided_at": _optional(cells["decided_at"]),
            "decision_rationale": cells["decision_rationale"],
        }


def rating_objects(loops: QuerySet[Loop]) -> Iterator[dict[str, Any]]:
    for row in ratings_rows(loops):
        cells = dict(zip(RATINGS_HEADER, row, strict=True))
        loop, scorecard = cells.pop("loop_id"), cells.pop("scorecard_id")
        yield {
            **cells,
            "loop": loop,
            "scorecard": scorecard,
            "score": _optional(cells["score"]),
            "not_assessed": cells["not_assessed"] == "yes",
            "normalised": _number(cells["normalised"]),
            "submitted_at": _optional(cells["submitted_at"]),
            "amended": cells["amended"] == "yes",
        }
