from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.blueprints import blueprint_text
from roles.models import RubricVersion
from roles.selectors import rubric_export


class Command(BaseCommand):
    help = (
        "Write a role's rubric version (the newest unless --version) to its fixture file <out>/<role-slug>/v<N>.json "
        "(default out: the project's fixtures/), or print it with --print."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """--version names the rubric version here (Django's own --version, its release, gives way)."""
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the role's slug")
        parser.add_argument("--version", type=int, default=None, help="the version number (default: the newest)")
        parser.add_argument("--out", type=Path, default=None, help="fixture directory (default: fixtures/)")
        parser.add_argument("--print", action="store_true", dest="to_stdout", help="print the fixture; write no file")

    def handle(
        self, *args: Any, slug: str, version: int | None, out: Path | None, to_stdout: bool, **options: Any
    ) -> None:
        try:
            document = rubric_export(role_slug=slug, number=version)
        except RubricVersion.DoesNotExist:
            which = f"version {version} of " if version is not None else ""
            raise CommandError(f"There is no {which}role {slug!r} in the library.") from None
        text = blueprint_text(document)
        if to_stdout:
            self.stdout.write(text, ending="")
            return
        path = (out or Path(settings.ROLE_FIXTURES_DIR)) / slug / f"v{document['rubric']['version']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        action = "replaced" if path.exists() else "written"
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path} {action}")
