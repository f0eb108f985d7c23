"""The scenario the security tests (and the API tests) share: personas, loops and their clients.

The scenario is one loop with two interviews: the persona "interviewer on the loop" and a
colleague whose scorecard is submitted. A second loop on the same rubric belongs to another
hiring manager and another recruiter, and has the "interviewer not on the loop" on its panel
(with a submitted scorecard there, which must not open anything on the first loop).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, override_settings
from django.test.client import ClientHandler

from hiring import policy
from hiring.models import (
    Amendment,
    AuditEvent,
    Candidate,
    Decision,
    DecisionBasis,
    ExportRecord,
    Interview,
    Loop,
    ObservedSignal,
    Rating,
    Scorecard,
)
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_submit
from roles.models import RubricVersion
from tests.factories import (
    CandidateFactory,
    HiringManagerFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RecruiterFactory,
    UserFactory,
    scale_mid,
)

CANDIDATE_NAME = "Zephyrine Quillfeather"
OTHER_CANDIDATE_NAME = "Bartholomew Oakenshield"
COLLEAGUE_EVIDENCE = "Colleague evidence: traced the outage to a stale cache key"
OWN_EVIDENCE = "Own evidence: designed the rollout in three stages"

ANON = "anonymous"
OFF_LOOP = "interviewer_off_loop"
ON_LOOP_BEFORE = "interviewer_on_loop_before_submitting"
ON_LOOP_AFTER = "interviewer_on_loop_after_submitting"
HM_OTHER = "hiring_manager_of_another_loop"
HM = "hiring_manager_of_the_loop"
RECRUITER = "recruiter_who_owns_the_loop"
RECRUITER_OTHER = "another_recruiter"
STAFF = "staff"
PERSONAS = (ANON, OFF_LOOP, ON_LOOP_BEFORE, ON_LOOP_AFTER, HM_OTHER, HM, RECRUITER, RECRUITER_OTHER, STAFF)


@dataclass
class Scenario:
    loop: Loop
    other_loop: Loop
    rubric: RubricVersion
    interviewer: User
    own_scorecard: Scorecard
    colleague: User
    colleague_scorecard: Scorecard
    hiring_manager: User
    recruiter: User
    other_hiring_manager: User
    other_recruiter: User
    outsider: User
    staff: User
    sessions: dict[int, str] = field(default_factory=dict)  # user id -> session key of a real sign-in

    @property
    def role_slug(self) -> str:
        return self.rubric.role.slug

    def user(self, persona: str) -> User | None:
        return {
            ANON: None,
            OFF_LOOP: self.outsider,
            ON_LOOP_BEFORE: self.interviewer,
            ON_LOOP_AFTER: self.interviewer,
            HM_OTHER: self.other_hiring_manager,
            HM: self.hiring_manager,
            RECRUITER: self.recruiter,
            RECRUITER_OTHER: self.other_recruiter,
            STAFF: self.staff,
        }[persona]

    def client(self, persona: str) -> Client:
        """A client signed in as the persona; for "after submitting", the interviewer's scorecard is submitted."""
        if persona == ON_LOOP_AFTER and not Scorecard.objects.get(pk=self.own_scorecard.pk).is_submitted:
            submit(self.own_scorecard, OWN_EVIDENCE)
        user = self.user(persona)
        if user is not None and user.pk in self.sessions:
            client = new_client()
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]
            return client
        return signed_in(user)


_HANDLERS: dict[bool, ClientHandler] = {}


def new_client(*, enforce_csrf_checks: bool = False) -> Client:
    """A fresh client (no cookies) sharing one request handler.

    Each Client() builds its own handler, and loading the middleware (WhiteNoise indexes every static file)
    costs ~50 ms: shared, hundreds of clients cost nothing. The handler keeps no per-client state.
    """
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.handler = _HANDLERS.setdefault(enforce_csrf_checks, client.handler)
    return client


def signed_in(user: User | None) -> Client:
    client = new_client()
    if user is not None:
        client.force_login(user)
    return client


def full_input(rubric: RubricVersion, evidence: str | list[str], *, takeaways: str = "", score: int | None = None):
    """A complete scorecard: every dimension scored mid-scale (or `score`), with evidence, recommending yes."""
    dimensions = list(rubric.dimensions.order_by("position"))
    texts = evidence if isinstance(evidence, list) else [evidence] * len(dimensions)
    value = scale_mid(rubric) if score is None else score
    return ScorecardInput(
        ratings={d.pk: RatingInput(score=value, evidence=text) for d, text in zip(dimensions, texts, strict=True)},
        recommendation=Scorecard.Recommendation.YES,
        key_takeaways=takeaways or (texts[0] if texts else ""),
    )


