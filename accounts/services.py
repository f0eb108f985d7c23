"""Signing in through the identity provider: find or create the account, and keep it in step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from accounts import claims as claim_rules
from accounts.models import ExternalIdentity, Profile
from hiring import policy


class SignInRefused(Exception):
    """The provider vouched for someone this app will not sign in; the message is for them."""


@transaction.atomic
def identity_sign_in(*, issuer: str, claims: Mapping[str, Any]) -> User:
    """The account of the provider's subject, created on first sign-in when `OIDC_CREATE_USERS` allows.

    On every sign-in the name, e-mail and role groups follow the claims; a group taken away at the
    provider is taken away here. A deactivated account is refused and left as it is.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SignInRefused("The identity provider did not say who you are (no subject).")
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        if not settings.OIDC_CREATE_USERS:
            raise SignInRefused("You have no account here yet. Ask an administrator to create one for you.")
        identity = _identity_create(issuer=issuer, subject=subject, claims=claims)
    user = identity.user
    if not user.is_active:
        raise SignInRefused("Your account here is deactivated. Ask an administrator if that is a mistake.")
    _user_sync(user=user, claims=claims)
    identity.last_sign_in_at = timezone.now()
    identity.full_clean()
    identity.save(update_fields=["last_sign_in_at"])
    return user


def _identity_create(*, issuer: str, subject: str, claims: Mapping[str, Any]) -> ExternalIdentity:
    candidates = claim_rules.username_candidates(claims, issuer=issuer, subject=subject)
    taken = set(User.objects.filter(username__in=candidates).values_list("username", flat=True))
    username = next(name for name in candidates if name not in taken)
    user = User(username=username)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
    identity.full_clean()
    identity.save()
    return identity


def _user_sync(*, user: User, claims: Mapping[str, Any]) -> None:
    profile = claim_rules.profile(claims)
    changed = [
        name
        for name in ("first_name", "last_name", "email")
        if getattr(profile, name) and getattr(user, name) != getattr(profile, name)
    ]
    for name in changed:
        setattr(user, name, getattr(profile, name))
    if changed:
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=changed)
    granted = claim_rules.role_groups(claims)
    if granted is None:
        return
    held = set(user.groups.filter(name__in=policy.ROLE_GROUPS).values_list("name", flat=True))
    if removed := held - granted:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added := granted - held:
        user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in sorted(added)))


def profile_time_zone_set(*, user: User, time_zone: str) -> Profile:
    """Keep the person's time zone (blank: follow the browser); refused with ValidationError when unknown."""
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.time_zone = time_zone
    profile.full_clean()
    profile.save()
    return profile
