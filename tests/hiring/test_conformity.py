"""Conformity (issue 28 item 5): of the scores changed after seeing colleagues' scorecards, the share that moved
toward the colleagues' mean, per interviewer and per role on the calibration page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from hiring.conformity import Moves, panel_moves
from hiring.models import Amendment, Interview, InterviewerFigures, Loop, Scorecard
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_amend, scorecard_submit
from hiring.services.statistics import statistics_rebuild
from roles.models import RubricVersion
from tests.factories import (
    HiringManagerFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RoleFactory,
    RubricVersionFactory,
)
from tests.hiring.test_scorecard_views import _signed_in


def test_a_move_counts_toward_the_panel_only_when_it_ends_strictly_closer_to_the_colleagues_mean() -> None:
    # d1: 2 → 3 against [4, 5] (mean 4.5): distance 2.5 → 1.5, toward.
    # d2: 4 → 5 against [3]: distance 1 → 2, away.
    # d3: 2 → 4 against [3]: distance 1 → 1, across the mean: a move, not toward.
    # d4: unchanged; d5: changed but no colleague scored it; d6: now not assessed (absent after): none of them moves.
    moves = panel_moves(
        before={1: 2, 2: 4, 3: 2, 4: 3, 5: 1, 6: 5},
        after={1: 3, 2: 5, 3: 4, 4: 3, 5: 2},
        colleagues={1: [4, 5], 2: [3], 3: [3], 4: [1], 6: [1]},
    )

    assert moves == Moves(moves=3, toward=1)


def _rubric(*, slug: str, title: str, scale_min: int, scale_max: int) -> RubricVersion:
    return RubricVersionFactory(
        role=RoleFactory(slug=slug),
        title=title,
        dimensions=2,
        signals=False,
        scale_min=scale_min,
        scale_max=scale_max,
        locked_at=timezone.now(),
    )


def _submit(interview: Interview, scores: list[int]) -> Scorecard:
    card = Scorecard.objects.select_related("interview__loop__rubric").get(interview=interview)
    return scorecard_submit(
        scorecard=card, by=interview.interviewer, revision=card.revision, data=_input(interview.loop, scores)
    )


def _input(loop: Loop, scores: list[int]) -> ScorecardInput:
    dimensions = list(loop.rubric.dimensions.order_by("position"))
    return ScorecardInput(
        ratings={
            d.pk: RatingInput(score=s, evidence=f"What I saw on {d.name}")
            for d, s in zip(dimensions, scores, strict=True)
        },
        recommendation=Scorecard.Recommendation.YES,
        key_takeaways="Takeaways",
    )


def _amend(interview: Interview, scores: list[int]) -> Amendment:
    card = Scorecard.objects.select_related("interview__loop__rubric").get(interview=interview)
    return scorecard_amend(
        scorecard=card,
        by=interview.interviewer,
        revision=card.revision,
        data=_input(interview.loop, scores),
        reason="Second thoughts",
    )


@pytest.fixture
def amended(db):
    """Alice amends on two roles after reading a colleague's scorecard (through its page), and once without.

    Data engineer (1–5), colleagues bob [4, 4] and carol [4, 2]: alice 1, 3 → 3, 4.
      D1 mean 4: |1-4| = 3 → |3-4| = 1, toward; D2 mean 3: |3-3| = 0 → |4-3| = 1, away.     moves 2, toward 1
    Support lead (0–4), colleague bob [1, 1]: alice 3, 2 → 1, 2 (D2 unchanged).
      D1 mean 1: 2 → 0, toward.                                                             moves 1, toward 1
    Support lead, another loop, amended without having opened anyone's scorecard: not counted.
    """
    alice = InterviewerFactory(username="alice", first_name="Alice", last_name="Ames")
    bob, carol = InterviewerFactory(username="bob"), InterviewerFactory(username="carol")
    manager = HiringManagerFactory()
    data = _rubric(slug="data-engineer", title="Data engineer", scale_min=1, scale_max=5)
    support = _rubric(slug="support-lead", title="Support lead", scale_min=0, scale_max=4)

    def loop_of(rubric: RubricVersion, panel: dict[User, list[int]]) -> dict[str, Interview]:
        loop = LoopFactory(rubric=rubric, hiring_manager=manager)
        interviews = {}
        for person, scores in panel.items():
            interview = InterviewFactory(loop=loop, interviewer=person)
            _submit(interview, scores)
            interviews[person.username] = interview
        return interviews

    first = loop_of(data, {alice: [1, 3], bob: [4, 4], carol: [4, 2]})
    second = loop_of(support, {alice: [3, 2], bob: [1, 1]})
    third = loop_of(support, {alice: [3, 2], bob: [1, 1]})
    for loop in (first, second):
        _signed_in(alice).get(reverse("scorecard", args=[loop["bob"].scorecard.pk]))
    moves = [_amend(first["alice"], [3, 4]), _amend(second["alice"], [1, 2]), _amend(third["alice"], [0, 2])]
    return manager, moves


def test_each_amendment_after_viewing_keeps_its_moves_and_one_made_unseen_keeps_none(amended) -> None:
    _manager, moves = amended

    assert [(a.after_viewing, a.moves, a.moves_toward) for a in moves] == [(True, 2, 1), (True, 1, 1), (False, 0, 0)]


def test_calibration_shows_the_share_toward_the_panel_per_interviewer_and_per_role(amended) -> None:
    manager, _moves = amended

    page = _signed_in(manager).get(reverse("calibration"))

    html = page.content.decode()
    alice = html.split('id="interviewer-', 1)[1].split("</tr>", 1)[0]
    assert "Alice Ames" in alice
    assert "67%<br>" in alice
    assert "2 of 3" in alice
    by_role = html.split('class="table table-sm w-auto align-middle conformity"', 1)[1].split("</table>", 1)[0]
    rows = [row.split("</tr>")[0] for row in by_role.split("<tr>")[2:]]
    assert [(r.split("</th>")[0].split(">")[-1], r.split("<td>")[1].split("<br>")[0], "of" in r) for r in rows] == [
        ("Data engineer", "50%", True),
        ("Support lead", "100%", True),
    ]
    assert "1 of 2" in rows[0]
    assert "1 of 1" in rows[1]


def test_the_rebuilt_statistics_give_the_same_conformity_as_kept_in_step(amended) -> None:
    kept = sorted(InterviewerFigures.objects.values_list("rubric__title", "conformity_moves", "conformity_toward"))

    statistics_rebuild()

    assert (
        sorted(InterviewerFigures.objects.values_list("rubric__title", "conformity_moves", "conformity_toward")) == kept
    )
    assert ("Data engineer", 2, 1) in kept
    assert ("Support lead", 1, 1) in kept


def test_calibration_without_any_amendment_after_viewing_says_so_and_shows_no_share(db) -> None:
    manager = HiringManagerFactory()
    interview = InterviewFactory(loop=LoopFactory(hiring_manager=manager))
    _submit(interview, [3, 3, 3])

    html = _signed_in(manager).get(reverse("calibration")).content.decode()

    assert "No score was changed by an amendment made after seeing colleagues' scorecards." in html
    row = html.split('id="interviewer-', 1)[1].split("</tr>", 1)[0]
    assert row.count("<td>—</td>") == 1  # moves toward the panel; every other column has a figure
