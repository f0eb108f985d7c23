"""factory-boy factories for the whole chain: role rubric → loop → interview → scorecard → ratings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import factory.django
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.utils import timezone

# factory-boy's package re-exports these without `as`, which mypy's strict mode does not count as an export:
# they are imported from the modules that define them.
from factory.declarations import BaseDeclaration, LazyAttribute, LazyFunction, Sequence, SubFactory
from factory.faker import Faker
from factory.helpers import post_generation

from hiring.models import Amendment, Candidate, Decision, Interview, Loop, ObservedSignal, Rating, Scorecard
from roles.models import Anchor, AssessmentArea, Dimension, Exercise, Role, RubricVersion, ScaleLevel, Signal

PASSWORD = "correct-horse-battery"
T = TypeVar("T", bound=Model)


class ModelFactory(factory.django.DjangoModelFactory[T]):
    """A factory whose call mypy types as the model it makes (factory-boy's metaclass makes the instance)."""

    class Meta:
        abstract = True

    def __new__(cls, *args: Any, **kwargs: Any) -> T:  # type: ignore[misc]
        raise NotImplementedError  # never called: FactoryMetaClass.__call__ builds the model instead


def scale_mid(rubric: RubricVersion) -> int:
    """The middle of a rubric's scale, rounded down (the level a test scores when the score does not matter)."""
    return (rubric.scale_min + rubric.scale_max) // 2


# Post-generation hooks are module functions rather than methods: factory-boy calls them with the instance it
# made, not the factory, and a method's `self` would be typed as the factory.


def _groups(*default: str) -> Callable[..., None]:
    """A `groups` hook: the user joins the groups named (`groups=(...)`), or `default` when none are."""

    def join(user: User, create: bool, extracted: Iterable[str] | None, **kwargs: object) -> None:
        names = tuple(extracted or default)
        if create and names:
            user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in names])

    return join


def _rubric_levels(rubric: RubricVersion, create: bool, extracted: object, **kwargs: object) -> None:
    if create:
        for value in rubric.scale_values:
            ScaleLevel.objects.create(rubric=rubric, value=value, label=f"Level {value}")


def _rubric_dimensions(rubric: RubricVersion, create: bool, extracted: int | None, **kwargs: object) -> None:
    for _ in range(extracted or 0):
        DimensionFactory(rubric=rubric)


def _rubric_signals(rubric: RubricVersion, create: bool, extracted: bool | None, **kwargs: object) -> None:
    if extracted:
        for kind in ("strong", "weak", "red_flag"):
            SignalFactory(rubric=rubric, kind=kind)


def _dimension_anchors(dimension: Dimension, create: bool, extracted: bool | None, **kwargs: object) -> None:
    if create and extracted is not False:
        rubric = dimension.rubric
        for level in sorted({rubric.scale_min, scale_mid(rubric), rubric.scale_max}):
            Anchor.objects.create(
                dimension=dimension, level=level, text=f"{dimension.name} anchor at {level}", source="derived"
            )


def _exercise_dimensions(
    exercise: Exercise, create: bool, extracted: Iterable[Dimension] | None, **kwargs: object
) -> None:
    if create and extracted:
        exercise.dimensions.set(extracted)


def _interview_focus(
    interview: Interview, create: bool, extracted: Iterable[Dimension] | None, **kwargs: object
) -> None:
    if create:
        interview.focus_dimensions.set(extracted if extracted is not None else interview.loop.rubric.dimensions.all())
        Scorecard.objects.get_or_create(interview=interview)


def _decision_current(decision: Decision, create: bool, extracted: object, **kwargs: object) -> None:
    if create:
        Loop.objects.filter(pk=decision.loop_id).update(decision=decision, status=Loop.Status.DECIDED)
        decision.loop.decision = decision


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    groups = post_generation(_groups())


class InterviewerFactory(UserFactory):
    groups = post_generation(_groups("Interviewers"))


class HiringManagerFactory(UserFactory):
    groups = post_generation(_groups("Hiring managers"))


class RecruiterFactory(UserFactory):
    groups = post_generation(_groups("Recruiters"))


class RoleFactory(ModelFactory[Role]):
    class Meta:
        model = Role
        django_get_or_create = ("slug",)

    slug = Sequence(lambda n: f"role-{n}")


