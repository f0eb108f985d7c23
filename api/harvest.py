"""A Greenhouse Harvest (v1) compatible read path, /harvest/v1/ (docs/API.md, "Harvest-compatible read path").

An existing Harvest client can point here: Harvest's paths, bare JSON arrays paged with `per_page` and `page`
and an RFC 5988 `Link` header (next, prev, last), the `created_*`/`updated_*` filters, and HTTP Basic with a
token as the user name (Bearer and a browser session work too). A loop is Harvest's application, a candidate
its candidate, a submitted scorecard its scorecard (api.greenhouse). Who sees what: hiring.policy, as for the
JSON API, for the token's owner.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DateTimeField, Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import BasicTokenAuthentication, TokenAuthentication
from api.greenhouse import GreenhouseScorecardSerializer, harvest_user
from hiring import policy
from hiring.models import Candidate, Decision, Loop, Scorecard
from hiring.selectors import scorecards as scorecard_selectors

PER_PAGE = 100  # Harvest's default
MAX_PER_PAGE = 500  # and its maximum
DATES = ("created_after", "created_before", "updated_after", "updated_before")
ALWAYS_ALLOWED = ("per_page", "page", "skip_count")


# Query: paging and filters -----------------------------------------------------------------------


@dataclass(frozen=True)
class HarvestQuery:
    per_page: int
    page: int
    skip_count: bool
    dates: dict[str, datetime]


def _whole_number(request: Request, name: str, default: int, highest: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    limit = f" from 1 to {highest}" if highest else " from 1"
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= (highest or math.inf):
        raise ValidationError({name: [f"{name} must be a whole number{limit}; got {raw!r}."]})
    return int(raw)


def _moment(name: str, raw: str) -> datetime:
    """An ISO 8601 timestamp (Harvest's format, e.g. 2026-03-01T00:00:00Z); without an offset, UTC."""
    try:
        moment = parse_datetime(raw.strip())
    except ValueError:
        moment = None
    if moment is None:
        example = "2026-03-01T00:00:00Z"
        raise ValidationError({name: [f"{name} must be an ISO 8601 timestamp such as {example}; got {raw!r}."]})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def harvest_query(request: Request, *, dates: Sequence[str]) -> HarvestQuery:
    """The paging and filters of a Harvest list; a filter Harvest has that this path cannot honour is refused
    (422) rather than ignored, as ignoring it would answer with the wrong rows."""
    unknown = sorted(set(request.query_params) - {*ALWAYS_ALLOWED, *dates})
    if unknown:
        allowed = ", ".join((*ALWAYS_ALLOWED, *dates))
        raise ValidationError({name: [f"Not a filter of this endpoint (it takes {allowed})."] for name in unknown})
    return HarvestQuery(
        per_page=_whole_number(request, "per_page", PER_PAGE, MAX_PER_PAGE),
        page=_whole_number(request, "page", 1, None),
        skip_count=request.query_params.get("skip_count", "").lower() == "true",
        dates={name: _moment(name, request.query_params[name]) for name in dates if name in request.query_params},
    )


def _filtered(rows: QuerySet[Any], query: HarvestQuery, columns: dict[str, str]) -> QuerySet[Any]:
    """`created_after=T` keeps rows created at or after T, `…_before` before T (Harvest's meaning)."""
    for name, moment in query.dates.items():
        stem, _, side = name.rpartition("_")
        rows = rows.filter(**{f"{columns[stem]}__{'gte' if side == 'after' else 'lt'}": moment})
    return rows


def harvest_page(
    request: Request,
    rows: QuerySet[Any],
    query: HarvestQuery,
    shape: Callable[[Sequence[Any]], list[dict[str, Any]]],
) -> Response:
    """One page as a bare JSON array, with the Link header (next, prev, and last unless skip_count=true)."""
    start = (query.page - 1) * query.per_page
    page = list(rows[start : start + query.per_page + 1])
    more = len(page) > query.per_page
    response = Response(shape(page[: query.per_page]))
    links = []
    if more:
        links.append((query.page + 1, "next"))
    if query.page > 1:
        links.append((query.page - 1, "prev"))
    if not query.skip_count:
        links.append((max(1, math.ceil(rows.count() / query.per_page)), "last"))
    if links:
        response["Link"] = ",".join(f'<{_page_url(request, number)}>; rel="{rel}"' for number, rel in links)
    return response


def _page_url(request: Request, number: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(request.path) + "?" + urlencode(sorted(params.items()))


# Shapes ------------------------------------------------------------------------------------------


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _loops(user: User) -> QuerySet[Loop]:
    """The loops (applications) the user may see, with what their Harvest shape reads, and last activity:
    the newest of the loop's creation, its scorecards' saves and its decisions."""
    return (
        policy.loops_visible_to(user)
        .select_related("rubric", "decision")
        .annotate(
            last_activity=Greatest(
                "created_at",
                Coalesce(Max("interviews__scorecard__updated_at"), "created_at"),
                Coalesce(Max("decisions__at"), "created_at"),
                output_field=DateTimeField(),
            )
        )
    )


STAGES = {status: index for index, status in enumerate(Loop.Status.values, start=1)}


def harvest_application(loop: Loop) -> dict[str, Any]:
    """A loop as Harvest's application object; fields our data does not have are null or empty."""
    decision: Decision | None = loop.decision
    outcome = decision.outcome if decision is not None else None
    status = {Decision.Outcome.HIRE: "hired", Decision.Outcome.NO_HIRE: "rejected"}.get(outcome, "active")  # type: ignore[call-overload]
    return {
        "id": loop.pk,
        "candidate_id": loop.candidate_id,
        "prospect": False,
        "applied_at": loop.created_at,
        "rejected_at": decision.at if status == "rejected" and decision is not None else None,
        "last_activity_at": getattr(loop, "last_activity", loop.created_at),
        "location": None,
        "source": None,
        "credited_to": None,
        "rejection_reason": None,
        "rejection_details": None,
        "jobs": [{"id": loop.rubric.role_id, "name": loop.rubric.title}],
        "job_post_id": None,
        "status": status,
        "current_stage": {"id": STAGES[loop.status], "name": loop.get_status_display()},
        "answers": [],
        "prospective_office": None,
        "prospective_department": None,
        "prospect_detail": {"prospect_pool": None, "prospect_stage": None, "prospect_owner": None},
        "custom_fields": {},
        "keyed_custom_fields": {},
        "attachments": [],
    }


def _name_parts(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


def harvest_candidate(candidate: Candidate, loops: Sequence[Loop]) -> dict[str, Any]:
    """A candidate as Harvest's candidate object, with the applications (loops) the reader may see."""
    first_name, last_name = _name_parts(candidate.name)
    newest = max(loops, key=lambda loop: (loop.created_at, loop.pk), default=None)
    activity = [getattr(loop, "last_activity", loop.created_at) for loop in loops]
    return {
        "id": candidate.pk,
        "first_name": first_name,
        "last_name": last_name,
        "company": None,
        "title": None,
        "created_at": candidate.created_at,
        "updated_at": candidate.forgotten_at or candidate.created_at,
        "last_activity": max([candidate.created_at, *activity]),
        "is_private": False,
        "photo_url": None,
        "attachments": [],
        "application_ids": [loop.pk for loop in loops],
        "phone_numbers": [],
        "addresses": [],
        "email_addresses": [{"value": candidate.email, "type": "personal"}] if candidate.email else [],
        "website_addresses": [],
        "social_media_addresses": [],
        "recruiter": harvest_user(newest.recruiter) if newest is not None else None,
        "coordinator": None,
        "can_email": bool(candidate.email) and candidate.forgotten_at is None,
        "tags": [],
        "applications": [harvest_application(loop) for loop in loops],
        "educations": [],
        "employments": [],
        "linked_user_ids": [],
        "custom_fields": {},
        "keyed_custom_fields": {},
    }


def _candidates(user: User) -> QuerySet[Candidate]:
    visible = _loops(user).select_related("recruiter").order_by("pk")
    return (
        Candidate.objects.filter(loops__in=policy.loops_visible_to(user))
        .distinct()
        .prefetch_related(Prefetch("loops", queryset=visible, to_attr="visible_loops"))
    )


def _candidate_rows(candidates: Iterable[Candidate]) -> list[dict[str, Any]]:
    return [harvest_candidate(candidate, candidate.visible_loops) for candidate in candidates]  # type: ignore[attr-defined]


def _scorecards(user: User) -> QuerySet[Scorecard]:
    """Harvest's scorecards are submitted ones: the user's own and colleagues' as blind scoring allows."""
    return (
        policy.scorecards_visible_to(user)
        .filter(status=Scorecard.Status.SUBMITTED)
        .select_related("interview__interviewer", "interview__exercise", "interview__loop__rubric")
        .prefetch_related("ratings__dimension", "observed_signals__signal")
        .order_by("pk")
    )


def _scorecard_rows(scorecards: Iterable[Scorecard]) -> list[dict[str, Any]]:
    return [dict(GreenhouseScorecardSerializer(scorecard).data) for scorecard in scorecards]


SCORECARD_DATES = {"created": "submitted_at", "updated": "updated_at"}
# A candidate changes after it is created only when forgotten (hiring.services.privacy): its updated_at.
CANDIDATE_DATES = {"created": "created_at", "updated": "harvest_updated"}
# updated_after: the name the other lists use, here Harvest's last_activity_after.
APPLICATION_DATES = {"created": "created_at", "last_activity": "last_activity", "updated": "last_activity"}


# Views -------------------------------------------------------------------------------------------


@extend_schema(exclude=True)  # Greenhouse's own documentation is this path's reference (docs/API.md)
class HarvestView(APIView):
    """Read-only; a token by HTTP Basic (Harvest's way) or Bearer, or a browser session."""

    authentication_classes = [BasicTokenAuthentication, TokenAuthentication, SessionAuthentication]
    pagination_class = None


class ScorecardList(HarvestView):
    def get(self, request: Request) -> Response:
        query = harvest_query(request, dates=DATES)
        scorecards = _filtered(_scorecards(_user(request)), query, SCORECARD_DATES)
        return harvest_page(request, scorecards, query, _scorecard_rows)


class ScorecardDetail(HarvestView):
    def get(self, request: Request, scorecard_id: int) -> Response:
        scorecard = _scorecards(_user(request)).filter(pk=scorecard_id).first()
        if scorecard is None:
            reason = scorecard_selectors.scorecard_hidden_reason(user=_user(request), scorecard_id=scorecard_id)
            if reason:
                raise PermissionDenied(reason)
            raise Http404
        return Response(_scorecard_rows([scorecard])[0])


class ApplicationScorecards(HarvestView):
    """The submitted scorecards of one application (loop) the user may see, as one unpaged array (as Harvest)."""

    def get(self, request: Request, application_id: int) -> Response:
        if request.query_params:
            names = sorted(request.query_params)
            raise ValidationError({name: ["Not a parameter of this endpoint (it takes none)."] for name in names})
        if not policy.loops_visible_to(_user(request)).filter(pk=application_id).exists():
            raise Http404
        return Response(_scorecard_rows(_scorecards(_user(request)).filter(interview__loop_id=application_id)))


class CandidateList(HarvestView):
    def get(self, request: Request) -> Response:
        query = harvest_query(request, dates=DATES)
        candidates = _candidates(_user(request)).annotate(harvest_updated=Coalesce("forgotten_at", "created_at"))
        candidates = _filtered(candidates.order_by("pk"), query, CANDIDATE_DATES)
        return harvest_page(request, candidates, query, _candidate_rows)


class CandidateDetail(HarvestView):
    def get(self, request: Request, candidate_id: int) -> Response:
        candidate = _candidates(_user(request)).filter(pk=candidate_id).first()
        if candidate is None:
            raise Http404
        return Response(_candidate_rows([candidate])[0])


APPLICATION_FILTERS = ("created_after", "created_before", "last_activity_after", "updated_after")


class ApplicationList(HarvestView):
    def get(self, request: Request) -> Response:
        query = harvest_query(request, dates=APPLICATION_FILTERS)
        loops = _filtered(_loops(_user(request)).order_by("pk"), query, APPLICATION_DATES)
        return harvest_page(request, loops, query, lambda page: [harvest_application(loop) for loop in page])


class ApplicationDetail(HarvestView):
    def get(self, request: Request, application_id: int) -> Response:
        loop = _loops(_user(request)).filter(pk=application_id).first()
        if loop is None:
            raise Http404
        return Response(harvest_application(loop))
