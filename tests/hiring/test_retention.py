"""Retention and legal holds: candidates not hired are anonymised once the period has passed, never while held."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hiring.models import AuditEvent, Candidate, Decision, HiringOutcome, LegalHold, Loop, Scorecard
from hiring.policy import SYSTEM
from hiring.services.holds import CandidateHeld, hold_release, hold_set
from hiring.services.privacy import candidate_forget
from hiring.services.retention import retention_run
from hiring.tasks import retention, retention_start
from tests.factories import CandidateFactory, DecisionFactory, InterviewFactory, LoopFactory, UserFactory

pytestmark = pytest.mark.django_db

DAYS = 730
LONG_BEFORE_CUTOFF = dt.timedelta(days=100)


@dataclass(frozen=True)
class Times:
    """The test's now and the cutoff it implies, taken when the test starts: the command and the worker read the
    clock themselves, so "just inside" must be minutes from *their* now (a module-level now went stale: a test
    run 20 minutes after collection saw the candidate "just inside" fall outside)."""

    now: dt.datetime

    @property
    def cutoff(self) -> dt.datetime:
        return self.now - dt.timedelta(days=DAYS)

    @property
    def long_ago(self) -> dt.datetime:
        return self.cutoff - LONG_BEFORE_CUTOFF


@pytest.fixture
def times() -> Times:
    return Times(now=timezone.now())


def _compliance_officer() -> User:
    user = UserFactory(username="carla")
    user.groups.add(Group.objects.get_or_create(name="Compliance")[0])
    return user


def _candidate(name: str, *, outcome: str | None, decided_at: dt.datetime | None, created: dt.datetime) -> Loop:
    """A candidate and their one loop, created at ``created``, decided ``outcome`` at ``decided_at`` (or not)."""
    loop = LoopFactory(candidate=CandidateFactory(name=name))
    Candidate.objects.filter(pk=loop.candidate_id).update(created_at=created)
    Loop.objects.filter(pk=loop.pk).update(created_at=created)
    if outcome is not None:
        assert decided_at is not None
        decision = DecisionFactory(loop=loop, outcome=outcome)
        Decision.objects.filter(pk=decision.pk).update(at=decided_at)
    return loop


@pytest.fixture
def world(times: Times):
    officer = _compliance_officer()
    loops = {
        "rejected long ago": _candidate(
            "Rita Long", outcome=Decision.Outcome.NO_HIRE, decided_at=times.long_ago, created=times.long_ago
        ),
        "decided just outside": _candidate(
            "Olga Outside",
            outcome=Decision.Outcome.NO_HIRE,
            decided_at=times.cutoff - dt.timedelta(minutes=5),
            created=times.long_ago,
        ),
        "decided just inside": _candidate(
            "Ivan Inside",
            outcome=Decision.Outcome.NO_HIRE,
            decided_at=times.cutoff + dt.timedelta(minutes=5),
            created=times.long_ago,
        ),
        "hired long ago": _candidate(
            "Hana Hired", outcome=Decision.Outcome.HIRE, decided_at=times.long_ago, created=times.long_ago
        ),
        "held by candidate": _candidate(
            "Carl Held", outcome=Decision.Outcome.NO_HIRE, decided_at=times.long_ago, created=times.long_ago
        ),
        "held by role": _candidate(
            "Rosa Roleheld", outcome=Decision.Outcome.NO_HIRE, decided_at=times.long_ago, created=times.long_ago
        ),
        "hold released": _candidate(
            "Remy Released", outcome=Decision.Outcome.NO_HIRE, decided_at=times.long_ago, created=times.long_ago
        ),
        "abandoned": _candidate("Abe Abandoned", outcome=None, decided_at=None, created=times.long_ago),
        "abandoned, interview planned lately": _candidate(
            "Ike Planned", outcome=None, decided_at=None, created=times.long_ago
        ),
        "abandoned, scorecard written lately": _candidate(
            "Lena Lately", outcome=None, decided_at=None, created=times.long_ago
        ),
    }
    interview = InterviewFactory(loop=loops["abandoned, scorecard written lately"], scheduled_at=times.long_ago)
    Scorecard.objects.filter(interview=interview).update(updated_at=times.cutoff + dt.timedelta(days=1))
    for key, scheduled in (
        ("abandoned", times.long_ago),
        ("abandoned, interview planned lately", times.cutoff + dt.timedelta(days=1)),
    ):
        interview = InterviewFactory(loop=loops[key], scheduled_at=scheduled)
        Scorecard.objects.filter(interview=interview).update(updated_at=times.long_ago)
    hold_set(by=officer, reason="EEOC charge 123-2024", candidate=loops["held by candidate"].candidate)
    hold_set(by=officer, reason="Class claim on this role", role=loops["held by role"].rubric.role)
    released = hold_set(by=officer, reason="Settled claim", candidate=loops["hold released"].candidate)
    hold_release(hold=released, by=officer)
    return loops


DUE = {"rejected long ago", "decided just outside", "hold released", "abandoned"}


def _names(loops, keys):
    return sorted(loops[key].candidate.name for key in keys)


def test_the_run_anonymises_exactly_the_candidates_not_hired_past_the_period_and_not_held(times, world):
    AuditEvent.objects.all().delete()

    run = retention_run(now=times.now, days=DAYS)

    assert sorted(run.forgotten) == sorted(world[key].candidate_id for key in DUE)
    for key, loop in world.items():
        candidate = Candidate.objects.get(pk=loop.candidate_id)
        if key in DUE:
            assert candidate.name == f"Forgotten candidate {candidate.pk}", key
            assert candidate.email == ""
            assert candidate.forgotten_at is not None
        else:
            assert candidate.name == loop.candidate.name, key
            assert candidate.forgotten_at is None
    summaries = sorted(AuditEvent.objects.filter(action=AuditEvent.Action.FORGET).values_list("summary", flat=True))
    assert len(summaries) == 4
    assert all("after the retention period (730 days; not hired)" in summary for summary in summaries)


def test_the_worker_runs_retention_and_schedules_the_next_run_a_day_later(world, settings, work):
    settings.RETENTION_DAYS_NOT_HIRED = DAYS
    retention.enqueue()

    work()

    assert Candidate.objects.filter(forgotten_at__isnull=False).count() == 4
    [following] = DBTaskResult.objects.filter(task_path=retention.module_path, status="READY")
    assert following.run_after > timezone.now() + dt.timedelta(hours=23)


def test_a_second_run_changes_nothing(times, world):
    retention_run(now=times.now, days=DAYS)
    names = list(Candidate.objects.order_by("pk").values_list("name", "forgotten_at"))
    audits = AuditEvent.objects.count()

    again = retention_run(now=times.now, days=DAYS)

    assert again.forgotten == []
    assert list(Candidate.objects.order_by("pk").values_list("name", "forgotten_at")) == names
    assert AuditEvent.objects.count() == audits


def test_the_dry_run_lists_who_and_changes_nothing(world, settings, capsys):
    settings.RETENTION_DAYS_NOT_HIRED = DAYS
    before = list(Candidate.objects.order_by("pk").values_list("name", flat=True))

    call_command("apply_retention", "--dry-run")

    out = capsys.readouterr().out
    ids = sorted(world[key].candidate_id for key in DUE)
    assert f"Dry run: 4 past 730 days would be anonymised: {', '.join(map(str, ids))}." in out
    assert list(Candidate.objects.order_by("pk").values_list("name", flat=True)) == before


def test_the_command_anonymises_and_says_how_many(world, settings, capsys):
    settings.RETENTION_DAYS_NOT_HIRED = DAYS

    call_command("apply_retention")

    assert "4 candidates past 730 days anonymised" in capsys.readouterr().out
    assert Candidate.objects.filter(forgotten_at__isnull=False).count() == 4


def test_a_period_shorter_than_the_minimum_configured_is_refused(times, world, settings):
    settings.RETENTION_MINIMUM_DAYS = 730

    with pytest.raises(ValueError, match="shorter than the minimum"):
        retention_run(now=times.now, days=400)

    assert not Candidate.objects.filter(forgotten_at__isnull=False).exists()


def test_the_worker_starts_one_daily_retention_schedule():
    assert retention_start() is True
    assert retention_start() is False
    assert DBTaskResult.objects.filter(task_path=retention.module_path, status="READY").count() == 1


def test_forgetting_a_candidate_held_directly_is_refused_naming_the_hold(world):
    loop = world["held by candidate"]
    hold = LegalHold.objects.get(candidate=loop.candidate)
    audits = AuditEvent.objects.count()

    with pytest.raises(CandidateHeld, match=f"legal hold {hold.pk} on candidate {loop.candidate_id}.*EEOC charge"):
        candidate_forget(candidate=loop.candidate, by=SYSTEM)

    assert Candidate.objects.get(pk=loop.candidate_id).name == "Carl Held"
    assert AuditEvent.objects.count() == audits


def test_the_forget_command_refuses_a_candidate_held_by_their_role(world):
    loop = world["held by role"]

    with pytest.raises(CommandError, match=r"under legal hold.*Class claim on this role"):
        call_command("forget_candidate", str(loop.candidate_id))

    candidate = Candidate.objects.get(pk=loop.candidate_id)
    assert candidate.name == "Rosa Roleheld"
    assert candidate.forgotten_at is None


def test_a_released_hold_no_longer_stops_forgetting(world):
    loop = world["hold released"]

    call_command("forget_candidate", str(loop.candidate_id))

    assert Candidate.objects.get(pk=loop.candidate_id).forgotten_at is not None


def test_a_hold_without_a_reason_is_refused_and_nothing_is_saved():
    officer = _compliance_officer()
    candidate = CandidateFactory()

    with pytest.raises(ValidationError) as refused:
        hold_set(by=officer, reason="   ", candidate=candidate)

    assert "reason" in refused.value.message_dict
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.HOLD).exists()


def test_only_staff_and_compliance_set_holds(recruiter, hiring_manager, staff):
    candidate = CandidateFactory()
    for person in (recruiter, hiring_manager):
        with pytest.raises(PermissionDenied):
            hold_set(by=person, reason="Claim", candidate=candidate)
    assert not LegalHold.objects.exists()

    hold = hold_set(by=staff, reason="Claim", candidate=candidate)

    with pytest.raises(PermissionDenied):
        hold_release(hold=hold, by=recruiter)
    assert LegalHold.objects.get().released_at is None


def test_setting_and_releasing_a_hold_are_in_the_audit_log_with_who():
    officer = _compliance_officer()
    candidate = CandidateFactory()

    hold = hold_set(by=officer, reason="Subpoena 7", candidate=candidate)
    hold_release(hold=hold, by=officer)

    events = list(AuditEvent.objects.order_by("pk").values_list("action", "actor__username", "summary"))
    assert events == [
        ("hold", "carla", f"Legal hold {hold.pk} on candidate {candidate.pk}: Subpoena 7"),
        ("release", "carla", f"Legal hold {hold.pk} released"),
    ]
    stored = LegalHold.objects.get()
    assert stored.released_by == officer
    assert stored.released_at is not None
    with pytest.raises(ValidationError, match="already released"):
        hold_release(hold=stored, by=officer)


def test_a_forgotten_hire_takes_their_outcomes_with_them(times, recruiter):
    loop = _candidate("Fay Hired", outcome=Decision.Outcome.HIRE, decided_at=times.long_ago, created=times.long_ago)
    HiringOutcome.objects.create(
        loop=loop,
        date=dt.date(2025, 1, 1),
        rating=4,
        scale_min=1,
        scale_max=5,
        still_employed=True,
        recorded_by=recruiter,
    )

    candidate_forget(candidate=loop.candidate, by=SYSTEM)

    assert not HiringOutcome.objects.exists()
