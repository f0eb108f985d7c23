from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roles.blueprints import BlueprintError
from roles.services import default_fixture_paths, roles_load


class Command(BaseCommand):
    help = (
        "Validate, then load role-blueprint fixtures in one transaction "
        "(default: every .json file under fixtures/, e.g. fixtures/<role-slug>/v1.json, v2.json)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="fixture files to load")
        parser.add_argument(
            "--retitle",
            action="store_true",
            help="confirm that a fixture gives a role already in the library a new title",
        )

    def handle(self, *args: Any, files: list[Path], retitle: bool, **options: Any) -> None:
        paths = files or default_fixture_paths()
        if not paths:
            raise CommandError("No fixture files given and none found under fixtures/.")
        try:
            outcomes = roles_load(paths=paths, retitle=retitle)
        except BlueprintError as error:
            raise CommandError(f"Nothing was loaded. Fix these problems first:\n{error}") from error
        for outcome in outcomes:
            self.stdout.write(str(outcome))
            for warning in outcome.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
