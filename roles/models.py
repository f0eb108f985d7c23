"""The rubric library: roles, their versioned rubrics and everything a rubric holds.

A role is only an identity (its slug). A rubric version carries the whole role as
it was written: title, level, purpose, source blueprint, scale and content. A
version is what a scorecard is pinned to. Once something outside this app locks it
(`locked_at`), nothing of it changes, its words included; a changed role is loaded
as a new version. This app knows nothing about who uses it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

ROLE_TEXT_MAX = 10_000  # characters in any one rubric text (the five blueprints' longest is under 300)


def _rubric_text(*, blank: bool = False, help_text: str = "") -> models.TextField[str, str]:
    """A rubric text of at most ROLE_TEXT_MAX characters, checked on load (full_clean) and in the admin."""
    return models.TextField(
        blank=blank, help_text=help_text, max_length=ROLE_TEXT_MAX, validators=[MaxLengthValidator(ROLE_TEXT_MAX)]
    )


def _not_blank(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=~Q(**{field: ""}), name=f"{model}_{field}_not_blank")


class RoleManager(models.Manager["Role"]):
    def get_by_natural_key(self, slug: str) -> Role:
        return self.get(slug=slug)


class Role(models.Model):
    """A role's identity; what it is called and asks for belongs to each of its rubric versions."""

    slug = models.SlugField(max_length=80, unique=True)

    objects = RoleManager()

    class Meta:
        ordering = ["slug"]
        constraints = [_not_blank("slug", "role")]

    def __str__(self) -> str:
        return self.slug

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class RubricVersionManager(models.Manager["RubricVersion"]):
    def get_by_natural_key(self, role_slug: str, number: int) -> RubricVersion:
        return self.get(role__slug=role_slug, number=number)


class RubricVersion(models.Model):
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="rubrics")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=60, blank=True)
    purpose = _rubric_text(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="The document this version was written from.")
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()
    scale_rationale = _rubric_text(blank=True)
    rule_threshold = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="The decision rule's bar for the loop's normalised mean (0–1); empty: the default rule.",
    )
    rule_no_red_flag = models.BooleanField(
        default=True, help_text="The decision rule wants no red flag observed (its own rule's, or the default's)."
    )
    content_hash = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(auto_now=True)
    locked_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when a scorecard first uses this version; frozen after."
    )

    objects = RubricVersionManager()

    class Meta:
        ordering = ["role__slug", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["role", "number"], name="rubric_unique_role_number"),
            _not_blank("title", "rubric"),
            models.CheckConstraint(condition=Q(number__gte=1), name="rubric_number_positive"),
            models.CheckConstraint(condition=Q(scale_min__gte=0), name="rubric_scale_min_not_negative"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="rubric_scale_min_below_max"),
            models.CheckConstraint(
                condition=Q(scale_max__lte=F("scale_min") + 10), name="rubric_scale_at_most_11_levels"
            ),
            models.CheckConstraint(
                condition=Q(rule_threshold__isnull=True) | Q(rule_threshold__gte=0.0, rule_threshold__lte=1.0),
                name="rubric_rule_threshold_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def natural_key(self) -> tuple[str, int]:
        return (self.role.slug, self.number)

    natural_key.dependencies = ["roles.role"]  # type: ignore[attr-defined]  # read by dumpdata --natural-foreign

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def scale_values(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


class ScaleLevel(models.Model):
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="scale_levels")
    value = models.SmallIntegerField()
    label = models.CharField(max_length=80)
    definition = _rubric_text(blank=True, help_text="What the level means for every dimension, if the rubric says.")

    class Meta:
        ordering = ["rubric", "value"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "value"], name="scale_level_unique_value"),
            _not_blank("label", "scale_level"),
        ]

    def __str__(self) -> str:
        return f"{self.value} – {self.label}"


class AssessmentArea(models.Model):
    """A 'what to assess' item of the blueprint, with its probing questions (one per line)."""

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    questions = _rubric_text(blank=True)

    class Meta:
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="area_unique_position"),
            _not_blank("name", "area"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def question_list(self) -> list[str]:
        return [line for line in self.questions.splitlines() if line.strip()]


class DimensionManager(models.Manager["Dimension"]):
    def get_by_natural_key(self, role_slug: str, number: int, slug: str) -> Dimension:
        return self.get(rubric__role__slug=role_slug, rubric__number=number, slug=slug)


class Dimension(models.Model):
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="dimensions")
    slug = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = _rubric_text(blank=True)
    optional = models.BooleanField(default=False, help_text="The rubric marks it optional: a plan may leave it out.")
    must_have_bar = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text="A must-have of the version's decision rule: the panel's mean must be at least this level.",
    )

    objects = DimensionManager()

    class Meta:
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "slug"], name="dimension_unique_slug"),
            models.UniqueConstraint(fields=["rubric", "name"], name="dimension_unique_name"),
            _not_blank("name", "dimension"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.rubric.natural_key(), self.slug)

    natural_key.dependencies = ["roles.rubricversion"]  # type: ignore[attr-defined]  # read by dumpdata --natural-foreign

    def clean(self) -> None:
        rubric = self.rubric
        if self.must_have_bar is not None and self.must_have_bar not in rubric.scale_values:
            scale = f"{rubric.scale_min}–{rubric.scale_max}"
            raise ValidationError({"must_have_bar": f"must be on the scale {scale}, not {self.must_have_bar}"})

    @property
    def is_must_have(self) -> bool:
        return self.must_have_bar is not None


