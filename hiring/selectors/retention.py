"""Which candidates retention would anonymise now, and which legal holds keep whose records.

The rule, one place: a candidate is due once
- they are not yet forgotten and were created before the cutoff (now − RETENTION_DAYS_NOT_HIRED days),
- none of their loops is currently decided "hire",
- every loop of theirs has been still since before the cutoff: created, decided (any entry of its decision
  history), its interviews held and its scorecards last written before it (a decided loop, or one abandoned
  undecided, alike),
- and no active legal hold covers them (on the candidate, or on the role of one of their loops).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from hiring.models import Candidate, DecisionOutcome, LegalHold, Loop


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True)


def held_candidates() -> Q:
    """A condition on candidates: an active hold on the candidate, or on the role of one of their loops."""
    on_candidate = Exists(active_holds().filter(candidate=OuterRef("pk")))
    role_loops = Loop.objects.filter(candidate=OuterRef(OuterRef("pk")), rubric__role_id=OuterRef("role_id"))
    on_role = Exists(active_holds().filter(role__isnull=False).filter(Exists(role_loops)))
    return Q(on_candidate) | Q(on_role)


def holds_on(candidate: Candidate) -> list[LegalHold]:
    """The active holds that keep this candidate's records: on them, or on a role they have a loop for."""
    roles = Loop.objects.filter(candidate=candidate).values("rubric__role_id")
    return list(active_holds().filter(Q(candidate=candidate) | Q(role_id__in=roles)).select_related("role", "set_by"))


def retention_cutoff(*, now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


def retention_due(*, now: dt.datetime, days: int) -> QuerySet[Candidate]:
    """The candidates retention anonymises at ``now`` with a period of ``days`` (the rule above), by id."""
    cutoff = retention_cutoff(now=now, days=days)
    recent = Loop.objects.filter(candidate=OuterRef("pk")).filter(
        Q(created_at__gte=cutoff)
        | Q(decisions__at__gte=cutoff)
        | Q(interviews__scheduled_at__gte=cutoff)
        | Q(interviews__scorecard__updated_at__gte=cutoff)
    )
    hired = Loop.objects.filter(candidate=OuterRef("pk"), decision__outcome=DecisionOutcome.HIRE)
    return (
        Candidate.objects.filter(forgotten_at__isnull=True, created_at__lt=cutoff)
        .exclude(Exists(hired))
        .exclude(Exists(recent))
        .exclude(held_candidates())
        .order_by("pk")
    )


HOLDS_SHOWN = 200


def legal_holds() -> list[LegalHold]:
    """The holds page's list: active holds first, then released ones, newest first; at most HOLDS_SHOWN (one query)."""
    return list(
        LegalHold.objects.select_related("candidate", "role", "set_by", "released_by").order_by(
            F("released_at").desc(nulls_first=True), "-set_at", "-pk"
        )[:HOLDS_SHOWN]
    )
