from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.http import QueryDict

from hiring.models import (
    DECLINED,
    INTERVIEW_TIME_MAX,
    INTERVIEW_TIME_MIN,
    MAX_TEXT,
    Candidate,
    Decision,
    Interview,
    Loop,
    Scorecard,
    interview_time_out_of_range,
    self_identification_categories,
    validate_interview_time,
)
from hiring.search import MAX_QUERY
from hiring.selectors import adverse_impact, health
from hiring.selectors.loops import PlanProposal
from hiring.selectors.pipeline import PipelineFilter
from hiring.selectors.scorecards import ScorecardPage
from hiring.services.loops import PlanRow
from hiring.services.refusals import InputRefused, Problem
from hiring.services.scorecards import RatingInput, ScorecardConflict, ScorecardInput
from roles.models import Dimension, Exercise, Role, RubricVersion, Signal
from roles.selectors import LevelRow, red_flags_first

NOT_ASSESSED = "na"
ROW_KEY = re.compile(r"^(score|evidence|signal|signal_note)_(\d+)$")


def problem_field(problem: Problem) -> str | None:
    """The form field a service's problem is about (the scorecard's, the new loop's); None for the input
    as a whole."""
    if problem.place == "input":
        return None
    return problem.place if problem.item is None else f"{problem.place}_{problem.item}"


def day_within_bounds(day: dt.date | None) -> dt.date | None:
    """A period's day, refused outside the years interview times may take (one rule for every period form)."""
    if day is not None and not INTERVIEW_TIME_MIN.year <= day.year < INTERVIEW_TIME_MAX.year:
        raise ValidationError(
            "Choose a date between the years %(low)s and %(high)s.",
            code="date_range",
            params={"low": INTERVIEW_TIME_MIN.year, "high": INTERVIEW_TIME_MAX.year - 1},
        )
    return day


class ServiceForm(forms.Form):
    """A form whose input a service may refuse (``InputRefused``): it shows the problems where they lie."""

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's refusal beside the fields its problems are about (the rest above the form)."""
        if isinstance(error, InputRefused):
            for problem in error.problems:
                name = problem_field(problem)
                self.add_error(name if name in self.fields else None, problem.message)
        else:
            self.add_error(None, error)


class ListedChoices(ModelChoiceIterator[User]):
    """A select's options read in one query: a page renders the whole list, and Django's iterator counts the
    options first (a second query) when the template's loop asks for their number."""

    def __iter__(self) -> Iterator[tuple[ModelChoiceIteratorValue | str, str]]:
        if self.field.empty_label is not None:
            yield ("", str(self.field.empty_label))
        for obj in self.queryset:  # read once, kept by the queryset for len() and later loops
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


class PersonField(forms.ModelChoiceField[User]):
    """A choice of people, shown by their full name (or username)."""

    iterator = ListedChoices

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


def person_label(user: User) -> str:
    """A person as a choice names them: their full name, else their username."""
    return user.get_full_name() or user.username


class RubricField(forms.ModelChoiceField[RubricVersion]):
    """A choice of roles, shown with their scale and rubric version."""

    def label_from_instance(self, obj: RubricVersion) -> str:
        return f"{obj.title} (scale {obj.scale_min}–{obj.scale_max}, rubric v{obj.number})"


