"""Views: parse the request, call one service or selector, render or redirect."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


def signed_in_user(request: HttpRequest) -> User:
    """The request's user as a User, for views behind login_required (or keeps_post_when_signed_out),
    which let only the signed-in through."""
    user = request.user
    assert isinstance(user, User)
    return user
