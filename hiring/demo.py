"""Demo accounts and loops for the README's first command (idempotent).

Every role gets loops in the states a person would meet: planned, in progress, all
submitted and decided, assigned to the demo accounts.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from hiring.models import Candidate, Loop, Scorecard
from hiring.services.decisions import loop_decide
from hiring.services.loops import PlanRow, loop_create, loop_plan_save
from hiring.services.scorecards import (
    RatingInput,
    ScorecardInput,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from roles.models import RubricVersion, Signal
from roles.selectors import current_rubrics

DEMO_ACCOUNTS = {
    "recruiter": {"groups": ["Recruiters"], "first_name": "Riley", "last_name": "Recruiter"},
    "hiring-manager": {"groups": ["Hiring managers"], "first_name": "Harper", "last_name": "Manager"},
    "interviewer": {"groups": ["Interviewers"], "first_name": "Ines", "last_name": "Interviewer"},
    "interviewer2": {"groups": ["Interviewers"], "first_name": "Ivo", "last_name": "Interviewer"},
    "admin": {"groups": [], "first_name": "Ada", "last_name": "Admin", "is_staff": True, "is_superuser": True},
}
DEMO_EMAIL_DOMAIN = "candidates.demo.example"
CANDIDATES = [
    "Amara Okafor", "Bao Nguyen", "Carmen Ruiz", "Dmitri Volkov", "Elif Yilmaz", "Farah Haddad", "Goran Petrov",
    "Hana Sato", "Isabel Costa", "Jonas Berg", "Kavya Iyer", "Liam O'Brien", "Mei Lin", "Nia Mensah", "Oskar Lund",
    "Priya Raman", "Quinn Harper", "Rafael Souza", "Sofia Rossi", "Tomas Novak",
]  # fmt: skip
STATES = ("planned", "in_progress", "complete", "decided")


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
    """Create the demo loops once; a second run finds them and creates nothing."""
    if Candidate.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists():
        return 0
    now = timezone.now()
    names = iter(CANDIDATES)
    created = 0
    for rubric in current_rubrics():
        for state in STATES:
            _demo_loop(rubric, state, next(names), users, now)
            created += 1
    return created


def _demo_loop(rubric: RubricVersion, state: str, name: str, users: dict[str, User], now: dt.datetime) -> Loop:
    rng = random.Random(f"{rubric.role.slug}-{state}")
    loop = loop_create(
        candidate_name=name,
        candidate_email=f"{name.split()[0].lower()}@{DEMO_EMAIL_DOMAIN}",
        candidate_notes="Demo candidate.",
        rubric=rubric,
        hiring_manager=users["hiring-manager"],
        by=users["recruiter"],
    )
    panel = [users["interviewer"], users["interviewer2"]]
    exercises = [e for e in rubric.exercises.prefetch_related("dimensions") if not e.optional]
    if state == "planned":
        start = now + dt.timedelta(days=2)
    elif state == "in_progress" and rubric.role.slug == "principal-ai-research-scientist":
        start = now - dt.timedelta(days=2)  # an overdue scorecard to chase
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
    ]
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
        _demo_decide(loop, users)
        first = Scorecard.objects.select_related("interview__interviewer").get(interview=interviews[0])
        data = _demo_scorecard_input(rubric, interviews[0], rng, split=False)
        scorecard_amend(
            scorecard=first,
            by=first.interview.interviewer,
            revision=first.revision,
            data=ScorecardInput(
                ratings=data.ratings,
                signals=data.signals,
                recommendation=first.recommendation,
                key_takeaways=first.key_takeaways + " Added after the debrief: checked the take-home again.",
            ),
            reason="Re-read my notes after the debrief.",
        )
    return loop


def _demo_scorecard_input(rubric, interview, rng: random.Random, *, split: bool) -> ScorecardInput:
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
    for signal in rng.sample(signals, 2):
        observed[signal.pk] = f"Seen during {interview.exercise.title}." if signal.is_red_flag else ""
    if split:
        red_flag = next(s for s in signals if s.is_red_flag)
        observed[red_flag.pk] = "Came up twice when I probed; details in my evidence."
    recommendation = "no" if split else rng.choice(["yes", "strong_yes"])
    return ScorecardInput(
        ratings=ratings,
        signals=observed,
        recommendation=recommendation,
        key_takeaways="Demo scorecard: see the evidence per dimension.",
    )


def _demo_decide(loop: Loop, users: dict[str, User]) -> None:
    loop_decide(
        loop=loop,
        by=users["hiring-manager"],
        outcome="hire",
        rationale="Strong across the panel; the red flag was discussed and judged a misunderstanding.",
    )
