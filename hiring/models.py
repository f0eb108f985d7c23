"""Loops, interviews, scorecards and what interviewers record on them.

A loop pins one rubric version; every scorecard of the loop is scored against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from hiring.search import SEARCH_TEXT_MAX, candidate_search_text
from roles.models import Dimension, Exercise, Role, RubricVersion, Signal

User = settings.AUTH_USER_MODEL

MAX_TEXT = 20_000  # characters in any one free text a person writes: evidence, notes, takeaways, reasons

# Interviews take place in [INTERVIEW_TIME_MIN, INTERVIEW_TIME_MAX). Fixed bounds rather than
# "now + 5 years", because a database check constraint must give the same answer tomorrow: a
# moving bound would make yesterday's valid rows invalid. Both sit far from datetime's limits,
# so "scheduled_at + due hours" and SQL interval arithmetic can never overflow.
INTERVIEW_TIME_MIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
INTERVIEW_TIME_MAX = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def interview_time_out_of_range() -> ValidationError:
    return ValidationError(
        "Choose a time between the years %(low)s and %(high)s.",
        code="interview_time_range",
        params={"low": INTERVIEW_TIME_MIN.year, "high": INTERVIEW_TIME_MAX.year - 1},
    )


def validate_interview_time(value: dt.datetime) -> None:
    if not INTERVIEW_TIME_MIN <= value < INTERVIEW_TIME_MAX:
        raise interview_time_out_of_range()


def bounded_text(*, blank: bool = False, limit: int = MAX_TEXT) -> models.TextField[str, str]:
    """A free text of at most ``limit`` characters: checked by model validation (forms, full_clean).

    A TextField's max_length alone is not enforced; each model also holds a database check
    (``text_within``) so that no write path can store more.
    """
    return models.TextField(blank=blank, max_length=limit, validators=[MaxLengthValidator(limit)])


def text_within(field: str, *, model: str, limit: int = MAX_TEXT) -> models.CheckConstraint:
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=f"{model}_{field}_length")


class Candidate(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    notes = bounded_text(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    forgotten_at = models.DateTimeField(null=True, blank=True, help_text="Personal data removed on request.")
    search_text = models.TextField(
        blank=True,
        default="",
        editable=False,
        max_length=SEARCH_TEXT_MAX,
        validators=[MaxLengthValidator(SEARCH_TEXT_MAX)],
        help_text="Name and email as hiring.search finds them; set on save.",
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name", "id"], name="candidate_name")]  # the pipeline's candidate sort
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="candidate_name_not_blank"),
            text_within("notes", model="candidate"),
            text_within("search_text", model="candidate", limit=SEARCH_TEXT_MAX),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = candidate_search_text(self.name, self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "email"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


DECLINED = "Declined to answer"
"""The self-identification category always offered, and the default: the candidate chose not to say."""


def self_identification_categories(characteristic: str) -> tuple[str, ...]:
    """The categories offered for "sex" or "race_ethnicity": the company's (settings), then "Declined to answer"."""
    configured = {
        "sex": settings.SELF_IDENTIFICATION_SEX,
        "race_ethnicity": settings.SELF_IDENTIFICATION_RACE_ETHNICITY,
    }[characteristic]
    return (*(name for name in configured if name != DECLINED), DECLINED)


class SelfIdentification(models.Model):
    """A candidate's voluntary self-identification, kept apart from the candidate (its own table): read only by the
    Compliance group (hiring.policy.can_read_self_identification), every read audited; it goes with the candidate.

    The values are category names as configured when recorded (settings); the service checks them.
    """

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=100, default=DECLINED)
    race_ethnicity = models.CharField(max_length=100, default=DECLINED)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(sex=""), name="self_identification_sex_not_blank"),
            models.CheckConstraint(condition=~Q(race_ethnicity=""), name="self_identification_race_not_blank"),
        ]

    def __str__(self) -> str:
        return f"Self-identification of candidate {self.candidate_id}"  # never the values


class LoopStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "All submitted"
    DECIDED = "decided", "Decided"


