"""Writes for loops and scorecards. Views call these; business rules live here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from hiring import policy
from hiring.models import (
    Amendment,
    AuditEvent,
    Candidate,
    Decision,
    DimensionSpread,
    Interview,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
)
from roles.models import Dimension, Exercise, RubricVersion, Signal
from roles.services import rubric_lock

MAX_TEXT = 20_000


class ScorecardConflict(Exception):
    """The scorecard changed since the form was loaded; the caller's text was not saved."""

    def __init__(self, scorecard: Scorecard) -> None:
        self.scorecard = scorecard
        super().__init__(
            f"This scorecard was saved elsewhere (another tab or window) at "
            f"{timezone.localtime(scorecard.updated_at):%H:%M:%S}. Your text has not been saved yet."
        )


@dataclass(frozen=True)
class RatingInput:
    score: int | None = None
    not_assessed: bool = False
    evidence: str = ""

    @property
    def is_empty(self) -> bool:
        return self.score is None and not self.not_assessed and not self.evidence.strip()


@dataclass(frozen=True)
class ScorecardInput:
    ratings: dict[int, RatingInput] = field(default_factory=dict)
    signals: dict[int, str] = field(default_factory=dict)
    recommendation: str = ""
    key_takeaways: str = ""


# Loops and planning -------------------------------------------------------------------------


@transaction.atomic
def loop_create(
    *,
    candidate_name: str,
    candidate_email: str,
    candidate_notes: str,
    rubric: RubricVersion,
    hiring_manager: AbstractBaseUser,
    by: AbstractBaseUser,
) -> Loop:
    if not policy.can_plan_loops(by):
        raise PermissionDenied("Only recruiters can create loops.")
    if not policy.is_hiring_manager(hiring_manager):
        raise ValidationError({"hiring_manager": "Choose someone in the Hiring managers group."})
    candidate = Candidate(
        name=candidate_name.strip(), email=candidate_email.strip(), notes=candidate_notes, created_by=by
    )
    candidate.full_clean()
    candidate.save()
    loop = Loop(candidate=candidate, rubric=rubric, hiring_manager=hiring_manager, recruiter=by)
    loop.full_clean()
    loop.save()
    rubric_lock(rubric=rubric)
    return loop


@dataclass(frozen=True)
class PlanRow:
    exercise: Exercise
    interviewer: AbstractBaseUser
    scheduled_at: dt.datetime
    focus: list[Dimension]
    interview: Interview | None = None


@transaction.atomic
def loop_plan_save(
    *, loop: Loop, rows: Iterable[PlanRow], by: AbstractBaseUser, removed: Iterable[Interview] = ()
) -> list[Interview]:
    """Create, update or remove the loop's interviews; each new interview gets its draft scorecard.

    An interview whose scorecard has been written to keeps its interviewer and cannot be
    removed, so nobody's draft moves to someone else or disappears.
    """
    if not policy.can_plan(by, loop):
        raise PermissionDenied("Only the loop's recruiter can plan its interviews.")
    if loop.status == Loop.Status.DECIDED:
        raise ValidationError("This loop is decided; its plan can no longer change.")
    for interview in removed:
        scorecard = Scorecard.objects.get(interview=interview)
        if interview.loop_id != loop.pk or scorecard.revision > 1 or scorecard.is_submitted:
            raise ValidationError(f"“{interview.exercise.title}” has a scorecard in progress and cannot be removed.")
        interview.delete()
    interviews = []
    for row in rows:
        if row.exercise.rubric_id != loop.rubric_id or any(d.rubric_id != loop.rubric_id for d in row.focus):
            raise ValidationError("That exercise or dimension belongs to another role's rubric.")
        if not row.focus:
            raise ValidationError(f"Choose at least one focus dimension for “{row.exercise.title}”.")
        interview = row.interview
        if interview is None:
            interview = Interview(loop=loop, exercise=row.exercise)
        elif interview.loop_id != loop.pk:
            raise ValidationError("That interview belongs to another loop.")
        touched = interview.pk and (interview.scorecard.revision > 1 or interview.scorecard.is_submitted)
        if touched and interview.interviewer_id != row.interviewer.pk:
            raise ValidationError(
                f"“{row.exercise.title}” already has a scorecard in progress; its interviewer cannot change."
            )
        interview.interviewer = row.interviewer
        interview.scheduled_at = row.scheduled_at
        interview.full_clean()
        interview.save()
        interview.focus_dimensions.set(row.focus)
        Scorecard.objects.get_or_create(interview=interview)
        interviews.append(interview)
    _loop_status_refresh(loop)
    return interviews