class LoopCreateForm(ServiceForm):
    candidate_name = forms.CharField(label="Candidate name", max_length=200)
    candidate_email = forms.EmailField(label="Candidate email", required=False, max_length=254)
    candidate_notes = forms.CharField(
        label="Notes", required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    rubric = RubricField(label="Role", queryset=RubricVersion.objects.none(), empty_label="Choose a role")
    hiring_manager = PersonField(queryset=User.objects.none(), empty_label="Choose a hiring manager")

    def __init__(
        self, *args: Any, rubrics: QuerySet[RubricVersion], hiring_managers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(RubricField, self.fields["rubric"]).queryset = rubrics
        cast(PersonField, self.fields["hiring_manager"]).queryset = hiring_managers


@dataclass(frozen=True)
class Listed[M: Model]:
    """Objects read once for a page whose rows all choose among them (the plan's interviewers, its focus
    dimensions), by id, with their options as (id, label): no row reads them again, to draw its select or to
    check what it was sent, and no option formats its id again."""

    by_pk: dict[int, M]
    choices: list[tuple[str, str]]  # the id as the page writes it (and a row's value is compared with it)

    @classmethod
    def of(cls, objects: Iterable[M], label: Callable[[M], str] = str) -> Listed[M]:
        by_pk = {obj.pk: obj for obj in objects}
        return cls(by_pk=by_pk, choices=[(str(pk), label(obj)) for pk, obj in by_pk.items()])


class OneListed(forms.ChoiceField):
    """One of a `Listed`'s objects (cleaned to the object, as a ModelChoiceField is, with its message)."""

    default_error_messages = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.listed: Listed[Any] = Listed(by_pk={}, choices=[])

    def offer(self, listed: Listed[Any]) -> None:
        self.listed = listed
        self.choices = listed.choices

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            return self.listed.by_pk[int(value)]
        except (KeyError, ValueError, TypeError):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # required; to_python checked the choice


class SomeListed(forms.MultipleChoiceField):
    """Some of a `Listed`'s objects (cleaned to a list of them, with a ModelMultipleChoiceField's messages); an id
    that is not a whole number a database key can hold is refused as such."""

    default_error_messages = forms.ModelMultipleChoiceField.default_error_messages

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.listed: Listed[Any] = Listed(by_pk={}, choices=[])

    def offer(self, listed: Listed[Any]) -> None:
        self.listed = listed
        self.choices = listed.choices

    def to_python(self, value: Any) -> list[Any]:
        if not value:
            return []
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        for pk in value:
            if not str(pk).isdecimal() or int(pk) >= 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        by_str = {str(pk): obj for pk, obj in self.listed.by_pk.items()}
        for pk in value:
            if str(pk) not in by_str:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        chosen = {str(pk) for pk in value}
        return [obj for key, obj in by_str.items() if key in chosen]

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # required; to_python checked the choices


class InterviewTimeField(forms.DateTimeField):
    """A local date and time within the interview bounds; a time that cannot be placed in UTC is refused, not a 500."""

    default_validators = [validate_interview_time]

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except OverflowError:
            raise interview_time_out_of_range() from None


class PlanRowForm(forms.Form):
    include = forms.BooleanField(required=False, label="Include")
    title = forms.CharField(required=False, max_length=300, label="Interview title")
    interviewer = OneListed(required=False)
    scheduled_at = InterviewTimeField(
        required=False,
        label="Time",
        widget=forms.DateTimeInput(
            attrs={
                "type": "datetime-local",
                "min": "2000-01-01T00:00",
                "max": "2099-12-31T23:59",
                "class": "form-control form-control-sm",
            },
            format="%Y-%m-%dT%H:%M",
        ),
    )
    focus = SomeListed(required=False, widget=forms.CheckboxSelectMultiple, label="Focus dimensions")

    def __init__(
        self,
        *args: Any,
        exercise: Exercise | None,
        interview: Interview | None,
        interviewers: Listed[User],
        dimensions: Listed[Dimension],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.exercise = exercise  # None: the rubric has no exercises and the row names its interview itself
        self.interview = interview
        if exercise is not None:
            del self.fields["title"]
        cast(OneListed, self.fields["interviewer"]).offer(interviewers)
        cast(SomeListed, self.fields["focus"]).offer(dimensions)
        self.locked = bool(interview and interview.scorecard.is_started)
        if self.locked:
            self.fields["interviewer"].disabled = True
            self.fields["include"].disabled = True

    @property
    def row_label(self) -> str:
        """The row as the page titles it: its exercise, or the interview's title as typed."""
        if self.exercise is not None:
            return self.exercise.title
        return str(self["title"].value() or "").strip() or "New interview"

    @property
    def included(self) -> bool:
        return bool(self["include"].value()) or self.locked

    @property
    def focus_values(self) -> set[str]:
        """The focus dimensions ticked as the row stands (posted or initial), as strings for the template."""
        return {str(value) for value in self["focus"].value() or []}

    @property
    def focus_names(self) -> str:
        ticked = self.focus_values
        focus = cast(SomeListed, self.fields["focus"])
        return "; ".join(d.name for d in focus.listed.by_pk.values() if str(d.pk) in ticked) or "none"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("include") or self.locked:
            if self.exercise is None and not data.get("title", "").strip():
                self.add_error("title", "Give this interview a title (this role's rubric has no exercises).")
            if not data.get("interviewer"):
                self.add_error("interviewer", "Choose who runs this interview.")
            if not data.get("scheduled_at"):
                self.add_error("scheduled_at", "Choose when it takes place.")
            if not data.get("focus"):
                self.add_error("focus", "Choose at least one focus dimension.")
        return data


class PlanForm:
    """The plan page: a ``PlanRowForm`` per proposed row (``plan_proposal``), bound to what was posted; once
    valid, the service's input: the ``PlanRow``s of the rows included (a started scorecard's always is) and the
    planned interviews left out."""

    def __init__(self, data: QueryDict | None, *, proposal: PlanProposal) -> None:
        interviewers = Listed.of(proposal.interviewers, person_label)
        dimensions = Listed.of(proposal.dimensions)
        self.rows = [
            PlanRowForm(
                data,
                prefix=row.key,
                initial={
                    "include": row.include,
                    "title": row.title,
                    "interviewer": row.interviewer_id,
                    "scheduled_at": row.scheduled_at,
                    "focus": row.focus,
                },
                exercise=row.exercise,
                interview=row.interview,
                interviewers=interviewers,
                dimensions=dimensions,
            )
            for row in proposal.rows
        ]

    def is_valid(self) -> bool:
        return all(row.is_valid() for row in self.rows)

    def focus_counts(self) -> dict[str, int]:
        """How many included (or locked) rows assess each dimension, by its id as a string, as the form stands."""
        counts: dict[str, int] = {}
        for row in self.rows:
            if row.included:
                for value in row.focus_values:
                    counts[value] = counts.get(value, 0) + 1
        return counts

    def plan(self) -> list[PlanRow]:
        return [
            PlanRow(
                exercise=row.exercise,
                interviewer=row.cleaned_data["interviewer"],
                scheduled_at=row.cleaned_data["scheduled_at"],
                focus=list(row.cleaned_data["focus"]),
                interview=row.interview,
                title=row.cleaned_data.get("title", ""),
            )
            for row in self.rows
            if row.cleaned_data.get("include") or row.locked
        ]

    def removed(self) -> list[Interview]:
        return [
            row.interview for row in self.rows if row.interview and not row.locked and not row.cleaned_data["include"]
        ]


@dataclass(frozen=True)
class LevelOption:
    """One choice of a dimension's score as the page draws it (scale value or "not assessed")."""

    value: str
    label: str
    anchor: str
    checked: bool


@dataclass
class DimensionRow:
    dimension: Dimension
    is_focus: bool
    score: forms.BoundField
    evidence: forms.BoundField
    levels: list[LevelRow] = field(default_factory=list)
    extremes: tuple[int, int] = (0, 0)

    @property
    def _chosen_value(self) -> str:
        value = self.score.value()
        return "" if value is None else str(value)  # a score of 0 is a choice

    @property
    def options(self) -> list[LevelOption]:
        chosen = self._chosen_value
        return [
            LevelOption(str(lv.value), lv.label, lv.anchor.text if lv.anchor else "", chosen == str(lv.value))
            for lv in self.levels
        ] + [LevelOption(NOT_ASSESSED, "Not assessed", "Does not count as a low score.", chosen == NOT_ASSESSED)]

    @property
    def chosen(self) -> LevelOption | None:
        return next((option for option in self.options if option.checked), None)

    @property
    def evidence_required(self) -> bool:
        """The score chosen so far is at an end of the scale (the service's rule; shown, not enforced, here)."""
        return self._chosen_value in {str(value) for value in self.extremes}


@dataclass
class SignalRow:
    signal: Signal
    observed: forms.BoundField
    note: forms.BoundField


@dataclass
class SignalGroupRows:
    kind: str
    title: str
    rows: list[SignalRow]

    @property
    def used(self) -> bool:
        return any(
            row.observed.value() or row.note.value() or row.observed.errors or row.note.errors for row in self.rows
        )


class ScorecardForm(ServiceForm):
    """One scorecard: a score (or 'not assessed') and evidence per dimension, signals, recommendation."""

    kept_message = ""
    conflict: ScorecardConflict | None = None

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    tab = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, help_text="This browser tab's id (scorecard.js)."
    )
    recommendation = forms.ChoiceField(
        choices=Scorecard.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Overall recommendation",
        error_messages={"invalid_choice": "Choose one of strong no, no, yes or strong yes."},
    )
    key_takeaways = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}), label="Key takeaways"
    )

    def __init__(self, *args: Any, page: ScorecardPage, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self._initial(page))
        super().__init__(*args, **kwargs)
        self.page = page
        rubric = page.rubric
        scale_error = f"Choose a score on this role's scale ({rubric.scale_min}–{rubric.scale_max}) or “not assessed”."
        for view in page.dimensions:
            dimension = view.dimension
            choices = [(str(level.value), self._level_label(level)) for level in view.levels] + [
                (NOT_ASSESSED, "Not assessed (does not count as a low score)")
            ]
            self.fields[f"score_{dimension.pk}"] = forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                label=f"Score for {dimension.name}",
                error_messages={"invalid_choice": scale_error},
            )
            self.fields[f"evidence_{dimension.pk}"] = forms.CharField(
                required=False,
                max_length=MAX_TEXT,
                label=f"Evidence for {dimension.name}",
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=f"Required for a score of {rubric.scale_min} or {rubric.scale_max}.",
            )
        for signal in rubric.signals.all():
            self.fields[f"signal_{signal.pk}"] = forms.BooleanField(required=False, label=signal.text)
            self.fields[f"signal_note_{signal.pk}"] = forms.CharField(
                required=False,
                max_length=MAX_TEXT,
                label="What you saw" + (" (required for a red flag)" if signal.is_red_flag else ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def _level_label(level: LevelRow) -> str:
        text = f"{level.value} · {level.label}"
        return f"{text} — {level.anchor.text}" if level.anchor else text

    @staticmethod
    def _initial(page: ScorecardPage) -> dict[str, Any]:
        scorecard = page.scorecard
        initial: dict[str, Any] = {
            "revision": scorecard.revision,
            "recommendation": scorecard.recommendation,
            "key_takeaways": scorecard.key_takeaways,
        }
        for dimension_id, rating in page.ratings.items():
            initial[f"score_{dimension_id}"] = NOT_ASSESSED if rating.not_assessed else rating.score
            initial[f"evidence_{dimension_id}"] = rating.evidence
        for signal_id, observed in page.observed.items():
            initial[f"signal_{signal_id}"] = True
            initial[f"signal_note_{signal_id}"] = observed.note
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for key in self.data:
            match = ROW_KEY.match(key)
            if match and key not in self.fields:
                kind = "signal" if match.group(1).startswith("signal") else "dimension"
                raise forms.ValidationError(
                    f"That {kind} ({match.group(2)}) is not part of this role's rubric; nothing was saved."
                )
        for signal in self.page.rubric.signals.all():
            if data.get(f"signal_note_{signal.pk}", "").strip() and not data.get(f"signal_{signal.pk}"):
                self.add_error(f"signal_{signal.pk}", "Tick the signal if you wrote a note for it.")
        return data

    def to_input(self) -> ScorecardInput:
        data = self.cleaned_data
        ratings = {}
        for dimension in self.page.rubric.dimensions.all():
            score = data.get(f"score_{dimension.pk}") or ""
            ratings[dimension.pk] = RatingInput(
                score=int(score) if score.isdigit() else None,
                not_assessed=score == NOT_ASSESSED,
                evidence=data.get(f"evidence_{dimension.pk}", ""),
            )
        signals = {
            signal.pk: data.get(f"signal_note_{signal.pk}", "")
            for signal in self.page.rubric.signals.all()
            if data.get(f"signal_{signal.pk}")
        }
        return ScorecardInput(
            ratings=ratings,
            signals=signals,
            recommendation=data.get("recommendation", ""),
            key_takeaways=data.get("key_takeaways", ""),
        )

    def dimension_rows(self, *, focus: bool) -> list[DimensionRow]:
        rubric = self.page.rubric
        return [
            DimensionRow(
                dimension=view.dimension,
                is_focus=focus,
                score=self[f"score_{view.dimension.pk}"],
                evidence=self[f"evidence_{view.dimension.pk}"],
                levels=view.levels,
                extremes=(rubric.scale_min, rubric.scale_max),
            )
            for view in self.page.dimensions
            if view.is_focus == focus
        ]

    @property
    def focus_rows(self) -> list[DimensionRow]:
        return self.dimension_rows(focus=True)

    @property
    def focus_scored(self) -> int:
        """How many focus dimensions hold a score or "not assessed" so far (the sticky bar's progress)."""
        return sum(1 for row in self.focus_rows if row.chosen)

    @property
    def other_rows(self) -> list[DimensionRow]:
        return self.dimension_rows(focus=False)

    @property
    def other_open(self) -> bool:
        """Open the optional dimensions when any of them holds something or has an error."""
        return any(
            row.score.value() not in (None, "") or row.evidence.value() or row.score.errors or row.evidence.errors
            for row in self.other_rows
        )

    def signal_rows(self) -> list[SignalGroupRows]:
        """The signal groups, red flags first (always shown); the others fold away until used."""
        return [
            SignalGroupRows(
                group.kind,
                group.title,
                [SignalRow(s, self[f"signal_{s.pk}"], self[f"signal_note_{s.pk}"]) for s in group.signals],
            )
            for group in red_flags_first(self.page.signal_groups)
        ]


class AmendForm(ScorecardForm):
    reason = forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the amendment",
        help_text="Kept in the scorecard's history with what changed.",
    )


# Each required part of a decision says what is missing in its own words (an empty form must not say the same
# "This field is required." twice).
CHOOSE_OUTCOME = {"required": "Choose the decision: hire, no hire or hold."}
WRITE_RATIONALE = {"required": "Write the rationale: why this decision."}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices, widget=forms.RadioSelect, label="Decision", error_messages=CHOOSE_OUTCOME
    )
    rationale = forms.CharField(
        error_messages=WRITE_RATIONALE,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Rationale",
        help_text="Required. Recorded with your name and the time; shown on the loop summary.",
    )
    override_reason = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why the decision goes against the rule",
        help_text="Required when the outcome differs from the decision rule's (hold never does). "
        "Kept with the decision and counted on calibration.",
    )
    without_scorecards = forms.BooleanField(
        required=False,
        label="Decide without interviews",
        help_text="Only when no scorecard is submitted; say why in the rationale.",
    )


