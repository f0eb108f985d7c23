"""What the API reads and writes. Input serializers only check shape; the rules are hiring's services'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from api.exports import row_serializer
from hiring.export_columns import RATING_COLUMNS, SUMMARY_GROUPS, summary_columns
from hiring.models import DECLINED, Amendment, Decision, HiringOutcome, Interview, Loop, Scorecard
from hiring.services.outcomes import OUTCOMES_MAX_ROWS
from roles.models import Anchor, AssessmentArea, Dimension, Exercise, RubricVersion, ScaleLevel, Signal


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, instead of silently dropping them (a typo must not lose data)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


# Roles and rubrics -------------------------------------------------------------------------------


class RoleSerializer(serializers.ModelSerializer[Any]):
    """A role as its newest rubric version describes it, with every version's number."""

    slug = serializers.SlugField(source="role.slug")
    current_version = serializers.IntegerField(source="number")
    versions = serializers.SerializerMethodField(help_text="Rubric version numbers, newest first.")

    class Meta:
        model = RubricVersion
        fields = ["slug", "title", "level", "purpose", "current_version", "versions"]

    def get_versions(self, rubric: RubricVersion) -> list[int]:
        return sorted((version.number for version in rubric.role.rubrics.all()), reverse=True)


class ScaleLevelSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = ScaleLevel
        fields = ["value", "label"]


class AnchorSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = Anchor
        fields = ["level", "level_max", "text", "source"]
        extra_kwargs = {"level_max": {"help_text": "A band's highest level (one text for several); null for one."}}


def _question_texts(questions: Any) -> list[str]:
    return [question.text for question in questions.all()]


class DimensionSerializer(serializers.ModelSerializer[Any]):
    anchors = AnchorSerializer(many=True, read_only=True)
    questions = serializers.SerializerMethodField(help_text="Questions to ask about this dimension.")

    class Meta:
        model = Dimension
        fields = ["id", "slug", "position", "name", "description", "optional", "anchors", "questions"]

    def get_questions(self, dimension: Dimension) -> list[str]:
        return _question_texts(dimension.questions)


class ExerciseSerializer(serializers.ModelSerializer[Any]):
    ask_for = serializers.ListField(child=serializers.CharField(), source="ask_for_list")
    dimensions = serializers.SerializerMethodField(help_text="Ids of the dimensions the exercise assesses.")
    questions = serializers.SerializerMethodField(help_text="The exercise's questions (its question bank).")

    class Meta:
        model = Exercise
        fields = [
            "id", "slug", "position", "title", "format", "duration", "optional", "brief", "ask_for", "dimensions",
            "questions",
        ]  # fmt: skip

    def get_dimensions(self, exercise: Exercise) -> list[int]:
        return [dimension.pk for dimension in exercise.dimensions.all()]

    def get_questions(self, exercise: Exercise) -> list[str]:
        return _question_texts(exercise.questions)


class SignalSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = Signal
        fields = ["id", "kind", "position", "text"]


class AreaSerializer(serializers.ModelSerializer[Any]):
    questions = serializers.ListField(child=serializers.CharField(), source="question_list")

    class Meta:
        model = AssessmentArea
        fields = ["position", "name", "questions"]


class ScaleSerializer(serializers.Serializer[Any]):
    min = serializers.IntegerField(source="scale_min")
    max = serializers.IntegerField(source="scale_max")
    rationale = serializers.CharField(source="scale_rationale")
    levels = ScaleLevelSerializer(many=True, source="scale_levels.all")


