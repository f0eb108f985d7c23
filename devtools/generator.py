"""Data at scale: a realistic, reproducible set of loops for benchmarks, load tests and demos.

Everything is drawn from one `random.Random(seed)` and written with `bulk_create`, a chunk of
loops at a time; no service runs per row. The rows keep the rules the services enforce:

- scores inside the rubric's scale, "not assessed" never with a score, evidence on every
  rating (so always at the scale's ends), red flags with a note;
- a submitted scorecard has a recommendation and `submitted_at`; a draft someone wrote in
  has revision > 1, an untouched one revision 1;
- a loop's status follows its scorecards (planned / in progress / all submitted), decided
  loops are fully submitted and have a Decision; amendments list what they changed;
- the rubric versions used are locked.

Timestamps are explicit (interviews before submissions before decisions before "now"), so
the auto_now fields are switched off while the rows are written.

Shortcuts, taken for speed (100,000 loops in minutes, not hours) and listed so nothing relies on
them by accident: rows are not `full_clean()`ed one by one (the database checks still apply, and
tests/devtools/test_generator.py checks the rules above on generated data); the services are not
called, so no audit events, scorecard views, e-mails, webhooks or reminders are written; focus
dimensions, ratings and observed signals go in as multi-row INSERTs of plain values; the stored
figures the services keep as they write (per-dimension spreads of finished loops, and the running
statistics) are computed by the services' own rebuild functions, per chunk and at the end.

Pools: the seed accounts grow with the data (POOLS), plus one heavy interviewer (HEAVY_EVERY).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection, connections, router, transaction
from django.db.models import DateTimeField, Field, Model
from django.utils import timezone

from config.progress import Tracker, silent
from hiring import policy
from hiring.models import (
    Amendment,
    Candidate,
    Decision,
    DecisionBasis,
    Interview,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
)
from hiring.scoring import normalise
from hiring.search import candidate_search_text
from hiring.services.loop_status import dimension_spreads_rebuild
from hiring.services.statistics import statistics_rebuild
from roles.models import Dimension, Exercise, RubricVersion, Signal
from roles.selectors import current_rubrics
from roles.services import default_fixture_paths, roles_load

# The seed accounts grow with the data: at least (fewest), and one per `per` loops in the database
# once seeded, so an interviewer sits on ~120 loops, a hiring manager owns ~250, a recruiter ~500,
# at 10,000 loops as at 100,000 (a company interviewing more has more people doing it).
POOLS = (
    (policy.INTERVIEWERS, "seed-interviewer", 40, 50),
    (policy.HIRING_MANAGERS, "seed-hiring-manager", 8, 250),
    (policy.RECRUITERS, "seed-recruiter", 4, 500),
)
# One deliberately heavy interviewer sits on one loop in HEAVY_EVERY (thousands of interviews at
# 100,000 loops): the benchmark opens their home page to show that what a person reads stays bounded.
HEAVY_INTERVIEWER = "seed-heavy-interviewer"
HEAVY_EVERY = 20
STATE_WEIGHTS = (("planned", 15), ("in_progress", 30), ("complete", 15), ("decided", 40))
CHUNK = 500
BATCH = 2000
ROWS_PER_INSERT = 500  # x 5 columns stays under SQLite's 32,766 parameters
EMAIL_DOMAIN = "candidates.seed.example"

FIRST_NAMES = (
    "Ada", "Bilal", "Chen", "Dara", "Emeka", "Fatima", "Gustav", "Hiro", "Ingrid", "Jamal", "Kaito", "Leila",
    "Mateo", "Nadia", "Olu", "Paola", "Qiang", "Rosa", "Sanjay", "Tala", "Uma", "Viktor", "Wen", "Ximena",
    "Yusuf", "Zofia", "Anika", "Bruno", "Camila", "Diego", "Esther", "Felix", "Grace", "Hugo", "Imani", "Jonas",
)  # fmt: skip
LAST_NAMES = (
    "Abebe", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fernandes", "Gupta", "Horvath", "Ibrahim", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Nakamura", "Okonkwo", "Pereira", "Quispe", "Rahman", "Schmidt", "Tanaka",
    "Usman", "Varga", "Weber", "Xu", "Yamamoto", "Zhang", "Achterberg", "Bianchi", "Costa", "Delgado",
)  # fmt: skip
TOPICS = (
    "an offline evaluation that disagreed with the A/B test", "a data pipeline that silently dropped rows",
    "a model that regressed after a routine retrain", "a research bet that did not pan out",
    "a disagreement with product over the success metric", "scaling training to ten times the data",
    "an ablation study on a small compute budget", "mentoring a junior scientist through a first paper",
    "shipping a ranking model under a latency budget", "a reproducibility problem in published results",
    "choosing between a simple baseline and a larger model", "a label-noise problem found late",
    "a launch that had to be rolled back", "setting the team's research agenda for a year",
)  # fmt: skip
EVIDENCE = (
    "Asked for a concrete example of {d}: they walked through {t}, named the trade-off and what they would change.",
    "On {d}: described {t} in detail; answers stayed specific when I pushed on failure cases.",
    "Evidence for {d}: talked about {t} at a high level; when pressed, few specifics and no numbers.",
    "For {d} they used {t}; the reasoning was clear but they missed the main risk until prompted.",
    "Strong on {d}: {t}, with a measured result and a clear account of their own part in it.",
    "Mixed on {d}: {t} was a good story, but the follow-up questions exposed gaps in the method.",
)
NOT_ASSESSED = "Did not come up in this interview: {d} was not part of the conversation."
TAKEAWAYS = (
    "Clear communicator; the depth matched the level on most of what I probed.",
    "Solid fundamentals, thin on ownership: most examples were team results.",
    "Impressive on research depth, weaker on getting things into production.",
    "Struggled to go beyond the first answer; I would want a second opinion.",
    "Very strong; drove the conversation and asked sharp questions back.",
)
SIGNAL_NOTES = (
    "Came up when we discussed {t}.",
    "Seen twice: first in the warm-up, again when I probed {t}.",
    "Noted during the exercise; details in my evidence above.",
)
AMEND_REASONS = (
    "Re-read my notes after the debrief.",
    "Typo in the evidence: wrong project name.",
    "Added the example I forgot to write down.",
    "Checked the take-home again and corrected the score.",
)
RATIONALES = {
    "hire": "Panel strong on the dimensions that matter most for the role; concerns were discussed and judged minor.",
    "no_hire": "Consistent gaps on core dimensions across the panel; not at the bar for this level.",
    "hold": "Split panel; holding while we compare with the other finalists for the role.",
}


@dataclass(frozen=True)
class SeedUsers:
    interviewers: list[User]
    hiring_managers: list[User]
    recruiters: list[User]
    heavy: User


@dataclass(frozen=True)
class RubricPlan:
    """One rubric version with what a loop needs from it, read once."""

    rubric: RubricVersion
    dimensions: list[Dimension]
    exercises: list[tuple[Exercise, list[Dimension]]]
    signals: dict[str, list[Signal]]


@dataclass(frozen=True)
class LoopShape:
    """Fixes parts of a generated loop (the benchmark's probe loops); None lets the generator choose.

    With `last_draft`, every interview but the last is submitted and the last is a draft in
    progress, all in the past: a loop in progress with one scorecard still to write.
    """

    role: str | None = None
    interviews: int | None = None
    panel: Sequence[User] | None = None
    state: str | None = None
    last_draft: bool = False


@dataclass
class SeedReport:
    loops: int = 0
    interviews: int = 0
    ratings: int = 0
    signals: int = 0
    decisions: int = 0
    amendments: int = 0
    shaped: list[Loop] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        return (
            f"{self.loops} loops, {self.interviews} interviews, {self.ratings} ratings, "
            f"{self.signals} signals, {self.decisions} decisions, {self.amendments} amendments"
        )


@dataclass(slots=True)
class _Rating:
    scorecard: Scorecard
    dimension: Dimension
    score: int | None
    not_assessed: bool
    evidence: str


@dataclass(slots=True)
class _Observed:
    scorecard: Scorecard
    signal: Signal
    note: str


@dataclass
class _Card:
    scorecard: Scorecard
    ratings: list[_Rating] = field(default_factory=list)
    signals: list[_Observed] = field(default_factory=list)


@dataclass
class _Rows:
    """Unsaved rows of one chunk of loops, linked by object, written in dependency order.

    Rows whose ids later rows need go through bulk_create (which reads the ids back); the
    leaf rows (focus dimensions, ratings, observed signals: three quarters of the volume)
    are plain records written with multi-row INSERTs, which costs a fraction of building
    and compiling a model instance per row.
    """

    candidates: list[Candidate] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    focus: list[tuple[Interview, int]] = field(default_factory=list)
    scorecards: list[Scorecard] = field(default_factory=list)
    ratings: list[_Rating] = field(default_factory=list)
    signals: list[_Observed] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)

    def write(self, report: SeedReport) -> None:
        Candidate.objects.bulk_create(self.candidates, batch_size=BATCH)
        Loop.objects.bulk_create(self.loops, batch_size=BATCH)
        Interview.objects.bulk_create(self.interviews, batch_size=BATCH)
        Scorecard.objects.bulk_create(self.scorecards, batch_size=BATCH)
        Decision.objects.bulk_create(self.decisions, batch_size=BATCH)
        Amendment.objects.bulk_create(self.amendments, batch_size=BATCH)
        self._decision_basis_write()
        _insert_many(
            Interview.focus_dimensions.through,
            ["interview", "dimension"],
            [(interview.pk, dimension_id) for interview, dimension_id in self.focus],
        )
        _insert_many(
            Rating,
            ["scorecard", "dimension", "score", "not_assessed", "evidence"],
            [(r.scorecard.pk, r.dimension.pk, r.score, r.not_assessed, r.evidence) for r in self.ratings],
        )
        _insert_many(
            ObservedSignal,
            ["scorecard", "signal", "note"],
            [(o.scorecard.pk, o.signal.pk, o.note) for o in self.signals],
        )
        dimension_spreads_rebuild(loops=Loop.objects.filter(pk__in=[loop.pk for loop in self.loops]))
        report.loops += len(self.loops)
        report.interviews += len(self.interviews)
        report.ratings += len(self.ratings)
        report.signals += len(self.signals)
        report.decisions += len(self.decisions)
        report.amendments += len(self.amendments)

    def _decision_basis_write(self) -> None:
        """Point each decided loop at its decision, made on its scorecards as they were before later amendments."""
        for decision in self.decisions:
            decision.loop.decision = decision
        Loop.objects.bulk_update([d.loop for d in self.decisions], ["decision"], batch_size=BATCH)
        later = {a.scorecard.pk for a in self.amendments if a.after_decision}
        decided = {d.loop.pk: d for d in self.decisions}
        DecisionBasis.objects.bulk_create(
            (
                DecisionBasis(
                    decision=decided[card.interview.loop.pk],
                    scorecard=card,
                    revision=card.revision - (card.pk in later),
                )
                for card in self.scorecards
                if card.interview.loop.pk in decided and card.status == Scorecard.Status.SUBMITTED
            ),
            batch_size=BATCH,
        )


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column.")
    return field.column


def _insert_many(model: type[Model], fields: list[str], values: list[tuple[Any, ...]]) -> None:
    """INSERT plain rows (simple column types only), ROWS_PER_INSERT rows per multi-row statement."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(values), ROWS_PER_INSERT):
            batch = values[start : start + ROWS_PER_INSERT]
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(batch))}"
            cursor.execute(sql, [value for item in batch for value in item])


