"""The hiring pages through the test client: home, loop planning, scorecards, autosave and amendments."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiring.models import Amendment, Interview, Loop, ObservedSignal, Rating, Scorecard
from hiring.selectors.loops import uncovered_dimensions
from hiring.services.loop_status import loop_status_refresh
from hiring.services.loops import loop_create
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_save_draft, scorecard_submit
from roles.models import Dimension, Exercise, RubricVersion, Signal
from roles.services import roles_load
from tests.factories import (
    PASSWORD,
    DimensionFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RecruiterFactory,
    RubricVersionFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse  # what the test client answers (stubs only)


pytestmark = pytest.mark.django_db


# Fixtures ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def interview() -> Interview:
    """Two hours ago, on a 1–5 rubric of three dimensions (all in focus) with a strong, weak and red-flag signal."""
    return InterviewFactory(scheduled_at=timezone.now() - dt.timedelta(hours=2))


@pytest.fixture
def scorecard(interview) -> Scorecard:
    return interview.scorecard


@pytest.fixture
def owner(login, interview) -> Client:
    return login(interview.interviewer)


# Helpers ----------------------------------------------------------------------------------------------------------


class _Form(HTMLParser):
    """The form controls of a page as a user's browser would see them: inputs, textareas and their labels."""

    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None
        self._textarea: dict | None = None
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.controls.append(attrs)
        elif tag == "textarea":
            attrs["value"] = ""
            self._textarea = attrs
            self.controls.append(attrs)
        elif tag == "label" and "for" in attrs:
            self._label = attrs["for"]
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea["value"] = self._textarea["value"].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data
        if self._textarea is not None:
            self._textarea["value"] += data

    def value(self, name: str) -> str:
        [control] = [c for c in self.controls if c.get("name") == name]
        return control.get("value", "")

    def options(self, name: str) -> list[tuple[str, str]]:
        """(value, label text) of each radio button or checkbox named `name`, in page order."""
        return [
            (c.get("value", "on"), " ".join(self.label_of(c).split()))
            for c in self.controls
            if c.get("name") == name and c.get("type") in ("radio", "checkbox")
        ]

    def label_of(self, control: dict) -> str:
        control_id = control.get("id")
        return self.labels.get(control_id, "") if control_id is not None else ""

    def checked(self, name: str) -> set[str]:
        return {c.get("value", "on") for c in self.controls if c.get("name") == name and "checked" in c}


def _text(response) -> str:
    """The page as a reader sees it: entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(response.content.decode()).split())


def _url(scorecard: Scorecard, view: str = "scorecard") -> str:
    return reverse(view, args=[scorecard.pk])


def _login_redirect(next_url: str) -> str:
    return f"{reverse('login')}?next={next_url}"


def _data(scorecard: Scorecard, *, score="3", evidence="Walked through an example.", action="save", **extra) -> dict:
    """Form data filling every focus dimension with `score` and `evidence`, at the scorecard's current revision."""
    fresh = Scorecard.objects.get(pk=scorecard.pk)
    data = {"revision": str(fresh.revision), "recommendation": "yes", "key_takeaways": "", "action": action}
    for dimension in scorecard.interview.focus_dimensions.all():
        if score is not None:
            data[f"score_{dimension.pk}"] = str(score)
        data[f"evidence_{dimension.pk}"] = evidence
    data.update(extra)
    return data


def _dimensions(scorecard: Scorecard) -> list[Dimension]:
    return list(scorecard.interview.loop.rubric.dimensions.order_by("position"))


def _state(scorecard: Scorecard) -> tuple:
    fresh = Scorecard.objects.get(pk=scorecard.pk)
    return (
        fresh.status,
        fresh.revision,
        fresh.recommendation,
        fresh.key_takeaways,
        sorted(fresh.ratings.values_list("dimension_id", "score", "not_assessed", "evidence")),
        sorted(fresh.observed_signals.values_list("signal_id", "note")),
        Rating.objects.count(),
        ObservedSignal.objects.count(),
        Amendment.objects.count(),
    )


def _evidence(scorecard: Scorecard, dimension: Dimension) -> str | None:
    rating = Rating.objects.filter(scorecard=scorecard, dimension=dimension).first()
    return rating.evidence if rating is not None else None


def _submit(scorecard: Scorecard, *, evidence: str = "What I saw.", score: int = 3, **kw) -> Scorecard:
    ratings = {d.pk: RatingInput(score=score, evidence=evidence) for d in scorecard.interview.focus_dimensions.all()}
    kw.setdefault("recommendation", "yes")
    return scorecard_submit(
        scorecard=scorecard,
        by=scorecard.interview.interviewer,
        revision=Scorecard.objects.get(pk=scorecard.pk).revision,
        data=ScorecardInput(ratings=ratings, **kw),
    )


def _section(response, heading_id: str) -> str:
    content = response.content.decode()
    match = re.search(rf'id="{heading_id}".*?</section>', content, re.DOTALL)
    return html.unescape(match.group(0)) if match else ""


def _fixture(slug: str) -> dict:
    return json.loads((settings.ROLE_FIXTURES_DIR / slug / "v1.json").read_text(encoding="utf-8"))


def _load_roles(*slugs: str) -> None:
    """Load some of the real role fixtures: what the conftest `role_fixtures` does for all five, but faster."""
    roles_load(paths=[settings.ROLE_FIXTURES_DIR / slug / "v1.json" for slug in slugs])


