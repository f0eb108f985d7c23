"""`Authorization: Bearer <token>` for the API, with personal access tokens; HTTP Basic with the token as the
user name for the Harvest-compatible path (api.harvest), as Greenhouse's Harvest clients send it."""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api.models import AccessToken
from api.services import TokenRefused, token_authenticate


class TokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        header = get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        try:
            token = token_authenticate(raw=header[1], now=timezone.now())
        except TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BasicTokenAuthentication(BaseAuthentication):
    """Harvest's way: `Authorization: Basic base64("<token>:")`, the token as the user name, no password."""

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        usage = "Send the token as HTTP Basic credentials: the token as the user name, an empty password."
        if len(header) != 2:
            raise AuthenticationFailed(usage)
        try:
            raw, colon, password = base64.b64decode(header[1], validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed(usage) from None
        if not colon or password:
            raise AuthenticationFailed(usage)
        try:
            token = token_authenticate(raw=raw, now=timezone.now())
        except TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return 'Basic realm="harvest"'
