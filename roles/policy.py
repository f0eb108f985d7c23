"""Who may change the rubric library from the web. (Everything about loops is hiring/policy.py.)"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet


def can_import_roles(user: User | AnonymousUser) -> bool:
    """Importing and publishing a role blueprint is for those who may write roles (staff and role editors): it
    changes every future loop of the role."""
    return can_edit_roles(user)


def can_see_provenance(user: User | AnonymousUser) -> bool:
    """Where a kit comes from (blueprint file, scale rationale, derived anchors) is for staff, who maintain the
    library; interviewers get the interview guide only."""
    return can_import_roles(user)


def can_export_roles(user: User | AnonymousUser) -> bool:
    """A version's fixture file carries its provenance (source, scale rationale, derived anchors): staff only."""
    return can_see_provenance(user)


ROLE_EDITORS = "Role editors"  # the group created by roles/migrations/0006_role_drafts.py
LOADED_ROLE_EDITOR = "is_role_editor"
"""The annotation ``with_role_editor`` adds: 1 when the user is in the Role editors group, else 0."""


def with_role_editor(users: QuerySet[User]) -> QuerySet[User]:
    """The users with their Role editors membership read in the same query (every request's user is loaded so,
    by accounts.backends): the policy then asks no query of its own for the request's user."""
    return users.annotate(**{LOADED_ROLE_EDITOR: Count("groups", filter=Q(groups__name=ROLE_EDITORS))})


def can_edit_roles(user: User | AnonymousUser) -> bool:
    """Writing roles in the browser (new, copied, imported; drafts, preview, publish, discard) is for staff and
    the "Role editors" group: a publish changes every future loop of the role."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    known: bool | int | None = getattr(user, LOADED_ROLE_EDITOR, None)
    if known is None:  # a user not loaded by ``with_role_editor``: read once for this object
        known = user.groups.filter(name=ROLE_EDITORS).exists()
        setattr(user, LOADED_ROLE_EDITOR, known)
    return bool(known)
