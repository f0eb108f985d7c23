"""Who may see and do what. Every view and queryset in the app asks this module.

- Staff see every loop.
- Recruiters plan loops and see the loops they own, with every submitted scorecard.
- Hiring managers see every submitted scorecard of the loops they manage, and decide them.
  They (and staff) also see interviewer calibration, aggregated over all loops.
- Interviewers see their own interviews; other scorecards of a loop only once their
  own scorecard on that loop is submitted (blind scoring, to avoid anchoring).
- Blind scoring holds for everyone on a loop's panel: a hiring manager, recruiter or staff
  member who interviews on the loop sees colleagues' scorecards, the debrief and the summary
  only once their own scorecard there is submitted (``_sees_colleagues_on``, the one place
  this rule is written).
- A draft is private to its author, whoever asks, unless ``SCORECARD_DRAFTS_VISIBLE_TO_MANAGERS``
  lets the loop's recruiter, hiring manager and staff read drafts as they are being written.
- Only the interviewer edits, submits or amends their own scorecard; a draft is written (saved or
  submitted) only while it is still a draft and its loop undecided (``can_write_draft``).
- A loop's recruiter (or staff) plans it until it is decided (``can_plan``, ``can_change_plan``).
- The app itself, acting from a management command (``SYSTEM``), sees every loop as staff does;
  it is nobody, so it never edits a scorecard and is recorded in the audit log without an actor.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, StringAgg, Value
from django.db.models.expressions import Combinable

from hiring.models import Interview, Loop, Scorecard

RECRUITERS = "Recruiters"
HIRING_MANAGERS = "Hiring managers"
INTERVIEWERS = "Interviewers"
COMPLIANCE = "Compliance"
ROLE_GROUPS = (INTERVIEWERS, HIRING_MANAGERS, RECRUITERS, COMPLIANCE)
"""The groups this policy reads; none of their names holds a comma (``with_role_groups`` joins them with one)."""

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class SystemActor:
    """The app acting on its own (a management command), not a person: it sees what staff see."""

    name: str


SYSTEM = SystemActor("management command")

Viewer = AnyUser | SystemActor
"""Whoever reads loops: a person (signed in or not) or the app itself."""


_group_names: dict[int, frozenset[str]] = {}
"""The group names read for each user object still alive, by the object's identity (see ``_groups``)."""


LOADED_ROLE_GROUPS = "role_groups"
"""The annotation ``with_role_groups`` adds: the user's role groups, comma-joined."""


def with_role_groups(users: QuerySet[User]) -> QuerySet[User]:
    """The users with their role groups read in the same query (every request's user is loaded so, by
    accounts.backends): the policy then asks no query of its own for them, and a change of groups
    counts from the next request on."""
    joined = StringAgg("groups__name", Value(","), filter=Q(groups__name__in=ROLE_GROUPS), default=Value(""))
    return users.annotate(**{LOADED_ROLE_GROUPS: joined})


