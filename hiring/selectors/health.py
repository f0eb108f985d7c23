"""Hiring health: are scorecards on time, how long decisions take, where loops stall (issue 31).

The definitions, here and nowhere else:

- **Scorecard latency** is the time from the interview to the scorecard's submission. The app records
  one time per interview (``Interview.scheduled_at``, when it takes place) and no end, so latency is
  counted from that time, as the due rule is (``scorecard_due_at``, calibration's "on time"): a
  scorecard is **within the due time** when submitted no later than ``SCORECARD_DUE_HOURS`` after it.
  Only submitted scorecards have a latency; those still drafts past their due time are **missing**.
  Figures cover the interviews that took place in the period (days in the viewer's time zone) on the
  loops the viewer runs (``policy.loops_managed_by``), optionally one role's and one hiring manager's.
- Percentiles are PostgreSQL's ``percentile_cont`` (linear interpolation; hiring.percentiles gives
  SQLite the same), the median being the 50th.
- The **weekly trend** groups the same interviews by the week (Monday to Sunday, in the viewer's time
  zone) they took place in.
- **Time to decision** covers the loops first decided in the period (their ``decided`` entry of the
  decision history, not a later confirmation): from the last scorecard submitted to the decision (loops
  decided without scorecards have none), and from the loop's creation to the decision.
- The **funnel** follows the loops created in the period: created, planned (has an interview, or has
  moved on without one), all scorecards in (status complete or decided) and decided, by the current
  decision's outcome. A loop counts at every stage up to the one it has reached.
- **Stalled loops**, as of now and whatever the period: undecided loops whose every interview is past
  its due time with a scorecard still missing; and decided loops whose decision is changed since decided.

Every figure is computed exactly by the database over rows found through indexes on the period's column
(interview time, loop creation, decision time): the page costs a fixed number of queries, and its cost
follows the number of interviews, loops and decisions in the period, never the whole history. What would
need a join or a grouping of older rows is stored on the rows read and kept in step by every write
(hiring.services.health_columns): each interview's scorecard submission time (the latency is read from the
period's index alone), each loop's last interview and missing scorecards (the stalled list reads only stalled
loops, by a partial index) and its last submission (time to decision).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from hiring import policy
from hiring.models import Decision, Interview, Loop
from hiring.percentiles import Percentile, as_duration, percentile_sql

PERCENTILES = {"median": 0.5, "p75": 0.75, "p90": 0.9}
INTERVIEWERS_PER_PAGE = 50
STALLED_LIST = 50  # loops listed per stalled kind; the count says how many there are
DEFAULT_WEEKS = 12  # the period shown when none is chosen: the last twelve weeks, today included
LONGEST_PERIOD_DAYS = 366
UNDECIDED = (Loop.Status.PLANNED, Loop.Status.IN_PROGRESS)


# The interviewer table's orders: (figure, descending, rows without it first), the first deciding. Someone with
# scorecards missing and none submitted has no latency: they count as the slowest and the least on time.
def _median(row: InterviewerLatency) -> dt.timedelta | None:
    return row.latency.spread.median


def _p90(row: InterviewerLatency) -> dt.timedelta | None:
    return row.latency.spread.p90


INTERVIEWER_SORTS: dict[str, tuple[tuple[Callable[[InterviewerLatency], Any], bool, bool], ...]] = {
    "slowest": ((_median, True, True), (_p90, True, True)),
    "fastest": ((_median, False, False), (_p90, False, False)),
    "p90": ((_p90, True, True), (_median, True, True)),
    "on_time": (
        (lambda row: row.latency.within_due_share, False, True),
        (lambda row: row.latency.missing, True, False),
    ),
    "missing": ((lambda row: row.latency.missing, True, False),),
    "scorecards": ((lambda row: row.latency.submitted, True, False),),
    "name": (),
}


@dataclass(frozen=True)
class HealthFilter:
    """The period (local days, both included), and optionally one role (slug) and one hiring manager (id)."""

    since: dt.date
    until: dt.date
    role: str = ""
    hiring_manager: int | None = None
    sort: str = "slowest"

    def as_dict(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            **({"role": self.role} if self.role else {}),
            **({"hiring_manager": self.hiring_manager} if self.hiring_manager else {}),
        }


def default_period(*, today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1), today


@dataclass(frozen=True)
class Spread:
    """How a duration is spread over `count` items: its median, 75th and 90th percentiles."""

    count: int = 0
    median: dt.timedelta | None = None
    p75: dt.timedelta | None = None
    p90: dt.timedelta | None = None

    @property
    def hours(self) -> dict[str, float | None]:
        """Each percentile in hours (the page's and the files' unit for scorecard latency)."""
        return {name: in_hours(getattr(self, name)) for name in PERCENTILES}

    @property
    def days(self) -> dict[str, float | None]:
        """Each percentile in days (the unit for time to decision)."""
        return {name: None if hours is None else hours / 24 for name, hours in self.hours.items()}


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


def in_hours(duration: dt.timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds() / 3600


@dataclass(frozen=True)
class Latency:
    """Scorecard latency over some interviews: the spread of the submitted, how many within the due time,
    how many still missing past it."""

    spread: Spread = field(default_factory=Spread)
    within_due: int = 0
    missing: int = 0

    @property
    def submitted(self) -> int:
        return self.spread.count

    @property
    def within_due_share(self) -> float | None:
        return self.within_due / self.submitted if self.submitted else None

    @property
    def within_due_pct(self) -> float | None:
        return _pct(self.within_due_share)


@dataclass(frozen=True)
class WeekLatency:
    week: dt.date  # its Monday
    latency: Latency


@dataclass(frozen=True)
class InterviewerLatency:
    user_id: int
    username: str
    name: str
    latency: Latency


@dataclass(frozen=True)
class DecisionTimes:
    decided: int
    from_last_scorecard: Spread
    from_creation: Spread

    @property
    def rows(self) -> list[tuple[str, Spread]]:
        return [("Last scorecard in", self.from_last_scorecard), ("Loop created", self.from_creation)]


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int
    of_created: float | None
    of_previous: float | None

    @property
    def of_created_pct(self) -> float | None:
        return _pct(self.of_created)

    @property
    def of_previous_pct(self) -> float | None:
        return _pct(self.of_previous)


@dataclass(frozen=True)
class Funnel:
    stages: list[FunnelStage]
    outcomes: list[FunnelStage]  # decided loops by their current outcome (shares of the decided)

    @property
    def rows(self) -> list[FunnelStage]:
        return [*self.stages, *self.outcomes]

    @property
    def created(self) -> int:
        return self.stages[0].count


@dataclass(frozen=True)
class StalledLoop:
    loop: Loop
    since: dt.datetime | None  # the last interview's time, or the current decision's
    missing: int = 0


@dataclass(frozen=True)
class Stalled:
    items: list[StalledLoop]
    total: int


@dataclass(frozen=True)
class HealthReport:
    filters: HealthFilter
    due_hours: int
    latency: Latency
    weeks: list[WeekLatency]
    interviewers: list[InterviewerLatency]  # everyone, in the chosen order
    interviewer_page: Page[InterviewerLatency]  # the page of them asked for
    decisions: DecisionTimes
    funnel: Funnel
    waiting: Stalled  # past their interviews with scorecards missing
    changed: Stalled  # decided, changed since

    @property
    def is_empty(self) -> bool:
        """Nothing happened in the period: no interviews, no decisions, no new loops."""
        return not (self.latency.submitted or self.latency.missing or self.decisions.decided or self.funnel.created)


# Building blocks -------------------------------------------------------------------------------------------


def day_start(day: dt.date) -> dt.datetime:
    """Midnight starting `day` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _bounds(filters: HealthFilter) -> tuple[dt.datetime, dt.datetime]:
    return day_start(filters.since), day_start(filters.until + dt.timedelta(days=1))


