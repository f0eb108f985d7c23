"""Loops, interviews, scorecards and what interviewers record on them.

A loop pins one rubric version; every scorecard of the loop is scored against it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from roles.models import Dimension, Exercise, Role, RubricVersion, Signal

User = settings.AUTH_USER_MODEL

MAX_TEXT = 20_000  # characters in any one free text a person writes: evidence, notes, takeaways, reasons


class Candidate(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    forgotten_at = models.DateTimeField(null=True, blank=True, help_text="Personal data removed on request.")

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="candidate_name_not_blank")]

    def __str__(self) -> str:
        return self.name


class Loop(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "All submitted"
        DECIDED = "decided", "Decided"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="loops")
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    hiring_manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="managed_loops")
    recruiter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="recruited_loops")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    decision = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The current decision: the latest of the loop's decisions and confirmations (see Decision).",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "complete", "decided"]), name="loop_status_known"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.rubric.title}"


class Interview(models.Model):
    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="interviews")
    interviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="interviews")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    focus_dimensions = models.ManyToManyField(Dimension, related_name="+")
    scheduled_at = models.DateTimeField()

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [models.Index(fields=["interviewer", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.exercise.title} with {self.interviewer}"


class Scorecard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Recommendation(models.TextChoices):
        STRONG_NO = "strong_no", "Strong no"
        NO = "no", "No"
        YES = "yes", "Yes"
        STRONG_YES = "strong_yes", "Strong yes"

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="scorecard")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    key_takeaways = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1, help_text="Bumped on every save; a stale save is a conflict.")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    last_writer_tab = models.CharField(
        max_length=64,
        blank=True,
        help_text="The browser tab that saved last, so that a tab's own earlier save is never a conflict.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "submitted"]), name="scorecard_status_known"),
            models.CheckConstraint(
                condition=Q(recommendation__in=["", "strong_no", "no", "yes", "strong_yes"]),
                name="scorecard_recommendation_known",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(recommendation="") & Q(submitted_at__isnull=False)),
                name="scorecard_submitted_has_recommendation",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Scorecard {self.pk} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Rating(models.Model):
    """A score on one dimension, or an explicit 'not assessed'; neither yet means still undecided."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    score = models.SmallIntegerField(null=True, blank=True)
    not_assessed = models.BooleanField(default=False)
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "dimension"], name="rating_unique_dimension"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(not_assessed=False), name="rating_score_or_not_assessed"
            ),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="rating_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {'not assessed' if self.not_assessed else self.score}"


class DimensionSpread(models.Model):
    """How far apart a finished loop's panel scored one dimension: (highest - lowest) / scale span.

    Kept for complete and decided loops with two or more scores on the dimension, so the debrief
    can compare a loop with the role's usual disagreement without re-reading every past loop.
    """

    loop = models.ForeignKey("Loop", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    dimension_slug = models.SlugField(max_length=80)
    spread = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["loop", "dimension_slug"], name="dimension_spread_unique"),
            models.CheckConstraint(condition=Q(spread__gte=0, spread__lte=1), name="dimension_spread_normalised"),
        ]
        indexes = [models.Index(fields=["role", "dimension_slug", "spread"], name="dimension_spread_role")]

    def __str__(self) -> str:
        return f"{self.dimension_slug}: {self.spread:.2f} (loop {self.loop_id})"


class ObservedSignal(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="observed_signals")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scorecard", "signal"], name="observed_signal_unique")]

    def __str__(self) -> str:
        return str(self.signal)


class Amendment(models.Model):
    """A change to a submitted scorecard: who, when, why and what changed (field, before, after)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    changes = models.JSONField(default=list)
    after_decision = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(help_text="The scorecard's revision this amendment produced.")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_not_blank")]

    def __str__(self) -> str:
        return f"Amendment of {self.scorecard_id} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    """One entry of a loop's decision history; never changed once written. The current one is `Loop.decision`.

    A decision rests on the exact scorecard revisions in its basis (DecisionBasis). When a
    scorecard moves on from its basis revision (an amendment), the decision is "changed since
    decided" until the hiring manager confirms it or records a new one: each is a new entry
    with its own basis.
    """

    class Outcome(models.TextChoices):
        HIRE = "hire", "Hire"
        NO_HIRE = "no_hire", "No hire"
        HOLD = "hold", "Hold"

    class Kind(models.TextChoices):
        DECIDED = "decided", "Decision"
        CONFIRMED = "confirmed", "Confirmed after changes"
        REVISED = "revised", "New decision"

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DECIDED)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rationale = models.TextField()
    without_scorecards = models.BooleanField(
        default=False, help_text="Decided with no submitted scorecard; the rationale says why."
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["hire", "no_hire", "hold"]), name="decision_outcome_known"),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_rationale_not_blank"),
            models.CheckConstraint(
                condition=Q(kind__in=["decided", "confirmed", "revised"]), name="decision_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.loop})"


class DecisionBasis(models.Model):
    """A scorecard revision a decision was made on."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="basis")
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "scorecard"], name="decision_basis_unique")]

    def __str__(self) -> str:
        return f"Decision {self.decision_id} on scorecard {self.scorecard_id} r{self.revision}"


class ExportRecord(models.Model):
    """Audit of an export: who, when, which filter, how many rows."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", "Loop summary"
        RATINGS = "ratings", "Ratings"

    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("json", "JSON")])
    filters = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True, help_text="Filled in when the export finishes.")
    source = models.CharField(max_length=10, default="web", choices=[("web", "Web"), ("command", "Command")])

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.format} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """What happened, who did it and when: submissions, amendments, decisions, exports, forgets."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Scorecard submitted"
        AMEND = "amend", "Scorecard amended"
        DECIDE = "decide", "Decision recorded"
        EXPORT = "export", "Export"
        FORGET = "forget", "Candidate forgotten"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    loop = models.ForeignKey(Loop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["submit", "amend", "decide", "export", "forget"]), name="audit_action_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"
