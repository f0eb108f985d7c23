from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import AccessToken

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class TokenScope(BasePermission):
    """A read-only token reads; writing needs a read-write token (or a signed-in browser session)."""

    message = "This token is read-only: create a read-write token to change anything."

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth
        if request.method in SAFE_METHODS or not isinstance(token, AccessToken):
            return True
        return token.can_write