# Signing in -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["home", "loop_new", "scorecard", "scorecard_amend", "loop_detail", "loop_plan"])
def test_anonymous_visitors_are_sent_to_log_in(client, scorecard, view):
    url = {
        "home": "/",
        "loop_new": "/loops/new/",
        "scorecard": f"/scorecards/{scorecard.pk}/",
        "scorecard_amend": f"/scorecards/{scorecard.pk}/amend/",
        "loop_detail": f"/loops/{scorecard.interview.loop_id}/",
        "loop_plan": f"/loops/{scorecard.interview.loop_id}/plan/",
    }[view]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == _login_redirect(url)


# Home -------------------------------------------------------------------------------------------------------------


def test_the_home_page_sorts_interviews_into_upcoming_to_write_overdue_and_submitted(login, interviewer):
    assert settings.SCORECARD_DUE_HOURS == 24
    now = timezone.now()
    when = {
        "Uma Upcoming": now + dt.timedelta(hours=2),
        "Tess Towrite": now - dt.timedelta(hours=23),
        "Olga Overdue": now - dt.timedelta(hours=25),
        "Sam Submitted": now - dt.timedelta(hours=30),
    }
    for name, scheduled_at in when.items():
        interview = InterviewFactory(interviewer=interviewer, scheduled_at=scheduled_at, loop__candidate__name=name)
    _submit(interview.scorecard)  # Sam Submitted
    InterviewFactory(loop__candidate__name="Nora Notmine", scheduled_at=now - dt.timedelta(hours=1))

    response = login(interviewer).get("/")

    assert response.status_code == 200
    sections = {
        "upcoming-heading": "Uma Upcoming",
        "write-heading": "Tess Towrite",
        "overdue-heading": "Olga Overdue",
        "submitted-heading": "Sam Submitted",
    }
    for heading, name in sections.items():
        section = _section(response, heading)
        assert name in section, heading
        assert "(1)" in section, heading
        for other in set(when) - {name}:
            assert other not in section, (heading, other)
    assert "Nora Notmine" not in _text(response)


def _submitted_history(interviewer, count: int) -> list[str]:
    """`count` submitted scorecards of `interviewer`, one hour apart; candidate names, the latest first."""
    start = timezone.now() - dt.timedelta(days=30)
    names = []
    for n in range(count):
        interview = InterviewFactory(interviewer=interviewer, loop__candidate__name=f"Past Candidate {n:02d}")
        Scorecard.objects.filter(pk=interview.scorecard.pk).update(
            status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=start + dt.timedelta(hours=n)
        )
        loop_status_refresh(interview.loop)  # the stored figures follow, as after every write
        names.append(interview.loop.candidate.name)
    return names[::-1]


def test_the_home_page_lists_the_latest_ten_submitted_scorecards_and_links_to_the_rest(login, interviewer):
    names = _submitted_history(interviewer, 12)

    section = _section(login(interviewer).get("/"), "submitted-heading")

    assert "Submitted (12)" in section
    assert [name for name in names if name in section] == names[:10]
    assert "All 12 submitted scorecards" in section


def test_the_submitted_scorecards_page_is_paginated_latest_first(login, interviewer):
    names = _submitted_history(interviewer, 52)
    client = login(interviewer)

    first = _text(client.get(reverse("my_scorecards")))
    second = _text(client.get(reverse("my_scorecards"), {"page": "2"}))
    beyond = client.get(reverse("my_scorecards"), {"page": "<b>x</b>"})

    assert "52 scorecards" in first
    assert "Page 1 of 2" in first
    assert [name for name in names if name in first] == names[:50]
    assert [name for name in names if name in second] == names[50:]
    assert beyond.status_code == 200


def test_the_home_page_costs_the_same_queries_for_a_short_or_long_history(login):
    counts = []
    for history in (1, 40):
        interviewer = InterviewerFactory()
        _submitted_history(interviewer, history)
        InterviewFactory(interviewer=interviewer)  # one open interview
        client = login(interviewer)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Loops: creating and planning -------------------------------------------------------------------------------------


@pytest.fixture
def lead_rubric(db) -> RubricVersion:
    """The real lead-ml-scientist rubric: its exercises leave two of its eight dimensions uncovered."""
    _load_roles("lead-ml-scientist")
    return RubricVersion.objects.get(role__slug="lead-ml-scientist", number=1)


def test_a_recruiter_creates_a_loop_and_is_sent_to_plan_it(login, recruiter, hiring_manager, lead_rubric):
    response = login(recruiter).post(
        "/loops/new/",
        {
            "candidate_name": "Grace Hopper",
            "candidate_email": "grace@example.com",
            "rubric": lead_rubric.pk,
            "hiring_manager": hiring_manager.pk,
        },
    )

    loop = Loop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/loops/{loop.pk}/plan/"
    assert (loop.candidate.name, loop.recruiter, loop.hiring_manager, loop.rubric) == (
        "Grace Hopper",
        recruiter,
        hiring_manager,
        lead_rubric,
    )
    assert RubricVersion.objects.get(pk=lead_rubric.pk).locked_at is not None


def test_a_loop_needs_a_hiring_manager_from_the_group(login, recruiter, interviewer, lead_rubric):
    response = login(recruiter).post(
        "/loops/new/",
        {"candidate_name": "Grace Hopper", "rubric": lead_rubric.pk, "hiring_manager": interviewer.pk},
    )

    assert response.status_code == 400
    assert not Loop.objects.exists()