class Loop(models.Model):
    Status = LoopStatus

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
    red_flags = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Red flags observed on the loop's submitted scorecards, kept by loop_status_refresh.",
    )
    decision_changed = models.BooleanField(
        default=False,
        editable=False,
        help_text="Whether the current decision is changed since decided (hiring.selectors.decisions), kept by "
        "loop_status_refresh.",
    )
    # Hiring health's figures, stored so that its page reads them by index (hiring.selectors.health), kept by
    # loop_status_refresh (hiring.services.health_columns).
    last_interview_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Its latest interview's time (none: no interview yet)."
    )
    scorecards_missing = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many of its interviews' scorecards are not submitted."
    )
    last_scorecard_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its latest submitted scorecard was submitted."
    )
    first_decided_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it was decided (its first decision), set with it."
    )
    decision_outcome = models.CharField(
        max_length=10, blank=True, editable=False, help_text="Its current decision's outcome, set with the decision."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(status__in=LoopStatus.values), name="loop_status_known")]
        # The pipeline's sorts and filters (hiring.selectors.pipeline): newest/oldest first, by status, one
        # role's or one hiring manager's loops newest first, most red flags first, and only loops with a red
        # flag or a decision changed since decided, each read in index order up to a page.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="loop_newest"),
            models.Index(fields=["status", "-created_at", "-id"], name="loop_status_newest"),
            models.Index(fields=["rubric", "-created_at", "-id"], name="loop_rubric_newest"),
            models.Index(fields=["hiring_manager", "-created_at", "-id"], name="loop_manager_newest"),
            # The homes (hiring.selectors.home): one hiring manager's or recruiter's loops of one status (awaiting a
            # decision by the last scorecard's time, to plan by age), not every loop of that status.
            models.Index(fields=["hiring_manager", "status", "last_scorecard_at", "id"], name="loop_manager_status"),
            models.Index(fields=["recruiter", "status", "created_at", "id"], name="loop_recruiter_status"),
            models.Index(fields=["-red_flags", "-created_at", "-id"], name="loop_most_red_flags"),
            models.Index(fields=["-created_at", "-id"], condition=Q(red_flags__gt=0), name="loop_red_flagged_newest"),
            models.Index(fields=["-created_at", "-id"], condition=Q(decision_changed=True), name="loop_changed_newest"),
            # Hiring health's "changed since decided" list, latest decision first: only those loops.
            models.Index(fields=["-decision"], condition=Q(decision_changed=True), name="loop_changed_latest"),
            # Hiring health's stalled loops: undecided, a scorecard missing, by their last interview: only those.
            models.Index(
                fields=["last_interview_at", "id"],
                condition=Q(status__in=[LoopStatus.PLANNED, LoopStatus.IN_PROGRESS], scorecards_missing__gt=0),
                name="loop_stalled",
            ),
            # Hiring health's time to decision: the loops first decided in a period, with what it subtracts.
            models.Index(
                fields=["first_decided_at", "last_scorecard_at", "created_at"],
                condition=Q(first_decided_at__isnull=False),
                name="loop_first_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} – {self.rubric.title}"


class Interview(models.Model):
    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="interviews")
    interviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="interviews")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    title = models.CharField(
        max_length=300, blank=True, help_text="What an interview of no exercise is called (its rubric has none)."
    )
    focus_dimensions = models.ManyToManyField(Dimension, related_name="+")
    scheduled_at = models.DateTimeField(validators=[validate_interview_time])
    scorecard_submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When its scorecard was submitted (none while a draft), kept by loop_status_refresh: hiring "
        "health's latency is read from this row alone.",
    )

    class Meta:
        ordering = ["scheduled_at", "id"]
        # One person's interviews by time (their home); every interview of a period with all that hiring health
        # reads of it, as key columns rather than INCLUDE so that SQLite covers them too: an index-only range read
        # with no join to the scorecards, on both databases.
        indexes = [
            # A person's interviews by time (the home, their lists), and hiring health's interviewer table: every
            # interviewer's latencies read in interviewer order from the index alone, so that grouping them needs no
            # sort of the period's interviews (a sort that spilled to disk at 100,000 loops).
            models.Index(
                fields=["interviewer", "scheduled_at", "scorecard_submitted_at"],
                name="interview_interviewer_latency",
            ),
            models.Index(
                fields=["scheduled_at", "scorecard_submitted_at", "interviewer", "loop"],
                name="interview_period",
            ),
            # The home page's open interviews (hiring.selectors.home): one person's unsubmitted interviews by time,
            # only those, so that neither the lists nor their bounded counts read the person's submitted history.
            models.Index(
                fields=["interviewer", "scheduled_at", "id"],
                condition=Q(scorecard_submitted_at__isnull=True),
                name="interview_unsubmitted",
            ),
            # The home page's latest submitted scorecards: one person's, latest submission first.
            models.Index(
                fields=["interviewer", "-scorecard_submitted_at", "-id"],
                condition=Q(scorecard_submitted_at__isnull=False),
                name="interview_submitted_latest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_at__gte=INTERVIEW_TIME_MIN, scheduled_at__lt=INTERVIEW_TIME_MAX),
                name="interview_scheduled_in_range",
            ),
            models.CheckConstraint(
                condition=Q(exercise__isnull=False) | ~Q(title=""), name="interview_of_an_exercise_or_titled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} with {self.interviewer}"

    @property
    def name(self) -> str:
        """The exercise's title, or the interview's own when its rubric has no exercises."""
        return self.exercise.title if self.exercise is not None else self.title


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


def scorecard_is_started(*, status: str, revision: int) -> bool:
    """A scorecard has been written to: saved at least once, or submitted.

    A started scorecard keeps its interviewer and its interview, and moves its loop to in progress.
    """
    return status == ScorecardStatus.SUBMITTED or revision > 1


class ScorecardRecommendation(models.TextChoices):
    STRONG_NO = "strong_no", "Strong no"
    NO = "no", "No"
    YES = "yes", "Yes"
    STRONG_YES = "strong_yes", "Strong yes"


class Scorecard(models.Model):
    Status = ScorecardStatus
    Recommendation = ScorecardRecommendation

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="scorecard")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    key_takeaways = bounded_text(blank=True)
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
            models.CheckConstraint(condition=Q(status__in=ScorecardStatus.values), name="scorecard_status_known"),
            models.CheckConstraint(
                condition=Q(recommendation__in=["", *ScorecardRecommendation.values]),
                name="scorecard_recommendation_known",
            ),
            models.CheckConstraint(
                condition=Q(status=ScorecardStatus.DRAFT) | (~Q(recommendation="") & Q(submitted_at__isnull=False)),
                name="scorecard_submitted_has_recommendation",
            ),
            text_within("key_takeaways", model="scorecard"),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Scorecard {self.pk} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_started(self) -> bool:
        return scorecard_is_started(status=self.status, revision=self.revision)


class Rating(models.Model):
    """A score on one dimension, or an explicit 'not assessed'; neither yet means still undecided."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    score = models.SmallIntegerField(null=True, blank=True)
    not_assessed = models.BooleanField(default=False)
    evidence = bounded_text(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "dimension"], name="rating_unique_dimension"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(not_assessed=False), name="rating_score_or_not_assessed"
            ),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="rating_score_not_negative"),
            text_within("evidence", model="rating"),
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
    note = bounded_text(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "signal"], name="observed_signal_unique"),
            text_within("note", model="observed_signal"),
        ]

    def __str__(self) -> str:
        return str(self.signal)


class Amendment(models.Model):
    """A change to a submitted scorecard: who, when, why and what changed (field, before, after)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="amendments")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = bounded_text()
    changes = models.JSONField(default=list)
    after_decision = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(help_text="The scorecard's revision this amendment produced.")
    after_viewing = models.BooleanField(
        default=False, help_text="Its author had opened a colleague's scorecard on this loop before amending."
    )
    moves = models.PositiveSmallIntegerField(
        default=0, help_text="After viewing: scores changed where colleagues scored the dimension (hiring.conformity)."
    )
    moves_toward = models.PositiveSmallIntegerField(
        default=0, help_text="Of those, the changes that came closer to the colleagues' mean score."
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_reason_not_blank"),
            models.CheckConstraint(
                condition=Q(moves_toward__lte=models.F("moves")), name="amendment_toward_within_moves"
            ),
            text_within("reason", model="amendment"),
        ]

    def __str__(self) -> str:
        return f"Amendment of {self.scorecard_id} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class ScorecardView(models.Model):
    """Someone other than its author opened a scorecard (its page, or the debrief or summary showing it).

    The first time is kept, per person and scorecard: enough to tell that an amendment came
    after its author had seen a colleague's scores, and to answer "who saw this, since when".
    """

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "viewer"], name="scorecard_view_unique")]
        indexes = [models.Index(fields=["viewer", "loop", "at"], name="scorecard_view_viewer_loop")]

    def __str__(self) -> str:
        return f"Scorecard {self.scorecard_id} viewed by {self.viewer_id} at {self.at:%Y-%m-%d %H:%M}"


