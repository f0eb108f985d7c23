"""Pick users and pages to drive in a database seeded with `manage.py seed_loops`, for the scripts here.

Meant for the throwaway databases of scripts/loadtest.sh and scripts/two_servers.sh only: it
gives seed accounts a password (seed accounts have none).

    python scripts/seeded_targets.py loadtest --password P --targets FILE   # prints shell variables
    python scripts/seeded_targets.py draft --password P --output FILE.json  # a draft to save and submit, an API token
    python scripts/seeded_targets.py check-submitted --scorecard ID --revision N
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db.models import Count  # noqa: E402

from api.services import token_create  # noqa: E402
from hiring.models import Loop, Scorecard  # noqa: E402

STAFF = "loadtest-staff"


def _with_password(user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _interviewer() -> User:
    """The seed interviewer with the most open drafts (a scorecard to write on a loop not yet decided)."""
    open_drafts = Scorecard.objects.filter(status=Scorecard.Status.DRAFT).exclude(
        interview__loop__status=Loop.Status.DECIDED
    )
    busiest = (
        open_drafts.filter(interview__interviewer__username__startswith="seed-interviewer-")
        .values("interview__interviewer")
        .annotate(n=Count("pk"))
        .order_by("-n", "interview__interviewer")
        .first()
    )
    if busiest is None:
        raise SystemExit("No open draft scorecard: seed the database with manage.py seed_loops first.")
    return User.objects.get(pk=busiest["interview__interviewer"])


def _drafts(interviewer: User, count: int) -> list[Scorecard]:
    """Draft scorecards of the interviewer on loops still open, with their loop's rubric and focus."""
    return list(
        Scorecard.objects.filter(interview__interviewer=interviewer, status=Scorecard.Status.DRAFT)
        .exclude(interview__loop__status=Loop.Status.DECIDED)
        .select_related("interview__loop__rubric")
        .prefetch_related("interview__focus_dimensions")
        .order_by("pk")[:count]
    )


def draft_fields(scorecard: Scorecard, *, note: str) -> dict[str, str]:
    """A complete, valid scorecard form: every focus dimension scored mid-scale with evidence."""
    rubric = scorecard.interview.loop.rubric
    fields = {"key_takeaways": f"Load-test takeaways ({note})."}
    for dimension in scorecard.interview.focus_dimensions.all():
        fields[f"score_{dimension.pk}"] = str((rubric.scale_min + rubric.scale_max) // 2)
        fields[f"evidence_{dimension.pk}"] = f"{note}: walked through a concrete example for {dimension.name}."
    return fields


def loadtest(*, password: str, targets: Path, drafts: int) -> None:
    interviewer = _with_password(_interviewer(), password)
    loop = (
        Loop.objects.filter(status=Loop.Status.DECIDED)
        .annotate(n=Count("interviews"))
        .order_by("-n", "pk")
        .select_related("hiring_manager")
        .first()
    )
    if loop is None:
        raise SystemExit("No decided loop: seed the database with manage.py seed_loops first.")
    manager = _with_password(loop.hiring_manager, password)
    staff, _ = User.objects.get_or_create(username=STAFF, defaults={"is_staff": True})
    _with_password(staff, password)
    cards = _drafts(interviewer, drafts + 1)
    if len(cards) < drafts + 1:
        raise SystemExit(f"{interviewer.username} has only {len(cards)} open drafts; seed more loops.")
    form_card, autosave_cards = cards[0], cards[1:]
    lines = [
        f"{card.pk} {card.revision} {urllib.parse.urlencode(draft_fields(card, note='autosave'))}"
        for card in autosave_cards
    ]
    targets.write_text("\n".join(lines) + "\n")
    variables = {
        "INTERVIEWER": interviewer.username,
        "MANAGER": manager.username,
        "STAFF": staff.username,
        "FORM_ID": form_card.pk,
        "LOOP_ID": loop.pk,
        "LOOP_INTERVIEWS": loop.n,
        "INTERVIEWER_INTERVIEWS": interviewer.interviews.count(),
    }
    for name, value in variables.items():
        sys.stdout.write(f"{name}={shlex.quote(str(value))}\n")


def draft(*, password: str, output: Path) -> None:
    interviewer = _with_password(_interviewer(), password)
    card = _drafts(interviewer, 1)[0]
    _, token = token_create(owner=interviewer, name="two servers", scope="read", expires_in_days=7)
    document = {
        "scorecard": card.pk,
        "revision": card.revision,
        "username": interviewer.username,
        "token": token,
        "fields": draft_fields(card, note="two servers"),
    }
    output.write_text(json.dumps(document, indent=2))
    sys.stdout.write(f"Draft scorecard {card.pk} (revision {card.revision}) of {interviewer.username}\n")


def check_submitted(*, scorecard: int, revision: int) -> None:
    card = Scorecard.objects.get(pk=scorecard)
    ratings = card.ratings.count()
    state = f"status={card.status} revision={card.revision} submitted_at={card.submitted_at} ratings={ratings}"
    ok = card.status == Scorecard.Status.SUBMITTED and card.submitted_at and card.revision == revision and ratings
    sys.stdout.write(f"Database: scorecard {scorecard}: {state}\n")
    raise SystemExit(0 if ok else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("loadtest")
    load.add_argument("--password", required=True)
    load.add_argument("--targets", type=Path, required=True)
    load.add_argument("--drafts", type=int, default=4)
    one = commands.add_parser("draft")
    one.add_argument("--password", required=True)
    one.add_argument("--output", type=Path, required=True)
    check = commands.add_parser("check-submitted")
    check.add_argument("--scorecard", type=int, required=True)
    check.add_argument("--revision", type=int, required=True)
    args = parser.parse_args()
    if args.command == "loadtest":
        loadtest(password=args.password, targets=args.targets, drafts=args.drafts)
    elif args.command == "draft":
        draft(password=args.password, output=args.output)
    else:
        check_submitted(scorecard=args.scorecard, revision=args.revision)


if __name__ == "__main__":
    main()
