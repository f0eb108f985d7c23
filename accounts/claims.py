"""Reading a provider's claims: the role groups they grant, and the profile they describe."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from hiring import policy

_NOT_USERNAME = re.compile(r"[^\w.@+-]")


class GroupMapError(ValueError):
    pass


def parse_group_map(text: str) -> dict[str, frozenset[str]]:
    """`OIDC_GROUP_MAP`: "provider-value=Group name,…" -> provider value -> role groups.

    One provider value may grant several groups (repeat it); every group must be a role group.
    """
    mapping: dict[str, set[str]] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        value, sep, group = (side.strip() for side in entry.partition("="))
        if not sep or not value or not group:
            raise GroupMapError(f"{entry!r} is not of the form provider-value=Group name")
        if group not in policy.ROLE_GROUPS:
            raise GroupMapError(f"{group!r} is not a role group (one of {', '.join(policy.ROLE_GROUPS)})")
        mapping.setdefault(value, set()).add(group)
    return {value: frozenset(groups) for value, groups in mapping.items()}


def claim_value(claims: Mapping[str, Any], path: str) -> Any:
    """A claim by name, or a nested one by dotted path (Keycloak's "realm_access.roles")."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def role_groups(claims: Mapping[str, Any]) -> frozenset[str] | None:
    """The role groups the claims grant; None when groups are not taken from the provider.

    A missing groups claim grants none (Okta, for one, leaves the claim out when no group matches).
    """
    if not settings.OIDC_GROUPS_CLAIM:
        return None
    value = claim_value(claims, settings.OIDC_GROUPS_CLAIM)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    mapping = parse_group_map(settings.OIDC_GROUP_MAP)
    return frozenset().union(*(mapping.get(str(item), frozenset()) for item in values))


@dataclass(frozen=True)
class Profile:
    first_name: str
    last_name: str
    email: str


def _text(claims: Mapping[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def profile(claims: Mapping[str, Any]) -> Profile:
    first, last = _text(claims, "given_name", 150), _text(claims, "family_name", 150)
    if not first and not last:
        first = _text(claims, "name", 150)
    email = _text(claims, "email", 254)
    return Profile(first_name=first, last_name=last, email=email if "@" in email else "")


def username_candidates(claims: Mapping[str, Any], *, issuer: str, subject: str) -> list[str]:
    """Usernames for a new account, best first; the last one is unique to the identity."""
    digest = hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:10]
    preferred = [_text(claims, name, 150) for name in ("preferred_username", "email")]
    names = [_NOT_USERNAME.sub("-", name)[:139] for name in preferred if name]
    return [*names, *(f"{name}-{digest}" for name in names[:1]), f"sso-{digest}"]