def uncovered_dimensions(*, loop: Loop) -> list[Dimension]:
    """Rubric dimensions that no interview of the loop has as a focus."""
    return list(
        Dimension.objects.filter(rubric=loop.rubric_id)
        .exclude(pk__in=Interview.focus_dimensions.through.objects.filter(interview__loop=loop).values("dimension_id"))
        .order_by("position")
    )


# Scorecards ----------------------------------------------------------------------------------


def _validate(scorecard: Scorecard, data: ScorecardInput, *, final: bool) -> None:
    """Refuse input that does not fit the scorecard's rubric; on submit, also refuse what is missing."""
    rubric = scorecard.interview.loop.rubric
    dimensions = {d.pk: d for d in Dimension.objects.filter(rubric=rubric)}
    signals = {s.pk: s for s in Signal.objects.filter(rubric=rubric)}
    errors: dict[str, list[str]] = {}

    def refuse(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for dimension_id, rating in data.ratings.items():
        if dimension_id not in dimensions:
            refuse("__all__", f"Dimension {dimension_id} is not part of this role's rubric; nothing was saved.")
            continue
        name = dimensions[dimension_id].name
        if rating.score is not None and not rubric.scale_min <= rating.score <= rubric.scale_max:
            refuse(
                f"score_{dimension_id}",
                f"{name}: {rating.score} is outside this role's scale ({rubric.scale_min}–{rubric.scale_max}).",
            )
        if rating.score is not None and rating.not_assessed:
            refuse(f"score_{dimension_id}", f"{name}: choose a score or “not assessed”, not both.")
        if len(rating.evidence) > MAX_TEXT:
            refuse(f"evidence_{dimension_id}", f"{name}: evidence is limited to {MAX_TEXT:,} characters.")
    for signal_id, note in data.signals.items():
        if signal_id not in signals:
            refuse("__all__", f"Signal {signal_id} is not one of this role's signals; nothing was saved.")
        elif len(note) > MAX_TEXT:
            refuse(f"signal_note_{signal_id}", f"Notes are limited to {MAX_TEXT:,} characters.")
    if data.recommendation not in {"", *Scorecard.Recommendation.values}:
        refuse("recommendation", "Choose one of strong no, no, yes or strong yes.")
    if len(data.key_takeaways) > MAX_TEXT:
        refuse("key_takeaways", f"Key takeaways are limited to {MAX_TEXT:,} characters.")

    if final and not errors:
        focus = set(scorecard.interview.focus_dimensions.values_list("pk", flat=True))
        for dimension_id in sorted(focus, key=lambda pk: dimensions[pk].position):
            rating = data.ratings.get(dimension_id, RatingInput())
            if rating.score is None and not rating.not_assessed:
                refuse(f"score_{dimension_id}", f"{dimensions[dimension_id].name}: score it or mark it “not assessed”.")
        for dimension_id, rating in data.ratings.items():
            if rating.score in (rubric.scale_min, rubric.scale_max) and not rating.evidence.strip():
                refuse(
                    f"evidence_{dimension_id}",
                    f"{dimensions[dimension_id].name}: a score of {rating.score} is at the end of the scale; "
                    "write the evidence for it.",
                )
        for signal_id, note in data.signals.items():
            if signals[signal_id].kind == Signal.Kind.RED_FLAG and not note.strip():
                refuse(f"signal_note_{signal_id}", "Every red flag needs a note saying what you saw.")
        if not data.recommendation:
            refuse("recommendation", "Give your overall recommendation.")
    if errors:
        raise ValidationError(errors)


def _locked_for_writing(scorecard: Scorecard, by: AbstractBaseUser, revision: int) -> Scorecard:
    if not policy.can_edit_scorecard(by, scorecard):
        raise PermissionDenied("Only the interviewer who ran this interview can change its scorecard.")
    current = Scorecard.objects.select_for_update().select_related("interview__loop__rubric").get(pk=scorecard.pk)
    if current.revision != revision:
        raise ScorecardConflict(current)
    return current


def _write(scorecard: Scorecard, data: ScorecardInput) -> None:
    scorecard.ratings.all().delete()
    Rating.objects.bulk_create(
        Rating(
            scorecard=scorecard,
            dimension_id=dimension_id,
            score=rating.score,
            not_assessed=rating.not_assessed,
            evidence=rating.evidence,
        )
        for dimension_id, rating in data.ratings.items()
        if not rating.is_empty
    )
    scorecard.observed_signals.all().delete()
    ObservedSignal.objects.bulk_create(
        ObservedSignal(scorecard=scorecard, signal_id=signal_id, note=note) for signal_id, note in data.signals.items()
    )
    scorecard.recommendation = data.recommendation
    scorecard.key_takeaways = data.key_takeaways
    scorecard.revision += 1


@transaction.atomic
def scorecard_save_draft(
    *, scorecard: Scorecard, by: AbstractBaseUser, revision: int, data: ScorecardInput
) -> Scorecard:
    current = _locked_for_writing(scorecard, by, revision)
    if current.is_submitted:
        raise ValidationError("This scorecard is submitted and locked. To change it, amend it and give a reason.")
    if current.interview.loop.status == Loop.Status.DECIDED:
        raise ValidationError("This loop is decided; its scorecards are locked.")
    _validate(current, data, final=False)
    _write(current, data)
    current.full_clean()
    current.save()
    _loop_status_refresh(current.interview.loop)
    return current


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, by: AbstractBaseUser, revision: int, data: ScorecardInput) -> Scorecard:
    current = _locked_for_writing(scorecard, by, revision)
    if current.is_submitted:
        raise ValidationError("This scorecard is already submitted. To change it, amend it and give a reason.")
    if current.interview.loop.status == Loop.Status.DECIDED:
        raise ValidationError("This loop is already decided.")
    _validate(current, data, final=True)
    _write(current, data)
    current.status = Scorecard.Status.SUBMITTED
    current.submitted_at = timezone.now()
    current.full_clean()
    current.save()
    _loop_status_refresh(current.interview.loop)
    audit_record(
        actor=by,
        action=AuditEvent.Action.SUBMIT,
        loop=current.interview.loop,
        summary=f"Scorecard {current.pk} ({current.interview.exercise.title}) submitted",
    )
    return current