class DecisionOutcome(models.TextChoices):
    HIRE = "hire", "Hire"
    NO_HIRE = "no_hire", "No hire"
    HOLD = "hold", "Hold"


class DecisionKind(models.TextChoices):
    DECIDED = "decided", "Decision"
    CONFIRMED = "confirmed", "Confirmed after changes"
    REVISED = "revised", "New decision"


class Decision(models.Model):
    """One entry of a loop's decision history; never changed once written. The current one is `Loop.decision`.

    A decision rests on the exact scorecard revisions in its basis (DecisionBasis). When a
    scorecard moves on from its basis revision (an amendment), the decision is "changed since
    decided" until the hiring manager confirms it or records a new one: each is a new entry
    with its own basis.
    """

    Outcome = DecisionOutcome
    Kind = DecisionKind

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DECIDED)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rationale = bounded_text()
    without_scorecards = models.BooleanField(
        default=False, help_text="Decided with no submitted scorecard; the rationale says why."
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    rule_outcome = models.CharField(
        max_length=10,
        blank=True,
        choices=[(DecisionOutcome.HIRE.value, "Hire"), (DecisionOutcome.NO_HIRE.value, "No hire")],
        help_text="What the rubric version's decision rule said when this was recorded; empty: no outcome yet.",
    )
    overridden = models.BooleanField(default=False, help_text="The outcome goes against the rule's (hold never does).")
    override_reason = bounded_text(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"], name="decision_kind_at")]  # first decisions of a period
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_known"),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_rationale_not_blank"),
            models.CheckConstraint(condition=Q(kind__in=DecisionKind.values), name="decision_kind_known"),
            text_within("rationale", model="decision"),
            text_within("override_reason", model="decision"),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""), name="decision_override_has_reason"
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
    source = models.CharField(
        max_length=10, default="web", choices=[("web", "Web"), ("command", "Command"), ("api", "API")]
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.format} by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class AuditAction(models.TextChoices):
    SUBMIT = "submit", "Scorecard submitted"
    AMEND = "amend", "Scorecard amended"
    DECIDE = "decide", "Decision recorded"
    EXPORT = "export", "Export"
    FORGET = "forget", "Candidate forgotten"
    REMIND = "remind", "Interviewer reminded"
    PUBLISH = "publish", "Role published"
    HOLD = "hold", "Legal hold set"
    RELEASE = "release", "Legal hold released"
    OUTCOMES = "outcomes", "Hiring outcomes recorded"
    SELF_ID_RECORD = "selfid_set", "Self-identification recorded"
    SELF_ID_READ = "selfid_get", "Self-identification read"