class DecisionRevisitForm(forms.Form):
    """Confirm the current decision (same outcome) or record a new one, after the scorecards changed."""

    supersedes = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices, widget=forms.RadioSelect, label="Decision", error_messages=CHOOSE_OUTCOME
    )
    rationale = forms.CharField(
        error_messages=WRITE_RATIONALE,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Rationale",
        help_text="Required: why the decision still holds, or why it changes. Kept in the decision history.",
    )
    override_reason = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why the decision goes against the rule",
        help_text="Required when the outcome differs from the decision rule's (hold never does). "
        "Kept with the decision and counted on calibration.",
    )


class PipelineFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY,
        label="Candidate name or email",
        error_messages={"max_length": "Search for at most %(limit_value)d characters of a name or email."},
    )
    role = forms.ChoiceField(required=False, choices=())
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Loop.Status.choices])
    hiring_manager = PersonField(required=False, queryset=User.objects.none(), empty_label="Any hiring manager")
    since = forms.DateField(required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Created until", widget=forms.DateInput(attrs={"type": "date"}))
    red_flag = forms.BooleanField(required=False, label="Has a red flag")
    changed = forms.BooleanField(required=False, label="Decision changed since decided")
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("candidate", "Candidate"),
            ("role", "Role"),
            ("status", "Status"),
            ("red_flags", "Most red flags"),
        ],
    )

    def __init__(
        self, *args: Any, roles: Iterable[RubricVersion], hiring_managers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            ("", "Any role"),
            *[(r.role.slug, r.title) for r in roles],
        ]
        cast(PersonField, self.fields["hiring_manager"]).queryset = hiring_managers

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def to_filter(self) -> PipelineFilter:
        data = self.cleaned_data
        manager = data.get("hiring_manager")
        return PipelineFilter(
            role=data.get("role") or "",
            status=data.get("status") or "",
            hiring_manager=manager.pk if manager else None,
            since=data.get("since"),
            until=data.get("until"),
            red_flag=bool(data.get("red_flag")),
            changed=bool(data.get("changed")),
            sort=data.get("sort") or "newest",
            q=(data.get("q") or "").strip(),
        )


