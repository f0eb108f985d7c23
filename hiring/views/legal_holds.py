"""Legal holds: staff and the Compliance group set and release them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hiring import policy
from hiring.forms import LegalHoldForm
from hiring.models import LegalHold
from hiring.selectors.retention import legal_holds
from hiring.services.holds import hold_release, hold_set


def _person(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def holds(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_legal_holds(request.user):
        raise PermissionDenied("Legal holds are for staff and the Compliance group.")
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hold = hold_set(by=_person(request), reason=data["reason"], candidate=data["candidate"], role=data["role"])
        messages.success(request, f"Legal hold {hold.pk} set: these records are kept until it is released.")
        return redirect("legal_holds")
    status = 400 if request.method == "POST" else 200
    return render(request, "hiring/legal_holds.html", {"form": form, "holds": legal_holds()}, status=status)


@login_required
@require_POST
def hold_end(request: HttpRequest, hold_id: int) -> HttpResponse:
    if not policy.can_manage_legal_holds(request.user):
        raise PermissionDenied("Legal holds are for staff and the Compliance group.")
    hold = get_object_or_404(LegalHold, pk=hold_id, released_at__isnull=True)
    hold_release(hold=hold, by=_person(request))
    messages.success(request, f"Legal hold {hold.pk} released.")
    return redirect("legal_holds")
