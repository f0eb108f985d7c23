"""The settings page where every signed-in user creates, lists and revokes their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from api.forms import TokenCreateForm
from api.models import AccessToken
from api.services import token_create, token_revoke


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # behind login_required
    return user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _token, created = token_create(owner=_user(request), **form.cleaned_data)
            form = TokenCreateForm()
            status = 201
        else:
            status = 400
    tokens = AccessToken.objects.filter(owner=_user(request)).order_by("-created_at", "-pk")
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "created": created, "now": timezone.now()},
        status=status,
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(AccessToken.objects.filter(owner=_user(request)), pk=token_id)
    token_revoke(token=token, by=_user(request))
    messages.success(request, f"Token “{token.name}” revoked: it no longer opens the API.")
    return redirect("api_tokens")