def scorecard_snapshot(scorecard: Scorecard) -> dict[str, str]:
    """A readable flat view of a scorecard's content, for amendment history."""
    snapshot = {
        "Recommendation": scorecard.get_recommendation_display(),
        "Key takeaways": scorecard.key_takeaways,
    }
    for rating in scorecard.ratings.select_related("dimension"):
        name = rating.dimension.name
        snapshot[f"{name}: score"] = (
            "not assessed" if rating.not_assessed else ("" if rating.score is None else str(rating.score))
        )
        snapshot[f"{name}: evidence"] = rating.evidence
    for observed in scorecard.observed_signals.select_related("signal"):
        snapshot[f"{observed.signal.get_kind_display()}: {observed.signal.text}"] = observed.note or "observed"
    return snapshot


@transaction.atomic
def scorecard_amend(
    *, scorecard: Scorecard, by: AbstractBaseUser, revision: int, data: ScorecardInput, reason: str
) -> Amendment:
    current = _locked_for_writing(scorecard, by, revision)
    if not current.is_submitted:
        raise ValidationError("Only a submitted scorecard is amended; a draft can simply be edited.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are amending this submitted scorecard."})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": f"The reason is limited to {MAX_TEXT:,} characters."})
    _validate(current, data, final=True)
    before = scorecard_snapshot(current)
    _write(current, data)
    current.full_clean()
    current.save()
    after = scorecard_snapshot(current)
    changes = [
        {"field": key, "before": before.get(key, ""), "after": after.get(key, "")}
        for key in dict.fromkeys([*before, *after])
        if before.get(key, "") != after.get(key, "")
    ]
    if not changes:
        raise ValidationError("Nothing changed: the amendment would leave the scorecard as it is.")
    amendment = Amendment(
        scorecard=current,
        by=by,
        reason=reason.strip(),
        changes=changes,
        after_decision=current.interview.loop.status == Loop.Status.DECIDED,
    )
    amendment.full_clean()
    amendment.save()
    _loop_status_refresh(current.interview.loop)
    audit_record(
        actor=by,
        action=AuditEvent.Action.AMEND,
        loop=current.interview.loop,
        summary=f"Scorecard {current.pk} amended ({len(changes)} change{'s' if len(changes) != 1 else ''})"
        + (" after the decision" if amendment.after_decision else ""),
    )
    return amendment


