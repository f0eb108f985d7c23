"""The bootstrap interval of each dimension's alpha: the one agreement figure recomputed, not kept in step.

Run by the worker (`hiring.tasks.agreement_intervals`) after a loop's agreement units change, and by
`statistics_rebuild(intervals=True)`; it reads the stored per-loop units (`LoopDimensionFigures`).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from hiring.agreement import bootstrap_interval, ordinal_alpha
from hiring.models import AgreementInterval, LoopDimensionFigures
from hiring.selectors.calibration import MIN_ALPHA_LOOPS
from roles.models import Dimension


def agreement_intervals_refresh(*, role_id: int) -> int:
    """Recompute the bootstrap interval of each of the role's dimensions over all its loops; returns how many."""
    units: dict[str, list[list[float]]] = defaultdict(list)
    rows = (
        LoopDimensionFigures.objects.filter(dimension__rubric__role_id=role_id, units=1)
        .order_by("loop_id")
        .values_list("dimension__slug", "values")
    )
    for slug, values in rows:
        units[slug].append(values)
    slugs = set(Dimension.objects.filter(rubric__role_id=role_id).values_list("slug", flat=True))
    now = timezone.now()
    with transaction.atomic():
        for slug in sorted(slugs):
            found = units.get(slug, [])
            alpha = ordinal_alpha(found) if len(found) >= MIN_ALPHA_LOOPS else None
            interval = bootstrap_interval(found) if alpha is not None else None
            AgreementInterval.objects.update_or_create(
                role_id=role_id,
                dimension_slug=slug,
                defaults={
                    "low": interval[0] if interval else None,
                    "high": interval[1] if interval else None,
                    "units": len(found),
                    "computed_at": now,
                },
            )
    return len(slugs)
