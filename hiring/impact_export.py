"""The adverse-impact report as a CSV an auditor can use: one figure set a row, every group, nothing hidden
behind a display rule (groups too small to compare carry their counts and the note, no ratio)."""

from __future__ import annotations

from collections.abc import Iterator

from hiring.selectors.adverse_impact import ImpactReport

HEADER = [
    "role",
    "since",
    "until",
    "characteristic",
    "section",
    "stage_or_dimension",
    "group",
    "of",
    "passed",
    "rate",
    "impact_ratio",
    "below_four_fifths",
    "fisher_p_two_sided",
    "compared_with",
    "mean_normalised_score",
    "cohens_d",
    "d_95_low",
    "d_95_high",
    "note",
]


def _number(value: float | None, places: int = 4) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def impact_rows(report: ImpactReport) -> Iterator[list[object]]:
    f = report.filters
    head = [f.role, f.since.isoformat(), f.until.isoformat()]
    for characteristic in report.characteristics:
        for stage in characteristic.stages:
            for rate in stage.rows:
                yield [
                    *head,
                    characteristic.label,
                    "stage",
                    f"{stage.label} ({stage.of})",
                    rate.group,
                    rate.of,
                    rate.passed,
                    _number(rate.rate),
                    _number(rate.ratio),
                    _flag(rate.below_four_fifths),
                    _number(rate.p_value, 6),
                    stage.reference or "",
                    "",
                    "",
                    "",
                    "",
                    rate.note,
                ]
        for dimension in characteristic.dimensions:
            for row in dimension.rows:
                difference = row.difference
                yield [
                    *head,
                    characteristic.label,
                    "dimension",
                    dimension.name,
                    row.group,
                    row.scored,
                    "",
                    "",
                    "",
                    "",
                    "",
                    dimension.reference or "",
                    _number(row.mean),
                    *(
                        ("", "", "")
                        if difference is None
                        else (_number(difference.d), _number(difference.low), _number(difference.high))
                    ),
                    row.note,
                ]
