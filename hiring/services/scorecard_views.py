"""Recording who opened a colleague's scorecard, and when (see ``ScorecardView``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.utils import timezone

from hiring.models import Scorecard, ScorecardView


def scorecard_views_record(*, viewer: User, scorecards: Iterable[Scorecard]) -> None:
    """Keep the first time ``viewer`` saw each of these scorecards (their own are skipped). One query at most.

    Each scorecard must come with its interview loaded. Pages pass only those their selector found unseen
    (``hiring.selectors.scorecards.seen_by``), so a page opened again writes nothing; a race of two first
    views keeps the earlier.
    """
    now = timezone.now()
    views = [
        ScorecardView(scorecard=card, viewer=viewer, loop_id=card.interview.loop_id, at=now)
        for card in scorecards
        if card.interview.interviewer_id != viewer.pk
    ]
    if views:
        ScorecardView.objects.bulk_create(views, ignore_conflicts=True)
