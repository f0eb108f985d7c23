"""Authentication backends: local passwords (switchable off) and the OpenID Connect provider."""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

import jwt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
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


def _session_users(user_id: Any) -> QuerySet[User]:
    """The query ``session_user`` runs: the user, only while active, with their zone and groups joined in."""
    return with_role_editor(with_profile_zone(policy.with_role_groups(User.objects.filter(pk=user_id, is_active=True))))


class _CompiledQuery(NamedTuple):
    """``_session_users``'s statement as the ORM compiled it, and how to read its row as the ORM would."""

    sql: str
    params: tuple[Any, ...]
    id_slots: tuple[int, ...]
    """Where the user's id sits among ``params`` (every other parameter is the same for every user)."""
    fields: tuple[str, ...]
    """The User's fields (attribute names), in the row's order from ``first``."""
    first: int
    annotations: tuple[tuple[str, int], ...]
    """Each annotation's name and place in the row."""
    converters: tuple[tuple[int, tuple[list[Any], Any]], ...]
    """The database's and the fields' conversions of each column that has some, as the compiler gave them."""


_compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _CompiledQuery] = weakref.WeakKeyDictionary()
"""``_session_users`` compiled for each database connection object (one per alias and thread: kept for the
process's life under gunicorn's workers), so that the conversions are that connection's own."""


def _compiled_query(connection: BaseDatabaseWrapper) -> _CompiledQuery:
    compiled = _compiled.get(connection)
    if compiled is None:
        compiler = _session_users(1).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # Compiled for a second id too, so that the id's parameters are found by what differs, not guessed.
        sql_2, params_2 = _session_users(2).query.get_compiler(connection=connection).as_sql()
        slots = tuple(i for i, (one, two) in enumerate(zip(params, params_2, strict=True)) if one != two)
        if sql != sql_2 or not slots or compiler.klass_info is None:
            raise ImproperlyConfigured("The session user's query does not take the user's id as a parameter.")
        places = compiler.klass_info["select_fields"]
        first, last = places[0], places[-1] + 1
        compiled = _compiled[connection] = _CompiledQuery(
            sql=sql,
            params=tuple(params),
            id_slots=slots,
            fields=tuple(column[0].target.attname for column in compiler.select[first:last]),
            first=first,
            annotations=tuple(compiler.annotation_col_map.items()),
            converters=tuple(compiler.get_converters([column[0] for column in compiler.select]).items()),
        )
    return compiled


def session_user(user_id: Any) -> User | None:
    """A session's user, if still active, with their time zone, role groups and Role editors membership in one query.

    Every signed-in request loads its user so (``get_user`` of both backends): the time zone and the
    groups cost no query of their own, a change of either counts from the next request, and a
    deactivated account's sessions end at once, whichever way it signed in.

    The ORM compiles that query once per process (``_compiled_query``); each request runs the same
    statement with its user's id and reads the row as the ORM's own iterator does (the database's
    conversions, ``User.from_db``, the annotations set on the instance). Compiling it on every request
    (joins, aggregates, GROUP BY) was half of a bare signed-in request's CPU time, and
    ``User.objects.raw`` still spent as much again as this on its column mapping. Only the statement is
    kept, never a result: every request reads the user, their zone and their groups afresh.
    """
    using = router.db_for_read(User)
    connection = connections[using]
    compiled = _compiled_query(connection)
    user_pk = User._meta.pk
    assert user_pk is not None
    prepared = user_pk.get_db_prep_value(user_id, connection)
    params = list(compiled.params)
    for slot in compiled.id_slots:
        params[slot] = prepared
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for place, (conversions, expression) in compiled.converters:  # as SQLCompiler.apply_converters does
        for convert in conversions:
            values[place] = convert(values[place], expression, connection)
    user = User.from_db(using, list(compiled.fields), values[compiled.first : compiled.first + len(compiled.fields)])
    for name, place in compiled.annotations:
        setattr(user, name, values[place])
    return user


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
