"""Writing scorecards: drafts, submission and amendments, under optimistic locking by revision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hiring import policy, signals
from hiring.conformity import Moves, panel_moves
from hiring.models import (
    MAX_TEXT,
    Amendment,
    AuditEvent,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
    ScorecardView,
)
from hiring.services.audit import audit_record
from hiring.services.decisions import decision_changed_notify
from hiring.services.loop_status import loop_status_refresh
from hiring.services.refusals import InputRefused, Place, Problem
from roles.models import Dimension, RubricVersion, Signal


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


class _Refusals(list[Problem]):
    """The problems found in a scorecard input, in the order they were found."""

    def add(self, place: Place, message: str, item: int | None = None) -> None:
        self.append(Problem(place=place, message=message, item=item))


def _validate(scorecard: Scorecard, data: ScorecardInput, *, final: bool) -> None:
    """Refuse input that does not fit the scorecard's rubric; on submit, also refuse what is missing."""
    rubric = scorecard.interview.loop.rubric
    dimensions = {d.pk: d for d in Dimension.objects.filter(rubric=rubric)}
    signals = {s.pk: s for s in Signal.objects.filter(rubric=rubric)}
    refusals = _Refusals()
    _refuse_ratings_off_rubric(refusals, data, rubric=rubric, dimensions=dimensions)
    _refuse_other_input_off_rubric(refusals, data, signals=signals)
    if final and not refusals:
        focus = set(scorecard.interview.focus_dimensions.values_list("pk", flat=True))
        _refuse_incomplete(refusals, data, rubric=rubric, dimensions=dimensions, signals=signals, focus=focus)
    if refusals:
        raise InputRefused(refusals)


def _refuse_ratings_off_rubric(
    refusals: _Refusals, data: ScorecardInput, *, rubric: RubricVersion, dimensions: dict[int, Dimension]
) -> None:
    for dimension_id, rating in data.ratings.items():
        if dimension_id not in dimensions:
            refusals.add("input", f"Dimension {dimension_id} is not part of this role's rubric; nothing was saved.")
            continue
        name = dimensions[dimension_id].name
        if rating.score is not None and not rubric.scale_min <= rating.score <= rubric.scale_max:
            refusals.add(
                "score",
                f"{name}: {rating.score} is outside this role's scale ({rubric.scale_min}–{rubric.scale_max}).",
                dimension_id,
            )
        if rating.score is not None and rating.not_assessed:
            refusals.add("score", f"{name}: choose a score or “not assessed”, not both.", dimension_id)
        if len(rating.evidence) > MAX_TEXT:
            refusals.add("evidence", f"{name}: evidence is limited to {MAX_TEXT:,} characters.", dimension_id)


def _refuse_other_input_off_rubric(refusals: _Refusals, data: ScorecardInput, *, signals: dict[int, Signal]) -> None:
    for signal_id, note in data.signals.items():
        if signal_id not in signals:
            refusals.add("input", f"Signal {signal_id} is not one of this role's signals; nothing was saved.")
        elif len(note) > MAX_TEXT:
            refusals.add("signal_note", f"Notes are limited to {MAX_TEXT:,} characters.", signal_id)
    if data.recommendation not in {"", *Scorecard.Recommendation.values}:
        refusals.add("recommendation", "Choose one of strong no, no, yes or strong yes.")
    if len(data.key_takeaways) > MAX_TEXT:
        refusals.add("key_takeaways", f"Key takeaways are limited to {MAX_TEXT:,} characters.")


def _refuse_incomplete(
    refusals: _Refusals,
    data: ScorecardInput,
    *,
    rubric: RubricVersion,
    dimensions: dict[int, Dimension],
    signals: dict[int, Signal],
    focus: set[int],
) -> None:
    """What a submitted scorecard must hold: every focus dimension decided, evidence at the scale's
    ends, a note on every red flag, and a recommendation."""
    for dimension_id in sorted(focus, key=lambda pk: dimensions[pk].position):
        rating = data.ratings.get(dimension_id, RatingInput())
        if rating.score is None and not rating.not_assessed:
            refusals.add("score", f"{dimensions[dimension_id].name}: score it or mark it “not assessed”.", dimension_id)
    for dimension_id, rating in data.ratings.items():
        if rating.score in (rubric.scale_min, rubric.scale_max) and not rating.evidence.strip():
            refusals.add(
                "evidence",
                f"{dimensions[dimension_id].name}: a score of {rating.score} is at the end of the scale; "
                "write the evidence for it.",
                dimension_id,
            )
    for signal_id, note in data.signals.items():
        if signals[signal_id].kind == Signal.Kind.RED_FLAG and not note.strip():
            refusals.add("signal_note", "Every red flag needs a note saying what you saw.", signal_id)
    if not data.recommendation:
        refusals.add("recommendation", "Give your overall recommendation.")


def _locked_for_writing(scorecard: Scorecard, by: User, revision: int, tab: str) -> Scorecard:
    """The scorecard, locked, if the caller's revision is current, or behind only its own tab's saves.

    A form posts everything it holds, so a tab whose revision is behind only because its own
    earlier save landed meanwhile (an autosave in flight) loses nothing by writing: only a save
    from another tab or window in between is a conflict.
    """
    if not policy.can_edit_scorecard(by, scorecard):
        raise PermissionDenied("Only the interviewer who ran this interview can change its scorecard.")
    # The loop row first, as loop_decide does: a decision reading its basis and an amendment never deadlock.
    list(Loop.objects.select_for_update(of=("self",)).filter(interviews__scorecard=scorecard.pk).values_list("pk"))
    current = Scorecard.objects.select_for_update().select_related("interview__loop__rubric").get(pk=scorecard.pk)
    own_save_landed = bool(tab) and current.last_writer_tab == tab and revision < current.revision
    if current.revision != revision and not own_save_landed:
        raise ScorecardConflict(current)
    current.last_writer_tab = tab[:64]
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


