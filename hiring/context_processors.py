from __future__ import annotations

from django.http import HttpRequest

from hiring import policy


def navigation(request: HttpRequest) -> dict[str, bool]:
    """What the main navigation offers this user, as decided by the policy."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_pipeline": policy.can_view_pipeline(user),
        "nav_new_loop": policy.can_plan_loops(user),
        "nav_calibration": policy.can_view_calibration(user),
        "nav_health": policy.can_view_hiring_health(user),
        "nav_outcomes": policy.can_record_outcomes(user),
        "nav_holds": policy.can_manage_legal_holds(user),
    }