def health_loops(*, user: policy.Viewer, filters: HealthFilter) -> QuerySet[Loop]:
    """The loops the figures cover: those the user runs (the policy), of the chosen role and hiring manager."""
    loops = policy.loops_managed_by(user)
    if filters.role:
        loops = loops.filter(rubric__role__slug=filters.role)
    if filters.hiring_manager:
        loops = loops.filter(hiring_manager_id=filters.hiring_manager)
    return loops


def _due() -> dt.timedelta:
    return dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)


def _spread_aggregates(expression: Any, prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}{name}": Percentile(expression, fraction=value) for name, value in PERCENTILES.items()}


def _spread(row: dict[str, Any], count: int, prefix: str = "") -> Spread:
    return Spread(count=count, **{name: row[f"{prefix}{name}"] for name in PERCENTILES})


class Elapsed(Func):
    """`later - earlier` as a duration. On SQLite by julianday arithmetic, which SQLite computes itself, instead
    of Django's per-row Python function (3x slower on the period's rows): to the millisecond (a julianday's
    float is exact to some tens of microseconds), in microseconds, SQLite's duration unit."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = DurationField()

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        sql: tuple[str, Any] = self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400000) AS INTEGER) * 1000",
            arg_joiner=") - julianday(",
            **extra,
        )
        return sql


def _with_latency(interviews: QuerySet[Interview], *, now: dt.datetime) -> QuerySet[Interview]:
    """The interviews with a submitted scorecard or one past its due time (missing), each with its scorecard
    latency: submission minus interview time (null while a draft). Read from the interview row alone (its
    stored submission time, hiring.services.health_columns): no join to the scorecards."""
    due = Q(scorecard_submitted_at__isnull=False) | Q(scheduled_at__lt=now - _due())
    return interviews.filter(due).annotate(latency=Elapsed("scorecard_submitted_at", "scheduled_at"))


def _week_of(filters: HealthFilter) -> tuple[Case, list[dt.date]]:
    """Which week of the period an interview took place in (its index in the returned Mondays), by comparing
    its time with each local Monday's midnight: no time zone arithmetic per row, in either database."""
    first = filters.since - dt.timedelta(days=filters.since.weekday())
    mondays = [first + dt.timedelta(weeks=n) for n in range((filters.until - first).days // 7 + 1)]
    index = Case(
        *[When(scheduled_at__lt=day_start(monday), then=Value(n - 1)) for n, monday in enumerate(mondays) if n],
        default=Value(len(mondays) - 1),
        output_field=IntegerField(),
    )
    return index, mondays


def period_interviews(*, user: policy.Viewer, filters: HealthFilter, now: dt.datetime) -> QuerySet[Interview]:
    """The interviews that took place in the period on the loops the figures cover, with their latency."""
    start, end = _bounds(filters)
    interviews = Interview.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end)
    return _with_latency(_of_loops(interviews, health_loops(user=user, filters=filters)), now=now).order_by()


def _of_loops[M: Model](rows: QuerySet[M], loops: QuerySet[Loop], path: str = "loop") -> QuerySet[M]:
    """`rows` whose loop is one of `loops`; no condition at all when `loops` is every loop (staff, a command),
    so that the database does not join every loop to find none left out."""
    return rows.filter(**{f"{path}__in": loops}) if loops.query.where else rows


# The figures -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyFigures:
    overall: Latency
    weeks: list[WeekLatency]
    interviewers: list[InterviewerLatency]


def latency_figures(interviews: QuerySet[Interview], *, filters: HealthFilter) -> LatencyFigures:
    """Scorecard latency over these interviews, overall, by week and by interviewer, in one statement.

    The interviews are read once (a common table expression, materialized: SQLite would otherwise repeat
    it in every branch), from the period's index alone, and grouped three ways over that result; the
    interviewers' names are joined to their groups, one row per interviewer, not to every interview.
    """
    week_index, mondays = _week_of(filters)
    base = interviews.annotate(
        week=week_index,
        within=Case(When(latency__lte=_due(), then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).values("week", "interviewer_id", "latency", "within")
    try:
        base_sql, params = base.query.sql_with_params()
    except EmptyResultSet:
        return LatencyFigures(Latency(), _every_week({}, filters), [])
    quote = connection.ops.quote_name
    latency = quote("latency")
    figures_sql = [
        f"COUNT({latency})",
        f"COALESCE(SUM({quote('within')}), 0)",
        f"COUNT(*) - COUNT({latency})",
        *[percentile_sql(latency, value, vendor=connection.vendor) for value in PERCENTILES.values()],
    ]
    figures = ", ".join(figures_sql)
    week, interviewer = quote("week"), quote("interviewer_id")
    cells = ", ".join(f"g.f{n}" for n in range(3 + len(PERCENTILES)))
    per_interviewer = ", ".join(f"{cell} AS f{n}" for n, cell in enumerate(figures_sql))
    users, pk = quote(User._meta.db_table), quote("id")
    people_names = ", ".join(f"u.{quote(name)}" for name in ("username", "first_name", "last_name"))
    # The branch with the most typed columns first: PostgreSQL types a UNION's columns from left to right.
    sql = (
        f"WITH b AS MATERIALIZED ({base_sql}) "
        f"SELECT 2, NULL, g.{interviewer}, {people_names}, {cells} FROM "
        f"(SELECT {interviewer}, {per_interviewer} FROM b GROUP BY {interviewer}) g "
        f"INNER JOIN {users} u ON u.{pk} = g.{interviewer} "
        f"UNION ALL SELECT 1, {week}, NULL, NULL, NULL, NULL, {figures} FROM b GROUP BY {week} "
        f"UNION ALL SELECT 0, NULL, NULL, NULL, NULL, NULL, {figures} FROM b"
    )
    overall, weeks, people = Latency(), {}, []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, monday, user_id, username, first, last, *cells in cursor.fetchall():
            found = Latency(
                spread=Spread(cells[0], *(as_duration(value) for value in cells[3:])),
                within_due=cells[1],
                missing=cells[2],
            )
            if kind == 0:
                overall = found
            elif kind == 1:
                weeks[mondays[monday]] = found
            else:
                name = f"{first} {last}".strip() or username
                people.append(InterviewerLatency(user_id=user_id, username=username, name=name, latency=found))
    return LatencyFigures(overall, _every_week(weeks, filters), _sorted(people, filters.sort))


def _every_week(found: dict[dt.date, Latency], filters: HealthFilter) -> list[WeekLatency]:
    """Every week of the period, Monday first (a week with no interviews: zeros)."""
    monday = filters.since - dt.timedelta(days=filters.since.weekday())
    weeks = []
    while monday <= filters.until:
        weeks.append(WeekLatency(monday, found.get(monday, Latency())))
        monday += dt.timedelta(weeks=1)
    return weeks


def _sorted(people: list[InterviewerLatency], sort: str) -> list[InterviewerLatency]:
    """In the chosen order (INTERVIEWER_SORTS), the username breaking ties."""
    people = sorted(people, key=lambda row: row.username)
    for key, descending, missing_first in reversed(INTERVIEWER_SORTS.get(sort, INTERVIEWER_SORTS["slowest"])):
        present = [row for row in people if key(row) is not None]
        absent = [row for row in people if key(row) is None]
        present.sort(key=key, reverse=descending)
        people = absent + present if missing_first else present + absent
    return people


def decision_times(*, user: policy.Viewer, filters: HealthFilter) -> DecisionTimes:
    """Loops first decided in the period: from their last scorecard in, and from their creation, to the decision;
    all three times stored on the loop (hiring.services.health_columns), read by the `loop_first_decided` index."""
    start, end = _bounds(filters)
    decided = health_loops(user=user, filters=filters).filter(first_decided_at__gte=start, first_decided_at__lt=end)
    decisions = decided.annotate(
        from_last=ExpressionWrapper(F("first_decided_at") - F("last_scorecard_at"), output_field=DurationField()),
        from_creation=ExpressionWrapper(F("first_decided_at") - F("created_at"), output_field=DurationField()),
    )
    # DISTINCT (on the primary key: a no-op) makes the aggregate read the two durations from a subquery, each
    # computed once per loop, rather than repeat the subtraction inside every percentile.
    row = (
        decisions.order_by()
        .values("pk", "from_last", "from_creation")
        .distinct()
        .aggregate(
            decided=Count("pk"),
            with_scorecards=Count("from_last"),
            **_spread_aggregates("from_last", "last_"),
            **_spread_aggregates("from_creation", "created_"),
        )
    )
    return DecisionTimes(
        decided=row["decided"],
        from_last_scorecard=_spread(row, row["with_scorecards"], "last_"),
        from_creation=_spread(row, row["decided"], "created_"),
    )


FUNNEL_STAGES = (
    ("created", "Created"),
    ("planned", "Planned"),
    ("all_in", "All scorecards in"),
    ("decided", "Decided"),
)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def funnel(*, user: policy.Viewer, filters: HealthFilter) -> Funnel:
    """The loops created in the period, by the furthest stage each has reached, and the decided by outcome."""
    start, end = _bounds(filters)
    loops = health_loops(user=user, filters=filters).filter(created_at__gte=start, created_at__lt=end)
    decided = Q(status=Loop.Status.DECIDED)
    row = loops.order_by().aggregate(
        created=Count("pk"),
        # has an interview (its stored last interview time), or has moved on without one
        planned=Count("pk", filter=Q(last_interview_at__isnull=False) | ~Q(status=Loop.Status.PLANNED)),
        all_in=Count("pk", filter=Q(status__in=(Loop.Status.COMPLETE, Loop.Status.DECIDED))),
        decided=Count("pk", filter=decided),
        **{
            f"outcome_{value}": Count("pk", filter=decided & Q(decision_outcome=value))  # stored: no join
            for value in Decision.Outcome.values
        },
    )
    stages = []
    previous: int | None = None
    for key, label in FUNNEL_STAGES:
        count = row[key]
        stages.append(
            FunnelStage(
                key=key,
                label=label,
                count=count,
                of_created=_share(count, row["created"]),
                of_previous=None if previous is None else _share(count, previous),
            )
        )
        previous = count
    outcomes = [
        FunnelStage(
            key=value,
            label=f"Decided: {label}",
            count=row[f"outcome_{value}"],
            of_created=_share(row[f"outcome_{value}"], row["created"]),
            of_previous=_share(row[f"outcome_{value}"], row["decided"]),
        )
        for value, label in Decision.Outcome.choices
    ]
    return Funnel(stages=stages, outcomes=outcomes)


def stalled_waiting(*, user: policy.Viewer, filters: HealthFilter, now: dt.datetime) -> Stalled:
    """Undecided loops whose every interview is past its due time, a scorecard still missing: longest stalled first.

    Read from the loops' stored last interview time and missing count by the `loop_stalled` partial index,
    which holds only such loops."""
    stalled = health_loops(user=user, filters=filters).filter(
        status__in=UNDECIDED, scorecards_missing__gt=0, last_interview_at__lt=now - _due()
    )
    # The first STALLED_LIST, each row carrying how many there are in all: a count of the index's rows alone, once
    # (an uncorrelated subquery; a window would join every stalled loop to its candidate before the limit).
    total = stalled.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    listed = stalled.select_related("candidate", "rubric", "hiring_manager").annotate(total=Subquery(total))
    first = list(listed.order_by("last_interview_at", "pk")[:STALLED_LIST])
    items = [StalledLoop(loop, loop.last_interview_at, loop.scorecards_missing) for loop in first]
    return Stalled(items=items, total=first[0].total if first else 0)


def stalled_changed(*, user: policy.Viewer, filters: HealthFilter) -> Stalled:
    """Decided loops whose decision is changed since decided (the stored flag), the latest decision first."""
    loops = health_loops(user=user, filters=filters).filter(status=Loop.Status.DECIDED, decision_changed=True)
    listed = loops.select_related("candidate", "rubric", "hiring_manager", "decision").order_by("-decision_id")
    items = [StalledLoop(loop, loop.decision.at if loop.decision else None) for loop in listed[:STALLED_LIST]]
    return Stalled(items=items, total=loops.count() if len(items) == STALLED_LIST else len(items))


def hiring_health(
    *, user: policy.Viewer, filters: HealthFilter, page: int | str = 1, now: dt.datetime | None = None
) -> HealthReport:
    """Every figure of the hiring health page, for the loops the user runs: a fixed number of queries."""
    now = now or timezone.now()
    # Every interviewer's row comes in the one pass (as many rows as interviewers), paged here.
    latency = latency_figures(period_interviews(user=user, filters=filters, now=now), filters=filters)
    return HealthReport(
        filters=filters,
        due_hours=settings.SCORECARD_DUE_HOURS,
        latency=latency.overall,
        weeks=latency.weeks,
        interviewers=latency.interviewers,
        interviewer_page=Paginator(latency.interviewers, INTERVIEWERS_PER_PAGE).get_page(page),
        decisions=decision_times(user=user, filters=filters),
        funnel=funnel(user=user, filters=filters),
        waiting=stalled_waiting(user=user, filters=filters, now=now),
        changed=stalled_changed(user=user, filters=filters),
    )


def own_latency(*, user: User, now: dt.datetime) -> Latency:
    """The user's own scorecard latency over the last DEFAULT_WEEKS weeks (their home page): one query over
    their interviews by the interviewer index."""
    since = now - dt.timedelta(weeks=DEFAULT_WEEKS)
    mine = Interview.objects.filter(interviewer=user, scheduled_at__gte=since, scheduled_at__lt=now)
    weeks = HealthFilter(since=timezone.localdate(since), until=timezone.localdate(now))
    return latency_figures(_with_latency(mine, now=now).order_by(), filters=weeks).overall
