"""Who may change the rubric library from the web. (Everything about loops is hiring/policy.py.)"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User


def can_import_roles(user: User | AnonymousUser) -> bool:
    """Importing and publishing a role blueprint is for staff: it changes every future loop of the role."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_see_provenance(user: User | AnonymousUser) -> bool:
    """Where a kit comes from (blueprint file, scale rationale, derived anchors) is for staff, who maintain the
    library; interviewers get the interview guide only."""
    return can_import_roles(user)


def can_export_roles(user: User | AnonymousUser) -> bool:
    """A version's fixture file carries its provenance (source, scale rationale, derived anchors): staff only."""
    return can_see_provenance(user)