def roles_ensure() -> None:
    """Load the role fixtures if any version of them is missing (load_roles has not run)."""
    paths = default_fixture_paths()
    if RubricVersion.objects.count() < len(paths):
        roles_load(paths=paths)


def pool_sizes(*, loops: int) -> dict[str, int]:
    """How many seed accounts each group has for a database of `loops` loops (see POOLS)."""
    return {group: max(fewest, loops // per) for group, _, fewest, per in POOLS}


def seed_users(*, loops: int = 0) -> SeedUsers:
    """The pool of seed accounts for `loops` loops, in their groups, unusable passwords (each created once)."""
    sizes = pool_sizes(loops=loops)
    pools: dict[str, list[str]] = {
        group: [f"{prefix}-{n:02d}" for n in range(1, sizes[group] + 1)] for group, prefix, _, _ in POOLS
    }
    pools[policy.INTERVIEWERS].append(HEAVY_INTERVIEWER)
    names = [name for usernames in pools.values() for name in usernames]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    new = []
    for index, name in enumerate(names):
        if name in existing:
            continue
        user = User(
            username=name,
            first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(index * 7) % len(LAST_NAMES)],
            email=f"{name}@seed.example",
        )
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=BATCH)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    membership = User.groups.through
    groups = {group: Group.objects.get_or_create(name=group)[0].pk for group in pools}
    links = [
        membership(user_id=users[name].pk, group_id=groups[group])
        for group, usernames in pools.items()
        for name in usernames
    ]
    membership.objects.bulk_create(links, ignore_conflicts=True, batch_size=BATCH)
    heavy = users[pools[policy.INTERVIEWERS].pop()]
    interviewers, managers, recruiters = ([users[name] for name in pools[group]] for group, _, _, _ in POOLS)
    return SeedUsers(interviewers=interviewers, hiring_managers=managers, recruiters=recruiters, heavy=heavy)