class AnchorSource(models.TextChoices):
    VERBATIM = "verbatim", "Verbatim from the blueprint"
    DERIVED = "derived", "Derived from the role's assessment text and signals"


class Anchor(models.Model):
    """What a level of a dimension looks like; a band (level to level_max) when one text covers several."""

    Source = AnchorSource

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="anchors")
    level = models.SmallIntegerField(help_text="The level, or the lowest level of the band.")
    level_max = models.SmallIntegerField(null=True, blank=True, help_text="The band's highest level; empty for one.")
    text = _rubric_text()
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        ordering = ["dimension", "-level"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "level"], name="anchor_unique_level"),
            models.CheckConstraint(condition=Q(source__in=AnchorSource.values), name="anchor_source_known"),
            models.CheckConstraint(condition=Q(level__gte=0), name="anchor_level_not_negative"),
            models.CheckConstraint(
                condition=Q(level_max__isnull=True) | Q(level_max__gt=F("level")), name="anchor_band_above_level"
            ),
            _not_blank("text", "anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.levels_shown}: {self.text}"

    @property
    def top(self) -> int:
        return self.level if self.level_max is None else self.level_max

    @property
    def levels_shown(self) -> str:
        return str(self.level) if self.level_max is None else f"{self.level}–{self.level_max}"

    def covers(self, value: int) -> bool:
        return self.level <= value <= self.top


class ExerciseManager(models.Manager["Exercise"]):
    def get_by_natural_key(self, role_slug: str, number: int, slug: str) -> Exercise:
        return self.get(rubric__role__slug=role_slug, rubric__number=number, slug=slug)


class Exercise(models.Model):
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="exercises")
    slug = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    format = models.CharField(max_length=40)
    duration = models.CharField(max_length=200, blank=True)
    optional = models.BooleanField(default=False)
    brief = _rubric_text(blank=True)
    ask_for = _rubric_text(blank=True, help_text="What to ask the candidate for, one item per line.")
    dimensions = models.ManyToManyField(Dimension, related_name="exercises")

    objects = ExerciseManager()

    class Meta:
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "slug"], name="exercise_unique_slug"),
            _not_blank("title", "exercise"),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.rubric.natural_key(), self.slug)

    natural_key.dependencies = ["roles.rubricversion"]  # type: ignore[attr-defined]  # read by dumpdata --natural-foreign

    @property
    def ask_for_list(self) -> list[str]:
        return [line for line in self.ask_for.splitlines() if line.strip()]


class SignalKind(models.TextChoices):
    STRONG = "strong", "Strong signal"
    WEAK = "weak", "Weak signal"
    RED_FLAG = "red_flag", "Red flag"


SIGNAL_GROUP_TITLES: dict[str, str] = {
    SignalKind.STRONG.value: "Strong signals",
    SignalKind.WEAK.value: "Weak signals",
    SignalKind.RED_FLAG.value: "Red flags",
}
"""What a group of one kind of signal is called on a page (the kinds in the blueprint's order)."""

SIGNAL_KINDS_RED_FLAGS_FIRST: tuple[str, ...] = (
    SignalKind.RED_FLAG.value,
    SignalKind.STRONG.value,
    SignalKind.WEAK.value,
)
"""The order pages that weigh a candidate (a scorecard, the debrief) show the kinds in: red flags first."""


class Signal(models.Model):
    Kind = SignalKind

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="signals")
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signals",
        help_text="The dimension the rubric lists it under (its look-fors or indicators), if any.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    text = _rubric_text()

    class Meta:
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="signal_unique_position"),
            models.CheckConstraint(condition=Q(kind__in=SignalKind.values), name="signal_kind_known"),
            _not_blank("text", "signal"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_red_flag(self) -> bool:
        return self.kind == self.Kind.RED_FLAG


class Question(models.Model):
    """A question of the rubric's question bank: asked for one dimension, in one exercise, or of the role."""

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = _rubric_text()
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, null=True, blank=True, related_name="questions")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, null=True, blank=True, related_name="questions")

    class Meta:
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="question_unique_position"),
            models.CheckConstraint(
                condition=Q(dimension__isnull=True) | Q(exercise__isnull=True),
                name="question_of_one_dimension_or_exercise_at_most",
            ),
            _not_blank("text", "question"),
        ]

    def __str__(self) -> str:
        return self.text


class RoleDraft(models.Model):
    """A role being written in the browser: a blueprint document (`roles.blueprints`) not yet published.

    It publishes as the next version of `role`, or as a new role when `role` is empty. `revision` counts its
    saves, so an editor whose page is older than the last save is refused rather than overwriting it."""

    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts")
    based_on = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of `role` it was copied from; a newer one is a racing publish."
    )
    document = models.JSONField(help_text="A role-blueprint/1 document, as typed: checked only on publish.")
    kept_slugs = models.JSONField(
        default=list, blank=True, help_text="Dimension and exercise slugs of the version copied: never renamed."
    )
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        title = self.document.get("role", {}).get("title", "") if isinstance(self.document, dict) else ""
        return f"Draft {self.pk}: {title or 'untitled'}"


class RolePublication(models.Model):
    """The audit record of a role version published from the web (editor or import): who, when, what.

    Kept in roles because roles knows nothing of hiring; `roles.signals.rubric_published` is sent too, for
    any app (hiring's audit log) that wants to record it as well."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="publications")
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"
