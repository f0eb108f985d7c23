"""Authentication backends: local passwords (switchable off) and the OpenID Connect provider."""

from __future__ import annotations

from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import provider
from accounts.services import SignInRefused, identity_sign_in
from accounts.timezones import with_profile_zone
from hiring import policy
from roles.policy import with_role_editor


def local_login_allowed(username: str | None) -> bool:
    """`DJANGO_LOCAL_LOGIN=false` leaves passwords to the break-glass accounts alone."""
    return bool(settings.LOCAL_LOGIN) or (username or "") in settings.BREAK_GLASS_USERS


def session_user(user_id: Any) -> User | None:
    """A session's user, if still active, with their time zone, role groups and Role editors membership in one query.

    Every signed-in request loads its user so (``get_user`` of both backends): the time zone and the
    groups cost no query of their own, a change of either counts from the next request, and a
    deactivated account's sessions end at once, whichever way it signed in.
    """
    users = with_role_editor(
        with_profile_zone(policy.with_role_groups(User.objects.filter(pk=user_id, is_active=True)))
    )
    return users.first()


class SessionUser:
    """``get_user`` for the backends: the session's user as ``session_user`` loads it."""

    def get_user(self, user_id: Any) -> User | None:
        return session_user(user_id)


class LocalPasswordBackend(SessionUser, ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not local_login_allowed(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class TokenRefused(Exception):
    """An ID token that fails validation; the message says which check it failed.

    Not a SuspiciousOperation, which mozilla-django-oidc swallows in places: the callback view shows it.
    """


class OIDCBackend(SessionUser, OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matching accounts by issuer and subject.

    Settings are read when used (not when the backend is built), so a local login never reaches
    the provider. The ID token must be signed by a key in the provider's JWKS with the configured
    algorithm, name the configured issuer and this client as audience, and be unexpired.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = User

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return provider.setting(attr, *args)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return self.get_settings("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:
        return self.get_settings("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return self.get_settings("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce; a password form posted with ?code=…&state=… is not ours.
        if not provider.enabled() or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token: bytes | str, key: Any) -> dict[str, Any]:
        algorithm = settings.OIDC_RP_SIGN_ALGO
        try:
            if jwt.get_unverified_header(token).get("alg") != algorithm:
                raise TokenRefused(f"the ID token is not signed with {algorithm}")
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=provider.issuer(),
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRefused("the ID token has expired") from error
        except jwt.InvalidIssuerError as error:
            raise TokenRefused("the ID token comes from an unknown issuer") from error
        except jwt.InvalidAudienceError as error:
            raise TokenRefused("the ID token is meant for another application") from error
        except jwt.InvalidSignatureError as error:
            raise TokenRefused("the ID token's signature does not match the provider's keys") from error
        except jwt.PyJWTError as error:
            raise TokenRefused(f"the ID token is invalid ({error})") from error

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return isinstance(claims.get("sub"), str) and bool(claims["sub"])

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint's when the provider has one."""
        if not self.OIDC_OP_USER_ENDPOINT or not access_token:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise TokenRefused("the userinfo response is about someone else")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SignInRefused("The identity provider did not say who you are (no subject).")
        return identity_sign_in(issuer=payload["iss"], claims=claims)
