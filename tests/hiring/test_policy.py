"""Who sees which loops, interviews and scorecards (hiring.policy), including blind scoring."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from hiring import policy
from hiring.models import Interview, Loop, Scorecard
from tests.factories import InterviewerFactory, InterviewFactory, LoopFactory, RecruiterFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """Two loops. Interviewer A sits on both; B only on the first, C only on the second."""

    loop: Loop
    other_loop: Loop
    a: Interview  # A on `loop`
    b: Interview  # B on `loop`
    a_other: Interview  # A on `other_loop`
    c_other: Interview  # C on `other_loop`
    outsider: User  # an interviewer on no loop
    other_recruiter: User  # a recruiter who owns neither loop
    staff: User

    def user(self, who: str):
        return {
            "A": self.a.interviewer,
            "B": self.b.interviewer,
            "outsider": self.outsider,
            "hiring manager": self.loop.hiring_manager,
            "recruiter": self.loop.recruiter,
            "other recruiter": self.other_recruiter,
            "staff": self.staff,
            "anonymous": AnonymousUser(),
        }[who]

    def names(self) -> dict[int, str]:
        return {self.a.pk: "a", self.b.pk: "b", self.a_other.pk: "a_other", self.c_other.pk: "c_other"}


@pytest.fixture
def world() -> World:
    loop, other_loop = LoopFactory(), LoopFactory()
    a = InterviewFactory(loop=loop)
    a_other = InterviewFactory(loop=other_loop, interviewer=a.interviewer)
    return World(
        loop=loop,
        other_loop=other_loop,
        a=a,
        b=InterviewFactory(loop=loop),
        a_other=a_other,
        c_other=InterviewFactory(loop=other_loop),
        outsider=InterviewerFactory(),
        other_recruiter=RecruiterFactory(),
        staff=UserFactory(is_staff=True),
    )


def _submit(interview: Interview) -> None:
    Scorecard.objects.filter(interview=interview).update(
        status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
    )


def _fresh(user):
    """The user as a new request would load it (policy caches group names on the instance)."""
    return user if isinstance(user, AnonymousUser) else User.objects.get(pk=user.pk)


def _scorecards(world: World, user) -> set[str]:
    names = world.names()
    visible = policy.scorecards_visible_to(_fresh(user)).values_list("interview_id", flat=True)
    return {names.get(i, "own on the panel") for i in visible}


def _interviews(world: World, user) -> set[str]:
    names = world.names()
    return {names[i] for i in policy.interviews_visible_to(_fresh(user)).values_list("pk", flat=True)}


def _loops(world: World, user) -> set[str]:
    names = {world.loop.pk: "loop", world.other_loop.pk: "other_loop"}
    return {names[i] for i in policy.loops_visible_to(_fresh(user)).values_list("pk", flat=True)}


def _debriefs(world: World, user) -> set[str]:
    user = _fresh(user)
    return {
        name
        for name, loop in (("loop", world.loop), ("other_loop", world.other_loop))
        if policy.can_view_debrief(user, loop)
    }


# Before anyone submits --------------------------------------------------------------------------------------------

EVERY = {"a", "b", "a_other", "c_other"}
BEFORE = {
    # who: (scorecards, interviews, loops, debriefs). Drafts are private to their author, whoever asks.
    "A": ({"a", "a_other"}, {"a", "a_other"}, {"loop", "other_loop"}, set()),
    "B": ({"b"}, {"b"}, {"loop"}, set()),
    "outsider": (set(), set(), set(), set()),
    "hiring manager": (set(), {"a", "b"}, {"loop"}, {"loop"}),
    "recruiter": (set(), {"a", "b"}, {"loop"}, {"loop"}),
    "other recruiter": (set(), set(), set(), set()),
    "staff": (set(), EVERY, {"loop", "other_loop"}, {"loop", "other_loop"}),
    "anonymous": (set(), set(), set(), set()),
}


@pytest.mark.parametrize("who", list(BEFORE))
def test_what_each_person_sees_before_any_scorecard_is_submitted(world, who):
    scorecards, interviews, loops, debriefs = BEFORE[who]
    user = world.user(who)

    assert _scorecards(world, user) == scorecards
    assert _interviews(world, user) == interviews
    assert _loops(world, user) == loops
    assert _debriefs(world, user) == debriefs


@pytest.mark.parametrize("who", ["A", "hiring manager", "recruiter", "staff"])
def test_a_colleagues_draft_stays_private_after_ones_own_is_submitted(world, who):
    """ "Submit a placeholder, read the others, amend" finds nothing to read while the others are drafts."""
    _submit(world.a)

    assert "b" not in _scorecards(world, world.user(who))


def test_a_setting_lets_those_who_run_the_loop_read_drafts_but_never_a_blind_colleague(world, settings):
    settings.SCORECARD_DRAFTS_VISIBLE_TO_MANAGERS = True
    _submit(world.a)

    assert _scorecards(world, world.loop.hiring_manager) == {"a", "b"}
    assert _scorecards(world, world.staff) == EVERY
    assert _scorecards(world, world.a.interviewer) == {"a", "a_other"}


def test_a_hiring_manager_on_the_panel_is_blind_until_their_own_scorecard_is_in(world):
    manager = world.loop.hiring_manager
    own = InterviewFactory(loop=world.loop, interviewer=manager)
    _submit(world.a)
    _submit(world.b)

    assert _scorecards(world, manager) == {"own on the panel"}
    assert _debriefs(world, manager) == set()

    _submit(own)

    assert _scorecards(world, manager) == {"a", "b", "own on the panel"}
    assert _debriefs(world, manager) == {"loop"}


def test_staff_on_a_panel_are_blind_like_everyone_on_it(world):
    InterviewFactory(loop=world.loop, interviewer=world.staff)
    _submit(world.a)
    _submit(world.c_other)

    assert _scorecards(world, world.staff) == {"c_other", "own on the panel"}
    assert _debriefs(world, world.staff) == {"other_loop"}


def test_an_interviewer_sees_only_their_own_scorecard_until_they_submit(world):
    a = world.a.interviewer

    assert _scorecards(world, a) == {"a", "a_other"}
    assert "b" not in _interviews(world, a)
    assert not policy.can_view_debrief(_fresh(a), world.loop)


def test_after_submitting_an_interviewer_sees_every_scorecard_of_that_loop_only(world):
    _submit(world.a)
    _submit(world.b)
    _submit(world.c_other)
    a = world.a.interviewer

    assert _scorecards(world, a) == {"a", "b", "a_other"}
    assert _interviews(world, a) == {"a", "b", "a_other"}
    assert _loops(world, a) == {"loop", "other_loop"}
    assert _debriefs(world, a) == {"loop"}


def test_a_colleague_who_has_not_submitted_still_sees_only_their_own(world):
    _submit(world.a)
    b = world.b.interviewer

    assert _scorecards(world, b) == {"b"}
    assert _debriefs(world, b) == set()


def test_a_submitted_scorecard_on_another_loop_does_not_open_this_one(world):
    _submit(world.c_other)
    _submit(world.a_other)
    _submit(world.a)
    c = world.c_other.interviewer

    assert _scorecards(world, c) == {"a_other", "c_other"}
    assert _loops(world, c) == {"other_loop"}
    assert _debriefs(world, c) == {"other_loop"}


def test_submitting_on_one_loop_does_not_reveal_colleagues_on_another(world):
    _submit(world.a)

    assert "c_other" not in _scorecards(world, world.a.interviewer)
    assert "c_other" not in _interviews(world, world.a.interviewer)


@pytest.mark.parametrize("who", ["outsider", "other recruiter", "anonymous"])
def test_people_with_no_part_in_a_loop_see_nothing_even_after_submissions(world, who):
    _submit(world.a)
    _submit(world.b)
    user = world.user(who)

    assert _scorecards(world, user) == set()
    assert _interviews(world, user) == set()
    assert _loops(world, user) == set()
    assert _debriefs(world, user) == set()


def test_the_hiring_manager_sees_their_loop_but_not_another(world):
    other_manager = world.other_loop.hiring_manager
    for interview in (world.a, world.b, world.a_other, world.c_other):
        _submit(interview)

    assert _scorecards(world, world.loop.hiring_manager) == {"a", "b"}
    assert _scorecards(world, other_manager) == {"a_other", "c_other"}
    assert _debriefs(world, other_manager) == {"other_loop"}


def test_only_the_interviewer_may_edit_a_scorecard(world):
    scorecard = world.a.scorecard

    assert policy.can_edit_scorecard(_fresh(world.a.interviewer), scorecard)
    for who in ("B", "hiring manager", "recruiter", "staff", "anonymous"):
        assert not policy.can_edit_scorecard(world.user(who), scorecard), who


def test_only_the_loops_recruiter_or_staff_may_plan_it(world):
    assert policy.can_plan(_fresh(world.loop.recruiter), world.loop)
    assert policy.can_plan(world.staff, world.loop)
    for who in ("A", "hiring manager", "other recruiter", "anonymous"):
        assert not policy.can_plan(world.user(who), world.loop), who


def _scorecard(interview: Interview) -> Scorecard:
    """The scorecard as a page or service reads it: with its interview and loop."""
    return Scorecard.objects.select_related("interview__loop").get(interview=interview)


def test_only_the_interviewer_writes_a_draft_and_only_while_it_is_one_on_an_undecided_loop(world):
    author = _fresh(world.a.interviewer)

    assert policy.can_write_draft(author, _scorecard(world.a))
    for who in ("B", "hiring manager", "recruiter", "staff", "anonymous"):
        assert not policy.can_write_draft(world.user(who), _scorecard(world.a)), who
    _submit(world.a)
    assert not policy.can_write_draft(author, _scorecard(world.a))
    assert policy.can_write_draft(_fresh(world.b.interviewer), _scorecard(world.b))
    Loop.objects.filter(pk=world.loop.pk).update(status=Loop.Status.DECIDED)
    assert not policy.can_write_draft(_fresh(world.b.interviewer), _scorecard(world.b))


def test_a_decided_loops_plan_no_longer_changes_even_for_whoever_plans_it(world):
    assert policy.can_change_plan(_fresh(world.loop.recruiter), world.loop)
    assert not policy.can_change_plan(world.user("hiring manager"), world.loop)
    Loop.objects.filter(pk=world.loop.pk).update(status=Loop.Status.DECIDED)
    decided = Loop.objects.get(pk=world.loop.pk)

    for who in ("recruiter", "staff", "hiring manager"):
        assert not policy.can_change_plan(world.user(who), decided), who


def test_the_system_actor_of_commands_sees_every_loop(world):
    every = {world.loop.pk, world.other_loop.pk}
    assert set(policy.loops_visible_to(policy.SYSTEM).values_list("pk", flat=True)) == every
    assert set(policy.loops_managed_by(policy.SYSTEM).values_list("pk", flat=True)) == every


def test_a_users_groups_are_read_once_per_user_object(django_assert_num_queries):
    recruiter = RecruiterFactory()
    same = User.objects.get(pk=recruiter.pk)

    with django_assert_num_queries(1):
        assert policy.is_recruiter(same)
        assert policy.can_plan_loops(same)
        assert not policy.is_hiring_manager(same)
    same.groups.clear()
    assert policy.is_recruiter(same)  # the object keeps what it read
    assert not policy.is_recruiter(User.objects.get(pk=recruiter.pk))  # a fresh one reads again