class RubricSerializer(serializers.ModelSerializer[Any]):
    role = serializers.CharField(source="role.slug")
    scale = ScaleSerializer(source="*")
    locked = serializers.BooleanField(source="is_locked", help_text="Used by a loop: its content never changes.")
    areas = AreaSerializer(many=True)
    dimensions = DimensionSerializer(many=True)
    exercises = ExerciseSerializer(many=True)
    signals = SignalSerializer(many=True)
    questions = serializers.SerializerMethodField(help_text="The role's questions, under no dimension or exercise.")

    class Meta:
        model = RubricVersion
        fields = [
            "role", "number", "title", "level", "purpose", "locked", "scale", "areas", "dimensions", "exercises",
            "signals", "questions",
        ]  # fmt: skip

    def get_questions(self, rubric: RubricVersion) -> list[str]:
        return [q.text for q in rubric.questions.all() if q.dimension_id is None and q.exercise_id is None]


# Loops and interviews ----------------------------------------------------------------------------


class CandidateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class InterviewSerializer(serializers.ModelSerializer[Any]):
    loop = serializers.IntegerField(source="loop_id")
    exercise = serializers.IntegerField(source="exercise_id", allow_null=True, help_text="Null: no exercise.")
    exercise_title = serializers.CharField(source="name", help_text="The exercise's title, or the interview's.")
    interviewer = serializers.CharField(source="interviewer.username")
    focus = serializers.SerializerMethodField(help_text="Ids of the focus dimensions.")
    scorecard = serializers.IntegerField(source="scorecard.pk")
    scorecard_status = serializers.ChoiceField(choices=Scorecard.Status.choices, source="scorecard.status")

    class Meta:
        model = Interview
        fields = [
            "id", "loop", "exercise", "exercise_title", "interviewer", "scheduled_at", "focus", "scorecard",
            "scorecard_status",
        ]  # fmt: skip

    def get_focus(self, interview: Interview) -> list[int]:
        return sorted(dimension.pk for dimension in interview.focus_dimensions.all())


class DecisionSerializer(serializers.ModelSerializer[Any]):
    by = serializers.CharField(source="by.username")

    class Meta:
        model = Decision
        fields = ["kind", "outcome", "rationale", "by", "at", "rule_outcome", "overridden", "override_reason"]


class LoopSerializer(serializers.ModelSerializer[Any]):
    candidate = CandidateSerializer()
    role = serializers.CharField(source="rubric.role.slug")
    rubric_version = serializers.IntegerField(source="rubric.number")
    hiring_manager = serializers.CharField(source="hiring_manager.username")
    recruiter = serializers.CharField(source="recruiter.username")
    interviews = InterviewSerializer(many=True)

    class Meta:
        model = Loop
        fields = [
            "id", "candidate", "role", "rubric_version", "status", "created_at", "hiring_manager", "recruiter",
            "interviews",
        ]  # fmt: skip


NOT_ONLY_SPACE = RegexValidator(r"^[^\u0000]*\S[^\u0000]*$", "Give at least one character other than a space.")
"""A required text that spaces alone do not fill (they are trimmed to nothing): the schema says so as its pattern."""


class CandidateWrite(StrictSerializer):
    name = serializers.CharField(max_length=200, validators=[NOT_ONLY_SPACE])
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)


class PlanRowWrite(StrictSerializer):
    interview = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="An existing interview of the loop, to change it."
    )
    exercise = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of one of the rubric's exercises; null or left out when the rubric has none (give a title).",
    )
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="What the interview is called when it is of no exercise (the rubric has none).",
    )
    # A username is matched as sent: padded with spaces it names nobody (422), it is not blank (400).
    interviewer = serializers.CharField(
        max_length=150, trim_whitespace=False, help_text="Username of someone in the Interviewers group."
    )
    scheduled_at = serializers.DateTimeField()
    focus = serializers.ListField(child=serializers.IntegerField(), min_length=1, help_text="Dimension ids.")


class PlanWrite(StrictSerializer):
    interviews = PlanRowWrite(many=True, help_text="The whole plan: interviews of the loop not listed are removed.")


class LoopCreateWrite(StrictSerializer):
    candidate = CandidateWrite()
    role = serializers.SlugField(max_length=80, help_text="The role's slug; the loop pins its newest rubric version.")
    hiring_manager = serializers.CharField(
        max_length=150, trim_whitespace=False, help_text="Username of someone in the Hiring managers group."
    )
    interviews = PlanRowWrite(many=True, required=False, default=list)


