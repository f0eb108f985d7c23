"""Scorecard posts that arrive after the session expired, kept in the session until the interviewer is back.

Anyone signed out can post, so what is kept is bounded: only posts for a scorecard that exists,
at most ``PENDING_POST_MAX_BYTES`` each (measured as stored, JSON), at most ``PENDING_POSTS_MAX``
scorecards per session, each for ``PENDING_POST_MAX_AGE``. A post beyond a bound is refused with
413 and stored nowhere; a post for a scorecard that does not exist is answered like any other
(sign in) but stores nothing, so a cookieless post creates no session. On restore the page
itself checks that the signed-in user may write that scorecard; text for anyone else's is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from hiring.selectors.scorecards import scorecard_exists

PENDING_POSTS = "pending_scorecard_posts"
# Bodies larger than this are refused before they are parsed: a form's URL encoding is at most
# about four times its stored JSON, so nothing that fits the cap is refused by this early check.
_EARLY_REFUSAL_FACTOR = 4


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


TOO_LARGE = Refusal(
    "too_large",
    "You were signed out, and this scorecard is too long to keep until you log in again. "
    "Copy your text somewhere safe, log in, and paste it back.",
)
TOO_MANY = Refusal(
    "too_many",
    "You were signed out, and text for several other scorecards is already waiting for you. "
    "Log in to save it; copy this text somewhere safe meanwhile.",
)


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _fresh(pending: object, now: dt.datetime) -> dict[str, dict[str, Any]]:
    """The entries still within their age; anything malformed or from an older format is dropped."""
    if not isinstance(pending, dict):
        return {}
    oldest = now - settings.PENDING_POST_MAX_AGE
    kept: dict[str, dict[str, Any]] = {}
    for page, entry in pending.items():
        try:
            at = dt.datetime.fromisoformat(entry["at"])
        except (TypeError, KeyError, ValueError):
            continue
        if at >= oldest and isinstance(entry.get("data"), dict):
            kept[page] = entry
    return kept


def _keep(request: HttpRequest, *, page: str, scorecard_id: int) -> Refusal | None:
    """Keep this post in the session for ``page``, or say why not (then nothing is stored)."""
    limit = settings.PENDING_POST_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit * _EARLY_REFUSAL_FACTOR:
        return TOO_LARGE
    if not scorecard_exists(scorecard_id=scorecard_id):
        return None
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    if len(json.dumps(data, separators=(",", ":"))) > limit:
        return TOO_LARGE
    now = timezone.now()
    pending = _fresh(request.session.get(PENDING_POSTS), now)
    if page not in pending and len(pending) >= settings.PENDING_POSTS_MAX:
        return TOO_MANY
    pending[page] = {"at": now.isoformat(), "data": data}
    request.session[PENDING_POSTS] = pending
    return None


def _refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": refusal.code, "message": refusal.message}, status=413)
    return render(request, "413.html", {"message": refusal.message}, status=413)


PageView = Callable[..., HttpResponse]


def keeps_post_when_signed_out(view: PageView) -> PageView:
    """Like login_required, but a scorecard post made after the session expired is kept (within the bounds above).

    The posted text is stored in the (new, anonymous) session under the page it belongs to;
    Django keeps session data across login, so that page picks it up once the interviewer
    is back. Autosave posts belong to the scorecard page.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, scorecard_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, scorecard_id, *args, **kwargs)
        page = reverse("scorecard", args=[scorecard_id]) if wants_json(request) else request.path
        if request.method == "POST":
            refusal = _keep(request, page=page, scorecard_id=scorecard_id)
            if refusal:
                return _refused(request, refusal)
            if wants_json(request):
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


def pending_post_take(request: HttpRequest) -> QueryDict | None:
    """The form this page kept when its post arrived after the session expired, if any and not too old (taken once).

    The caller restores it only if the user may write the scorecard; either way it is gone from the session.
    """
    if PENDING_POSTS not in request.session:
        return None
    pending = _fresh(request.session[PENDING_POSTS], timezone.now())
    entry = pending.pop(request.path, None)
    if pending:
        request.session[PENDING_POSTS] = pending
    else:
        del request.session[PENDING_POSTS]
    if entry is None:
        return None
    query = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        if isinstance(values, list):
            query.setlist(str(key), [str(value) for value in values])
    return query
