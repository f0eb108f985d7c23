from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hiring import debrief as aggregation
from hiring import policy, selectors, services
from hiring.forms import AmendForm, DecisionForm, LoopCreateForm, PlanRowForm, ScorecardForm
from hiring.models import Loop

PENDING_POSTS = "pending_scorecard_posts"


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def keeps_post_when_signed_out(view):
    """Like login_required, but a scorecard post made after the session expired is kept on the server.

    The posted text is stored in the (new, anonymous) session under the page it belongs to;
    Django keeps session data across login, so that page picks it up once the interviewer
    is back. Autosave posts belong to the scorecard page.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, scorecard_id: int, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, scorecard_id, *args, **kwargs)
        page = reverse("scorecard", args=[scorecard_id]) if _wants_json(request) else request.path
        if request.method == "POST":
            pending = request.session.get(PENDING_POSTS, {})
            pending[page] = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
            request.session[PENDING_POSTS] = pending
            if _wants_json(request):
                return JsonResponse(
                    {
                        "error": "signed_out",
                        "message": "You were signed out. What you typed is kept: log in again to continue.",
                        "login_url": f"{reverse('login')}?next={page}",
                    },
                    status=401,
                )
        return redirect_to_login(page)

    return wrapper


def _pending_post(request: HttpRequest) -> QueryDict | None:
    """The form this page kept when its post arrived after the session expired, if any (taken once)."""
    pending = request.session.get(PENDING_POSTS, {})
    data = pending.pop(request.path, None)
    if data is None:
        return None
    request.session[PENDING_POSTS] = pending
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = selectors.interviewer_home(user=request.user, now=timezone.now())
    return render(
        request,
        "hiring/home.html",
        {"sections": sections, "can_plan": policy.can_plan_loops(request.user), "now": timezone.now()},
    )


@login_required
def my_scorecards(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.submitted_interviews(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "hiring/my_scorecards.html", {"page": page})


# Loops -------------------------------------------------------------------------------------------


@login_required
def loop_new(request: HttpRequest) -> HttpResponse:
    if not policy.can_plan_loops(request.user):
        raise PermissionDenied("Only recruiters can create loops.")
    form = LoopCreateForm(
        request.POST or None, rubrics=selectors.rubrics_for_new_loop(), hiring_managers=selectors.hiring_managers()
    )
    if request.method == "POST" and form.is_valid():
        try:
            loop = services.loop_create(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Loop created for {loop.candidate.name}. Now plan the interviews.")
            return redirect("loop_plan", loop.pk)
    return render(request, "hiring/loop_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def loop_detail(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = selectors.loop_get(user=request.user, loop_id=loop_id)
    return render(
        request,
        "hiring/loop_detail.html",
        {
            "loop": loop,
            "interviews": selectors.loop_interviews_for(user=request.user, loop=loop),
            "can_plan": policy.can_plan(request.user, loop),
            "can_view_debrief": policy.can_view_debrief(request.user, loop),
            "uncovered": services.uncovered_dimensions(loop=loop),
        },
    )


@login_required
def loop_plan(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = selectors.loop_for_planning(user=request.user, loop_id=loop_id)
    if not policy.can_plan(request.user, loop):
        raise PermissionDenied("Only the loop's recruiter can plan its interviews.")
    rows = _plan_rows(request, loop)
    if request.method == "POST" and all(row.is_valid() for row in rows):
        plan = [
            services.PlanRow(
                exercise=row.exercise,
                interviewer=row.cleaned_data["interviewer"],
                scheduled_at=row.cleaned_data["scheduled_at"],
                focus=list(row.cleaned_data["focus"]),
                interview=row.interview,
            )
            for row in rows
            if row.cleaned_data.get("include") or row.locked
        ]
        removed = [
            row.interview for row in rows if row.interview and not row.locked and not row.cleaned_data["include"]
        ]
        try:
            services.loop_plan_save(loop=loop, rows=plan, removed=removed, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            uncovered = services.uncovered_dimensions(loop=loop)
            if uncovered:
                messages.warning(
                    request, "Plan saved, but no interview covers: " + ", ".join(d.name for d in uncovered) + "."
                )
            else:
                messages.success(request, "Plan saved. Every rubric dimension is covered by an interview.")
            return redirect("loop_plan", loop.pk)
    uncovered = selectors.dimensions_uncovered(rubric=loop.rubric, rows=rows)
    return render(
        request,
        "hiring/loop_plan.html",
        {"loop": loop, "rows": rows, "uncovered": uncovered},
        status=400 if request.method == "POST" else 200,
    )


def _plan_rows(request: HttpRequest, loop) -> list[PlanRowForm]:
    """A row per existing interview and one per exercise that has none yet.

    The first interview of an exercise keeps the exercise's prefix, so a form opened before the
    plan was first saved still posts to the same rows; a repeated exercise's rows are keyed by interview.
    """
    interviews: dict[int, list] = {}
    for interview in sorted(loop.interviews.all(), key=lambda i: i.pk):
        interviews.setdefault(interview.exercise_id, []).append(interview)
    dimensions = loop.rubric.dimensions.all()
    interviewers = selectors.interviewers()
    default_time = selectors.plan_default_start(now=timezone.now())
    rows = []
    for index, exercise in enumerate(loop.rubric.exercises.all()):
        for position, interview in enumerate(interviews.get(exercise.pk) or [None]):
            if interview:
                initial = {
                    "include": True,
                    "interviewer": interview.interviewer_id,
                    "scheduled_at": timezone.localtime(interview.scheduled_at),
                    "focus": [d.pk for d in interview.focus_dimensions.all()],
                }
            else:
                initial = {
                    "include": not exercise.optional and not interviews,
                    "scheduled_at": default_time + dt.timedelta(hours=index),
                    "focus": [d.pk for d in exercise.dimensions.all()],
                }
            rows.append(
                PlanRowForm(
                    request.POST if request.method == "POST" else None,
                    prefix=f"exercise-{exercise.pk}" if position == 0 else f"interview-{interview.pk}",
                    initial=initial,
                    exercise=exercise,
                    interview=interview,
                    interviewers=interviewers,
                    dimensions=dimensions,
                )
            )
    return rows


def _loop_for_debrief(request: HttpRequest, loop_id: int):
    loop = selectors.loop_get(user=request.user, loop_id=loop_id)
    if not policy.can_view_debrief(request.user, loop):
        raise PermissionDenied("The debrief opens to interviewers once their own scorecard for this loop is submitted.")
    return loop


@login_required
def loop_debrief(request: HttpRequest, loop_id: int) -> HttpResponse:
    loop = _loop_for_debrief(request, loop_id)
    can_decide = policy.can_decide(request.user, loop)
    can_adjust = policy.can_view_calibration(request.user)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("Only the loop's hiring manager can record its decision.")
        status = 400
        if form.is_valid():
            try:
                services.loop_decide(loop=loop, by=request.user, **form.cleaned_data)
            except services.DecisionConflict as conflict:
                messages.error(request, str(conflict))
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Decision recorded. The loop's scorecards are now locked.")
                return redirect("loop_debrief", loop.pk)
    return render(
        request,
        "hiring/debrief.html",
        {
            "debrief": aggregation.loop_debrief(loop=loop),
            "form": form,
            "can_decide": can_decide,
            "can_adjust": can_adjust,
            "show_adjusted": can_adjust and request.GET.get("adjusted") == "1",
            "thresholds": {"strong": aggregation.STRONG_AT, "weak": aggregation.WEAK_BELOW},
            "classifications": aggregation.CLASSIFICATIONS,
        },
        status=status,
    )


# Scorecards --------------------------------------------------------------------------------------


def _scorecard_page_or_hidden(request: HttpRequest, scorecard_id: int):
    try:
        return selectors.scorecard_page(user=request.user, scorecard_id=scorecard_id)
    except Http404:
        reason = selectors.scorecard_hidden_reason(user=request.user, scorecard_id=scorecard_id)
        if reason:
            raise PermissionDenied(reason) from None
        raise


@keeps_post_when_signed_out
def scorecard(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    page = _scorecard_page_or_hidden(request, scorecard_id)
    can_edit = policy.can_edit_scorecard(request.user, page.scorecard)
    editable = can_edit and not page.scorecard.is_submitted and page.loop.status != Loop.Status.DECIDED
    status = 200
    data = request.POST if request.method == "POST" else _pending_post(request)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Only the interviewer who ran this interview can change its scorecard.")
    if data is not None and can_edit:
        if not editable:
            return _kept_for_amendment(request, page, data)
        restored = request.method != "POST"
        action = "save" if restored else request.POST.get("action", "save")
        form, status = _scorecard_post(request, page, data, action=action, restored=restored)
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


def _kept_for_amendment(request: HttpRequest, page, data: QueryDict) -> HttpResponse:
    """Text typed for a scorecard that was meanwhile submitted or locked: keep it on screen and say what to do."""
    kept = data.copy()
    kept["revision"] = str(page.scorecard.revision)
    if page.scorecard.is_submitted:
        form = AmendForm(kept, page=page)
        form.is_valid()
        form.kept_message = (
            "Not saved: this scorecard was submitted meanwhile (in another tab or window). "
            "Your text is kept below; give a reason to save it as an amendment."
        )
        return render(request, "hiring/scorecard_amend.html", {"page": page, "form": form}, status=409)
    form = ScorecardForm(kept, page=page)
    form.is_valid()
    form.kept_message = "Not saved: this loop is decided and its scorecards are locked. Your text is shown below."
    return render(
        request,
        "hiring/scorecard.html",
        {"page": page, "form": form, "can_edit": True, "editable": True, "locked": True},
        status=409,
    )


def _scorecard_post(request, page, data, *, action: str, restored: bool = False) -> tuple[ScorecardForm, int]:
    form = ScorecardForm(data, page=page)
    if not form.is_valid():
        return form, 400
    try:
        if action == "submit":
            services.scorecard_submit(
                scorecard=page.scorecard, by=request.user, revision=form.cleaned_data["revision"], data=form.to_input()
            )
            messages.success(request, "Scorecard submitted. You can now see your colleagues' scorecards for this loop.")
        else:
            saved = services.scorecard_save_draft(
                scorecard=page.scorecard, by=request.user, revision=form.cleaned_data["revision"], data=form.to_input()
            )
            when = timezone.localtime(saved.updated_at).strftime("%H:%M:%S")
            if restored:
                messages.success(request, f"Restored what you typed before you were signed out; draft saved at {when}.")
            else:
                messages.success(request, f"Draft saved at {when}.")
        return form, 302
    except services.ScorecardConflict as conflict:
        fresh = data.copy()
        fresh["revision"] = str(conflict.scorecard.revision)
        form = ScorecardForm(fresh, page=page)
        form.is_valid()
        form.conflict = conflict
        return form, 409
    except ValidationError as error:
        form.add_service_errors(error)
        return form, 400


@require_POST
@keeps_post_when_signed_out
def scorecard_autosave(request: HttpRequest, scorecard_id: int) -> JsonResponse:
    try:
        page = _scorecard_page_or_hidden(request, scorecard_id)
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
        saved = services.scorecard_save_draft(
            scorecard=page.scorecard, by=request.user, revision=form.cleaned_data["revision"], data=form.to_input()
        )
    except services.ScorecardConflict as conflict:
        return JsonResponse(
            {"error": "conflict", "message": str(conflict), "revision": conflict.scorecard.revision}, status=409
        )
    except ValidationError as error:
        return JsonResponse({"error": "invalid", "message": "Not saved: " + " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "saved": True,
            "revision": saved.revision,
            "saved_at": timezone.localtime(saved.updated_at).strftime("%H:%M:%S"),
        }
    )


def _first_errors(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


@keeps_post_when_signed_out
def scorecard_amend(request: HttpRequest, scorecard_id: int) -> HttpResponse:
    page = _scorecard_page_or_hidden(request, scorecard_id)
    if not policy.can_edit_scorecard(request.user, page.scorecard):
        raise PermissionDenied("Only the interviewer who ran this interview can amend its scorecard.")
    if not page.scorecard.is_submitted:
        return redirect("scorecard", scorecard_id)
    data = request.POST if request.method == "POST" else _pending_post(request)
    form = AmendForm(data, page=page)
    status = 200
    if data is not None and request.method != "POST":
        form.is_valid()
        form.kept_message = "Restored what you typed before you were signed out. It is not saved yet: save it below."
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.scorecard_amend(
                    scorecard=page.scorecard,
                    by=request.user,
                    revision=form.cleaned_data["revision"],
                    data=form.to_input(),
                    reason=form.cleaned_data["reason"],
                )
            except services.ScorecardConflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Amendment saved and added to the scorecard's history.")
                return redirect("scorecard", scorecard_id)
    return render(request, "hiring/scorecard_amend.html", {"page": page, "form": form}, status=status)