# Scorecards --------------------------------------------------------------------------------------


class RatingSerializer(serializers.Serializer[Any]):
    dimension = serializers.IntegerField(source="dimension_id")
    dimension_slug = serializers.CharField(source="dimension.slug")
    dimension_name = serializers.CharField(source="dimension.name")
    score = serializers.IntegerField(allow_null=True)
    not_assessed = serializers.BooleanField()
    evidence = serializers.CharField(allow_blank=True)


class ObservedSignalSerializer(serializers.Serializer[Any]):
    signal = serializers.IntegerField(source="signal_id")
    kind = serializers.CharField(source="signal.kind")
    text = serializers.CharField(source="signal.text")
    note = serializers.CharField(allow_blank=True)


class AmendmentSerializer(serializers.ModelSerializer[Any]):
    by = serializers.CharField(source="by.username")
    changes = serializers.ListField(child=serializers.DictField(child=serializers.CharField(allow_blank=True)))

    class Meta:
        model = Amendment
        fields = ["by", "at", "reason", "changes", "after_decision"]


class ScorecardSummarySerializer(serializers.ModelSerializer[Any]):
    interview = serializers.IntegerField(source="interview_id")
    loop = serializers.IntegerField(source="interview.loop_id")
    interviewer = serializers.CharField(source="interview.interviewer.username")
    exercise = serializers.CharField(source="interview.name")

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "interview",
            "loop",
            "interviewer",
            "exercise",
            "status",
            "revision",
            "submitted_at",
            "updated_at",
        ]


class ScorecardSerializer(ScorecardSummarySerializer):
    recommendation = serializers.CharField(
        allow_blank=True, help_text="strong_no, no, yes or strong_yes; blank in a draft."
    )
    ratings = RatingSerializer(many=True, source="ratings.all")
    signals = ObservedSignalSerializer(many=True, source="observed_signals.all")
    amendments = AmendmentSerializer(many=True, source="amendments.all")

    class Meta(ScorecardSummarySerializer.Meta):
        fields = [
            *ScorecardSummarySerializer.Meta.fields,
            "recommendation",
            "key_takeaways",
            "ratings",
            "signals",
            "amendments",
        ]


class RatingWrite(StrictSerializer):
    dimension = serializers.IntegerField(help_text="Id of a dimension of the loop's rubric.")
    score = serializers.IntegerField(required=False, allow_null=True, default=None)
    not_assessed = serializers.BooleanField(required=False, default=False)
    evidence = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class SignalWrite(StrictSerializer):
    signal = serializers.IntegerField(help_text="Id of one of the rubric's signals, observed.")
    note = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class ScorecardWrite(StrictSerializer):
    revision = serializers.IntegerField(
        min_value=1, help_text="The revision you read; if the scorecard was saved since, the answer is 409."
    )
    ratings = RatingWrite(
        many=True, required=False, default=list, help_text="Every rating: the list replaces them all."
    )
    signals = SignalWrite(many=True, required=False, default=list, help_text="Every observed signal, replacing them.")
    recommendation = serializers.ChoiceField(
        choices=["", *Scorecard.Recommendation.values], required=False, default="", allow_blank=True
    )
    key_takeaways = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        for key, field in (("ratings", "dimension"), ("signals", "signal")):
            ids = [row[field] for row in data[key]]
            if len(ids) != len(set(ids)):
                raise serializers.ValidationError({key: [f"Each {field} may appear only once."]})
        return data


class AmendWrite(ScorecardWrite):
    reason = serializers.CharField(max_length=20_000, help_text="Why the submitted scorecard changes.")


class DecisionWrite(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    rationale = serializers.CharField(max_length=20_000)
    override_reason = serializers.CharField(
        max_length=20_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the outcome differs from the decision rule's (see the debrief's `rule`).",
    )