FINISHED = (Loop.Status.COMPLETE, Loop.Status.DECIDED)


def _loop_status_refresh(loop: Loop) -> None:
    """Derive the loop's status from its scorecards (a decided loop stays decided), and keep its
    stored spreads in step: every write that can change a finished loop's scores ends here."""
    old = Loop.objects.values_list("status", flat=True).get(pk=loop.pk)
    new = old if old == Loop.Status.DECIDED else _status_from_scorecards(loop)
    if new != old:
        Loop.objects.filter(pk=loop.pk).update(status=new)
    loop.status = new
    if old in FINISHED or new in FINISHED:
        dimension_spreads_rebuild(loops=Loop.objects.filter(pk=loop.pk))


def _status_from_scorecards(loop: Loop) -> str:
    statuses = list(Scorecard.objects.filter(interview__loop=loop).values_list("status", "revision"))
    if statuses and all(status == Scorecard.Status.SUBMITTED for status, _ in statuses):
        return Loop.Status.COMPLETE
    if any(status == Scorecard.Status.SUBMITTED or revision > 1 for status, revision in statuses):
        return Loop.Status.IN_PROGRESS
    return Loop.Status.PLANNED


def dimension_spreads_rebuild(*, loops: QuerySet[Loop]) -> int:
    """Recompute the stored per-dimension spreads of these loops; returns how many were stored.

    Only complete and decided loops keep spreads, one per dimension scored by two or more people.
    """
    DimensionSpread.objects.filter(loop__in=loops).delete()
    rows = (
        Rating.objects.filter(
            scorecard__interview__loop__in=loops.filter(status__in=FINISHED),
            scorecard__status=Scorecard.Status.SUBMITTED,
            score__isnull=False,
            not_assessed=False,
        )
        .order_by()
        .values(
            loop_id=F("scorecard__interview__loop_id"),
            role_id=F("scorecard__interview__loop__rubric__role_id"),
            slug=F("dimension__slug"),
            low_end=F("scorecard__interview__loop__rubric__scale_min"),
            high_end=F("scorecard__interview__loop__rubric__scale_max"),
        )
        .annotate(raters=Count("pk"), spread=Max("score") - Min("score"))
        .filter(raters__gte=2)
    )
    spreads = [
        DimensionSpread(
            loop_id=row["loop_id"],
            role_id=row["role_id"],
            dimension_slug=row["slug"],
            spread=row["spread"] / (row["high_end"] - row["low_end"]),
        )
        for row in rows
    ]
    DimensionSpread.objects.bulk_create(spreads, batch_size=1000)
    return len(spreads)


# Decisions ---------------------------------------------------------------------------------


class DecisionConflict(Exception):
    """Someone else recorded this loop's decision first."""


@transaction.atomic
def loop_decide(*, loop: Loop, by: AbstractBaseUser, outcome: str, rationale: str) -> Decision:
    """Record the hiring manager's decision; the loop becomes decided and its scorecards locked."""
    if not policy.can_decide(by, loop):
        raise PermissionDenied("Only the loop's hiring manager can record its decision.")
    current = Loop.objects.select_for_update().get(pk=loop.pk)
    if current.status == Loop.Status.DECIDED or Decision.objects.filter(loop=current).exists():
        raise DecisionConflict("This loop already has a decision; it was not changed.")
    if not rationale.strip():
        raise ValidationError({"rationale": "Write the rationale for the decision."})
    if len(rationale) > MAX_TEXT:
        raise ValidationError({"rationale": f"The rationale is limited to {MAX_TEXT:,} characters."})
    decision = Decision(loop=current, by=by, outcome=outcome, rationale=rationale.strip())
    decision.full_clean()
    decision.save()
    Loop.objects.filter(pk=loop.pk).update(status=Loop.Status.DECIDED)
    _loop_status_refresh(loop)
    audit_record(
        actor=by, action=AuditEvent.Action.DECIDE, loop=current, summary=f"Decision: {decision.get_outcome_display()}"
    )
    return decision


