"""What a person's home page lists, by the roles they hold.

- Interviewers (and anyone with interviews): their open interviews split into overdue, to write and
  upcoming, and their latest submitted scorecards.
- Hiring managers: loops awaiting their decision (all scorecards in, how long since the last),
  decisions changed since decided, loops in progress and loops recently decided.
- Recruiters: loops with no interview planned yet, overdue scorecards to chase (each with when its
  interviewer was last reminded, and whether they may be reminded now), recent decisions.

Every list is bounded (the next ``HOME_LIST``, with its total, and a link to the rest), and each list
brings its own total in its query, so the page costs a fixed number of queries: the interviewer's
lists one (every list in one statement), their latency one, a hiring manager's sections three, a
recruiter's three. No figure costs the person's history:

- open interviews and overdue scorecards are counted up to ``HOME_COUNT_CAP`` ("200+" past it, the
  full list a link away), read through the partial index of unsubmitted interviews;
- the scorecards someone submitted, history that only grows, are the stored running figure
  (``InterviewerFigures.scorecards``, kept in step by every write through ``loop_status_refresh``),
  exact, read from a handful of rows;
- the loops a hiring manager or recruiter runs are counted over their own loops (a window over
  the list's query).

Each row carries its links, built from one ``reverse`` per link kind (``config.links.Link``), so the template
renders no ``{% url %}`` per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce

from config.links import Link
from hiring import policy
from hiring.models import Interview, InterviewerFigures, Loop, Scorecard
from hiring.selectors.health import DEFAULT_WEEKS, Latency, own_latency
from hiring.selectors.scorecards import reminder_allowed, scorecard_due_at

HOME_LIST = 10  # rows shown per list on the home page; the rest are a link away
HOME_SUBMITTED = HOME_LIST
HOME_CHANGED = 20  # decisions changed since decided shown to their hiring manager; the pipeline filter lists all
HOME_COUNT_CAP = 200  # open interviews and overdue scorecards are counted up to this; "200+" past it


@dataclass(frozen=True)
class InterviewItem:
    """One interview on a list, with when its scorecard is due and the links of its row."""

    interview: Interview
    due_at: dt.datetime
    can_remind: bool = False  # on a recruiter's list: the interviewer may be reminded now (once a day at most)
    scorecard_url: str = ""
    kit_url: str = ""
    invite_url: str = ""
    loop_url: str = ""
    remind_url: str = ""

    @property
    def scorecard(self) -> Scorecard:
        return self.interview.scorecard


@dataclass(frozen=True)
class LoopItem:
    """One loop on a list, with its scorecard counts, awaiting a decision since when, and the links of its row."""

    loop: Loop
    submitted: int = 0
    expected: int = 0
    waiting_since: dt.datetime | None = None
    detail_url: str = ""
    debrief_url: str = ""
    summary_url: str = ""
    plan_url: str = ""


@dataclass(frozen=True)
class Listing[T]:
    items: list[T] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # counted only up to HOME_COUNT_CAP: there are at least `total`

    @property
    def more(self) -> bool:
        return self.capped or self.total > len(self.items)

    @property
    def shown_total(self) -> str:
        """The total as the page says it: "1,234", or "200+" when counted only that far."""
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"


@dataclass
class InterviewerSections:
    overdue: Listing[InterviewItem]
    to_write: Listing[InterviewItem]
    upcoming: Listing[InterviewItem]
    submitted: Listing[InterviewItem]
    latency: Latency  # the person's own scorecard latency over the last `latency_weeks` weeks
    latency_weeks: int = DEFAULT_WEEKS

    @property
    def due_hours(self) -> int:
        hours: int = settings.SCORECARD_DUE_HOURS
        return hours

    @property
    def open_total(self) -> int:
        return self.overdue.total + self.to_write.total + self.upcoming.total

    @property
    def open_shown_total(self) -> str:
        capped = self.overdue.capped or self.to_write.capped or self.upcoming.capped
        return f"{self.open_total:,}+" if capped else f"{self.open_total:,}"


@dataclass
class ManagerSections:
    awaiting: Listing[LoopItem]
    changed: list[LoopItem]
    in_progress: Listing[LoopItem]
    decided: list[LoopItem]


@dataclass
class RecruiterSections:
    to_plan: Listing[LoopItem]
    overdue: Listing[InterviewItem]
    decided: list[LoopItem]


@dataclass
class HomePage:
    title: str
    interviewer: InterviewerSections | None = None
    manager: ManagerSections | None = None
    recruiter: RecruiterSections | None = None


class _BoundedCount(Subquery):
    """How many rows a sliced queryset has: a count that reads at most the slice (``HOME_COUNT_CAP`` + 1)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS bounded)"
    output_field = IntegerField()