def test_a_hiring_manager_the_service_refuses_is_shown_beside_the_field(
    login, recruiter, hiring_manager, lead_rubric, monkeypatch
):
    monkeypatch.setattr("hiring.services.loops.policy.is_hiring_manager", lambda user: False)  # left the group

    response = login(recruiter).post(
        "/loops/new/",
        {"candidate_name": "Grace Hopper", "rubric": lead_rubric.pk, "hiring_manager": hiring_manager.pk},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"hiring_manager": ["Choose someone in the Hiring managers group."]}
    assert not Loop.objects.exists()


def test_an_interviewer_cannot_create_loops(login, interviewer, hiring_manager, lead_rubric):
    client = login(interviewer)

    assert client.get("/loops/new/").status_code == 403
    response = client.post(
        "/loops/new/", {"candidate_name": "Grace Hopper", "rubric": lead_rubric.pk, "hiring_manager": hiring_manager.pk}
    )
    assert response.status_code == 403
    assert not Loop.objects.exists()


@pytest.fixture
def lead_loop(lead_rubric, recruiter, hiring_manager) -> Loop:
    return loop_create(
        candidate_name="Grace Hopper",
        candidate_email="",
        candidate_notes="",
        rubric=lead_rubric,
        hiring_manager=hiring_manager,
        by=recruiter,
    )


def _plan_data(loop: Loop, interviewer, extra_focus: dict[str, list[str]] | None = None) -> dict:
    data: dict = {}
    for index, exercise in enumerate(loop.rubric.exercises.order_by("position")):
        prefix = f"exercise-{exercise.pk}"
        slugs = [d.slug for d in exercise.dimensions.all()] + (extra_focus or {}).get(exercise.slug, [])
        data[f"{prefix}-include"] = "on"
        data[f"{prefix}-interviewer"] = str(interviewer.pk)
        data[f"{prefix}-scheduled_at"] = f"2031-03-0{index + 3}T10:00"
        data[f"{prefix}-focus"] = [
            str(pk) for pk in loop.rubric.dimensions.filter(slug__in=slugs).values_list("pk", flat=True)
        ]
    return data


def _coverage_warning(response) -> str:
    match = re.search(r'id="coverage-warning">(.*?)</div>', response.content.decode(), re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split()) if match else ""


def test_the_plan_page_shows_one_row_per_exercise_with_its_focus_ticked(login, lead_loop):
    response = login(lead_loop.recruiter).get(f"/loops/{lead_loop.pk}/plan/")

    assert response.status_code == 200
    form = _Form(response.content.decode())
    exercises = list(lead_loop.rubric.exercises.order_by("position"))
    assert [e.slug for e in exercises] == [
        "ml-product-design",
        "experiment-result-interpretation",
        "error-analysis-next-iteration",
    ]
    for exercise in exercises:
        prefix = f"exercise-{exercise.pk}"
        assert exercise.title in _text(response)
        assert len(form.options(f"{prefix}-focus")) == 8  # every rubric dimension can be chosen
        assert form.checked(f"{prefix}-focus") == {str(d.pk) for d in exercise.dimensions.all()}
        assert form.checked(f"{prefix}-include") == {"on"}
    assert len({c["name"] for c in form.controls if c.get("name", "").endswith("-include")}) == 3
    assert _coverage_warning(response).startswith("Not covered by any interview:")
    assert "Leadership & mentorship" in _coverage_warning(response)


def test_posting_a_plan_creates_the_interviews_and_names_the_uncovered_dimensions(login, lead_loop, interviewer):
    client = login(lead_loop.recruiter)

    response = client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer), follow=True)

    assert response.redirect_chain == [(f"/loops/{lead_loop.pk}/", 302)]
    interviews = Interview.objects.filter(loop=lead_loop)
    assert interviews.count() == 3
    assert set(interviews.values_list("interviewer", flat=True)) == {interviewer.pk}
    assert Scorecard.objects.filter(interview__loop=lead_loop, status="draft", revision=1).count() == 3
    text = _text(response)
    assert (
        "Plan saved, but no interview covers: Leadership & mentorship, "
        "Craft & documentation (reproducibility, cleanliness)." in text
    )
    warning = _coverage_warning(client.get(f"/loops/{lead_loop.pk}/plan/"))
    assert "Leadership & mentorship" in warning
    assert "Craft & documentation (reproducibility, cleanliness)" in warning
    assert "Problem framing" not in warning


def test_the_coverage_warning_disappears_once_every_dimension_is_in_a_focus(login, lead_loop, interviewer):
    client = login(lead_loop.recruiter)
    client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer))
    data = _plan_data(lead_loop, interviewer, {"ml-product-design": ["leadership-mentorship", "craft-documentation"]})

    response = client.post(f"/loops/{lead_loop.pk}/plan/", data, follow=True)

    assert response.status_code == 200
    assert "Every rubric dimension is covered by an interview." in _text(response)
    plan = client.get(f"/loops/{lead_loop.pk}/plan/")
    assert _coverage_warning(plan) == ""
    assert 'id="coverage-ok">' in plan.content.decode()  # shown, not hidden
    assert Interview.objects.filter(loop=lead_loop).count() == 3  # the same interviews, updated
    assert uncovered_dimensions(loop=lead_loop) == []