class SelfIdentificationWrite(StrictSerializer):
    """A candidate's voluntary self-identification: category names as the company configured them (a value
    outside them is a 422 naming the field); "Declined to answer" when left out. Never answered back."""

    sex = serializers.CharField(max_length=100, required=False, default=DECLINED)
    race_ethnicity = serializers.CharField(max_length=100, required=False, default=DECLINED)


# Debrief -----------------------------------------------------------------------------------------


class DebriefDimensionSerializer(serializers.Serializer[Any]):
    dimension = serializers.IntegerField(source="dimension.pk")
    slug = serializers.CharField(source="dimension.slug")
    name = serializers.CharField(source="dimension.name")
    scores = serializers.IntegerField(source="stats.count", help_text="Scores given (not assessed left out).")
    mean = serializers.FloatField(source="stats.mean", allow_null=True)
    median = serializers.FloatField(source="stats.median", allow_null=True)
    low = serializers.IntegerField(source="stats.low", allow_null=True)
    high = serializers.IntegerField(source="stats.high", allow_null=True)
    normalised_mean = serializers.FloatField(source="stats.normalised", allow_null=True, help_text="0 bottom, 1 top.")
    classification = serializers.ChoiceField(
        source="stats.classification", choices=["strong", "meets", "weak", "split", "uncovered"]
    )
    unusual_disagreement = serializers.BooleanField()
    usual_spread = serializers.FloatField(allow_null=True)
    normalised_spread = serializers.FloatField(allow_null=True)


class PanelScoreSerializer(serializers.Serializer[Any]):
    dimension = serializers.IntegerField(source="dimension.pk")
    score = serializers.IntegerField(source="rating.score", allow_null=True, default=None)
    not_assessed = serializers.BooleanField(source="rating.not_assessed", default=False)


class PanelRowSerializer(serializers.Serializer[Any]):
    scorecard = serializers.IntegerField(source="scorecard.pk")
    interviewer = serializers.CharField(source="interview.interviewer.username")
    exercise = serializers.CharField(source="interview.name")
    recommendation = serializers.CharField(source="scorecard.recommendation")
    amended = serializers.BooleanField()
    amended_after_decision = serializers.BooleanField()
    scores = PanelScoreSerializer(many=True, source="cells")


class PendingSerializer(serializers.Serializer[Any]):
    interview = serializers.IntegerField(source="pk")
    interviewer = serializers.CharField(source="interviewer.username")
    exercise = serializers.CharField(source="name")


class ObservationSerializer(serializers.Serializer[Any]):
    signal = serializers.IntegerField(source="signal.pk")
    kind = serializers.CharField(source="signal.kind")
    text = serializers.CharField(source="signal.text")
    interviewer = serializers.CharField(source="interview.interviewer.username")
    note = serializers.CharField()


class RuleInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=["mean", "red_flags", "must_have"],
        help_text="mean: the loop's normalised mean (0–1); red_flags: red flags observed (the threshold is 0); "
        "must_have: a must-have dimension's panel mean on the role's scale.",
    )
    name = serializers.CharField(source="label", help_text="What the input is: a dimension's name for a must-have.")
    value = serializers.FloatField(allow_null=True, help_text="Null until it is known.")
    threshold = serializers.FloatField()
    met = serializers.BooleanField(allow_null=True, help_text="Null until it is known.")


class RuleSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=["hire", "no_hire", ""], help_text='The rule\'s outcome; "" (not yet) while an input is unknown.'
    )
    default = serializers.BooleanField(source="rule.is_default", help_text="The version sets no rule: the default.")
    inputs = RuleInputSerializer(many=True)