def _bounded(queryset: QuerySet[Interview]) -> _BoundedCount:
    return _BoundedCount(queryset.order_by().values("pk")[: HOME_COUNT_CAP + 1])


def _counted(total: int | None, items: list[InterviewItem]) -> Listing[InterviewItem]:
    found = total or 0
    return Listing(items, min(found, HOME_COUNT_CAP), capped=found > HOME_COUNT_CAP)


def _interviews_of(user: User) -> QuerySet[Interview]:
    return Interview.objects.filter(interviewer=user).select_related(
        "loop__candidate", "loop__rubric__role", "exercise", "scorecard"
    )


def _due_before(now: dt.datetime) -> dt.datetime:
    """Interviews scheduled before this have an overdue scorecard (see ``scorecard_due_at``)."""
    return now - dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)


def interview_items(interviews: Iterable[Interview], *, now: dt.datetime | None = None) -> list[InterviewItem]:
    """The interviews as rows of a list, each with its due time and links; with `now`, a recruiter's rows:
    whether the interviewer may be reminded now."""
    scorecard, kit, invite, loop, remind = (
        Link(name) for name in ("scorecard", "roles:kit", "interview_invite", "loop_detail", "scorecard_remind")
    )
    items = []
    for interview in interviews:
        card = interview.scorecard
        rubric = interview.loop.rubric
        exercise = f"#exercise-{interview.exercise.slug}" if interview.exercise else ""
        items.append(
            InterviewItem(
                interview,
                scorecard_due_at(interview),
                can_remind=now is not None and reminder_allowed(reminded_at=card.reminded_at, now=now),
                scorecard_url=scorecard(card.pk),
                kit_url=f"{kit(rubric.role.slug)}?version={rubric.number}{exercise}",
                invite_url=invite(interview.pk),
                loop_url=loop(interview.loop_id),
                remind_url=remind(card.pk),
            )
        )
    return items


def _open_mine(user: User) -> QuerySet[Interview]:
    """The user's interviews whose scorecard can still be written, by the partial index of unsubmitted ones."""
    return Interview.objects.filter(policy.drafts_open(), interviewer=user, scorecard_submitted_at__isnull=True)


def _first(queryset: QuerySet[Interview], *order: str, limit: int = HOME_LIST) -> QuerySet[Interview, Any]:
    """The ids of the first `limit` rows: one member of the lists' union (sliced inside, so SQLite allows it)."""
    return Interview.objects.filter(pk__in=queryset.order_by(*order).values("pk")[:limit]).order_by().values("pk")


def _submitted_total(user: User) -> Subquery:
    """The user's submitted scorecards: the sum of their stored running figures (one row per rubric version)."""
    stored = (
        InterviewerFigures.objects.filter(interviewer=user)
        .order_by()
        .values("interviewer")
        .annotate(n=Sum("scorecards"))
        .values("n")
    )
    return Subquery(stored, output_field=IntegerField())