def test_the_loop_page_tells_the_recruiter_what_no_interview_covers(login, lead_loop, interviewer):
    client = login(lead_loop.recruiter)
    client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer))

    text = _text(client.get(f"/loops/{lead_loop.pk}/"))

    assert "No interview covers: Leadership & mentorship, Craft & documentation (reproducibility, cleanliness)." in text


def test_two_interviews_of_one_exercise_both_show_on_the_plan_and_both_are_kept(login, lead_loop, interviewer):
    client = login(lead_loop.recruiter)
    client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer))
    first = Interview.objects.filter(loop=lead_loop).order_by("pk").first()
    assert first is not None
    colleague = InterviewerFactory()
    second = InterviewFactory(
        loop=lead_loop, exercise=first.exercise, interviewer=colleague, focus=list(first.focus_dimensions.all())
    )

    form = _Form(client.get(f"/loops/{lead_loop.pk}/plan/").content.decode())
    data = _plan_data(lead_loop, interviewer)
    prefix = f"interview-{second.pk}"
    data |= {
        f"{prefix}-include": "on",
        f"{prefix}-interviewer": str(colleague.pk),
        f"{prefix}-scheduled_at": "2031-03-09T15:00",
        f"{prefix}-focus": [str(d.pk) for d in first.focus_dimensions.all()],
    }
    response = client.post(f"/loops/{lead_loop.pk}/plan/", data)

    assert len({c["name"] for c in form.controls if c.get("name", "").endswith("-include")}) == 4
    assert form.checked(f"{prefix}-include") == {"on"}
    assert response.status_code == 302
    assert Interview.objects.filter(loop=lead_loop).count() == 4
    second.refresh_from_db()
    assert (second.interviewer, timezone.localtime(second.scheduled_at).hour) == (colleague, 15)


def test_only_the_loops_recruiter_opens_its_plan(login, lead_loop):
    assert login(lead_loop.hiring_manager).get(f"/loops/{lead_loop.pk}/plan/").status_code == 403
    assert login(RecruiterFactory()).get(f"/loops/{lead_loop.pk}/plan/").status_code == 404


# The scorecard form -----------------------------------------------------------------------------------------------


def _real_interview(slug: str, exercise_slug: str, *, other_roles: tuple[str, ...] = ()) -> Interview:
    """An interview two hours ago on a loop of the real role `slug`, focused as its exercise is."""
    _load_roles(slug, *other_roles)
    rubric = RubricVersion.objects.get(role__slug=slug, number=1)
    exercise = Exercise.objects.get(rubric=rubric, slug=exercise_slug)
    loop = LoopFactory(rubric=rubric)
    return InterviewFactory(loop=loop, exercise=exercise, focus=list(exercise.dimensions.all()))


@pytest.mark.parametrize(
    ("slug", "exercise_slug", "levels"),
    [
        ("principal-ml-scientist", "end-to-end-ml-feature-design", [1, 2, 3, 4, 5]),
        ("principal-research-scientist", "research-to-production-case-study", [0, 1, 2, 3, 4]),
    ],
)
def test_the_scorecard_form_offers_each_level_with_its_anchor(login, slug, exercise_slug, levels):
    interview = _real_interview(slug, exercise_slug)
    document = _fixture(slug)
    labels = document["rubric"]["scale"]["labels"]
    dimensions = {d["slug"]: d for d in document["rubric"]["dimensions"]}
    focus = next(e for e in document["rubric"]["exercises"] if e["slug"] == exercise_slug)["dimensions"]

    response = login(interview.interviewer).get(_url(interview.scorecard))

    assert response.status_code == 200
    form = _Form(response.content.decode())
    for dimension_slug in focus:
        dimension = Dimension.objects.get(rubric=interview.loop.rubric, slug=dimension_slug)
        anchors = {a["level"]: a["text"] for a in dimensions[dimension_slug]["anchors"]}
        expected = [(str(level), f"{level} {labels[str(level)]}") for level in levels] + [("na", "Not assessed")]
        assert form.options(f"score_{dimension.pk}") == expected, dimension_slug
        # Choosing a level shows its anchor under the row (scorecard.js reads it from the radio button).
        shown = [c.get("data-anchor") for c in form.controls if c.get("name") == f"score_{dimension.pk}"][:-1]
        assert shown == [
            " ".join(f"{labels[str(level)]}{f' — {anchors[level]}' if level in anchors else ''}".split())
            for level in levels
        ], dimension_slug
    assert len(focus) >= 2
    assert len(anchors) == 3


@pytest.mark.parametrize(
    ("slug", "exercise_slug"),
    [
        ("principal-ml-scientist", "end-to-end-ml-feature-design"),
        ("principal-research-scientist", "research-to-production-case-study"),
    ],
)
def test_the_scorecard_form_lists_the_roles_own_signals_only_and_links_to_the_kit(login, slug, exercise_slug):
    interview = _real_interview(slug, exercise_slug, other_roles=("senior-ml-scientist",))
    own = {s["text"] for s in _fixture(slug)["rubric"]["signals"]}
    others = {s.text for s in Signal.objects.exclude(rubric=interview.loop.rubric).exclude(text__in=own)}
    assert others

    response = login(interview.interviewer).get(_url(interview.scorecard))

    form = _Form(response.content.decode())
    shown = {
        label
        for name in {c.get("name", "") for c in form.controls}
        if re.fullmatch(r"signal_\d+", name)
        for _, label in form.options(name)
    }
    assert shown == {" ".join(text.split()) for text in own}
    text = _text(response)
    assert not [signal for signal in others if " ".join(signal.split()) in text]
    assert f'href="/roles/{slug}/?version=1&amp;exercise={exercise_slug}"' in response.content.decode()


