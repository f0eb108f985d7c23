"""A planned interview's calendar invite, as a file to open in any calendar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from hiring.invites import interview_invite, invite_filename
from hiring.models import Interview
from hiring.selectors.loops import interview_for_invite


@login_required
def invite(request: HttpRequest, interview_id: int) -> HttpResponse:
    try:
        interview = interview_for_invite(user=request.user, interview_id=interview_id)
    except Interview.DoesNotExist:
        raise Http404("No such interview.") from None
    content = interview_invite(interview, now=timezone.now())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invite_filename(interview)}"'
    return response
