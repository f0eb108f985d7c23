"""Demo accounts and loops for the README's first command (idempotent).

Every role, however many there are, gets loops in the states a person would meet:
planned, in progress, all submitted and decided (then amended: changed since decided),
assigned to the demo accounts. A role that already has its demo loops is left alone, so a
role added later gets its own on the next run.

The first roles also carry the states a page shows only sometimes, so that every banner and
list can be seen (and is swept for accessibility, tests/browser/test_every_page.py): the first
role's loop in progress has overdue scorecards, one of whose interviewers the recruiter reminded
two hours ago; the second role's planned loop has no interview yet (a loop to plan), and its
changed decision was confirmed by the hiring manager (a decision history of two). The decided loops of every
other role follow the decision rule and the rest overrule it with a reason, so calibration's override rates are
neither none nor all. Every demo candidate has a
voluntary self-identification (drawn from the configured categories, "Declined to answer" among them), for the
compliance account's adverse-impact report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable
from typing import Required, TypedDict

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hiring.decision_rule import HIRE, NO_HIRE
from hiring.models import Candidate, Interview, Loop, Rating, Scorecard, self_identification_categories
from hiring.selectors.debrief import loop_debrief
from hiring.services.decisions import loop_decide, loop_decision_revisit
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from hiring.services.reminders import scorecard_remind
from hiring.services.scorecard_views import scorecard_views_record
from hiring.services.scorecards import (
    RatingInput,
    ScorecardInput,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from hiring.services.self_identification import self_identification_record
from roles.models import Role, RubricVersion, Signal
from roles.selectors import newest_rubrics


class _DemoAccount(TypedDict, total=False):
    groups: Required[list[str]]
    first_name: Required[str]
    last_name: Required[str]
    is_staff: bool
    is_superuser: bool


DEMO_ACCOUNTS: dict[str, _DemoAccount] = {
    "recruiter": {"groups": ["Recruiters"], "first_name": "Riley", "last_name": "Recruiter"},
    "hiring-manager": {"groups": ["Hiring managers"], "first_name": "Harper", "last_name": "Manager"},
    "interviewer": {"groups": ["Interviewers"], "first_name": "Ines", "last_name": "Interviewer"},
    "interviewer2": {"groups": ["Interviewers"], "first_name": "Ivo", "last_name": "Interviewer"},
    "compliance": {"groups": ["Compliance"], "first_name": "Casey", "last_name": "Compliance"},
    "admin": {"groups": [], "first_name": "Ada", "last_name": "Admin", "is_staff": True, "is_superuser": True},
}
DEMO_EMAIL_DOMAIN = "candidates.demo.example"
FIRST_NAMES = [
    "Amara", "Bao", "Carmen", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Isabel", "Jonas",
    "Kavya", "Liam", "Mei", "Nia", "Oskar", "Priya", "Quinn", "Rafael", "Sofia", "Tomas",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Nguyen", "Ruiz", "Volkov", "Yilmaz", "Haddad", "Petrov", "Sato", "Costa", "Berg",
    "Iyer", "O'Brien", "Lin", "Mensah", "Lund", "Raman", "Harper", "Souza", "Rossi", "Novak",
]  # fmt: skip
STATES = ("planned", "in_progress", "complete", "decided")


def demo_candidate_name(number: int) -> str:
    """The number-th demo candidate: every first × last pairing once (400 names) before any repeats."""
    first = number % len(FIRST_NAMES)
    last = (first + number // len(FIRST_NAMES)) % len(LAST_NAMES)
    return f"{FIRST_NAMES[first]} {LAST_NAMES[last]}"


@transaction.atomic
def demo_accounts_create(*, password: str) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, spec in DEMO_ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = spec["first_name"], spec["last_name"]
        user.email = f"{username}@example.com"
        user.is_staff = spec.get("is_staff", False)
        user.is_superuser = spec.get("is_superuser", False)
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in spec["groups"]])
        users[username] = user
    return users


@transaction.atomic
def demo_loops_create(*, users: dict[str, User]) -> int:
    """Create the demo loops of every role that has none yet; returns how many were created.

    A role's candidates follow from its place in the order roles were first loaded, so a
    rerun, or a role added later, never renames anyone.
    """
    demo_candidates = Candidate.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    done = set(Loop.objects.filter(candidate__in=demo_candidates).values_list("rubric__role_id", flat=True))
    places = {pk: place for place, pk in enumerate(Role.objects.order_by("pk").values_list("pk", flat=True))}
    now = timezone.now()
    created = 0
    for rubric in newest_rubrics().select_related("role").order_by("role_id"):
        if rubric.role_id in done:
            continue
        place = places[rubric.role_id]
        for index, state in enumerate(STATES):
            number = place * len(STATES) + index
            loop = _demo_loop(
                rubric, state, number, users, now, overdue=place == 0, unplanned=place == 1, overrule=place % 2 == 0
            )
            if place == 0 and state == "in_progress":
                _demo_remind(loop, users, now - dt.timedelta(hours=2))
            if place == 1 and state == "decided":
                _demo_confirm(loop, users)
            created += 1
    return created


def _demo_loop(
    rubric: RubricVersion,
    state: str,
    number: int,
    users: dict[str, User],
    now: dt.datetime,
    *,
    overdue: bool,
    unplanned: bool,
    overrule: bool,
) -> Loop:
    rng = random.Random(f"{rubric.role.slug}-{state}")
    name = demo_candidate_name(number)
    loop = loop_create(
        candidate_name=name,
        candidate_email=f"{slugify(name)}-{number}@{DEMO_EMAIL_DOMAIN}",
        candidate_notes="Demo candidate.",
        rubric=rubric,
        hiring_manager=users["hiring-manager"],
        by=users["recruiter"],
    )
    said = random.Random(f"self-identification-{number}")  # its own draws: the scores' stay as they were
    self_identification_record(  # voluntary, some declined: for the compliance account's report
        loop=loop,
        sex=said.choice(self_identification_categories("sex")),
        race_ethnicity=said.choice(self_identification_categories("race_ethnicity")),
        by=users["recruiter"],
    )
    if state == "planned" and unplanned:
        return loop  # no interview yet: on the recruiter's home, a loop to plan
    panel = [users["interviewer"], users["interviewer2"]]
    exercises = list(rubric.exercises.prefetch_related("dimensions"))
    exercises = [e for e in exercises if not e.optional] or exercises
    if state == "planned":
        start = now + dt.timedelta(days=2)
    elif state == "in_progress" and overdue:
        start = now - dt.timedelta(days=2)  # an overdue scorecard to chase (first role only)
    elif state == "in_progress":
        start = now - dt.timedelta(hours=3 + 2 * len(exercises))
    else:
        start = now - dt.timedelta(days=3)
    rows = [
        PlanRow(
            exercise=exercise,
            interviewer=panel[index % 2],
            scheduled_at=start + dt.timedelta(hours=index),
            focus=list(exercise.dimensions.all()) or list(rubric.dimensions.all()[:2]),
        )
        for index, exercise in enumerate(exercises)
    ] or _titled_rows(rubric, panel, start)
    interviews = loop_plan_save(loop=loop, rows=rows, by=users["recruiter"])
    if state == "planned":
        return loop
    for index, interview in enumerate(interviews):
        scorecard = Scorecard.objects.get(interview=interview)
        data = _demo_scorecard_input(rubric, interview, rng, split=index % 2 == 1)
        if state == "in_progress" and interview.interviewer == users["interviewer"]:
            if index == 0:
                scorecard_save_draft(scorecard=scorecard, by=interview.interviewer, revision=1, data=data)
            continue
        scorecard_submit(scorecard=scorecard, by=interview.interviewer, revision=1, data=data)
    if state == "decided":
        _demo_decide(loop, users, overrule=overrule)
        first = Scorecard.objects.select_related("interview__interviewer").get(interview=interviews[0])
        held = {
            r.dimension_id: RatingInput(score=r.score, not_assessed=r.not_assessed, evidence=r.evidence)
            for r in first.ratings.all()
        }
        # Its author read a colleague's scorecard first, then moved a score toward it: calibration's conformity.
        colleagues = Scorecard.objects.filter(interview__in=interviews[1:]).select_related("interview")
        scorecard_views_record(viewer=first.interview.interviewer, scorecards=colleagues)
        scorecard_amend(
            scorecard=first,
            by=first.interview.interviewer,
            revision=first.revision,
            data=ScorecardInput(
                ratings=_stepped_toward(held, colleagues),
                signals={observed.signal_id: observed.note for observed in first.observed_signals.all()},
                recommendation=first.recommendation,
                key_takeaways=first.key_takeaways + " Added after the debrief: checked the take-home again.",
            ),
            reason="Re-read my notes after the debrief.",
        )
    return loop


def _stepped_toward(ratings: dict[int, RatingInput], colleagues: Iterable[Scorecard]) -> dict[int, RatingInput]:
    """The ratings with the first one a colleague also scored moved one point toward that colleague's score."""
    theirs = dict(
        Rating.objects.filter(scorecard__in=colleagues, score__isnull=False, dimension_id__in=list(ratings))
        .order_by("dimension__position")
        .values_list("dimension_id", "score")
    )
    for dimension_id, rating in ratings.items():
        other = theirs.get(dimension_id)
        if other is not None and rating.score is not None and other != rating.score:
            step = 1 if other > rating.score else -1
            return {**ratings, dimension_id: dataclasses.replace(rating, score=rating.score + step)}
    return ratings


