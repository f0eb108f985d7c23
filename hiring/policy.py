"""Who may see and do what. Every view and queryset in the app asks this module.

- Staff see everything.
- Recruiters plan loops and see the loops they own, with every scorecard.
- Hiring managers see every scorecard of the loops they manage, and decide them. They
  (and staff) also see interviewer calibration, aggregated over all loops.
- Interviewers see their own interviews; other scorecards of a loop only once their
  own scorecard on that loop is submitted (blind scoring, to avoid anchoring).
- Only the interviewer edits, submits or amends their own scorecard.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from hiring.models import Interview, Loop, Scorecard

RECRUITERS = "Recruiters"
HIRING_MANAGERS = "Hiring managers"
INTERVIEWERS = "Interviewers"

AnyUser = User | AnonymousUser


def _groups(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_policy_groups"):
        user._policy_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._policy_groups


def is_recruiter(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_staff or RECRUITERS in _groups(user))


def is_hiring_manager(user: AnyUser) -> bool:
    return user.is_authenticated and (user.is_staff or HIRING_MANAGERS in _groups(user))


def can_plan_loops(user: AnyUser) -> bool:
    return is_recruiter(user)


def _submitted_own_on_loop(user: AnyUser, loop_ref: str) -> Exists:
    return Exists(
        Scorecard.objects.filter(
            interview__loop=OuterRef(loop_ref), interview__interviewer=user, status=Scorecard.Status.SUBMITTED
        )
    )


def loops_visible_to(user: AnyUser) -> QuerySet[Loop]:
    if not user.is_authenticated:
        return Loop.objects.none()
    if user.is_staff:
        return Loop.objects.all()
    on_panel = Exists(Interview.objects.filter(loop=OuterRef("pk"), interviewer=user))
    return Loop.objects.filter(Q(recruiter=user) | Q(hiring_manager=user) | on_panel)


def loops_managed_by(user: AnyUser) -> QuerySet[Loop]:
    """Loops whose whole panel the user may see: staff all; otherwise as recruiter or hiring manager."""
    if not user.is_authenticated:
        return Loop.objects.none()
    if user.is_staff:
        return Loop.objects.all()
    return Loop.objects.filter(Q(recruiter=user) | Q(hiring_manager=user))


def interviews_visible_to(user: AnyUser) -> QuerySet[Interview]:
    if not user.is_authenticated:
        return Interview.objects.none()
    if user.is_staff:
        return Interview.objects.all()
    return Interview.objects.filter(
        Q(interviewer=user)
        | Q(loop__recruiter=user)
        | Q(loop__hiring_manager=user)
        | _submitted_own_on_loop(user, "loop")
    )


def scorecards_visible_to(user: AnyUser) -> QuerySet[Scorecard]:
    if not user.is_authenticated:
        return Scorecard.objects.none()
    if user.is_staff:
        return Scorecard.objects.all()
    return Scorecard.objects.filter(
        Q(interview__interviewer=user)
        | Q(interview__loop__recruiter=user)
        | Q(interview__loop__hiring_manager=user)
        | _submitted_own_on_loop(user, "interview__loop")
    )


def can_edit_scorecard(user: AnyUser, scorecard: Scorecard) -> bool:
    """Only the interviewer writes their scorecard (drafts, submit, amendments)."""
    return user.is_authenticated and scorecard.interview.interviewer_id == user.pk


def is_on_panel(user: AnyUser, loop: Loop) -> bool:
    return user.is_authenticated and Interview.objects.filter(loop=loop, interviewer=user).exists()


def can_view_debrief(user: AnyUser, loop: Loop) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.pk in (loop.recruiter_id, loop.hiring_manager_id):
        return True
    return Scorecard.objects.filter(
        interview__loop=loop, interview__interviewer=user, status=Scorecard.Status.SUBMITTED
    ).exists()


def can_decide(user: AnyUser, loop: Loop) -> bool:
    return user.is_authenticated and (user.is_staff or user.pk == loop.hiring_manager_id)


def can_plan(user: AnyUser, loop: Loop) -> bool:
    return user.is_authenticated and (user.is_staff or (is_recruiter(user) and user.pk == loop.recruiter_id))


def can_view_pipeline(user: AnyUser) -> bool:
    """Recruiters, hiring managers and staff see the pipeline (and export it), limited to their loops."""
    return is_recruiter(user) or is_hiring_manager(user)


def can_view_audit(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_staff


def can_view_calibration(user: AnyUser) -> bool:
    """Hiring managers and staff compare interviewers' scoring (leniency, agreement) across all loops."""
    return is_hiring_manager(user)


def can_be_planned_as_interviewer(user: User, loop: Loop) -> bool:
    """Anyone active in the Interviewers group, and the loop's own hiring manager (many teams put them on the panel)."""
    return user.is_active and (INTERVIEWERS in _groups(user) or user.pk == loop.hiring_manager_id)