class DebriefSerializer(serializers.Serializer[Any]):
    loop = serializers.IntegerField(source="loop.pk")
    submitted = serializers.IntegerField()
    expected = serializers.IntegerField()
    dimensions = DebriefDimensionSerializer(many=True)
    panel = PanelRowSerializer(many=True, source="rows")
    pending = PendingSerializer(many=True)
    observations = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()
    rule = RuleSerializer(
        help_text="The rubric version's decision rule applied to the panel's figures; not the decision."
    )
    decision = DecisionSerializer(allow_null=True)

    def get_observations(self, debrief: Any) -> list[dict[str, Any]]:
        """Red flags first, then strong and weak signals."""
        return [
            ObservationSerializer(observation).data
            for kind, _title, observations in debrief.signal_sections
            for observation in observations
        ]

    def get_recommendations(self, debrief: Any) -> dict[str, int]:
        return {value: count for value, _label, count in debrief.recommendation_tally}


# Exports -----------------------------------------------------------------------------------------


class LoopQuery(serializers.Serializer[Any]):
    loop = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text="Only this loop's.")


class FormatQuery(serializers.Serializer[Any]):
    format = serializers.ChoiceField(
        choices=["native", "greenhouse"],
        required=False,
        default="native",
        help_text="greenhouse: the shape of Greenhouse Harvest's scorecard object (docs/API.md).",
    )


class ScorecardListQuery(LoopQuery, FormatQuery):
    pass


class ExportQuery(serializers.Serializer[Any]):
    """The pipeline's filters as query parameters; their shape is checked here, their meaning by the pipeline form."""

    role = serializers.CharField(required=False, help_text="A role's slug; adds its dimensions' normalised means.")
    status = serializers.ChoiceField(choices=Loop.Status.choices, required=False)
    hiring_manager = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="A hiring manager's user id."
    )
    since = serializers.DateField(required=False, help_text="Created on or after (YYYY-MM-DD).")
    until = serializers.DateField(required=False, help_text="Created on or before (YYYY-MM-DD).")
    red_flag = serializers.ChoiceField(
        choices=["true", "false"], required=False, help_text="Only loops with a red flag."
    )
    sort = serializers.ChoiceField(
        choices=["newest", "oldest", "candidate", "role", "status", "red_flags"], required=False, default="newest"
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Any part of a candidate's name or email, in any case, with or without accents.",
    )


# The export rows' serializers are built from the export columns (hiring.export_columns).
LoopSummaryRowSerializer = row_serializer("LoopSummaryRowSerializer", summary_columns([]), SUMMARY_GROUPS)
RatingRowSerializer = row_serializer("RatingRowSerializer", RATING_COLUMNS)


# Hiring outcomes ---------------------------------------------------------------------------------


class OutcomeWrite(StrictSerializer):
    """One outcome: the hire's loop, or the candidate (their one loop decided "hire"); the rules are the service's."""

    loop_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    candidate_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    date = serializers.DateField(help_text="When the performance was assessed: from 2000-01-01 to today.")
    rating = serializers.FloatField(min_value=-999_999.999, max_value=999_999.999, help_text="At most 3 decimals.")
    scale_min = serializers.FloatField(min_value=-999_999.999, max_value=999_999.999)
    scale_max = serializers.FloatField(min_value=-999_999.999, max_value=999_999.999)
    still_employed = serializers.BooleanField()


class OutcomesWrite(StrictSerializer):
    outcomes = serializers.ListField(child=OutcomeWrite(), min_length=1, max_length=OUTCOMES_MAX_ROWS)


class OutcomeSerializer(serializers.ModelSerializer[HiringOutcome]):
    loop_id = serializers.IntegerField()
    rating = serializers.DecimalField(max_digits=9, decimal_places=3, coerce_to_string=False)
    scale_min = serializers.DecimalField(max_digits=9, decimal_places=3, coerce_to_string=False)
    scale_max = serializers.DecimalField(max_digits=9, decimal_places=3, coerce_to_string=False)

    class Meta:
        model = HiringOutcome
        fields = ["id", "loop_id", "date", "rating", "scale_min", "scale_max", "still_employed", "recorded_at"]