def _demo_scorecard_input(
    rubric: RubricVersion, interview: Interview, rng: random.Random, *, split: bool
) -> ScorecardInput:
    low, high = rubric.scale_min, rubric.scale_max
    ratings = {}
    for position, dimension in enumerate(interview.focus_dimensions.order_by("position")):
        if position == 0 and split:
            score = low
        elif position == 0:
            score = high
        else:
            score = rng.randint(low + 1, high)
        ratings[dimension.pk] = RatingInput(
            score=score,
            evidence=rng.choice(
                [
                    f"Walked through a concrete example for {dimension.name.lower()}; scored against the anchors.",
                    f"On {dimension.name.lower()}: clear reasoning, one gap when pressed on trade-offs.",
                    f"Evidence for {dimension.name.lower()}: answers stayed general; few specifics.",
                ]
            ),
        )
    signals = list(Signal.objects.filter(rubric=rubric))
    observed = {}
    for signal in rng.sample(signals, min(2, len(signals))):
        observed[signal.pk] = f"Seen during {interview.name}." if signal.is_red_flag else ""
    red_flag = next((s for s in signals if s.is_red_flag), None)
    if split and red_flag is not None:
        observed[red_flag.pk] = "Came up twice when I probed; details in my evidence."
    recommendation = "no" if split else rng.choice(["yes", "strong_yes"])
    return ScorecardInput(
        ratings=ratings,
        signals=observed,
        recommendation=recommendation,
        key_takeaways="Demo scorecard: see the evidence per dimension.",
    )


