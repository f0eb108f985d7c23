from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hiring import policy
from hiring.models import Candidate
from hiring.services.privacy import candidate_forget


class Command(BaseCommand):
    help = (
        "Remove a candidate's personal data (name, email, notes, their name in free text, their later outcomes); "
        "ratings stay anonymous. Refused while a legal hold covers the candidate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("candidate_id", type=int)

    def handle(self, *args: Any, candidate_id: int, **options: Any) -> None:
        candidate = Candidate.objects.filter(pk=candidate_id).first()
        if candidate is None:
            raise CommandError(f"No candidate with id {candidate_id}.")
        try:
            scrubbed = candidate_forget(candidate=candidate, by=policy.SYSTEM)
        except ValidationError as error:  # already forgotten, or held (CandidateHeld names the hold)
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Candidate {candidate_id} forgotten: personal data removed, {scrubbed} texts scrubbed.")