def _groups(user: AnyUser) -> frozenset[str]:
    """The user's role groups, read once per user object: a page asks the policy many times for one request's user.

    Taken from the user's own query when it was loaded ``with_role_groups`` (the request's user),
    else read once. Kept here, by the object's identity and dropped when the object is collected,
    rather than as an undeclared attribute on the User: the same object asks no second query, and a
    User fetched again (after its groups changed, say) reads them afresh.
    """
    if not user.is_authenticated:
        return frozenset()
    key = id(user)
    names = _group_names.get(key)
    if names is None:
        loaded = getattr(user, LOADED_ROLE_GROUPS, None)
        if isinstance(loaded, str):
            names = frozenset(name for name in loaded.split(",") if name)
        else:
            names = frozenset(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
        _group_names[key] = names
        weakref.finalize(user, _group_names.pop, key, None).atexit = False
    return names


def is_recruiter(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_staff or RECRUITERS in _groups(user))


def is_hiring_manager(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_staff or HIRING_MANAGERS in _groups(user))


def is_compliance(user: AnyUser) -> bool:
    return user.is_authenticated and COMPLIANCE in _groups(user)


def can_plan_loops(user: AnyUser) -> bool:
    return is_recruiter(user)


def _manages(user: User, loop_ref: str) -> Q:
    """The loop is one the user runs: as staff, its recruiter or its hiring manager.

    ``loop_ref`` is the path from the queried model to the loop ("pk" when querying loops).
    """
    prefix = "" if loop_ref == "pk" else f"{loop_ref}__"
    if user.is_staff:
        return Q(**{f"{prefix}pk__isnull": False})
    return Q(**{f"{prefix}recruiter": user}) | Q(**{f"{prefix}hiring_manager": user})


def _sees_colleagues_on(user: User, loop_ref: str) -> Q:
    """Blind scoring, the one place it is written: who may see colleagues' scorecards on a loop.

    Someone on the loop's panel sees them once their own scorecard there is submitted (a hiring
    manager, recruiter or staff member on the panel included); someone off the panel sees them
    when they run the loop.
    """
    loop = OuterRef(loop_ref)
    on_panel = Exists(Interview.objects.filter(loop=loop, interviewer=user))
    submitted_own = Exists(
        Scorecard.objects.filter(interview__loop=loop, interview__interviewer=user, status=Scorecard.Status.SUBMITTED)
    )
    return submitted_own | (_manages(user, loop_ref) & ~on_panel)


def _loops_of(user: Viewer, theirs: Callable[[User], Q | Combinable]) -> QuerySet[Loop]:
    """Every loop for the app itself and for staff, none for someone signed out, else the person's (``theirs``)."""
    if isinstance(user, SystemActor):
        return Loop.objects.all()
    if not isinstance(user, User) or not user.is_authenticated:
        return Loop.objects.none()
    if user.is_staff:
        return Loop.objects.all()
    return Loop.objects.filter(theirs(user))


def loops_visible_to(user: Viewer) -> QuerySet[Loop]:
    """Loops the user takes part in: as recruiter, hiring manager or on the panel (staff and the app: all)."""
    return _loops_of(
        user,
        lambda person: (
            _manages(person, "pk") | Exists(Interview.objects.filter(loop=OuterRef("pk"), interviewer=person))
        ),
    )


def loops_managed_by(user: Viewer) -> QuerySet[Loop]:
    """Loops whose whole panel the user may see: staff (and the app itself) all; otherwise as recruiter or
    hiring manager."""
    return _loops_of(user, lambda person: _manages(person, "pk"))


def interviews_visible_to(user: AnyUser) -> QuerySet[Interview]:
    """Interviews (who, what, when; not their scores): the user's own, and those of the loops they run."""
    if not user.is_authenticated:
        return Interview.objects.none()
    if user.is_staff:
        return Interview.objects.all()
    return Interview.objects.filter(Q(interviewer=user) | _manages(user, "loop") | _sees_colleagues_on(user, "loop"))


def scorecards_visible_to(user: AnyUser) -> QuerySet[Scorecard]:
    """The user's own scorecards, and colleagues' once submitted where blind scoring lets the user see them."""
    if not user.is_authenticated:
        return Scorecard.objects.none()
    colleagues = Q(status=Scorecard.Status.SUBMITTED)
    if settings.SCORECARD_DRAFTS_VISIBLE_TO_MANAGERS:
        colleagues |= _manages(user, "interview__loop")
    return Scorecard.objects.filter(
        Q(interview__interviewer=user) | (colleagues & _sees_colleagues_on(user, "interview__loop"))
    )


def can_edit_scorecard(user: AnyUser, scorecard: Scorecard) -> bool:
    """Only the interviewer writes their scorecard (drafts, submit, amendments)."""
    return user.is_authenticated and scorecard.interview.interviewer_id == user.pk


OPEN_LOOP_STATUSES = (Loop.Status.PLANNED, Loop.Status.IN_PROGRESS, Loop.Status.COMPLETE)
"""Every status but decided: the loops whose drafts may still be written (``can_write_draft``, ``drafts_open``)."""


def can_write_draft(user: AnyUser, scorecard: Scorecard) -> bool:
    """Whether the user may save or submit this scorecard as a draft now: its interviewer, while it is still a
    draft and its loop is not decided (after that, a submitted scorecard is amended instead)."""
    return (
        can_edit_scorecard(user, scorecard)
        and scorecard.status == Scorecard.Status.DRAFT
        and scorecard.interview.loop.status in OPEN_LOOP_STATUSES
    )


def drafts_open(*, card: str = "scorecard__status", stage: str = "loop__status") -> Q:
    """``can_write_draft`` as a query's condition, but for whose (the query at hand picks the interviewer): a
    draft on a loop not decided. ``card`` and ``stage`` name the scorecard's and the loop's status there."""
    return Q(**{card: Scorecard.Status.DRAFT, f"{stage}__in": OPEN_LOOP_STATUSES})


def is_on_panel(user: AnyUser, loop: Loop) -> bool:
    return user.is_authenticated and Interview.objects.filter(loop=loop, interviewer=user).exists()


DEBRIEF_VISIBLE = "debrief_visible"
"""The annotation ``with_debrief_access`` adds, and ``DEBRIEF_VIEWER`` whom it was computed for."""
DEBRIEF_VIEWER = "debrief_viewer"


def with_debrief_access(loops: QuerySet[Loop], user: AnyUser) -> QuerySet[Loop]:
    """The loops with ``can_view_debrief`` for this user answered in the query that fetches them."""
    if not user.is_authenticated:
        return loops
    visible = ExpressionWrapper(_sees_colleagues_on(user, "pk"), output_field=BooleanField())
    return loops.annotate(**{DEBRIEF_VISIBLE: visible, DEBRIEF_VIEWER: Value(user.pk)})


def can_view_debrief(user: AnyUser, loop: Loop) -> bool:
    """The debrief and summary show colleagues' scores: the blind-scoring rule decides (answered by the loop's
    own query when it was fetched ``with_debrief_access`` for this user)."""
    if not user.is_authenticated:
        return False
    if getattr(loop, DEBRIEF_VIEWER, None) == user.pk:
        return bool(getattr(loop, DEBRIEF_VISIBLE))
    return Loop.objects.filter(pk=loop.pk).filter(_sees_colleagues_on(user, "pk")).exists()


def can_decide(user: AnyUser, loop: Loop) -> bool:
    return user.is_authenticated and (user.is_staff or user.pk == loop.hiring_manager_id)


def can_plan(user: AnyUser, loop: Loop) -> bool:
    return user.is_authenticated and (user.is_staff or (is_recruiter(user) and user.pk == loop.recruiter_id))


def can_change_plan(user: AnyUser, loop: Loop) -> bool:
    """Whether the user may change the loop's plan now: they plan it (``can_plan``) and it is not decided (a
    decided loop's plan is kept as it was)."""
    return can_plan(user, loop) and loop.status != Loop.Status.DECIDED


def can_remind(user: AnyUser, loop: Loop) -> bool:
    """Whoever runs a loop (its recruiter or hiring manager, or staff) may remind its interviewers of their
    scorecards: the loops a recruiter's home lists overdue scorecards from (``loops_managed_by``)."""
    return user.is_authenticated and (user.is_staff or user.pk in (loop.recruiter_id, loop.hiring_manager_id))


def can_view_pipeline(user: AnyUser) -> bool:
    """Recruiters, hiring managers and staff see the pipeline (and export it), limited to their loops."""
    return is_recruiter(user) or is_hiring_manager(user)


def can_view_hiring_health(user: AnyUser) -> bool:
    """Recruiters, hiring managers and staff see hiring health (page, file, API) over the loops they run
    (``loops_managed_by``); an interviewer sees their own scorecard latency on their home page."""
    return is_recruiter(user) or is_hiring_manager(user)


def can_view_audit(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_staff


def can_view_calibration(user: AnyUser) -> bool:
    """Hiring managers and staff compare interviewers' scoring (leniency, agreement) across all loops."""
    return is_hiring_manager(user)


def can_manage_legal_holds(user: AnyUser) -> bool:
    """Staff and the Compliance group set and release legal holds (and see them)."""
    return user.is_authenticated and (user.is_staff or is_compliance(user))


def can_record_outcomes(user: AnyUser) -> bool:
    """Recruiters and staff record hires' later outcomes (CSV import, API): they hold the HR data it comes from."""
    return is_recruiter(user)


def can_be_planned_as_interviewer(user: User, loop: Loop) -> bool:
    """Anyone active in the Interviewers group, and the loop's own hiring manager (many teams put them on the panel)."""
    return user.is_active and (INTERVIEWERS in _groups(user) or user.pk == loop.hiring_manager_id)
