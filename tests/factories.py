"""factory-boy factories for the whole chain: role rubric → loop → interview → scorecard → ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import factory
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.utils import timezone

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


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        _join(self, create, extracted or ())


def _join(user: User, create: bool, names) -> None:
    if create and names:
        user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in names])


class InterviewerFactory(UserFactory):
    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        _join(self, create, extracted or ("Interviewers",))


class HiringManagerFactory(UserFactory):
    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        _join(self, create, extracted or ("Hiring managers",))


class RecruiterFactory(UserFactory):
    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        _join(self, create, extracted or ("Recruiters",))


class RoleFactory(ModelFactory[Role]):
    class Meta:
        model = Role
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"role-{n}")


class RubricVersionFactory(ModelFactory[RubricVersion]):
    """A rubric with a labelled scale; `dimensions=N`, `signals=True` fill it in."""

    class Meta:
        model = RubricVersion
        skip_postgeneration_save = True

    role = factory.SubFactory(RoleFactory)
    number = 1
    title = factory.Sequence(lambda n: f"Role {n}")
    level = "Senior"
    purpose = "Ship measurable improvements."
    source = "test.txt"
    scale_min = 1
    scale_max = 5
    scale_rationale = "Test scale."
    content_hash = factory.Sequence(lambda n: f"{n:064x}")

    @factory.post_generation
    def levels(self, create: bool, extracted, **kwargs) -> None:
        if create:
            for value in self.scale_values:
                ScaleLevel.objects.create(rubric=self, value=value, label=f"Level {value}")

    @factory.post_generation
    def dimensions(self, create: bool, extracted, **kwargs) -> None:
        for _ in range(extracted or 0):
            DimensionFactory(rubric=self)

    @factory.post_generation
    def signals(self, create: bool, extracted, **kwargs) -> None:
        if extracted:
            for kind in ("strong", "weak", "red_flag"):
                SignalFactory(rubric=self, kind=kind)


class AssessmentAreaFactory(ModelFactory[AssessmentArea]):
    class Meta:
        model = AssessmentArea

    rubric = factory.SubFactory(RubricVersionFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Area {n}")
    questions = "Can they do it?"


class DimensionFactory(ModelFactory[Dimension]):
    """A dimension with anchors at the lowest, middle and highest level of its rubric's scale."""

    class Meta:
        model = Dimension
        skip_postgeneration_save = True

    rubric = factory.SubFactory(RubricVersionFactory)
    slug = factory.Sequence(lambda n: f"dimension-{n}")
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Dimension {n}")
    description = "What this dimension covers."

    @factory.post_generation
    def anchors(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted is not False:
            rubric = self.rubric
            for level in sorted({rubric.scale_min, scale_mid(rubric), rubric.scale_max}):
                Anchor.objects.create(
                    dimension=self, level=level, text=f"{self.name} anchor at {level}", source="derived"
                )


class ExerciseFactory(ModelFactory[Exercise]):
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    rubric = factory.SubFactory(RubricVersionFactory)
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Exercise {n}")
    format = "case study"
    duration = "60 minutes"
    brief = "Present a scenario."
    ask_for = "a plan\nits risks"

    @factory.post_generation
    def dimensions(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.dimensions.set(extracted)


class SignalFactory(ModelFactory[Signal]):
    class Meta:
        model = Signal

    rubric = factory.SubFactory(RubricVersionFactory)
    kind = "strong"
    position = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Signal text {n}")


class CandidateFactory(ModelFactory[Candidate]):
    class Meta:
        model = Candidate

    name = factory.Faker("name")
    email = factory.Faker("email")


class LoopFactory(ModelFactory[Loop]):
    class Meta:
        model = Loop

    candidate = factory.SubFactory(CandidateFactory)
    rubric = factory.SubFactory(
        RubricVersionFactory, dimensions=3, signals=True, locked_at=factory.LazyFunction(timezone.now)
    )
    hiring_manager = factory.SubFactory(HiringManagerFactory)
    recruiter = factory.SubFactory(RecruiterFactory)


class InterviewFactory(ModelFactory[Interview]):
    """An interview with its (draft) scorecard; its exercise and focus come from the loop's rubric."""

    class Meta:
        model = Interview
        skip_postgeneration_save = True

    loop = factory.SubFactory(LoopFactory)
    interviewer = factory.SubFactory(InterviewerFactory)
    exercise = factory.LazyAttribute(lambda i: ExerciseFactory(rubric=i.loop.rubric))
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))

    @factory.post_generation
    def focus(self, create: bool, extracted, **kwargs) -> None:
        if create:
            self.focus_dimensions.set(extracted if extracted is not None else self.loop.rubric.dimensions.all())
            Scorecard.objects.get_or_create(interview=self)


class RatingFactory(ModelFactory[Rating]):
    class Meta:
        model = Rating

    scorecard = factory.LazyAttribute(lambda r: InterviewFactory().scorecard)
    dimension = factory.LazyAttribute(lambda r: r.scorecard.interview.loop.rubric.dimensions.first())
    score = 3
    evidence = "Walked through a concrete example."


class ObservedSignalFactory(ModelFactory[ObservedSignal]):
    class Meta:
        model = ObservedSignal

    scorecard = factory.LazyAttribute(lambda o: InterviewFactory().scorecard)
    signal = factory.LazyAttribute(lambda o: o.scorecard.interview.loop.rubric.signals.first())
    note = "Seen in the design discussion."


class AmendmentFactory(ModelFactory[Amendment]):
    class Meta:
        model = Amendment

    scorecard = factory.LazyAttribute(lambda a: InterviewFactory().scorecard)
    by = factory.LazyAttribute(lambda a: a.scorecard.interview.interviewer)
    reason = "Typo in evidence."
    changes = factory.LazyFunction(list)
    revision = factory.LazyAttribute(lambda a: a.scorecard.revision)


class DecisionFactory(ModelFactory[Decision]):
    """A decision written directly (no basis), made the loop's current one; the services write real ones."""

    class Meta:
        model = Decision
        skip_postgeneration_save = True

    loop = factory.SubFactory(LoopFactory)
    outcome = Decision.Outcome.HIRE
    rationale = "Discussed."
    by = factory.LazyAttribute(lambda d: d.loop.hiring_manager)

    @factory.post_generation
    def current(self, create: bool, extracted, **kwargs) -> None:
        if create:
            Loop.objects.filter(pk=self.loop_id).update(decision=self, status=Loop.Status.DECIDED)
            self.loop.decision = self