# Reminders -----------------------------------------------------------------------------------


def scorecard_reminders_send(*, now: dt.datetime, after_hours: int) -> int:
    """Email each interviewer whose scorecard is unsubmitted `after_hours` after the interview; once a day at most."""
    due = (
        Scorecard.objects.filter(
            status=Scorecard.Status.DRAFT,
            interview__scheduled_at__lte=now - dt.timedelta(hours=after_hours),
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - dt.timedelta(days=1)))
        .exclude(interview__loop__status=Loop.Status.DECIDED)
        .select_related("interview__interviewer", "interview__exercise", "interview__loop__candidate")
    )
    sent = 0
    for scorecard in due:
        interview = scorecard.interview
        if not interview.interviewer.email:
            continue
        url = f"{settings.SITE_URL}{reverse('scorecard', args=[scorecard.pk])}"
        send_mail(
            subject=f"Scorecard due: {interview.loop.candidate.name} – {interview.exercise.title}",
            message=(
                f"Your scorecard for {interview.loop.candidate.name} ({interview.exercise.title}, "
                f"{timezone.localtime(interview.scheduled_at):%d %b %H:%M}) is not submitted yet.\n\n"
                f"Fill it in while it is fresh: {url}\n"
            ),
            from_email=None,
            recipient_list=[interview.interviewer.email],
        )
        Scorecard.objects.filter(pk=scorecard.pk).update(reminded_at=now)
        sent += 1
    return sent


# Audit and privacy ---------------------------------------------------------------------------


def audit_record(*, actor: AbstractBaseUser | None, action: str, loop: Loop | None, summary: str) -> AuditEvent:
    event = AuditEvent(
        actor=actor if actor is not None and actor.pk else None, action=action, loop=loop, summary=summary[:300]
    )
    event.full_clean()
    event.save()
    return event


def _name_pattern(name: str) -> re.Pattern | None:
    parts = sorted({name.strip(), *[p for p in re.split(r"\s+", name.strip()) if len(p) >= 3]}, key=len, reverse=True)
    parts = [p for p in parts if p]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in parts) + r")(?!\w)", re.IGNORECASE)


@transaction.atomic
def candidate_forget(*, candidate: Candidate, by: AbstractBaseUser | None) -> int:
    """Remove a candidate's personal data; ratings stay, anonymous, for statistics.

    Name, email and notes go; every free text of their loops (evidence, notes, takeaways,
    rationales, amendment history) has their name replaced by "[candidate]".
    Returns how many texts were scrubbed.
    """
    if candidate.forgotten_at is not None:
        raise ValidationError("This candidate's personal data was already removed.")
    pattern = _name_pattern(candidate.name)
    scrubbed = 0

    def scrub(text: str) -> str:
        nonlocal scrubbed
        if not pattern or not text:
            return text
        new = pattern.sub("[candidate]", text)
        scrubbed += new != text
        return new

    loops = Loop.objects.filter(candidate=candidate)
    for model, fields, path in (
        (Rating, ["evidence"], "scorecard__interview__loop__in"),
        (ObservedSignal, ["note"], "scorecard__interview__loop__in"),
        (Scorecard, ["key_takeaways"], "interview__loop__in"),
        (Decision, ["rationale"], "loop__in"),
        (Amendment, ["reason"], "scorecard__interview__loop__in"),
    ):
        objects = list(model.objects.filter(**{path: loops}))
        for obj in objects:
            for name in fields:
                setattr(obj, name, scrub(getattr(obj, name)))
        model.objects.bulk_update(objects, fields, batch_size=500)
    amendments = list(Amendment.objects.filter(scorecard__interview__loop__in=loops))
    for amendment in amendments:
        amendment.changes = [
            {key: scrub(value) if isinstance(value, str) else value for key, value in change.items()}
            for change in amendment.changes
        ]
    Amendment.objects.bulk_update(amendments, ["changes"], batch_size=500)
    candidate.name = f"Forgotten candidate {candidate.pk}"
    candidate.email = ""
    candidate.notes = ""
    candidate.forgotten_at = timezone.now()
    candidate.full_clean()
    candidate.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.FORGET,
        loop=None,
        summary=f"Candidate {candidate.pk}: personal data removed ({scrubbed} texts scrubbed)",
    )
    return scrubbed