def submit(scorecard: Scorecard, evidence: str | list[str], **kwargs) -> Scorecard:
    scorecard = Scorecard.objects.select_related("interview__loop__rubric", "interview__interviewer").get(
        pk=scorecard.pk
    )
    return scorecard_submit(
        scorecard=scorecard,
        by=scorecard.interview.interviewer,
        revision=scorecard.revision,
        data=full_input(scorecard.interview.loop.rubric, evidence, **kwargs),
    )


# A new user in a role group (the personas' accounts): made by the factories, or signed in through a provider.
MakeUser = Callable[[str], User]
_FACTORIES = {
    policy.INTERVIEWERS: InterviewerFactory,
    policy.HIRING_MANAGERS: HiringManagerFactory,
    policy.RECRUITERS: RecruiterFactory,
}


def factory_user(group: str) -> User:
    return _FACTORIES[group]()


def build_scenario(*, candidate_name: str = CANDIDATE_NAME, make_user: MakeUser = factory_user) -> Scenario:
    hiring_manager = make_user(policy.HIRING_MANAGERS)
    recruiter = make_user(policy.RECRUITERS)
    loop = LoopFactory(
        candidate=CandidateFactory(name=candidate_name),
        hiring_manager=hiring_manager,
        recruiter=recruiter,
    )
    interviewer = make_user(policy.INTERVIEWERS)
    colleague = make_user(policy.INTERVIEWERS)
    own = InterviewFactory(loop=loop, interviewer=interviewer)
    theirs = InterviewFactory(loop=loop, interviewer=colleague)
    colleague_scorecard = submit(theirs.scorecard, COLLEAGUE_EVIDENCE)

    other_hiring_manager = make_user(policy.HIRING_MANAGERS)
    other_recruiter = make_user(policy.RECRUITERS)
    outsider = make_user(policy.INTERVIEWERS)
    other_loop = LoopFactory(
        candidate=CandidateFactory(name=OTHER_CANDIDATE_NAME),
        rubric=loop.rubric,
        hiring_manager=other_hiring_manager,
        recruiter=other_recruiter,
    )
    submit(InterviewFactory(loop=other_loop, interviewer=outsider).scorecard, "Outsider's own evidence")
    return Scenario(
        loop=loop,
        other_loop=other_loop,
        rubric=loop.rubric,
        interviewer=interviewer,
        own_scorecard=own.scorecard,
        colleague=colleague,
        colleague_scorecard=colleague_scorecard,
        hiring_manager=hiring_manager,
        recruiter=recruiter,
        other_hiring_manager=other_hiring_manager,
        other_recruiter=other_recruiter,
        outsider=outsider,
        staff=UserFactory(is_staff=True, is_superuser=True),
    )


def db_state() -> dict[str, list]:
    """Every row a write could touch (loops, plans, scorecards, decisions, audit): equal means nothing changed."""
    return {
        "candidates": list(Candidate.objects.order_by("pk").values_list("pk", "name", "email", "notes")),
        "loops": list(
            Loop.objects.order_by("pk").values_list("pk", "status", "hiring_manager_id", "recruiter_id", "decision_id")
        ),
        "interviews": list(
            Interview.objects.order_by("pk").values_list("pk", "loop_id", "interviewer_id", "scheduled_at")
        ),
        "focus": list(
            Interview.focus_dimensions.through.objects.order_by("pk").values_list("interview_id", "dimension_id")
        ),
        "scorecards": list(
            Scorecard.objects.order_by("pk").values_list("pk", "status", "revision", "recommendation", "key_takeaways")
        ),
        "ratings": list(
            Rating.objects.order_by("pk").values_list(
                "scorecard_id", "dimension_id", "score", "not_assessed", "evidence"
            )
        ),
        "signals": list(ObservedSignal.objects.order_by("pk").values_list("scorecard_id", "signal_id", "note")),
        "amendments": list(Amendment.objects.order_by("pk").values_list("pk", "scorecard_id", "reason")),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "loop_id", "kind", "outcome", "rationale")),
        "decision_basis": list(
            DecisionBasis.objects.order_by("pk").values_list("decision_id", "scorecard_id", "revision")
        ),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "summary")),
        "exports": list(ExportRecord.objects.order_by("pk").values_list("pk", "kind", "rows")),
    }


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@contextmanager
def shared_scenario(
    django_db_blocker, *, make_user: MakeUser = factory_user, sessions: dict[int, str] | None = None
) -> Iterator[Scenario]:
    """Build the scenario once for a module, in a transaction rolled back at the end.

    Each test's own `db` transaction nests inside it (as a savepoint), so whatever a test writes is undone
    before the next one, and the scenario is back as it was built. `make_user` may sign the personas in
    for real, filling `sessions` (user id -> session key), which their clients then use.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # The fast hasher of tests/conftest.py is not yet in place for a module-scoped fixture.
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                built = build_scenario(make_user=make_user)
            built.sessions = sessions if sessions is not None else {}
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
