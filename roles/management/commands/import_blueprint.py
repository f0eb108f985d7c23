from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.progress import terminal_progress
from roles.importing.reading import ImportRefused, document_file_read
from roles.importing.storing import Planned, import_plan, plan_write


class Command(BaseCommand):
    help = (
        "Import role blueprint documents (text, Markdown, HTML or blog JSON export) as role fixtures "
        "<out>/<role-slug>/v<N>.json, and print what a person should review."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="blueprint documents")
        parser.add_argument(
            "--out", type=Path, default=None, help="fixture directory (default: the project's fixtures/)"
        )
        parser.add_argument("--check", action="store_true", help="validate and print the review list; write nothing")
        parser.add_argument("--slug", default=None, help="role slug (one document only; default: from its title)")
        parser.add_argument(
            "--derive-anchors",
            action="store_true",
            help="write the lowest, middle and highest anchor a dimension lacks from the rubric's own signals and "
            "areas, marked derived (by default a level without a written anchor shows its label only)",
        )

    def handle(
        self,
        *args: Any,
        files: list[Path],
        out: Path | None,
        check: bool,
        slug: str | None,
        derive_anchors: bool,
        **options: Any,
    ) -> None:
        directory = out or Path(settings.ROLE_FIXTURES_DIR)
        if slug is not None and len(files) > 1:
            raise CommandError("--slug names one role: give one document with it.")
        plans: list[Planned] = []
        problems: list[str] = []
        with terminal_progress(self.stderr)("Reading", total=len(files), unit="files") as advance:
            for path in files:
                try:
                    document = document_file_read(path)
                    plans.append(import_plan(document, directory=directory, slug=slug, derive_anchors=derive_anchors))
                except ImportRefused as error:
                    problems.append(str(error))
                advance(1)
        targets: dict[Path, str] = {}
        for plan in plans:
            if plan.action != "unchanged" and plan.path in targets:
                problems.append(f"{plan.source}: gives the same fixture file {plan.path} as {targets[plan.path]}")
            targets[plan.path] = plan.source
        if problems:
            raise CommandError("Nothing was written.\n" + "\n".join(problems))
        for plan in plans:
            if not check and plan.action != "unchanged":
                plan_write(plan)
            self.stdout.write(("(check) " if check else "") + str(plan))
            self.stdout.write(f"  Review ({len(plan.review)} items):")
            for item in plan.review:
                line = f" (line {item['line']})" if item.get("line") else ""
                self.stdout.write(f"  - [{item['topic']}] {item['message']}{line}")