class AuditEvent(models.Model):
    """What happened, who did it and when: submissions, amendments, decisions, exports, forgets, reminders, and
    the rubric versions published from the web (hiring.receivers, on roles.signals.rubric_published)."""

    Action = AuditAction

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    loop = models.ForeignKey(Loop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"])]
        constraints = [models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="audit_action_known")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"


OUTCOME_DATE_MIN = dt.date(2000, 1, 1)
OUTCOME_DATE_MAX = dt.date(2099, 12, 31)  # the database's bound; a model check also refuses a date after today


def validate_outcome_date(value: dt.date) -> None:
    today = timezone.localdate()
    if not OUTCOME_DATE_MIN <= value <= today:
        raise ValidationError(
            "Give a date from %(low)s to today (%(today)s).",
            code="outcome_date_range",
            params={"low": OUTCOME_DATE_MIN.isoformat(), "today": today.isoformat()},
        )


class HiringOutcome(models.Model):
    """How a hire did later: a performance rating on the scale it was given in, and whether they are still employed.

    Only a loop decided "hire" has outcomes (hiring.services.outcomes). The scale travels with the row, so
    outcomes from different review systems are compared on the normalised scale (0 = scale_min, 1 = scale_max).
    Personal data about the candidate: removed when the candidate is forgotten (hiring.services.privacy).
    """

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="outcomes")
    date = models.DateField(validators=[validate_outcome_date], help_text="When the performance was assessed.")
    rating = models.DecimalField(max_digits=9, decimal_places=3)
    scale_min = models.DecimalField(max_digits=9, decimal_places=3)
    scale_max = models.DecimalField(max_digits=9, decimal_places=3)
    still_employed = models.BooleanField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loop_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["loop", "date"], name="outcome_one_per_loop_and_date"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="outcome_scale_ordered"),
            models.CheckConstraint(
                condition=Q(rating__gte=F("scale_min"), rating__lte=F("scale_max")), name="outcome_rating_on_scale"
            ),
            models.CheckConstraint(
                condition=Q(date__gte=OUTCOME_DATE_MIN, date__lte=OUTCOME_DATE_MAX), name="outcome_date_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome of loop {self.loop_id} on {self.date}: {self.rating} on {self.scale_min}–{self.scale_max}"

    @property
    def normalised(self) -> float:
        return float((self.rating - self.scale_min) / (self.scale_max - self.scale_min))


class LegalHold(models.Model):
    """Records kept for a claim: while a hold is active (not released) on a candidate, or on a role (every candidate
    with a loop for it), neither retention nor forgetting touches them (hiring.services.holds)."""

    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="holds")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = bounded_text(limit=2_000)
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(candidate__isnull=False, role__isnull=True) | Q(candidate__isnull=True, role__isnull=False),
                name="legal_hold_on_candidate_or_role",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_reason_not_blank"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_by__isnull=False), name="legal_hold_released_by"
            ),
            text_within("reason", model="legal_hold", limit=2_000),
        ]

    def __str__(self) -> str:
        on = f"candidate {self.candidate_id}" if self.candidate_id else f"role {self.role_id}"
        return f"Legal hold on {on} ({'released' if self.released_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