def test_a_draft_is_shown_again_with_what_was_saved(owner, scorecard):
    first = _dimensions(scorecard)[0]
    owner.post(_url(scorecard), _data(scorecard, score="4", evidence="Saved before.", key_takeaways="Notes kept."))

    form = _Form(owner.get(_url(scorecard)).content.decode())

    assert form.checked(f"score_{first.pk}") == {"4"}
    assert form.value(f"evidence_{first.pk}") == "Saved before."
    assert form.value("key_takeaways") == "Notes kept."
    assert form.value("revision") == "2"


def test_an_optional_dimension_scored_0_opens_the_optional_section(login):
    rubric = RubricVersionFactory(scale_min=0, scale_max=4, dimensions=3, signals=True, locked_at=timezone.now())
    focus, optional, _ = rubric.dimensions.order_by("position")
    interview = InterviewFactory(loop=LoopFactory(rubric=rubric), focus=[focus])
    scorecard_save_draft(
        scorecard=interview.scorecard,
        by=interview.interviewer,
        revision=1,
        data=ScorecardInput(ratings={optional.pk: RatingInput(score=0)}),
    )

    content = login(interview.interviewer).get(_url(interview.scorecard)).content.decode()

    assert _Form(content).checked(f"score_{optional.pk}") == {"0"}
    assert re.search(r'<details class="mb-3 sc-fold"\s*open>', content)


# Saving and submitting --------------------------------------------------------------------------------------------


def test_saving_a_draft_saves_and_redirects_back_to_the_scorecard(owner, scorecard):
    first = _dimensions(scorecard)[0]

    response = owner.post(_url(scorecard), _data(scorecard, evidence="Draft evidence.", key_takeaways="Draft notes."))

    assert response.status_code == 302
    assert response["Location"] == _url(scorecard)
    fresh = Scorecard.objects.get(pk=scorecard.pk)
    assert (fresh.status, fresh.revision, fresh.key_takeaways) == ("draft", 2, "Draft notes.")
    assert _evidence(scorecard, first) == "Draft evidence."
    assert "Draft saved at" in _text(owner.get(_url(scorecard)))


def test_submitting_a_complete_scorecard_locks_it(owner, scorecard):
    response = owner.post(_url(scorecard), _data(scorecard, action="submit"))

    assert response.status_code == 302
    fresh = Scorecard.objects.get(pk=scorecard.pk)
    assert fresh.is_submitted
    assert fresh.submitted_at is not None
    page = owner.get(_url(scorecard))
    assert "Amend this scorecard" in _text(page)
    assert 'id="scorecard-form"' not in page.content.decode()


def test_submitting_without_evidence_at_a_scale_end_is_refused_keeping_the_typed_text(owner, scorecard):
    first, second, _ = _dimensions(scorecard)
    before = _state(scorecard)
    data = _data(
        scorecard,
        action="submit",
        evidence="Typed evidence that must survive.",
        key_takeaways="My typed takeaways.",
        **{f"score_{first.pk}": "5", f"evidence_{first.pk}": ""},
    )

    response = owner.post(_url(scorecard), data)

    assert response.status_code == 400
    text = _text(response)
    assert "a score of 5 is at the end of the scale; write the evidence for it." in text
    form = _Form(response.content.decode())
    assert form.value(f"evidence_{second.pk}") == "Typed evidence that must survive."
    assert form.value("key_takeaways") == "My typed takeaways."
    assert form.checked(f"score_{first.pk}") == {"5"}
    assert _state(scorecard) == before


def test_a_score_for_a_dimension_of_another_rubric_is_refused(owner, scorecard):
    foreign = DimensionFactory()
    before = _state(scorecard)

    response = owner.post(_url(scorecard), _data(scorecard, **{f"score_{foreign.pk}": "3"}))

    assert response.status_code == 400
    assert f"That dimension ({foreign.pk}) is not part of this role's rubric; nothing was saved." in _text(response)
    assert _state(scorecard) == before


def test_a_score_off_the_scale_is_refused(owner, scorecard):
    first = _dimensions(scorecard)[0]
    before = _state(scorecard)

    response = owner.post(_url(scorecard), _data(scorecard, **{f"score_{first.pk}": "9"}))

    assert response.status_code == 400
    assert "Choose a score on this role's scale (1–5) or “not assessed”." in _text(response)
    assert _state(scorecard) == before


# Blind scoring ----------------------------------------------------------------------------------------------------


@pytest.fixture
def colleague(interview) -> Interview:
    """Interviewer B on the same loop, with a submitted scorecard."""
    other = InterviewFactory(loop=interview.loop)
    _submit(other.scorecard, evidence="B's private evidence.")
    return other


