"""hiring's signals → webhook deliveries, enqueued once the write is committed (never for a rolled-back one)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from hiring import signals
from webhooks.models import Event
from webhooks.services import deliveries_enqueue


def _loop_data(loop: Any) -> dict[str, Any]:
    return {"loop": loop.pk, "loop_status": loop.status}


def _scorecard_data(loop: Any, scorecard: Any) -> dict[str, Any]:
    return {
        **_loop_data(loop),
        "scorecard": scorecard.pk,
        "interview": scorecard.interview_id,
        "revision": scorecard.revision,
        "recommendation": scorecard.recommendation,
    }


def _decision_data(loop: Any, decision: Any) -> dict[str, Any]:
    return {**_loop_data(loop), "outcome": decision.outcome, "decided_by": decision.by.get_username()}


def _on_commit(event: str, data: dict[str, Any]) -> None:
    transaction.on_commit(partial(deliveries_enqueue, event=event, data=data))


def scorecard_submitted(sender: Any, *, loop: Any, scorecard: Any, **kwargs: Any) -> None:
    _on_commit(Event.SCORECARD_SUBMITTED, _scorecard_data(loop, scorecard))


def scorecard_amended(sender: Any, *, loop: Any, scorecard: Any, **kwargs: Any) -> None:
    _on_commit(Event.SCORECARD_AMENDED, _scorecard_data(loop, scorecard))


def loop_completed(sender: Any, *, loop: Any, **kwargs: Any) -> None:
    _on_commit(Event.LOOP_COMPLETED, _loop_data(loop))


def decision_recorded(sender: Any, *, loop: Any, decision: Any, **kwargs: Any) -> None:
    _on_commit(Event.DECISION_RECORDED, _decision_data(loop, decision))


def decision_changed(sender: Any, *, loop: Any, decision: Any, **kwargs: Any) -> None:
    _on_commit(Event.DECISION_CHANGED, _decision_data(loop, decision))


def connect() -> None:
    signals.scorecard_submitted.connect(scorecard_submitted, dispatch_uid="webhooks.scorecard_submitted")
    signals.scorecard_amended.connect(scorecard_amended, dispatch_uid="webhooks.scorecard_amended")
    signals.loop_completed.connect(loop_completed, dispatch_uid="webhooks.loop_completed")
    signals.decision_recorded.connect(decision_recorded, dispatch_uid="webhooks.decision_recorded")
    signals.decision_changed.connect(decision_changed, dispatch_uid="webhooks.decision_changed")