def rubric_plans() -> list[RubricPlan]:
    """The newest rubric of every role, by role slug, with dimensions, exercises and signals."""
    roles_ensure()
    rubrics = list(current_rubrics().order_by("role__slug"))
    dimensions: dict[int, list[Dimension]] = {r.pk: [] for r in rubrics}
    for dimension in Dimension.objects.filter(rubric__in=rubrics).order_by("rubric", "position"):
        dimensions[dimension.rubric_id].append(dimension)
    signals: dict[int, dict[str, list[Signal]]] = {r.pk: {"strong": [], "weak": [], "red_flag": []} for r in rubrics}
    for signal in Signal.objects.filter(rubric__in=rubrics).order_by("rubric", "position"):
        signals[signal.rubric_id][signal.kind].append(signal)
    plans = []
    for rubric in rubrics:
        by_pk = {d.pk: d for d in dimensions[rubric.pk]}
        exercises = []
        for exercise in (
            Exercise.objects.filter(rubric=rubric).prefetch_related("dimensions").order_by("optional", "position")
        ):
            focus = sorted((by_pk[d.pk] for d in exercise.dimensions.all()), key=lambda d: d.position)
            exercises.append((exercise, focus or dimensions[rubric.pk][:2]))
        plans.append(RubricPlan(rubric, dimensions[rubric.pk], exercises, signals[rubric.pk]))
    return plans


@contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """Let bulk_create keep the timestamps we set instead of stamping 'now' on auto_now fields."""
    fields = [
        f
        for model in (Candidate, Loop, Scorecard, Decision, Amendment)
        for f in model._meta.concrete_fields
        if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def seed_loops(
    *,
    loops: int,
    seed: int,
    now: dt.datetime | None = None,
    shapes: Sequence[LoopShape] = (),
    progress: Tracker = silent,
) -> SeedReport:
    """Create `loops` generated loops, then one per shape, reproducibly from `seed`, in one transaction.

    The report's `shaped` lists the loops made from `shapes`, in order (the benchmark's probes). `progress`
    is told of each chunk of loops written, then of the statistics' rebuild.
    """
    now = now or timezone.now()
    rng = random.Random(seed)
    report = SeedReport()
    with transaction.atomic(), _explicit_timestamps():
        users = seed_users(loops=Loop.objects.count() + loops)
        plans = rubric_plans()
        by_slug = {p.rubric.role.slug: p for p in plans}
        jobs = [LoopShape() for _ in range(loops)] + list(shapes)
        with progress("Seeding", total=len(jobs), unit="loops") as advance:
            for start in range(0, len(jobs), CHUNK):
                rows = _Rows()
                for serial, shape in enumerate(jobs[start : start + CHUNK], start=start):
                    plan = by_slug[shape.role] if shape.role else rng.choice(plans)
                    loop = _loop(rng, plan=plan, users=users, now=now, rows=rows, shape=shape, serial=serial)
                    if serial >= loops:
                        report.shaped.append(loop)
                rows.write(report)
                advance(len(jobs[start : start + CHUNK]))
        RubricVersion.objects.filter(pk__in=[p.rubric.pk for p in plans], locked_at__isnull=True).update(locked_at=now)
        statistics_rebuild(progress=progress)
    return report


def analyze() -> None:
    """Refresh the query planner's statistics after a bulk load (SQLite and PostgreSQL: ANALYZE).

    Without them SQLite picks the scorecard (status, submitted_at) index for "this loop's
    submitted scorecards" and scans every submitted scorecard; PostgreSQL's autovacuum would
    catch up on its own, but only later.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _hours(value: float) -> dt.timedelta:
    return dt.timedelta(hours=value)


def _timeline(rng: random.Random, state: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(loop created, first interview) for a loop in `state`, so that every later timestamp stays before now."""
    day = dt.timedelta(days=1)
    if state == "planned":
        created = now - rng.uniform(0, 7) * day
        return created, now + rng.uniform(1, 14) * day
    if state == "in_progress":
        return now - rng.uniform(6, 20) * day, now - rng.uniform(1, 5) * day
    if state == "complete":
        created = now - rng.uniform(12, 45) * day
        return created, created + rng.uniform(1, 4) * day
    created = now - rng.uniform(20, 540) * day
    return created, created + rng.uniform(1, 5) * day


def _outcomes(
    rng: random.Random, state: str, times: list[dt.datetime], now: dt.datetime, *, last_draft: bool
) -> list[str]:
    """'submitted', 'written' (a draft in progress) or 'untouched' for each interview, consistent with `state`."""
    if last_draft:
        return ["submitted"] * (len(times) - 1) + ["written"]
    if state == "planned":
        return ["untouched"] * len(times)
    if state in ("complete", "decided"):
        return ["submitted"] * len(times)
    outcomes = []
    for at in times:
        roll = rng.random()
        if at > now - _hours(2):
            outcomes.append("untouched")
        else:
            outcomes.append("submitted" if roll < 0.6 else "written" if roll < 0.8 else "untouched")
    if all(o == "untouched" for o in outcomes):
        outcomes[0] = "submitted"
    if all(o == "submitted" for o in outcomes):
        outcomes[-1] = "written"
    return outcomes


def _loop(
    rng: random.Random,
    *,
    plan: RubricPlan,
    users: SeedUsers,
    now: dt.datetime,
    rows: _Rows,
    shape: LoopShape,
    serial: int,
) -> Loop:
    state = shape.state or ("in_progress" if shape.last_draft else _weighted(rng, STATE_WEIGHTS))
    count = shape.interviews or rng.randint(4, 8)
    panel = list(shape.panel) if shape.panel else rng.sample(users.interviewers, count)
    if not shape.panel and serial % HEAVY_EVERY == 0:
        panel[rng.randrange(count)] = users.heavy
    recruiter = rng.choice(users.recruiters)
    manager = rng.choice(users.hiring_managers)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    created, start = _timeline(rng, state, now)
    if shape.last_draft:
        created, start = now - dt.timedelta(days=6), now - dt.timedelta(days=3)
    name, email = f"{first} {last}", f"{first}.{last}.{serial}@{EMAIL_DOMAIN}".lower()
    candidate = Candidate(
        name=name,
        email=email,
        search_text=candidate_search_text(name, email),  # bulk_create skips Candidate.save, which sets it
        notes=f"Referred for {plan.rubric.title}.",
        created_at=created,
        created_by_id=recruiter.pk,
    )
    loop = Loop(
        candidate=candidate,
        rubric_id=plan.rubric.pk,
        hiring_manager_id=manager.pk,
        recruiter_id=recruiter.pk,
        status=state,
    )
    loop.created_at = created
    rows.candidates.append(candidate)
    rows.loops.append(loop)

    times, at = [], start
    for _ in range(count):
        times.append(at)
        at += _hours(1 if shape.last_draft else rng.choice((1, 1, 1, 2, 18)))
    outcomes = _outcomes(rng, state, times, now, last_draft=shape.last_draft)
    quality = _clamp(rng.gauss(0.55, 0.2))
    cards = []
    for index, (when, outcome) in enumerate(zip(times, outcomes, strict=True)):
        if plan.exercises:
            exercise, focus = plan.exercises[index % len(plan.exercises)]
            interview = Interview(loop=loop, interviewer_id=panel[index].pk, exercise_id=exercise.pk, scheduled_at=when)
        else:  # a rubric without exercises: interviews named by the plan, each on one or two dimensions
            focus = plan.dimensions[index % len(plan.dimensions) :][:2] or plan.dimensions[:1]
            title = f"Interview {index + 1}"
            interview = Interview(loop=loop, interviewer_id=panel[index].pk, title=title, scheduled_at=when)
        rows.interviews.append(interview)
        rows.focus.extend((interview, d.pk) for d in focus)
        card = _scorecard(rng, plan=plan, interview=interview, focus=focus, outcome=outcome, quality=quality, now=now)
        rows.scorecards.append(card.scorecard)
        rows.ratings.extend(card.ratings)
        rows.signals.extend(card.signals)
        cards.append(card)
    decided_at = None
    if state == "decided":
        latest = max(_submitted_at(c.scorecard) for c in cards)
        decided_at = min(latest + _hours(rng.uniform(2, 72)), now)
        rows.decisions.append(_decision(rng, loop=loop, cards=[c.scorecard for c in cards], at=decided_at))
    if state in ("complete", "decided"):
        for card in cards:
            if rng.random() < 0.06:
                _amend(rng, card=card, rows=rows, plan=plan, now=now, decided_at=decided_at)
    return loop


def _scorecard(
    rng: random.Random,
    *,
    plan: RubricPlan,
    interview: Interview,
    focus: list[Dimension],
    outcome: str,
    quality: float,
    now: dt.datetime,
) -> _Card:
    scorecard = Scorecard(interview=interview, updated_at=interview.scheduled_at, revision=1)
    card = _Card(scorecard)
    if outcome == "untouched":
        return card
    rubric = plan.rubric
    rated = list(focus)
    if outcome == "written":
        rated = rated[: rng.randint(0, len(rated))]
    elif rng.random() < 0.15:
        extra = [d for d in plan.dimensions if d not in focus]
        rated += rng.sample(extra, 1) if extra else []
    topic = rng.choice(TOPICS)
    normalised = []
    for dimension in rated:
        if outcome == "submitted" and rng.random() < 0.04:
            rating = _Rating(scorecard, dimension, None, True, NOT_ASSESSED.format(d=dimension.name))
        else:
            value = _clamp(quality + rng.gauss(0, 0.18))
            score = rubric.scale_min + round(value * (rubric.scale_max - rubric.scale_min))
            normalised.append(normalise(score, scale_min=rubric.scale_min, scale_max=rubric.scale_max))
            evidence = rng.choice(EVIDENCE).format(d=dimension.name.lower(), t=rng.choice(TOPICS))
            rating = _Rating(scorecard, dimension, score, False, evidence)
        card.ratings.append(rating)
    red_flag = False
    if outcome == "submitted":
        red_flag = _signals(rng, plan=plan, card=card, quality=quality, topic=topic)
    mean = sum(normalised) / len(normalised) if normalised else quality
    scorecard.revision = rng.randint(2, 3)
    if outcome == "written":
        scorecard.updated_at = min(interview.scheduled_at + _hours(rng.uniform(0.5, 4)), now)
        scorecard.key_takeaways = rng.choice(("", rng.choice(TAKEAWAYS)))
        return card
    scorecard.recommendation = _recommendation(mean + rng.gauss(0, 0.08), red_flag=red_flag)
    scorecard.key_takeaways = rng.choice(TAKEAWAYS)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = min(interview.scheduled_at + _hours(rng.uniform(1, 30)), now - dt.timedelta(minutes=1))
    scorecard.updated_at = scorecard.submitted_at
    return card


def _recommendation(value: float, *, red_flag: bool) -> str:
    if value >= 0.78 and not red_flag:
        return Scorecard.Recommendation.STRONG_YES
    if value >= 0.5:
        return Scorecard.Recommendation.YES
    if value >= 0.28:
        return Scorecard.Recommendation.NO
    return Scorecard.Recommendation.STRONG_NO


def _signals(rng: random.Random, *, plan: RubricPlan, card: _Card, quality: float, topic: str) -> bool:
    """Observe 0–3 of the rubric's signals (red flags likelier for weaker candidates); True if a red flag."""
    seen: dict[int, _Observed] = {}
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        roll = rng.random()
        kind = "red_flag" if roll < 0.04 + 0.15 * (1 - quality) else "strong" if roll < 0.2 + 0.6 * quality else "weak"
        options = plan.signals[kind]
        if not options:
            continue
        signal = rng.choice(options)
        note = rng.choice(SIGNAL_NOTES).format(t=topic) if kind == "red_flag" or rng.random() < 0.5 else ""
        seen.setdefault(signal.pk, _Observed(card.scorecard, signal, note))
    card.signals = list(seen.values())
    return any(o.signal.kind == "red_flag" for o in card.signals)


def _submitted_at(scorecard: Scorecard) -> dt.datetime:
    """When a generated submitted scorecard was submitted (always set for those)."""
    if scorecard.submitted_at is None:
        raise ValueError("A submitted scorecard has a submission time.")
    return scorecard.submitted_at


def _decision(rng: random.Random, *, loop: Loop, cards: list[Scorecard], at: dt.datetime) -> Decision:
    yes = sum(c.recommendation in ("yes", "strong_yes") for c in cards)
    strong_no = any(c.recommendation == "strong_no" for c in cards)
    if rng.random() < 0.1:
        outcome = "hold"
    elif yes > len(cards) / 2 and not strong_no:
        outcome = "hire"
    else:
        outcome = "no_hire"
    return Decision(loop=loop, outcome=outcome, rationale=RATIONALES[outcome], by_id=loop.hiring_manager_id, at=at)


def _amend(
    rng: random.Random,
    *,
    card: _Card,
    rows: _Rows,
    plan: RubricPlan,
    now: dt.datetime,
    decided_at: dt.datetime | None,
) -> None:
    """One amendment of a submitted scorecard: its evidence (and sometimes its score) changed."""
    scored = [r for r in card.ratings if r.score is not None]
    if not scored:
        return
    rating = rng.choice(scored)
    name = rating.dimension.name
    before_evidence = rating.evidence
    rating.evidence = f"{before_evidence} Added after review: {rng.choice(TOPICS)} came up again."
    changes = [{"field": f"{name}: evidence", "before": before_evidence, "after": rating.evidence}]
    rubric = plan.rubric
    if rng.random() < 0.3:
        before_score = rating.score
        assert before_score is not None  # `scored` holds scored ratings only
        rating.score = min(rubric.scale_max, max(rubric.scale_min, before_score + rng.choice((-1, 1))))
        if rating.score != before_score:
            changes.insert(0, {"field": f"{name}: score", "before": str(before_score), "after": str(rating.score)})
    scorecard = card.scorecard
    at = min(_submitted_at(scorecard) + _hours(rng.uniform(1, 96)), now)
    scorecard.revision += 1
    scorecard.updated_at = at
    rows.amendments.append(
        Amendment(
            scorecard=scorecard,
            by_id=scorecard.interview.interviewer_id,
            at=at,
            reason=rng.choice(AMEND_REASONS),
            changes=changes,
            after_decision=decided_at is not None and at > decided_at,
            revision=scorecard.revision,
        )
    )