def interviewer_sections(*, user: User, now: dt.datetime) -> InterviewerSections:
    """The user's open interviews by state, their latest submitted scorecards and their own scorecard latency:
    two queries. The lists are one statement (the union of each list's first ``HOME_LIST`` ids, each read in
    index order), carrying the bounded counts of the open lists and the stored count of the submitted one."""
    due_before = _due_before(now)
    open_ = _open_mine(user)
    overdue = open_.filter(scheduled_at__lt=due_before)
    to_write = open_.filter(scheduled_at__gte=due_before, scheduled_at__lte=now)
    upcoming = open_.filter(scheduled_at__gt=now)
    submitted = Interview.objects.filter(interviewer=user, scorecard_submitted_at__isnull=False)
    ids = _first(overdue, "scheduled_at", "pk").union(
        _first(to_write, "scheduled_at", "pk"),
        _first(upcoming, "scheduled_at", "pk"),
        _first(submitted, "-scorecard_submitted_at", "-pk", limit=HOME_SUBMITTED),
        all=True,
    )
    rows = list(
        _interviews_of(user)
        .filter(pk__in=ids)
        .annotate(
            n_overdue=_bounded(overdue),
            n_to_write=_bounded(to_write),
            n_upcoming=_bounded(upcoming),
            n_submitted=Coalesce(_submitted_total(user), 0),
        )
        .order_by("scheduled_at", "pk")
    )
    lists: dict[str, list[Interview]] = {"overdue": [], "to_write": [], "upcoming": [], "submitted": []}
    for interview in rows:
        if interview.scorecard_submitted_at is not None:
            lists["submitted"].append(interview)
        elif interview.scheduled_at < due_before:
            lists["overdue"].append(interview)
        elif interview.scheduled_at <= now:
            lists["to_write"].append(interview)
        else:
            lists["upcoming"].append(interview)
    lists["submitted"].sort(key=lambda i: (i.scorecard_submitted_at, i.pk), reverse=True)
    names = ("n_overdue", "n_to_write", "n_upcoming", "n_submitted")
    totals: dict[str, int] = {name: getattr(rows[0], name) for name in names} if rows else {}
    return InterviewerSections(
        overdue=_counted(totals.get("n_overdue"), interview_items(lists["overdue"])),
        to_write=_counted(totals.get("n_to_write"), interview_items(lists["to_write"])),
        upcoming=_counted(totals.get("n_upcoming"), interview_items(lists["upcoming"])),
        submitted=Listing(interview_items(lists["submitted"]), totals.get("n_submitted") or 0),
        latency=own_latency(user=user, now=now),
    )


def _decided_by(user: User) -> QuerySet[Loop]:
    """The loops whose decision is the user's to make."""
    return Loop.objects.all() if user.is_staff else Loop.objects.filter(hiring_manager=user)


def _panel_counts(loops: QuerySet[Loop]) -> QuerySet[Loop]:
    """Each loop with its planned and submitted scorecard counts: two lookups of its interviews per row shown."""
    panel = Interview.objects.filter(loop=OuterRef("pk")).order_by().values("loop")
    counted = panel.annotate(n=Count("pk")).values("n")
    submitted = panel.filter(scorecard_submitted_at__isnull=False).annotate(n=Count("pk")).values("n")
    return loops.annotate(
        expected=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        submitted=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
    )


def _loop_items(loops: Iterable[Loop], *, counts: bool = False, waiting: bool = False) -> list[LoopItem]:
    """The loops as rows of a list, with their links (and their scorecard counts, when the query brought them)."""
    names = ("loop_detail", "loop_debrief", "loop_summary", "loop_plan")
    detail, debrief, summary, plan = (Link(name) for name in names)
    return [
        LoopItem(
            loop,
            submitted=getattr(loop, "submitted", 0) if counts else 0,
            expected=getattr(loop, "expected", 0) if counts else 0,
            waiting_since=loop.last_scorecard_at if waiting else None,
            detail_url=detail(loop.pk),
            debrief_url=debrief(loop.pk),
            summary_url=summary(loop.pk),
            plan_url=plan(loop.pk),
        )
        for loop in loops
    ]


def _listed(loops: QuerySet[Loop], *order: str) -> tuple[list[Loop], int]:
    """The first ``HOME_LIST`` loops and how many there are, in one query (a count over the same rows, a window)."""
    first = list(loops.annotate(total=Window(Count("pk"))).order_by(*order)[:HOME_LIST])
    total: int = first[0].total if first else 0
    return list[Loop](first), total


def _decided_and_changed(loops: QuerySet[Loop], *, changed: bool) -> tuple[list[Loop], list[Loop]]:
    """The latest decided loops (newest current decision first, by the decision foreign key's index backwards)
    and, when `changed`, the latest ``HOME_CHANGED`` whose decision is changed since decided (by their partial
    index): one query, the union of both slices."""
    decided = loops.filter(status=Loop.Status.DECIDED, decision__isnull=False)
    latest = (
        Loop.objects.filter(pk__in=decided.order_by("-decision_id").values("pk")[:HOME_LIST]).order_by().values("pk")
    )
    if changed:
        moved = decided.filter(decision_changed=True).order_by("-decision_id").values("pk")[:HOME_CHANGED]
        latest = latest.union(Loop.objects.filter(pk__in=moved).order_by().values("pk"), all=True)
    rows = list(
        Loop.objects.filter(pk__in=latest)
        .select_related("candidate", "rubric", "decision")
        .order_by("-decision_id", "pk")
        .distinct()
    )
    return rows[:HOME_LIST], [loop for loop in rows if loop.decision_changed][:HOME_CHANGED]