def test_a_colleagues_scorecard_is_hidden_until_your_own_is_submitted(owner, scorecard, colleague):
    response = owner.get(_url(colleague.scorecard))

    assert response.status_code == 403
    assert "Scores are hidden until your own scorecard for this loop is submitted" in _text(response)
    assert "B's private evidence." not in _text(response)

    _submit(scorecard)
    response = owner.get(_url(colleague.scorecard))

    assert response.status_code == 200
    assert "B's private evidence." in _text(response)


def test_the_loop_page_hides_colleagues_scorecards_until_yours_is_in(owner, scorecard, colleague):
    loop_url = f"/loops/{scorecard.interview.loop_id}/"

    assert _url(colleague.scorecard) not in owner.get(loop_url).content.decode()
    _submit(scorecard)
    assert _url(colleague.scorecard) in owner.get(loop_url).content.decode()


def test_an_interviewer_not_on_the_loop_gets_404(login, interviewer, colleague):
    client = login(interviewer)

    assert client.get(_url(colleague.scorecard)).status_code == 404
    assert client.get(f"/loops/{colleague.loop_id}/").status_code == 404


@pytest.mark.parametrize(
    "who", ["colleague before submitting", "colleague after submitting", "hiring manager", "staff"]
)
def test_posting_to_someone_elses_scorecard_is_forbidden_and_saves_nothing(login, scorecard, colleague, who):
    if who == "colleague after submitting":
        _submit(scorecard)
    user = {
        "hiring manager": scorecard.interview.loop.hiring_manager,
        "staff": UserFactory(is_staff=True),
    }.get(who, scorecard.interview.interviewer)
    target = colleague.scorecard
    before = _state(target)

    response = login(user).post(_url(target), _data(target, evidence="Overwritten!", action="save"))

    assert response.status_code == 403
    assert _state(target) == before


def test_posting_to_a_scorecard_on_another_loop_is_404_and_saves_nothing(login, interviewer, scorecard):
    before = _state(scorecard)

    response = login(interviewer).post(_url(scorecard), _data(scorecard, evidence="Overwritten!"))

    assert response.status_code == 404
    assert _state(scorecard) == before


# Two tabs ---------------------------------------------------------------------------------------------------------


def test_a_save_from_a_stale_tab_is_a_conflict_that_keeps_the_typed_text(owner, scorecard):
    first = _dimensions(scorecard)[0]
    loaded = _Form(owner.get(_url(scorecard)).content.decode())
    assert loaded.value("revision") == "1"
    tab_1 = _data(scorecard, evidence="Tab one wrote this.", revision="1")
    tab_2 = _data(scorecard, evidence="Tab two wrote this.", revision="1")

    assert owner.post(_url(scorecard), tab_1).status_code == 302
    assert Scorecard.objects.get(pk=scorecard.pk).revision == 2
    response = owner.post(_url(scorecard), tab_2)

    assert response.status_code == 409
    text = _text(response)
    assert "Not saved: this scorecard changed elsewhere." in text
    assert "This scorecard was saved elsewhere (another tab or window)" in text
    form = _Form(response.content.decode())
    assert form.value(f"evidence_{first.pk}") == "Tab two wrote this."
    assert _evidence(scorecard, first) == "Tab one wrote this."
    assert form.value("revision") == "2"

    response = owner.post(_url(scorecard), {**tab_2, "revision": form.value("revision")})

    assert response.status_code == 302
    assert _evidence(scorecard, first) == "Tab two wrote this."
    assert Scorecard.objects.get(pk=scorecard.pk).revision == 3


def test_a_tab_left_open_after_submitting_elsewhere_keeps_the_typed_text_and_says_why(owner, scorecard):
    assert owner.post(_url(scorecard), _data(scorecard, action="submit", revision="1")).status_code == 302
    before = _state(scorecard)
    stale_tab = _data(scorecard, action="save", revision="1", key_takeaways="Typed in the tab left open.")

    response = owner.post(_url(scorecard), stale_tab)

    assert response.status_code == 409
    assert _state(scorecard) == before
    assert "Typed in the tab left open." in _text(response)
    assert "was submitted meanwhile (in another tab or window)" in _text(response)
    assert "give a reason to save it as an amendment" in _text(response)


def test_a_draft_on_a_decided_loop_is_shown_without_a_form_that_cannot_be_saved(owner, scorecard):
    Loop.objects.filter(pk=scorecard.interview.loop_id).update(status=Loop.Status.DECIDED)
    response = owner.get(_url(scorecard))
    assert response.status_code == 200
    assert 'id="scorecard-form"' not in response.content.decode()
    assert "Drafts save automatically" not in _text(response)


def test_text_posted_to_a_draft_of_a_decided_loop_is_shown_back_not_lost(owner, scorecard):
    Loop.objects.filter(pk=scorecard.interview.loop_id).update(status=Loop.Status.DECIDED)
    before = _state(scorecard)

    response = owner.post(_url(scorecard), _data(scorecard, action="save", key_takeaways="Typed too late."))

    assert response.status_code == 409
    assert _state(scorecard) == before
    assert "Typed too late." in _text(response)
    assert "this loop is decided, so drafts can no longer be saved or submitted" in _text(response)


# Signed out while writing -----------------------------------------------------------------------------------------


def _log_in_again(client: Client, user, next_url: str) -> tuple[_MonkeyPatchedWSGIResponse, list[str]]:
    """Log in through the login form and follow the redirects by hand, like a browser.

    (The test client's follow=True calls login → scorecard → the same scorecard again a loop: after restoring
    kept text the scorecard page redirects to itself once, post/redirect/get.)
    """
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url})
    chain: list[str] = []
    while response.status_code == 302 and len(chain) < 5:
        chain.append(response["Location"])
        response = client.get(response["Location"])
    return response, chain


