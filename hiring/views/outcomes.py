"""Hiring outcomes import: recruiters (for the loops they run) and staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hiring import policy
from hiring.forms import OutcomesUploadForm
from hiring.outcomes_csv import COLUMNS, OUTCOMES_MAX_BYTES, outcomes_read
from hiring.services.outcomes import OUTCOMES_MAX_ROWS, OutcomesRefused, RowProblem, outcomes_record


def _person(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def outcomes_import(request: HttpRequest) -> HttpResponse:
    if not policy.can_record_outcomes(request.user):
        raise PermissionDenied("Hiring outcomes are recorded by recruiters and staff.")
    form = OutcomesUploadForm(request.POST or None, request.FILES or None)
    problems: list[RowProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size is not None and upload.size > OUTCOMES_MAX_BYTES:
            problems = [RowProblem(0, "", f"it is larger than {OUTCOMES_MAX_BYTES:,} bytes; split it.")]
        else:
            read = outcomes_read(upload.read(OUTCOMES_MAX_BYTES + 1))
            try:
                if read.refused:  # the file as a whole (size, not text, no header): no row is worth checking
                    raise OutcomesRefused(read.problems)
                created = outcomes_record(outcomes=read.outcomes, by=_person(request), unread=read.problems)
            except OutcomesRefused as refused:
                problems = refused.problems
            else:
                messages.success(request, f"{len(created)} hiring outcomes recorded.")
                return redirect("outcomes_import")
    context = {
        "form": form,
        "problems": problems,
        "columns": COLUMNS,
        "max_bytes": OUTCOMES_MAX_BYTES,
        "max_rows": OUTCOMES_MAX_ROWS,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "hiring/outcomes_import.html", context, status=status)
