from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.progress import terminal_progress
from hiring import exports, policy
from hiring.selectors import pipeline
from roles.models import Role


class Command(BaseCommand):
    help = (
        "Export loops as the web export does: summary or ratings CSV, or JSON (all loops, or one role, since a date)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--kind", choices=["summary", "ratings"], default="summary")
        parser.add_argument("--role", default="", help="role slug")
        parser.add_argument("--since", default=None, help="loops created on or after YYYY-MM-DD")
        parser.add_argument("--output", default="-", help="file to write (default: standard output)")

    def handle(
        self, *args: Any, format: str, kind: str, role: str, since: str | None, output: str, **options: Any
    ) -> None:
        if format == "json" and kind != "summary":
            raise CommandError("JSON holds whole loops; use --kind summary (the default) with --format json.")
        if role and not Role.objects.filter(slug=role).exists():
            raise CommandError(
                f'No role with slug "{role}". Known: {", ".join(Role.objects.values_list("slug", flat=True))}'
            )
        try:
            since_date = dt.date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CommandError(f"--since must be a date as YYYY-MM-DD, not {since!r}") from error
        filters = pipeline.PipelineFilter(role=role, since=since_date)
        loops = pipeline.pipeline_loops(user=policy.SYSTEM, filters=filters)
        columns = pipeline.dimension_columns(role) if role and kind == "summary" else []
        record = exports.export_start(
            by=policy.SYSTEM, kind=kind, fmt=format, filters=filters.as_dict(), source="command"
        )
        if output == "-":
            stream = exports.export_stream(
                loops=loops, kind=kind, fmt=format, columns=columns, filters=filters.as_dict(), record=record
            )
            for piece in stream:
                self.stdout.write(piece, ending="")
            return
        # Rows of the summary and JSON are loops, counted beforehand; the ratings' are not known until written.
        total = None if kind == "ratings" else loops.count()
        unit = "ratings" if kind == "ratings" else "loops"
        with (
            open(output, "w", encoding="utf-8", newline="") as handle,
            terminal_progress(self.stderr)("Exporting", total=total, unit=unit) as advance,
        ):
            stream = exports.export_stream(
                loops=loops,
                kind=kind,
                fmt=format,
                columns=columns,
                filters=filters.as_dict(),
                record=record,
                on_rows=advance,
            )
            for piece in stream:
                handle.write(piece)
        record.refresh_from_db()
        self.stderr.write(f"Wrote {record.rows} rows to {output}.")
