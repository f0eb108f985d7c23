"""The staff audit log: submissions, amendments, decisions, exports and forgets."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hiring import policy
from hiring.models import AuditEvent


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditEvent.Action.choices])
    actor = forms.CharField(required=False, max_length=150, label="User")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Until")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_audit(request.user):
        raise PermissionDenied("The audit log is for staff.")
    form = AuditFilterForm(request.GET)
    events = AuditEvent.objects.select_related("actor", "loop__candidate")
    if not form.is_valid():
        return render(request, "hiring/audit.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data
    if data["action"]:
        events = events.filter(action=data["action"])
    if data["actor"]:
        events = events.filter(actor__username=data["actor"])
    if data["since"]:
        events = events.filter(at__date__gte=data["since"])
    if data["until"]:
        events = events.filter(at__date__lte=data["until"])
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "hiring/audit.html", {"form": form, "page": page, "query": query.urlencode()})
