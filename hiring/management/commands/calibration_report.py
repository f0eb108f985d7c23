from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiring.selectors import calibration
from roles.models import Role


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "—" if value is None else format(value, spec)


class Command(BaseCommand):
    help = "Interviewer calibration (leniency, not assessed, on time, decision match) and agreement per dimension."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="", help="role slug")
        parser.add_argument("--since", default=None, help="loops created on or after YYYY-MM-DD")
        parser.add_argument("--until", default=None, help="loops created on or before YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON instead of a table")

    def handle(
        self, *args: Any, role: str, since: str | None, until: str | None, as_json: bool, **options: Any
    ) -> None:
        if role and not Role.objects.filter(slug=role).exists():
            raise CommandError(
                f'No role with slug "{role}". Known: {", ".join(Role.objects.values_list("slug", flat=True))}'
            )
        filters = calibration.CalibrationFilter(role=role, since=_date(since, "--since"), until=_date(until, "--until"))
        report = calibration.calibration_report(filters=filters)
        if as_json:
            self.stdout.write(json.dumps(calibration.report_as_dict(report), indent=2, ensure_ascii=False))
        else:
            self._table(report)

    def _table(self, report: calibration.CalibrationReport) -> None:
        self.stdout.write("Interviewers (normalised 0–1; leniency = own score − other interviewers' mean)")
        self.stdout.write(
            f"{'interviewer':<24} {'cards':>5} {'leniency':>8} {'95% interval':>16} {'n':>4} "
            f"{'n/a':>6} {'on time':>7} {'match':>6} {'of':>4}"
        )
        for row in report.interviewers:
            ci = row.leniency.interval
            self.stdout.write(
                f"{row.username:<24} {row.scorecards:>5} {_fmt(row.leniency.mean, '+.2f'):>8} "
                f"{(f'[{ci[0]:+.2f}, {ci[1]:+.2f}]' if ci else '—'):>16} {row.leniency.n:>4} "
                f"{_fmt(row.not_assessed_pct, '.0f'):>5}% {_fmt(row.on_time_pct, '.0f'):>6}% "
                f"{_fmt(row.decision_match_pct, '.0f'):>5}% {row.decision_match_n:>4}"
            )
        self.stdout.write("")
        self.stdout.write(f"Agreement (Krippendorff's alpha, ordinal; low below {calibration.LOW_AGREEMENT})")
        self.stdout.write(f"{'role':<24} {'dimension':<32} {'loops':>5} {'alpha':>6}")
        for item in report.agreement:
            flag = "  low: reword?" if item.low_agreement else ""
            self.stdout.write(
                f"{item.role:<24} {item.dimension_name[:32]:<32} {item.loops:>5} {_fmt(item.alpha):>6}{flag}"
            )


def _date(value: str | None, option: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as error:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from error
