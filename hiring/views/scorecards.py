"""Writing, autosaving and amending scorecards; text posted after sign-out is kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hiring import policy
from hiring.forms import AmendForm, ScorecardForm
from hiring.models import Scorecard
from hiring.selectors.scorecards import ScorecardHidden, ScorecardPage, scorecard_visible_page
from hiring.services import scorecards as scorecard_services
from hiring.services.scorecard_views import scorecard_views_record
from hiring.views import signed_in_user
from hiring.views.pending_posts import keeps_post_when_signed_out, pending_post_take

# Scorecards --------------------------------------------------------------------------------------


def _page(request: HttpRequest, scorecard_id: int) -> ScorecardPage:
    """The scorecard's page; 403 with the reason when it is hidden from someone on the loop, else 404."""
    try:
        return scorecard_visible_page(user=request.user, scorecard_id=scorecard_id)
    except ScorecardHidden as hidden:
        raise PermissionDenied(str(hidden)) from None
    except Scorecard.DoesNotExist:
        raise Http404("No such scorecard.") from None


def _refilled(form_class: type[ScorecardForm], data: QueryDict, page: ScorecardPage, *, revision: int) -> ScorecardForm:
    """The posted text bound again on top of the scorecard's current revision, so saving again keeps it."""
    kept = data.copy()
    kept["revision"] = str(revision)
    form = form_class(kept, page=page)
    form.is_valid()
    return form


def _save_draft(request: HttpRequest, page: ScorecardPage, form: ScorecardForm) -> Scorecard:
    return scorecard_services.scorecard_save_draft(
        scorecard=page.scorecard,
        by=signed_in_user(request),
        revision=form.cleaned_data["revision"],
        data=form.to_input(),
        tab=form.cleaned_data["tab"],
    )


def _saved_at(scorecard: Scorecard) -> str:
    return timezone.localtime(scorecard.updated_at).strftime("%H:%M:%S")


@keeps_post_when_signed_out
def scorecard(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    page = _page(request, scorecard_id)
    if not page.seen:
        scorecard_views_record(viewer=signed_in_user(request), scorecards=[page.scorecard])
    can_edit = policy.can_edit_scorecard(request.user, page.scorecard)
    editable = policy.can_write_draft(request.user, page.scorecard)
    status = 200
    data = request.POST if request.method == "POST" else pending_post_take(request)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Only the interviewer who ran this interview can change its scorecard.")
    if data is not None and can_edit:
        if not editable:
            return _kept_for_amendment(request, page, data)
        restored = request.method != "POST"
        action = "save" if restored else request.POST.get("action", "save")
        form, status = _scorecard_post(request, page, data, action=action, restored=restored)
        if status == 302 and action == "submit":
            return redirect("scorecard_next")  # the next task: the interviewer's next scorecard to write, or home
        if status == 302:
            return redirect("scorecard", scorecard_id)
    else:
        form = ScorecardForm(page=page)
    return render(
        request,
        "hiring/scorecard.html",
        {"page": page, "form": form, "can_edit": can_edit, "editable": editable},
        status=status,
    )


def _kept_for_amendment(request: HttpRequest, page: ScorecardPage, data: QueryDict) -> HttpResponse:
    """Text typed for a scorecard submitted (or whose loop was decided) meanwhile: keep it on screen, say what to do."""
    if page.scorecard.is_submitted:
        form = _refilled(AmendForm, data, page, revision=page.scorecard.revision)
        form.kept_message = (
            "Not saved: this scorecard was submitted meanwhile (in another tab or window). "
            "Your text is kept below; give a reason to save it as an amendment."
        )
        return render(request, "hiring/scorecard_amend.html", {"page": page, "form": form}, status=409)
    form = _refilled(ScorecardForm, data, page, revision=page.scorecard.revision)
    form.kept_message = (
        "Not saved: this loop is decided, so drafts can no longer be saved or submitted. Your text is shown below."
    )
    return render(
        request,
        "hiring/scorecard.html",
        {"page": page, "form": form, "can_edit": True, "editable": True, "locked": True},
        status=409,
    )


def _scorecard_post(
    request: HttpRequest, page: ScorecardPage, data: QueryDict, *, action: str, restored: bool = False
) -> tuple[ScorecardForm, int]:
    form = ScorecardForm(data, page=page)
    if not form.is_valid():
        return form, 400
    try:
        if action == "submit":
            scorecard_services.scorecard_submit(
                scorecard=page.scorecard,
                by=signed_in_user(request),
                revision=form.cleaned_data["revision"],
                data=form.to_input(),
                tab=form.cleaned_data["tab"],
            )
            messages.success(
                request,
                f"Scorecard for {page.loop.candidate.name} submitted: your colleagues' scorecards on that loop "
                "are now open to you.",
            )
        else:
            when = _saved_at(_save_draft(request, page, form))
            if restored:
                messages.success(request, f"Restored what you typed before you were signed out; draft saved at {when}.")
            else:
                messages.success(request, f"Draft saved at {when}.")
        return form, 302
    except scorecard_services.ScorecardConflict as conflict:
        form = _refilled(ScorecardForm, data, page, revision=conflict.scorecard.revision)
        form.conflict = conflict
        return form, 409
    except ValidationError as error:
        form.add_service_errors(error)
        return form, 400


@require_POST
@keeps_post_when_signed_out
def scorecard_autosave(request: HttpRequest, scorecard_id: int) -> JsonResponse:
    try:
        page = _page(request, scorecard_id)
    except PermissionDenied:
        return JsonResponse({"error": "forbidden", "message": "This is not your scorecard."}, status=403)
    except Http404:
        return JsonResponse({"error": "not_found", "message": "No such scorecard."}, status=404)
    if not policy.can_edit_scorecard(request.user, page.scorecard):
        return JsonResponse({"error": "forbidden", "message": "This is not your scorecard."}, status=403)
    form = ScorecardForm(request.POST, page=page)
    if not form.is_valid():
        return JsonResponse({"error": "invalid", "message": "Not saved: " + _first_errors(form)}, status=400)
    try:
        saved = _save_draft(request, page, form)
    except scorecard_services.ScorecardConflict as conflict:
        return JsonResponse(
            {"error": "conflict", "message": str(conflict), "revision": conflict.scorecard.revision}, status=409
        )
    except ValidationError as error:
        return JsonResponse({"error": "invalid", "message": "Not saved: " + " ".join(error.messages)}, status=400)
    return JsonResponse({"saved": True, "revision": saved.revision, "saved_at": _saved_at(saved)})


def _first_errors(form: ScorecardForm) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@keeps_post_when_signed_out
def scorecard_amend(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    page = _page(request, scorecard_id)
    if not policy.can_edit_scorecard(request.user, page.scorecard):
        raise PermissionDenied("Only the interviewer who ran this interview can amend its scorecard.")
    if not page.scorecard.is_submitted:
        return redirect("scorecard", scorecard_id)
    data = request.POST if request.method == "POST" else pending_post_take(request)
    form = AmendForm(data, page=page)
    status = 200
    if data is not None and request.method != "POST":
        form.is_valid()
        form.kept_message = "Restored what you typed before you were signed out. It is not saved yet: save it below."
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                scorecard_services.scorecard_amend(
                    scorecard=page.scorecard,
                    by=signed_in_user(request),
                    revision=form.cleaned_data["revision"],
                    data=form.to_input(),
                    reason=form.cleaned_data["reason"],
                )
            except scorecard_services.ScorecardConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Amendment saved and added to the scorecard's history.")
                return redirect("scorecard", scorecard_id)
    return render(request, "hiring/scorecard_amend.html", {"page": page, "form": form}, status=status)