_CLOSED = {  # submitting?: (the scorecard is submitted, the loop is decided)
    False: (
        "This scorecard is submitted. To change it, amend it and give a reason.",
        "This loop is decided: a draft can no longer be saved or submitted.",
    ),
    True: (
        "This scorecard is already submitted. To change it, amend it and give a reason.",
        "This loop is already decided.",
    ),
}


def _draft_written(
    scorecard: Scorecard, by: User, revision: int, tab: str, data: ScorecardInput, *, final: bool
) -> Scorecard:
    """The locked draft with the input written to it (not yet saved): refused when ``policy.can_write_draft``
    says no (the scorecard is submitted or its loop decided), or when the input does not fit (for submitting,
    when ``final``)."""
    current = _locked_for_writing(scorecard, by, revision, tab)
    if not policy.can_write_draft(by, current):  # its author (checked above), so: submitted, or its loop decided
        submitted, decided = _CLOSED[final]
        raise ValidationError(submitted if current.is_submitted else decided)
    _validate(current, data, final=final)
    _write(current, data)
    return current


@transaction.atomic
def scorecard_save_draft(
    *, scorecard: Scorecard, by: User, revision: int, data: ScorecardInput, tab: str = ""
) -> Scorecard:
    current = _draft_written(scorecard, by, revision, tab, data, final=False)
    current.full_clean()
    current.save()
    loop_status_refresh(current.interview.loop)
    return current


@transaction.atomic
def scorecard_submit(
    *, scorecard: Scorecard, by: User, revision: int, data: ScorecardInput, tab: str = ""
) -> Scorecard:
    current = _draft_written(scorecard, by, revision, tab, data, final=True)
    current.status = Scorecard.Status.SUBMITTED
    current.submitted_at = timezone.now()
    current.full_clean()
    current.save()
    loop_status_refresh(current.interview.loop)
    audit_record(
        actor=by,
        action=AuditEvent.Action.SUBMIT,
        loop=current.interview.loop,
        summary=f"Scorecard {current.pk} ({current.interview.name}) submitted",
    )
    signals.scorecard_submitted.send(sender=Scorecard, loop=current.interview.loop, scorecard=current)
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


def _scores(scorecard: Scorecard) -> dict[int, int]:
    """Each dimension the scorecard scores (not "not assessed") with its score."""
    ratings = scorecard.ratings.filter(score__isnull=False, not_assessed=False).values_list("dimension_id", "score")
    return {dimension_id: score for dimension_id, score in ratings if score is not None}


def _panel_moves(scorecard: Scorecard, before: dict[int, int], data: ScorecardInput) -> Moves:
    """The amendment's moves against its colleagues' submitted scores as they stand now (hiring.conformity)."""
    colleagues: dict[int, list[int]] = defaultdict(list)
    ratings = (
        Rating.objects.filter(
            scorecard__interview__loop_id=scorecard.interview.loop_id,
            scorecard__status=Scorecard.Status.SUBMITTED,
            score__isnull=False,
            not_assessed=False,
        )
        .exclude(scorecard__interview__interviewer_id=scorecard.interview.interviewer_id)
        .values_list("dimension_id", "score")
    )
    for dimension_id, score in ratings:
        if score is not None:
            colleagues[dimension_id].append(score)
    after = {pk: r.score for pk, r in data.ratings.items() if r.score is not None and not r.not_assessed}
    return panel_moves(before=before, after=after, colleagues=colleagues)


@transaction.atomic
def scorecard_amend(*, scorecard: Scorecard, by: User, revision: int, data: ScorecardInput, reason: str) -> Amendment:
    """Change a submitted scorecard, with a reason; after the decision, the hiring manager is emailed."""
    current = _locked_for_writing(scorecard, by, revision, "")
    if not current.is_submitted:
        raise ValidationError("Only a submitted scorecard is amended; a draft can simply be edited.")
    if not reason.strip():
        raise InputRefused([Problem("reason", "Say why you are amending this submitted scorecard.")])
    if len(reason) > MAX_TEXT:
        raise InputRefused([Problem("reason", f"The reason is limited to {MAX_TEXT:,} characters.")])
    _validate(current, data, final=True)
    before = scorecard_snapshot(current)
    viewed = list(
        ScorecardView.objects.filter(viewer=by, loop=current.interview.loop)
        .exclude(scorecard=current)
        .values_list("scorecard_id", flat=True)
    )
    before_scores = _scores(current) if viewed else {}
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
    moves = _panel_moves(current, before_scores, data) if viewed else Moves()
    amendment = Amendment(
        scorecard=current,
        by=by,
        reason=reason.strip(),
        changes=changes,
        after_decision=current.interview.loop.status == Loop.Status.DECIDED,
        revision=current.revision,
        after_viewing=bool(viewed),
        moves=moves.moves,
        moves_toward=moves.toward,
    )
    amendment.full_clean()
    amendment.save()
    loop_status_refresh(current.interview.loop)
    audit_record(
        actor=by,
        action=AuditEvent.Action.AMEND,
        loop=current.interview.loop,
        summary=f"Scorecard {current.pk} amended ({len(changes)} change{'s' if len(changes) != 1 else ''})"
        + (" after the decision" if amendment.after_decision else "")
        + (f" after its author viewed colleagues' scorecards {sorted(viewed)}" if viewed else ""),
    )
    signals.scorecard_amended.send(sender=Scorecard, loop=current.interview.loop, scorecard=current)
    if amendment.after_decision:
        transaction.on_commit(lambda: decision_changed_notify(amendment_id=amendment.pk))
    return amendment
