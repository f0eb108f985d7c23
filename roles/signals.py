"""What happens to the rubric library, for other apps to react to (hiring's audit log, for one).

`rubric_published` is sent inside the publishing transaction with `sender` = RubricVersion and the keywords
`rubric` (the new version) and `actor` (the user who published it)."""

from __future__ import annotations

from django.dispatch import Signal

rubric_published = Signal()