# Running statistics -----------------------------------------------------------------------------------------
# Kept in step with every write that ends in hiring.services.loop_status.loop_status_refresh
# (hiring.services.statistics): each loop's own contribution is stored (Loop* models) so that a
# rewrite of the loop can subtract what it added before; the totals are the sums of the loops'
# contributions, read by the calibration page and the debrief in O(rows shown).


INTERVIEWER_FIGURES = (
    "scorecards",
    "on_time",
    "decided",
    "matched",
    "scored",
    "score_sum",
    "bucket_0",
    "bucket_1",
    "bucket_2",
    "bucket_3",
    "bucket_4",
    "not_assessed",
    "compared",
    "deviation_sum",
    "deviation_squares",
    "panel_sum",
    "conformity_moves",
    "conformity_toward",
)


class _InterviewerFigureFields(models.Model):
    """One interviewer's figures (hiring.selectors.calibration defines each).

    Submitted scorecards, how many on time, on loops decided hire or no hire, matching that decision;
    their ratings: normalised scores (count, sum, per bucket), not assessed; and their leniency cells,
    the (loop, dimension) pairs they scored with someone else: `compared` counts them, `deviation_*`
    sum (own mean score - the others' mean) and its square, `panel_sum` the others' mean; and the moves of
    their amendments made after seeing colleagues' scorecards, with those toward the panel (hiring.conformity).
    """

    scorecards = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)
    score_sum = models.FloatField(default=0)
    bucket_0 = models.PositiveIntegerField(default=0)
    bucket_1 = models.PositiveIntegerField(default=0)
    bucket_2 = models.PositiveIntegerField(default=0)
    bucket_3 = models.PositiveIntegerField(default=0)
    bucket_4 = models.PositiveIntegerField(default=0)
    not_assessed = models.PositiveIntegerField(default=0)
    compared = models.PositiveIntegerField(default=0)
    deviation_sum = models.FloatField(default=0)
    deviation_squares = models.FloatField(default=0)
    panel_sum = models.FloatField(default=0)
    conformity_moves = models.PositiveIntegerField(default=0)
    conformity_toward = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