DEMO_RATIONALES = {
    HIRE: "Strong across the panel; the red flag was discussed and judged a misunderstanding.",
    NO_HIRE: "The red flag was confirmed in the discussion; the panel's evidence does not outweigh it.",
}


def _demo_decide(loop: Loop, users: dict[str, User], *, overrule: bool) -> None:
    """Decide as the decision rule says, or (`overrule`) the other way with a reason, so that calibration's
    override rates show both a manager who follows the rule and one who departs from it."""
    said = loop_debrief(loop=loop).rule.outcome or HIRE
    outcome = (NO_HIRE if said == HIRE else HIRE) if overrule else said
    loop_decide(
        loop=loop,
        by=users["hiring-manager"],
        outcome=outcome,
        rationale=DEMO_RATIONALES[outcome],
        override_reason="The panel read the evidence differently from the rule's inputs; discussed at the debrief.",
    )


def _demo_remind(loop: Loop, users: dict[str, User], at: dt.datetime) -> None:
    """The recruiter reminded the first overdue interviewer of their scorecard (shown as "reminded 2 hours ago")."""
    overdue = (
        Scorecard.objects.filter(interview__loop=loop, status=Scorecard.Status.DRAFT, interview__scheduled_at__lt=at)
        .order_by("interview__scheduled_at", "pk")
        .first()
    )
    if overdue is not None:
        scorecard_remind(scorecard_id=overdue.pk, by=users["recruiter"], now=at)


def _demo_confirm(loop: Loop, users: dict[str, User]) -> None:
    """The hiring manager reviewed the amendment after their decision and confirmed it."""
    loop.refresh_from_db()
    assert loop.decision is not None
    loop_decision_revisit(
        loop=loop,
        by=users["hiring-manager"],
        supersedes=loop.decision,
        outcome=loop.decision.outcome,
        rationale="Re-read the amended scorecard: it does not change the decision.",
        override_reason=loop.decision.override_reason,
    )


def _titled_rows(rubric: RubricVersion, panel: list[User], start: dt.datetime) -> list[PlanRow]:
    """A rubric without exercises: two interviews named by the plan, sharing its dimensions between them."""
    dimensions = list(rubric.dimensions.all())
    halves = [dimensions[: (len(dimensions) + 1) // 2], dimensions[(len(dimensions) + 1) // 2 :]]
    return [
        PlanRow(
            exercise=None,
            title=f"Interview {index + 1}",
            interviewer=panel[index % 2],
            scheduled_at=start + dt.timedelta(hours=index),
            focus=half,
        )
        for index, half in enumerate(halves)
        if half
    ]