def test_a_post_after_the_session_expired_is_kept_and_restored_after_logging_in(login, interview, scorecard):
    first = _dimensions(scorecard)[0]
    client = login(interview.interviewer)
    client.logout()  # the session is gone, as after it expired
    data = _data(scorecard, score=None, **{f"evidence_{first.pk}": "Written while signed out."})

    response = client.post(_url(scorecard), data)

    assert response.status_code == 302
    assert response["Location"] == _login_redirect(_url(scorecard))
    assert _evidence(scorecard, first) is None

    response, chain = _log_in_again(client, interview.interviewer, _url(scorecard))

    assert response.status_code == 200
    assert chain == [_url(scorecard), _url(scorecard)]
    fresh = Scorecard.objects.get(pk=scorecard.pk)
    assert (fresh.status, fresh.revision) == ("draft", 2)
    assert _evidence(scorecard, first) == "Written while signed out."
    assert "Restored what you typed before you were signed out" in _text(response)
    assert _Form(response.content.decode()).value(f"evidence_{first.pk}") == "Written while signed out."

    # Restored once: opening the page again does not save it a second time.
    client.get(_url(scorecard))
    assert Scorecard.objects.get(pk=scorecard.pk).revision == 2


def test_an_autosave_after_the_session_expired_answers_401_and_is_restored_after_logging_in(
    login, interview, scorecard
):
    first = _dimensions(scorecard)[0]
    client = login(interview.interviewer)
    client.logout()
    data = _data(scorecard, score=None, **{f"evidence_{first.pk}": "Autosaved while signed out."})

    response = client.post(_url(scorecard, "scorecard_autosave"), data, headers={"Accept": "application/json"})

    assert response.status_code == 401
    assert response.json()["error"] == "signed_out"
    assert response.json()["login_url"] == _login_redirect(_url(scorecard))
    assert _evidence(scorecard, first) is None

    response, _chain = _log_in_again(client, interview.interviewer, _url(scorecard))

    assert _evidence(scorecard, first) == "Autosaved while signed out."
    assert "Restored what you typed before you were signed out" in _text(response)


def test_text_kept_for_one_person_is_not_saved_into_someone_elses_scorecard(login, interview, scorecard, colleague):
    first = _dimensions(scorecard)[0]
    client = Client()
    client.post(_url(scorecard), _data(scorecard, score=None, **{f"evidence_{first.pk}": "Anonymous text."}))

    _log_in_again(client, colleague.interviewer, _url(scorecard))

    assert _evidence(scorecard, first) is None
    assert Scorecard.objects.get(pk=scorecard.pk).revision == 1


# Autosave ---------------------------------------------------------------------------------------------------------


def _autosave(client: Client, scorecard: Scorecard, data: dict):
    return client.post(_url(scorecard, "scorecard_autosave"), data, headers={"Accept": "application/json"})


def test_autosave_saves_and_answers_the_new_revision(owner, scorecard):
    first = _dimensions(scorecard)[0]

    response = _autosave(owner, scorecard, _data(scorecard, evidence="Autosaved text."))

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True
    assert body["revision"] == 2
    assert re.fullmatch(r"\d\d:\d\d:\d\d", body["saved_at"])
    assert _evidence(scorecard, first) == "Autosaved text."


def test_autosave_from_a_stale_revision_answers_409_and_keeps_the_saved_text(owner, scorecard):
    first = _dimensions(scorecard)[0]
    _autosave(owner, scorecard, _data(scorecard, evidence="First tab.", revision="1"))

    response = _autosave(owner, scorecard, _data(scorecard, evidence="Second tab.", revision="1"))

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert response.json()["revision"] == 2
    assert _evidence(scorecard, first) == "First tab."


def test_autosave_with_an_invalid_score_answers_400_and_saves_nothing(owner, scorecard):
    before = _state(scorecard)

    response = _autosave(owner, scorecard, _data(scorecard, score="9"))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "Choose a score on this role's scale (1–5)" in response.json()["message"]
    assert _state(scorecard) == before


def test_autosave_of_a_submitted_scorecard_is_refused(owner, scorecard):
    _submit(scorecard)
    before = _state(scorecard)

    response = _autosave(owner, scorecard, _data(scorecard, evidence="Sneaky change."))

    assert response.status_code == 400
    assert _state(scorecard) == before


def test_autosave_of_someone_elses_scorecard_is_refused(login, interviewer, scorecard):
    before = _state(scorecard)

    hidden = _autosave(login(interviewer), scorecard, _data(scorecard))
    forbidden = _autosave(login(scorecard.interview.loop.hiring_manager), scorecard, _data(scorecard))

    assert (hidden.status_code, hidden.json()["error"]) == (404, "not_found")
    assert (forbidden.status_code, forbidden.json()["error"]) == (403, "forbidden")
    assert _state(scorecard) == before


# Amendments -------------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(scorecard) -> Scorecard:
    return _submit(scorecard, evidence="Original evidence.")


