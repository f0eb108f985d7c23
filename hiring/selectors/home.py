"""What a person's home page lists, by the roles they hold.

- Interviewers (and anyone with interviews): their open interviews split into overdue, to write and
  upcoming, and their latest submitted scorecards.
- Hiring managers: loops awaiting their decision (all scorecards in, how long since the last),
  decisions changed since decided, loops in progress and loops recently decided.
- Recruiters: loops with no interview planned yet, overdue scorecards to chase (each with when its
  interviewer was last reminded, and whether they may be reminded now), recent decisions.

Every list is bounded (the next ``HOME_LIST``, with its total where the count runs over an index of
the person's own rows, and a link to the rest); the page costs a fixed number of queries, and none of
them reads more than the rows shown or one person's rows through an index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from hiring import policy
from hiring.models import Interview, Loop, Scorecard
from hiring.selectors.health import DEFAULT_WEEKS, Latency, own_latency
from hiring.selectors.scorecards import reminder_allowed, scorecard_due_at

HOME_LIST = 10  # rows shown per list on the home page; the rest are a link away
HOME_SUBMITTED = HOME_LIST
HOME_CHANGED = 20  # decisions changed since decided shown to their hiring manager; the pipeline filter lists all


@dataclass(frozen=True)
class InterviewItem:
    """One interview on a list, with when its scorecard is due."""

    interview: Interview
    due_at: dt.datetime
    can_remind: bool = False  # on a recruiter's list: the interviewer may be reminded now (once a day at most)

    @property
    def scorecard(self) -> Scorecard:
        return self.interview.scorecard


@dataclass(frozen=True)
class LoopItem:
    """One loop on a list, with its scorecard counts and, awaiting a decision, since when."""

    loop: Loop
    submitted: int = 0
    expected: int = 0
    waiting_since: dt.datetime | None = None


@dataclass(frozen=True)
class Listing[T]:
    items: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


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


@dataclass
class ManagerSections:
    awaiting: Listing[LoopItem]
    changed: list[Loop]
    in_progress: Listing[LoopItem]
    decided: list[Loop]


@dataclass
class RecruiterSections:
    to_plan: Listing[LoopItem]
    overdue: Listing[InterviewItem]
    decided: list[Loop]


@dataclass
class HomePage:
    title: str
    interviewer: InterviewerSections | None = None
    manager: ManagerSections | None = None
    recruiter: RecruiterSections | None = None


def _interviews_of(user: User) -> QuerySet[Interview]:
    return Interview.objects.filter(interviewer=user).select_related(
        "loop__candidate", "loop__rubric__role", "exercise", "scorecard"
    )


def _due_before(now: dt.datetime) -> dt.datetime:
    """Interviews scheduled before this have an overdue scorecard (see ``scorecard_due_at``)."""
    return now - dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)


def interview_items(interviews: Iterable[Interview]) -> list[InterviewItem]:
    return [InterviewItem(interview, scorecard_due_at(interview)) for interview in interviews]


def _interview_counts(*, user: User, due_before: dt.datetime, now: dt.datetime) -> dict[str, int]:
    """How many of the user's interviews are overdue, to write, upcoming and submitted, in one query.

    The scorecard's and the loop's status are looked up per interview (by their unique indexes)
    rather than joined: a join made PostgreSQL hash every scorecard and loop of the database to
    count one person's interviews.
    """
    states = Interview.objects.filter(interviewer=user).annotate(
        card=Subquery(Scorecard.objects.filter(interview=OuterRef("pk")).order_by().values("status")),
        stage=Subquery(Loop.objects.filter(pk=OuterRef("loop_id")).order_by().values("status")),
    )
    writable = policy.drafts_open(card="card", stage="stage")
    return states.aggregate(
        overdue=Count("pk", filter=writable & Q(scheduled_at__lt=due_before)),
        to_write=Count("pk", filter=writable & Q(scheduled_at__gte=due_before, scheduled_at__lte=now)),
        upcoming=Count("pk", filter=writable & Q(scheduled_at__gt=now)),
        submitted=Count("pk", filter=Q(card=Scorecard.Status.SUBMITTED)),
    )


def interviewer_sections(*, user: User, now: dt.datetime) -> InterviewerSections:
    """The user's open interviews by state, their latest submitted scorecards and their own scorecard latency:
    six queries, the counts and the latency each in one pass over the user's own interviews (the interviewer
    index), the lists of ``HOME_LIST`` each."""
    due_before = _due_before(now)
    overdue = policy.drafts_open() & Q(scheduled_at__lt=due_before)
    to_write = policy.drafts_open() & Q(scheduled_at__gte=due_before, scheduled_at__lte=now)
    upcoming = policy.drafts_open() & Q(scheduled_at__gt=now)
    counts = _interview_counts(user=user, due_before=due_before, now=now)
    mine = _interviews_of(user)

    def listing(condition: Q, total: int) -> Listing[InterviewItem]:
        return Listing(interview_items(mine.filter(condition).order_by("scheduled_at", "pk")[:HOME_LIST]), total)

    return InterviewerSections(
        overdue=listing(overdue, counts["overdue"]),
        to_write=listing(to_write, counts["to_write"]),
        upcoming=listing(upcoming, counts["upcoming"]),
        submitted=Listing(
            interview_items(submitted_interviews(user=user)[:HOME_SUBMITTED]),
            counts["submitted"],
        ),
        latency=own_latency(user=user, now=now),
    )


def _decided_by(user: User) -> QuerySet[Loop]:
    """The loops whose decision is the user's to make."""
    return Loop.objects.all() if user.is_staff else Loop.objects.filter(hiring_manager=user)


