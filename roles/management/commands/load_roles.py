from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.blueprints import BlueprintError
from roles.services import default_fixture_paths, roles_load


class Command(BaseCommand):
    help = "Validate, then load role-blueprint fixtures in one transaction (default: every file under fixtures/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="fixture files to load")

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        paths = files or default_fixture_paths()
        if not paths:
            raise CommandError("No fixture files given and none found under fixtures/.")
        try:
            outcomes = roles_load(paths=paths)
        except BlueprintError as error:
            raise CommandError(f"Nothing was loaded. Fix these problems first:\n{error}") from error
        for outcome in outcomes:
            self.stdout.write(str(outcome))