def test_amending_a_submitted_scorecard_shows_the_history_with_reason_and_change(owner, submitted):
    first = _dimensions(submitted)[0]
    page = owner.get(_url(submitted, "scorecard_amend"))
    assert page.status_code == 200
    assert _Form(page.content.decode()).value(f"evidence_{first.pk}") == "Original evidence."
    data = _data(
        submitted, evidence="Original evidence.", reason="Typo in the first dimension.", action="submit",
        **{f"evidence_{first.pk}": "Corrected evidence."},
    )  # fmt: skip

    response = owner.post(_url(submitted, "scorecard_amend"), data)

    assert response.status_code == 302
    assert response["Location"] == _url(submitted)
    text = _text(owner.get(_url(submitted)))
    assert "Amendment history" in text
    assert "Reason: Typo in the first dimension." in text
    assert f"{first.name}: evidence: “Original evidence.” → “Corrected evidence.”" in text
    amendment = Amendment.objects.get()
    assert (amendment.by, amendment.reason) == (submitted.interview.interviewer, "Typo in the first dimension.")


def test_an_amendment_without_a_reason_is_refused_with_400(owner, submitted):
    first = _dimensions(submitted)[0]
    before = _state(submitted)
    data = _data(submitted, evidence="Original evidence.", reason="  ", **{f"evidence_{first.pk}": "Changed."})

    response = owner.post(_url(submitted, "scorecard_amend"), data)

    assert response.status_code == 400
    assert _state(submitted) == before


def test_an_amendment_that_changes_nothing_is_refused_with_400(owner, submitted):
    before = _state(submitted)

    response = owner.post(
        _url(submitted, "scorecard_amend"), _data(submitted, evidence="Original evidence.", reason="Just because.")
    )

    assert response.status_code == 400
    assert "Nothing changed" in _text(response)
    assert _state(submitted) == before


def test_the_amend_page_of_a_draft_sends_you_back_to_the_scorecard(owner, scorecard):
    response = owner.get(_url(scorecard, "scorecard_amend"))

    assert response.status_code == 302
    assert response["Location"] == _url(scorecard)


def test_only_the_interviewer_amends(login, submitted):
    before = _state(submitted)
    client = login(submitted.interview.loop.hiring_manager)

    response = client.post(_url(submitted, "scorecard_amend"), _data(submitted, reason="I know better."))

    assert response.status_code == 403
    assert _state(submitted) == before


def test_an_amendment_posted_after_the_session_expired_is_shown_again_after_logging_in(login, submitted):
    client = login(submitted.interview.interviewer)
    client.logout()
    before = _state(submitted)

    response = client.post(
        _url(submitted, "scorecard_amend"), _data(submitted, reason="Typed while signed out.", key_takeaways="Kept.")
    )

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    page, _chain = _log_in_again(client, submitted.interview.interviewer, _url(submitted, "scorecard_amend"))
    assert page.status_code == 200
    assert "Typed while signed out." in _text(page)
    assert "Restored what you typed before you were signed out" in _text(page)
    assert _state(submitted) == before


# Output -----------------------------------------------------------------------------------------------------------


def test_html_in_evidence_is_shown_escaped(owner, scorecard):
    _submit(scorecard, evidence="<script>alert(1)</script>", key_takeaways="<b>bold</b>")

    response = owner.get(_url(scorecard))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<b>bold</b>" not in content
    assert "&lt;b&gt;bold&lt;/b&gt;" in content


def test_html_in_a_draft_is_shown_escaped_in_the_form(owner, scorecard):
    owner.post(_url(scorecard), _data(scorecard, evidence="<script>alert(1)</script>"))

    content = owner.get(_url(scorecard)).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def _page_queries(client: Client, scorecard: Scorecard) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(scorecard))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("submit", [False, True], ids=["form", "read-only"])
def test_the_scorecard_page_costs_the_same_queries_for_3_or_10_dimensions(login, interviewer, submit):
    scorecards = []
    for count in (3, 10):
        rubric = RubricVersionFactory(dimensions=count, signals=True, locked_at=timezone.now())
        interview = InterviewFactory(loop=LoopFactory(rubric=rubric), interviewer=interviewer)
        signals = {s.pk: "Seen." for s in rubric.signals.all()}
        if submit:
            _submit(interview.scorecard, signals=signals)
        else:
            ratings = {d.pk: RatingInput(score=2, evidence="x") for d in rubric.dimensions.all()}
            scorecard_save_draft(
                scorecard=interview.scorecard, by=interviewer, revision=1, data=ScorecardInput(ratings, signals)
            )
        scorecards.append(interview.scorecard)
    client = login(interviewer)
    for scorecard in scorecards:  # warm up the session, and each locked rubric's content (read once per process)
        client.get(_url(scorecard))

    small, large = (_page_queries(client, s) for s in scorecards)

    assert small == large


def test_a_refused_plan_sums_up_each_rows_problems_linked_to_their_fields_and_saves_nothing(login, lead_loop):
    first = lead_loop.rubric.exercises.order_by("position").first()
    assert first is not None
    data = _plan_data(lead_loop, InterviewerFactory())
    data[f"exercise-{first.pk}-interviewer"] = ""

    response = login(lead_loop.recruiter).post(f"/loops/{lead_loop.pk}/plan/", data)

    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))]
    assert "1 problem to fix; nothing was saved" in summary
    assert f'href="#id_exercise-{first.pk}-interviewer"' in summary
    assert html.escape(f"{first.title}: Interviewer") in summary
    assert not lead_loop.interviews.exists()