class RubricVersionFactory(ModelFactory[RubricVersion]):
    """A rubric with a labelled scale; `dimensions=N`, `signals=True` fill it in."""

    class Meta:
        model = RubricVersion
        skip_postgeneration_save = True

    role = SubFactory(RoleFactory)
    number = 1
    title = Sequence(lambda n: f"Role {n}")
    level = "Senior"
    purpose = "Ship measurable improvements."
    source = "test.txt"
    scale_min = 1
    scale_max = 5
    scale_rationale = "Test scale."
    content_hash = Sequence(lambda n: f"{n:064x}")

    levels = post_generation(_rubric_levels)
    dimensions = post_generation(_rubric_dimensions)
    signals = post_generation(_rubric_signals)


class AssessmentAreaFactory(ModelFactory[AssessmentArea]):
    class Meta:
        model = AssessmentArea

    rubric = SubFactory(RubricVersionFactory)
    position = Sequence(int)
    name = Sequence(lambda n: f"Area {n}")
    questions = "Can they do it?"


class DimensionFactory(ModelFactory[Dimension]):
    """A dimension with anchors at the lowest, middle and highest level of its rubric's scale."""

    class Meta:
        model = Dimension
        skip_postgeneration_save = True

    rubric = SubFactory(RubricVersionFactory)
    slug = Sequence(lambda n: f"dimension-{n}")
    position = Sequence(int)
    name = Sequence(lambda n: f"Dimension {n}")
    description = "What this dimension covers."

    anchors = post_generation(_dimension_anchors)


class ExerciseFactory(ModelFactory[Exercise]):
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    rubric = SubFactory(RubricVersionFactory)
    slug = Sequence(lambda n: f"exercise-{n}")
    position = Sequence(int)
    title = Sequence(lambda n: f"Exercise {n}")
    format = "case study"
    duration = "60 minutes"
    brief = "Present a scenario."
    ask_for = "a plan\nits risks"

    dimensions = post_generation(_exercise_dimensions)


class SignalFactory(ModelFactory[Signal]):
    class Meta:
        model = Signal

    rubric = SubFactory(RubricVersionFactory)
    kind = "strong"
    position = Sequence(int)
    text = Sequence(lambda n: f"Signal text {n}")


class CandidateFactory(ModelFactory[Candidate]):
    class Meta:
        model = Candidate

    name = Faker("name")
    email = Faker("email")


class LoopFactory(ModelFactory[Loop]):
    class Meta:
        model = Loop

    candidate = SubFactory(CandidateFactory)
    rubric = SubFactory(RubricVersionFactory, dimensions=3, signals=True, locked_at=LazyFunction(timezone.now))
    hiring_manager = SubFactory(HiringManagerFactory)
    recruiter = SubFactory(RecruiterFactory)


class InterviewFactory(ModelFactory[Interview]):
    """An interview with its (draft) scorecard; its exercise and focus come from the loop's rubric."""

    class Meta:
        model = Interview
        skip_postgeneration_save = True

    loop = SubFactory(LoopFactory)
    interviewer = SubFactory(InterviewerFactory)
    exercise = LazyAttribute(lambda i: ExerciseFactory(rubric=i.loop.rubric))
    # A declaration here; subclasses in tests give another declaration or a fixed time.
    scheduled_at: BaseDeclaration | dt.datetime = LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))

    focus = post_generation(_interview_focus)


class RatingFactory(ModelFactory[Rating]):
    class Meta:
        model = Rating

    scorecard = LazyAttribute(lambda r: InterviewFactory().scorecard)
    dimension = LazyAttribute(lambda r: r.scorecard.interview.loop.rubric.dimensions.first())
    score = 3
    evidence = "Walked through a concrete example."


class ObservedSignalFactory(ModelFactory[ObservedSignal]):
    class Meta:
        model = ObservedSignal

    scorecard = LazyAttribute(lambda o: InterviewFactory().scorecard)
    signal = LazyAttribute(lambda o: o.scorecard.interview.loop.rubric.signals.first())
    note = "Seen in the design discussion."


class AmendmentFactory(ModelFactory[Amendment]):
    class Meta:
        model = Amendment

    scorecard = LazyAttribute(lambda a: InterviewFactory().scorecard)
    by = LazyAttribute(lambda a: a.scorecard.interview.interviewer)
    reason = "Typo in evidence."
    changes = LazyFunction(list)
    revision = LazyAttribute(lambda a: a.scorecard.revision)


class DecisionFactory(ModelFactory[Decision]):
    """A decision written directly (no basis), made the loop's current one; the services write real ones."""

    class Meta:
        model = Decision
        skip_postgeneration_save = True

    loop = SubFactory(LoopFactory)
    outcome = Decision.Outcome.HIRE
    rationale = "Discussed."
    by = LazyAttribute(lambda d: d.loop.hiring_manager)

    current = post_generation(_decision_current)