def _interviewer_checks(model: str) -> list[models.CheckConstraint]:
    buckets = models.F("bucket_0") + models.F("bucket_1") + models.F("bucket_2") + models.F("bucket_3")
    return [
        models.CheckConstraint(
            condition=Q(on_time__lte=models.F("scorecards"), decided__lte=models.F("scorecards")),
            name=f"{model}_within_scorecards",
        ),
        models.CheckConstraint(condition=Q(matched__lte=models.F("decided")), name=f"{model}_matched_within_decided"),
        models.CheckConstraint(condition=Q(scored=buckets + models.F("bucket_4")), name=f"{model}_buckets_add_up"),
        models.CheckConstraint(condition=Q(deviation_squares__gte=0), name=f"{model}_squares_not_negative"),
        models.CheckConstraint(
            condition=Q(conformity_toward__lte=models.F("conformity_moves")), name=f"{model}_toward_within_moves"
        ),
    ]


class LoopInterviewerFigures(_InterviewerFigureFields):
    """One loop's contribution to InterviewerFigures."""

    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="+")
    interviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["loop", "interviewer"], name="loop_interviewer_figures_unique"),
            *_interviewer_checks("loop_interviewer_figures"),
        ]

    def __str__(self) -> str:
        return f"Loop {self.loop_id}, interviewer {self.interviewer_id}: {self.scorecards} scorecards"


class InterviewerFigures(_InterviewerFigureFields):
    """The sum over loops of LoopInterviewerFigures, per interviewer and rubric version."""

    interviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interviewer", "rubric"], name="interviewer_figures_unique"),
            *_interviewer_checks("interviewer_figures"),
        ]

    def __str__(self) -> str:
        return f"Interviewer {self.interviewer_id}, rubric {self.rubric_id}: {self.scorecards} scorecards"


class _DimensionFigureFields(models.Model):
    """Submitted ratings of a dimension, agreement units (loops two or more interviewers scored) and the
    ordinal coincidence counts of those units: {"c k m": pairs}, the ordered pairs of values (c, k)
    within units of m values (c == k: n_c(n_c - 1), else n_c·n_k); Krippendorff's o_ck is Σ pairs / (m - 1).
    """

    ratings = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    coincidences = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class LoopDimensionFigures(_DimensionFigureFields):
    loop = models.ForeignKey(Loop, on_delete=models.CASCADE, related_name="+")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(default=list, blank=True, help_text="The unit: one normalised value per interviewer.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["loop", "dimension"], name="loop_dimension_figures_unique"),
            models.CheckConstraint(condition=Q(units__lte=1), name="loop_dimension_figures_one_unit"),
        ]
        indexes = [models.Index(fields=["dimension", "loop"], name="loop_dimension_figures_units")]

    def __str__(self) -> str:
        return f"Loop {self.loop_id}, dimension {self.dimension_id}: {self.ratings} ratings"


class DimensionFigures(_DimensionFigureFields):
    """The sum over loops of LoopDimensionFigures, per dimension (of one rubric version)."""

    dimension = models.OneToOneField(Dimension, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"Dimension {self.dimension_id}: {self.ratings} ratings, {self.units} units"


class SpreadTotal(models.Model):
    """Count, sum and sum of squares of a role dimension's stored DimensionSpread rows."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    dimension_slug = models.SlugField(max_length=80)
    loops = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    squares = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "dimension_slug"], name="spread_total_unique"),
            models.CheckConstraint(
                condition=Q(total__gte=0, squares__gte=0, total__lte=models.F("loops") + 1e-6),
                name="spread_total_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_slug}: {self.loops} spreads"


class AgreementInterval(models.Model):
    """The bootstrap interval of a role dimension's alpha over all loops, recomputed in the background."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    dimension_slug = models.SlugField(max_length=80)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    units = models.PositiveIntegerField(default=0, help_text="The agreement units it was computed on.")
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "dimension_slug"], name="agreement_interval_unique"),
            models.CheckConstraint(
                condition=Q(low__isnull=True, high__isnull=True) | Q(low__lte=models.F("high")),
                name="agreement_interval_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_slug}: [{self.low}, {self.high}] on {self.units} units"