class HealthFilterForm(forms.Form):
    """The hiring health page's period (local days, both included), role, hiring manager and interviewer order.

    Without dates it shows the last `health.DEFAULT_WEEKS` weeks up to `today`. Dates lie in the years of
    the interview bounds, and a period spans at most `health.LONGEST_PERIOD_DAYS` days.
    """

    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    role = forms.ChoiceField(required=False, choices=())
    hiring_manager = PersonField(required=False, queryset=User.objects.none(), empty_label="Any hiring manager")
    sort = forms.ChoiceField(
        required=False,
        label="Interviewers",
        choices=[
            ("slowest", "Slowest median first"),
            ("fastest", "Fastest median first"),
            ("p90", "Slowest 90th percentile first"),
            ("on_time", "Least often on time first"),
            ("missing", "Most missing first"),
            ("scorecards", "Most scorecards first"),
            ("name", "By username"),
        ],
    )

    def __init__(
        self,
        *args: Any,
        roles: Iterable[RubricVersion],
        hiring_managers: QuerySet[User],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        if args and not (args[0].get("since") or args[0].get("until")):  # no dates: the default period, shown
            data = args[0].copy()
            data["since"], data["until"] = (day.isoformat() for day in health.default_period(today=today))
            args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        self.today = today
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [("", "Any role"), *[(r.role.slug, r.title) for r in roles]]
        cast(PersonField, self.fields["hiring_manager"]).queryset = hiring_managers

    def clean_since(self) -> dt.date | None:
        return day_within_bounds(self.cleaned_data.get("since"))

    def clean_until(self) -> dt.date | None:
        return day_within_bounds(self.cleaned_data.get("until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        since, until = self.period(data)
        if until < since:
            self.add_error("until", "The end date is before the start date.")
        elif (until - since).days + 1 > health.LONGEST_PERIOD_DAYS:
            self.add_error("until", f"Choose a period of at most {health.LONGEST_PERIOD_DAYS} days.")
        return data

    def period(self, data: dict[str, Any]) -> tuple[dt.date, dt.date]:
        """The chosen days, a missing end filled in: up to today, or as long before the end as the default."""
        since, until = data.get("since"), data.get("until")
        default_since, default_until = health.default_period(today=self.today)
        if since is None:
            end = until or default_until
            return end - (default_until - default_since), end
        return since, until or max(since, self.today)

    def to_filter(self) -> health.HealthFilter:
        data = self.cleaned_data
        since, until = self.period(data)
        manager = data.get("hiring_manager")
        return health.HealthFilter(
            since=since,
            until=until,
            role=data.get("role") or "",
            hiring_manager=manager.pk if manager else None,
            sort=data.get("sort") or "slowest",
        )


class OutcomesUploadForm(forms.Form):
    file = forms.FileField(
        label="Outcomes file (CSV)",
        help_text="A CSV file, UTF-8, with a header row; the columns are listed below.",
        error_messages={"required": "Choose the CSV file of outcomes to import."},
    )


class LegalHoldForm(forms.Form):
    """A new hold: on a candidate (by id) or on a role, with the reason."""

    candidate = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, label="Candidate id", help_text="Hold one candidate…"
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.order_by("slug"),
        required=False,
        empty_label="—",
        help_text="…or every candidate of a role.",
    )
    reason = forms.CharField(
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The claim, charge or request the records are kept for.",
        error_messages={"required": "Give the reason for the hold (the claim or request it keeps records for)."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("candidate") is None) == (data.get("role") is None):
            self.add_error("candidate", "Give either a candidate id or a role (one of them).")
        pk = data.get("candidate")
        if pk is not None and not self.errors:
            data["candidate"] = Candidate.objects.filter(pk=pk).first()
            if data["candidate"] is None:
                self.add_error("candidate", f"No candidate has the id {pk}.")
        return data


class SelfIdentificationForm(ServiceForm):
    """A candidate's voluntary self-identification, as a recruiter enters it: always opened at "Declined to
    answer" (never showing what is recorded), the categories the company configured."""

    sex = forms.ChoiceField(label="Sex", choices=())
    race_ethnicity = forms.ChoiceField(label="Race/ethnicity", choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sex", "race_ethnicity"):
            choice = cast(forms.ChoiceField, self.fields[name])
            choice.choices = [(category, category) for category in self_identification_categories(name)]
            choice.initial = DECLINED


class AdverseImpactForm(forms.Form):
    """The adverse-impact report's role and period (local days, both included; loops created in it).

    Without dates it covers the `adverse_impact.DEFAULT_DAYS` days up to `today`; dates lie in the years of the
    interview bounds.
    """

    role = forms.ChoiceField(label="Role", choices=())
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, roles: Iterable[RubricVersion], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [("", "Choose a role"), *[(r.role.slug, r.title) for r in roles]]

    def clean_since(self) -> dt.date | None:
        return day_within_bounds(self.cleaned_data.get("since"))

    def clean_until(self) -> dt.date | None:
        return day_within_bounds(self.cleaned_data.get("until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            since, until = self.period(data)
            if until < since:
                self.add_error("until", "The end date is before the start date.")
        return data

    def period(self, data: dict[str, Any]) -> tuple[dt.date, dt.date]:
        """The chosen days, a missing end up to today, a missing start `DEFAULT_DAYS` before the end."""
        until: dt.date = data.get("until") or max(data.get("since") or self.today, self.today)
        since: dt.date = data.get("since") or until - dt.timedelta(days=adverse_impact.DEFAULT_DAYS - 1)
        return since, until

    def to_filter(self) -> adverse_impact.ImpactFilter:
        since, until = self.period(self.cleaned_data)
        return adverse_impact.ImpactFilter(role=self.cleaned_data["role"], since=since, until=until)