def manager_sections(*, user: User) -> ManagerSections:
    """Awaiting the user's decision (longest wait first, by the stored time of the last scorecard), in progress,
    recently decided with changed since decided: three queries, each list with its count."""
    loops = _decided_by(user).select_related("candidate", "rubric")
    waiting, waiting_total = _listed(
        _panel_counts(loops.filter(status=Loop.Status.COMPLETE)), "last_scorecard_at", "pk"
    )
    in_progress, in_progress_total = _listed(
        _panel_counts(loops.filter(status__in=(Loop.Status.PLANNED, Loop.Status.IN_PROGRESS))), "-created_at", "-pk"
    )
    decided, changed = _decided_and_changed(_decided_by(user), changed=True)
    return ManagerSections(
        awaiting=Listing(_loop_items(waiting, counts=True, waiting=True), waiting_total),
        changed=_loop_items(changed),
        in_progress=Listing(_loop_items(in_progress, counts=True), in_progress_total),
        decided=_loop_items(decided),
    )


def recruiter_sections(*, user: User, now: dt.datetime) -> RecruiterSections:
    """Loops with no interview planned (oldest first), overdue scorecards on the user's loops (most
    overdue first, counted up to ``HOME_COUNT_CAP``) and the latest decisions: three queries."""
    loops = policy.loops_managed_by(user)
    unplanned = loops.filter(status=Loop.Status.PLANNED).filter(~Exists(Interview.objects.filter(loop=OuterRef("pk"))))
    to_plan, to_plan_total = _listed(unplanned.select_related("candidate", "rubric"), "created_at", "pk")
    overdue = Interview.objects.filter(
        policy.drafts_open(), scorecard_submitted_at__isnull=True, scheduled_at__lt=_due_before(now), loop__in=loops
    )
    chased = list(
        overdue.select_related("loop__candidate", "loop__rubric__role", "exercise", "scorecard", "interviewer")
        .annotate(total=_bounded(overdue))
        .order_by("scheduled_at", "pk")[:HOME_LIST]
    )
    decided, _ = _decided_and_changed(loops, changed=False)
    return RecruiterSections(
        to_plan=Listing(_loop_items(to_plan), to_plan_total),
        overdue=_counted(chased[0].total if chased else 0, interview_items(chased, now=now)),
        decided=_loop_items(decided),
    )


def _title(user: User) -> str:
    if user.is_staff:
        return "Overview"
    if policy.is_hiring_manager(user):
        return "My hiring decisions"
    if policy.is_recruiter(user):
        return "My loops to run"
    return "My interviews"


def home_page(*, user: User, now: dt.datetime) -> HomePage:
    """The sections for the roles the user holds: a hiring manager or recruiter sees interviewer sections
    only when they have interviews of their own."""
    page = HomePage(title=_title(user))
    if policy.is_hiring_manager(user):
        page.manager = manager_sections(user=user)
    if policy.is_recruiter(user):
        page.recruiter = recruiter_sections(user=user, now=now)
    interviewer = interviewer_sections(user=user, now=now)
    only_interviews = page.manager is None and page.recruiter is None
    if only_interviews or interviewer.open_total or interviewer.submitted.total:
        page.interviewer = interviewer
    return page


def open_interviews(*, user: User) -> QuerySet[Interview]:
    """The user's interviews whose scorecard can still be written, the earliest first."""
    return _interviews_of(user).filter(policy.drafts_open()).order_by("scheduled_at", "pk")


def next_interview_to_write(*, user: User, now: dt.datetime) -> Interview | None:
    """The interview whose scorecard the user should write next: of those already held with a scorecard
    still open, the earliest (the most overdue); None when every one is written."""
    return open_interviews(user=user).filter(scheduled_at__lte=now).first()


def submitted_interviews(*, user: User) -> QuerySet[Interview]:
    """The user's interviews with a submitted scorecard, the latest submission first."""
    return (
        _interviews_of(user)
        .filter(scorecard__status=Scorecard.Status.SUBMITTED)
        .order_by("-scorecard__submitted_at", "-pk")
    )
