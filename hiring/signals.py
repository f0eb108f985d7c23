"""What happens to loops, for other apps to react to (webhooks, notifications).

Sent by hiring's services inside their transaction, after the write; a receiver that does
slow or external work must defer it with `transaction.on_commit` (or a task), so a request
is never slowed and nothing is announced that was rolled back. Every signal is sent with
`sender` = the model class and the keyword `loop`; scorecard signals add `scorecard`,
decision signals add `decision`.
"""

from __future__ import annotations

from django.dispatch import Signal

scorecard_submitted = Signal()
scorecard_amended = Signal()
loop_completed = Signal()
decision_recorded = Signal()
decision_changed = Signal()