def _with_counts(loops: Sequence[Loop]) -> list[LoopItem]:
    """Each loop with its submitted and planned scorecard counts, in one grouped query over these loops only."""
    if not loops:
        return []
    rows = (
        Interview.objects.filter(loop_id__in=[loop.pk for loop in loops])
        .order_by()
        .values("loop_id")
        .annotate(
            expected=Count("pk"),
            submitted=Count("pk", filter=Q(scorecard__status=Scorecard.Status.SUBMITTED)),
            last=Max("scorecard__submitted_at"),
        )
    )
    counts: dict[int, tuple[int, int, dt.datetime | None]] = {
        row["loop_id"]: (row["submitted"], row["expected"], row["last"]) for row in rows
    }
    return [LoopItem(loop, *counts.get(loop.pk, (0, 0, None))) for loop in loops]


def _recently_decided(loops: QuerySet[Loop]) -> list[Loop]:
    """The latest decided loops: newest current decision first (the decision foreign key's index, backwards)."""
    return list(
        loops.filter(status=Loop.Status.DECIDED, decision__isnull=False)
        .select_related("candidate", "rubric", "decision")
        .order_by("-decision_id")[:HOME_LIST]
    )


def manager_sections(*, user: User) -> ManagerSections:
    """Awaiting the user's decision (longest wait first), changed since decided, in progress, recently
    decided: seven queries, each bounded."""
    loops = _decided_by(user).select_related("candidate", "rubric")
    complete = loops.filter(status=Loop.Status.COMPLETE)
    waiting = list(
        complete.annotate(last=Max("interviews__scorecard__submitted_at")).order_by("last", "pk")[:HOME_LIST]
    )
    in_progress = loops.filter(status__in=(Loop.Status.PLANNED, Loop.Status.IN_PROGRESS))
    changed = list(
        loops.filter(status=Loop.Status.DECIDED, decision_changed=True)
        .select_related("decision")
        .order_by("-decision_id")[:HOME_CHANGED]
    )
    return ManagerSections(
        awaiting=Listing(_with_counts(waiting), complete.count()) if waiting else Listing(),
        changed=changed,
        in_progress=Listing(
            _with_counts(list(in_progress.order_by("-created_at", "-pk")[:HOME_LIST])), in_progress.count()
        ),
        decided=_recently_decided(loops),
    )


def recruiter_sections(*, user: User, now: dt.datetime) -> RecruiterSections:
    """Loops with no interview planned (oldest first), overdue scorecards on the user's loops (most
    overdue first) and the latest decisions: five queries, each bounded."""
    loops = policy.loops_managed_by(user)
    unplanned = loops.filter(status=Loop.Status.PLANNED).filter(~Exists(Interview.objects.filter(loop=OuterRef("pk"))))
    overdue = Interview.objects.filter(policy.drafts_open(), scheduled_at__lt=_due_before(now), loop__in=loops)
    overdue_total = overdue.count()
    return RecruiterSections(
        to_plan=Listing(
            [
                LoopItem(loop)
                for loop in unplanned.select_related("candidate", "rubric").order_by("created_at", "pk")[:HOME_LIST]
            ],
            unplanned.count(),
        ),
        overdue=Listing(
            [
                InterviewItem(
                    interview,
                    scorecard_due_at(interview),
                    can_remind=reminder_allowed(reminded_at=interview.scorecard.reminded_at, now=now),
                )
                for interview in overdue.select_related(
                    "loop__candidate", "loop__rubric__role", "exercise", "scorecard", "interviewer"
                ).order_by("scheduled_at", "pk")[:HOME_LIST]
            ]
            if overdue_total
            else [],
            overdue_total,
        ),
        decided=_recently_decided(loops),
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
