"""The JSON API, version 1. Thin: parse, one policy-scoped selector or one service, serialize.

Who may see or change what is decided by hiring.policy and hiring's services, exactly as for
the web pages; these views only translate between JSON and those calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import exports as api_exports
from api import serializers as s
from api.greenhouse import GreenhouseScorecardSerializer
from api.plans import first_plan_rows, interviews_removed, plan_rows
from hiring import exports, policy
from hiring.forms import PipelineFilterForm
from hiring.models import Interview, Loop, Scorecard
from hiring.selectors import debrief as aggregation
from hiring.selectors import loops as loop_selectors
from hiring.selectors import pipeline
from hiring.selectors import scorecards as scorecard_selectors
from hiring.services import decisions, loops, outcomes, scorecards, self_identification
from roles.models import RubricVersion
from roles.selectors import current_rubrics, newest_rubrics, rubric_get


def _user(request: Request) -> User:
    """The signed-in user (every endpoint here requires one: IsAuthenticated runs first)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _query(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params.dict())  # a plain dict: "" is a value, not "omitted"
    query.is_valid(raise_exception=True)
    data: dict[str, Any] = query.validated_data
    return data


def _loop_filter(request: Request) -> int | None:
    return _query(s.LoopQuery, request).get("loop")


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = serializer.validated_data
    return data


# Roles -------------------------------------------------------------------------------------------


class RoleList(generics.ListAPIView[Any]):
    """Every role, with its rubric version numbers."""

    serializer_class = s.RoleSerializer

    def get_queryset(self) -> QuerySet[RubricVersion]:
        versions = Prefetch("role__rubrics", queryset=RubricVersion.objects.only("id", "number", "role_id"))
        return newest_rubrics().select_related("role").prefetch_related(versions).order_by("title", "role__slug")


class RoleDetail(generics.RetrieveAPIView[Any]):
    serializer_class = s.RoleSerializer
    lookup_field = "role__slug"
    lookup_url_kwarg = "slug"

    def get_queryset(self) -> QuerySet[RubricVersion]:
        return RoleList().get_queryset()


class RubricDetail(APIView):
    """A rubric version with all it holds: scale and labels, areas, dimensions with anchors, exercises, signals."""

    @extend_schema(responses=s.RubricSerializer)
    def get(self, request: Request, slug: str, number: int) -> Response:
        try:
            rubric = rubric_get(role_slug=slug, number=number)
        except RubricVersion.DoesNotExist:
            raise Http404 from None
        return Response(s.RubricSerializer(rubric).data)


# Loops -------------------------------------------------------------------------------------------


def _loops_with_interviews(queryset: QuerySet[Loop]) -> QuerySet[Loop]:
    interviews = Interview.objects.select_related("exercise", "interviewer", "scorecard").prefetch_related(
        "focus_dimensions"
    )
    return queryset.select_related("candidate", "rubric__role", "hiring_manager", "recruiter").prefetch_related(
        Prefetch("interviews", queryset=interviews)
    )


class LoopList(generics.ListAPIView[Any]):
    """Loops you take part in (as recruiter, hiring manager or interviewer); newest first."""

    serializer_class = s.LoopSerializer

    def get_queryset(self) -> QuerySet[Loop]:
        return _loops_with_interviews(policy.loops_visible_to(_user(self.request))).order_by("-created_at", "-pk")

    @extend_schema(
        request=s.LoopCreateWrite,
        responses={201: s.LoopSerializer},
        summary="Create a candidate and their loop, with its interview plan (recruiters)",
    )
    def post(self, request: Request) -> Response:
        if not policy.can_plan_loops(_user(request)):
            raise PermissionDenied("Only recruiters can create loops.")
        data = _valid(s.LoopCreateWrite, request)
        rubric = current_rubrics().filter(role__slug=data["role"]).first()
        if rubric is None:
            raise ValidationError({"role": [f"No role with the slug {data['role']!r}."]})
        manager = loop_selectors.hiring_managers().filter(username=data["hiring_manager"]).first()
        if manager is None:
            raise ValidationError(
                {
                    "hiring_manager": [
                        f"{data['hiring_manager']!r} is not an active member of the Hiring managers group."
                    ]
                }
            )
        loop = loops.loop_create(
            candidate_name=data["candidate"]["name"],
            candidate_email=data["candidate"]["email"],
            candidate_notes=data["candidate"]["notes"],
            rubric=rubric,
            hiring_manager=manager,
            by=_user(request),
            plan=first_plan_rows(rubric=rubric, rows=data["interviews"]),
        )
        return Response(s.LoopSerializer(_loops_with_interviews(Loop.objects.filter(pk=loop.pk)).get()).data, 201)


class LoopDetail(generics.RetrieveAPIView[Any]):
    serializer_class = s.LoopSerializer
    lookup_url_kwarg = "loop_id"

    def get_queryset(self) -> QuerySet[Loop]:
        return _loops_with_interviews(policy.loops_visible_to(_user(self.request)))


def _visible_loop(request: Request, loop_id: int, *, planning: bool = False) -> Loop:
    """The loop, if the user may see it; 404 otherwise."""
    try:
        if planning:
            return loop_selectors.loop_for_planning(user=_user(request), loop_id=loop_id)
        return loop_selectors.loop_get(user=_user(request), loop_id=loop_id)
    except Loop.DoesNotExist:
        raise Http404 from None


class LoopPlan(APIView):
    """The loop's interview plan. PUT replaces it: listed interviews are created or changed, others removed."""

    @extend_schema(responses=s.InterviewSerializer(many=True))
    def get(self, request: Request, loop_id: int) -> Response:
        loop = _visible_loop(request, loop_id)
        return Response(s.InterviewSerializer(_loop_interviews(loop), many=True).data)

    @extend_schema(request=s.PlanWrite, responses=s.InterviewSerializer(many=True))
    def put(self, request: Request, loop_id: int) -> Response:
        loop = _visible_loop(request, loop_id, planning=True)
        if not policy.can_plan(_user(request), loop):
            raise PermissionDenied("Only the loop's recruiter can plan its interviews.")
        rows = _valid(s.PlanWrite, request)["interviews"]
        loops.loop_plan_save(
            loop=loop,
            rows=plan_rows(loop=loop, rows=rows),
            removed=interviews_removed(loop=loop, rows=rows),
            by=_user(request),
        )
        return Response(s.InterviewSerializer(_loop_interviews(loop), many=True).data)


def _loop_interviews(loop: Loop) -> QuerySet[Interview]:
    return (
        Interview.objects.filter(loop=loop)
        .select_related("exercise", "interviewer", "scorecard")
        .prefetch_related("focus_dimensions")
        .order_by("scheduled_at", "pk")
    )


class LoopDebrief(APIView):
    """The debrief summary: per-dimension figures, the panel's scores, signals, recommendations, suggestion."""

    @extend_schema(responses=s.DebriefSerializer)
    def get(self, request: Request, loop_id: int) -> Response:
        loop = _loop_for_debrief(request, loop_id)
        return Response(s.DebriefSerializer(aggregation.loop_debrief(loop=loop)).data)


def _loop_for_debrief(request: Request, loop_id: int) -> Loop:
    loop = _visible_loop(request, loop_id)
    if not policy.can_view_debrief(_user(request), loop):
        raise PermissionDenied("The debrief opens to interviewers once their own scorecard for this loop is submitted.")
    return loop


class LoopDecision(APIView):
    """The loop's decision. POST records it (the loop's hiring manager); a second decision is a 409."""

    @extend_schema(responses=s.DecisionSerializer)
    def get(self, request: Request, loop_id: int) -> Response:
        loop = _loop_for_debrief(request, loop_id)
        decision = getattr(Loop.objects.select_related("decision__by").get(pk=loop.pk), "decision", None)
        if decision is None:
            raise Http404
        return Response(s.DecisionSerializer(decision).data)

    @extend_schema(request=s.DecisionWrite, responses={201: s.DecisionSerializer})
    def post(self, request: Request, loop_id: int) -> Response:
        loop = _visible_loop(request, loop_id)
        if not policy.can_decide(_user(request), loop):
            raise PermissionDenied("Only the loop's hiring manager can record its decision.")
        data = _valid(s.DecisionWrite, request)
        decision = decisions.loop_decide(
            loop=loop,
            by=_user(request),
            outcome=data["outcome"],
            rationale=data["rationale"],
            override_reason=data["override_reason"],
        )
        return Response(s.DecisionSerializer(decision).data, 201)


class LoopSelfIdentification(APIView):
    """The loop's candidate's voluntary self-identification, write only: PUT records (or replaces) it, as the
    loop's recruiter; the answer is an empty 204, and nothing in the API ever reads it back."""

    @extend_schema(request=s.SelfIdentificationWrite, responses={204: None})
    def put(self, request: Request, loop_id: int) -> Response:
        loop = _visible_loop(request, loop_id)
        if not policy.can_record_self_identification(_user(request), loop):
            raise PermissionDenied("Only the loop's recruiter can record the candidate's self-identification.")
        data = _valid(s.SelfIdentificationWrite, request)
        self_identification.self_identification_record(loop=loop, **data, by=_user(request))
        return Response(status=204)


# Interviews --------------------------------------------------------------------------------------


class InterviewList(generics.ListAPIView[Any]):
    """Interviews you may see: your own, and those of loops you run or whose debrief you have joined."""

    serializer_class = s.InterviewSerializer

    def get_queryset(self) -> QuerySet[Interview]:
        interviews = (
            policy.interviews_visible_to(_user(self.request))
            .select_related("exercise", "interviewer", "scorecard")
            .prefetch_related("focus_dimensions")
            .order_by("scheduled_at", "pk")
        )
        loop = _loop_filter(self.request)
        return interviews if loop is None else interviews.filter(loop_id=loop)

    @extend_schema(parameters=[s.LoopQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class InterviewDetail(generics.RetrieveAPIView[Any]):
    serializer_class = s.InterviewSerializer
    lookup_url_kwarg = "interview_id"

    def get_queryset(self) -> QuerySet[Interview]:
        return (
            policy.interviews_visible_to(_user(self.request))
            .select_related("exercise", "interviewer", "scorecard")
            .prefetch_related("focus_dimensions")
        )


# Scorecards --------------------------------------------------------------------------------------


def _scorecards(user: Any) -> QuerySet[Scorecard]:
    return policy.scorecards_visible_to(user).select_related("interview__interviewer", "interview__exercise")


def _with_content(scorecards: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    return scorecards.select_related(
        "interview__interviewer", "interview__exercise", "interview__loop__rubric"
    ).prefetch_related("ratings__dimension", "observed_signals__signal", "amendments__by")


def _scorecard_with_content(scorecard_id: int) -> Scorecard:
    return _with_content(Scorecard.objects.all()).get(pk=scorecard_id)


NATIVE_OR_GREENHOUSE = PolymorphicProxySerializer(
    component_name="ScorecardAnyFormat",
    serializers=[s.ScorecardSerializer, GreenhouseScorecardSerializer],
    resource_type_field_name=None,
)


def _visible_scorecard(request: Request, scorecard_id: int) -> Scorecard:
    """A scorecard the user may read; a colleague's before one's own is in is a 403 that says why."""
    try:
        return get_object_or_404(_scorecards(_user(request)).select_related("interview__loop__rubric"), pk=scorecard_id)
    except Http404:
        reason = scorecard_selectors.scorecard_hidden_reason(user=_user(request), scorecard_id=scorecard_id)
        if reason:
            raise PermissionDenied(reason) from None
        raise


def _writable_scorecard(request: Request, scorecard_id: int) -> Scorecard:
    scorecard = _visible_scorecard(request, scorecard_id)
    if not policy.can_edit_scorecard(_user(request), scorecard):
        raise PermissionDenied("Only the interviewer who ran this interview can change its scorecard.")
    return scorecard


class ScorecardList(generics.ListAPIView[Any]):
    """Scorecards you may read (blind scoring: a colleague's only once your own for the loop is submitted).
    With ?format=greenhouse: submitted scorecards only, each as Greenhouse's scorecard object."""

    def get_queryset(self) -> QuerySet[Scorecard]:
        query = _query(s.ScorecardListQuery, self.request)
        scorecards = _scorecards(_user(self.request)).order_by("pk")
        if query.get("loop") is not None:
            scorecards = scorecards.filter(interview__loop_id=query["loop"])
        if query["format"] == "greenhouse":
            return _with_content(scorecards.filter(status=Scorecard.Status.SUBMITTED))
        return scorecards

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        if self.request.query_params.get("format") == "greenhouse":
            return GreenhouseScorecardSerializer
        return s.ScorecardSummarySerializer

    @extend_schema(
        parameters=[s.ScorecardListQuery],
        responses=PolymorphicProxySerializer(
            component_name="ScorecardListItem",
            serializers=[s.ScorecardSummarySerializer, GreenhouseScorecardSerializer],
            resource_type_field_name=None,
            many=True,
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ScorecardDetail(APIView):
    @extend_schema(parameters=[s.FormatQuery], responses=NATIVE_OR_GREENHOUSE)
    def get(self, request: Request, scorecard_id: int) -> Response:
        fmt = _query(s.FormatQuery, request)["format"]
        scorecard = _scorecard_with_content(_visible_scorecard(request, scorecard_id).pk)
        if fmt == "greenhouse":
            return Response(GreenhouseScorecardSerializer(scorecard).data)
        return Response(s.ScorecardSerializer(scorecard).data)


def _scorecard_input(data: dict[str, Any]) -> scorecards.ScorecardInput:
    return scorecards.ScorecardInput(
        ratings={
            row["dimension"]: scorecards.RatingInput(
                score=row["score"], not_assessed=row["not_assessed"], evidence=row["evidence"]
            )
            for row in data["ratings"]
        },
        signals={row["signal"]: row["note"] for row in data["signals"]},
        recommendation=data["recommendation"],
        key_takeaways=data["key_takeaways"],
    )


class ScorecardDraft(APIView):
    """Save your own scorecard as a draft. The ratings and signals sent replace the stored ones."""

    @extend_schema(request=s.ScorecardWrite, responses=s.ScorecardSerializer)
    def put(self, request: Request, scorecard_id: int) -> Response:
        scorecard = _writable_scorecard(request, scorecard_id)
        data = _valid(s.ScorecardWrite, request)
        scorecards.scorecard_save_draft(
            scorecard=scorecard, by=_user(request), revision=data["revision"], data=_scorecard_input(data)
        )
        return Response(s.ScorecardSerializer(_scorecard_with_content(scorecard.pk)).data)


class ScorecardSubmit(APIView):
    """Submit your own scorecard, under the form's rules: every focus dimension scored or not assessed,
    evidence for a score at either end of the scale, a note for every red flag, a recommendation."""

    @extend_schema(request=s.ScorecardWrite, responses=s.ScorecardSerializer)
    def post(self, request: Request, scorecard_id: int) -> Response:
        scorecard = _writable_scorecard(request, scorecard_id)
        data = _valid(s.ScorecardWrite, request)
        scorecards.scorecard_submit(
            scorecard=scorecard, by=_user(request), revision=data["revision"], data=_scorecard_input(data)
        )
        return Response(s.ScorecardSerializer(_scorecard_with_content(scorecard.pk)).data)


class ScorecardAmend(APIView):
    """Amend your own submitted scorecard, with a reason; the change is kept in its history."""

    @extend_schema(request=s.AmendWrite, responses=s.ScorecardSerializer)
    def post(self, request: Request, scorecard_id: int) -> Response:
        scorecard = _writable_scorecard(request, scorecard_id)
        data = _valid(s.AmendWrite, request)
        scorecards.scorecard_amend(
            scorecard=scorecard,
            by=_user(request),
            revision=data["revision"],
            data=_scorecard_input(data),
            reason=data["reason"],
        )
        return Response(s.ScorecardSerializer(_scorecard_with_content(scorecard.pk)).data)


# Exports -----------------------------------------------------------------------------------------


class _Export(generics.ListAPIView[Any]):
    """A page of the pipeline export, over the loops you may see; each page is recorded in the audit log."""

    kind = ""

    def get_queryset(self) -> QuerySet[Loop]:
        if not policy.can_view_pipeline(_user(self.request)):
            raise PermissionDenied("The pipeline is for recruiters and hiring managers.")
        _query(s.ExportQuery, self.request)
        form = PipelineFilterForm(
            self.request.query_params, roles=pipeline.pipeline_roles(), hiring_managers=loop_selectors.hiring_managers()
        )
        if not form.is_valid():
            fields = {key: list(errors) for key, errors in form.errors.items()}
            codes = {error.code for errors in form.errors.as_data().values() for error in errors}
            if codes <= {"invalid_choice", None}:  # well-formed, but no such role or manager, or until < since
                raise ValidationError(fields)
            raise serializers.ValidationError({key: [str(m) for m in messages] for key, messages in fields.items()})
        self.filters = form.to_filter()
        return pipeline.pipeline_loops(user=_user(self.request), filters=self.filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        record = exports.export_start(
            by=_user(request), kind=self.kind, fmt="json", filters=self.filters.as_dict(), source="api"
        )
        rows = self.rows([loop.pk for loop in page])
        exports.export_finish(record=record, rows=len(rows))
        return self.get_paginated_response(rows)

    def rows(self, ids: Sequence[int]) -> Sequence[dict[str, Any]]:
        raise NotImplementedError


class LoopSummaryExport(_Export):
    """One row per loop, as in the loop-summary CSV."""

    serializer_class = s.LoopSummaryRowSerializer
    kind = "summary"

    @extend_schema(parameters=[s.ExportQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def rows(self, ids: Sequence[int]) -> Sequence[dict[str, Any]]:
        columns = pipeline.dimension_columns(self.filters.role) if self.filters.role else []
        loops = pipeline.pipeline_loops(user=_user(self.request), filters=self.filters).filter(pk__in=ids)
        return list(api_exports.summary_objects(loops, columns))


class RatingsExport(_Export):
    """The submitted ratings of a page of loops, one row per rating, as in the ratings CSV."""

    serializer_class = s.RatingRowSerializer
    kind = "ratings"

    @extend_schema(parameters=[s.ExportQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def rows(self, ids: Sequence[int]) -> Sequence[dict[str, Any]]:
        return list(api_exports.rating_objects(Loop.objects.filter(pk__in=ids)))


# Hiring outcomes ---------------------------------------------------------------------------------


class Outcomes(APIView):
    """Record hires' later outcomes, all or none (recruiters and staff, for the loops they run). A refused input is a
    422 naming each problem by its place in the list (`outcomes[0].rating`; "Row 1" in the message is the first)."""

    @extend_schema(request=s.OutcomesWrite, responses={201: s.OutcomeSerializer(many=True)})
    def post(self, request: Request) -> Response:
        if not policy.can_record_outcomes(_user(request)):
            raise PermissionDenied("Hiring outcomes are recorded by recruiters and staff.")
        data = _valid(s.OutcomesWrite, request)
        items = [
            outcomes.OutcomeInput(
                row=position,
                loop_id=item.get("loop_id"),
                candidate_id=item.get("candidate_id"),
                date=item["date"],
                rating=Decimal(repr(item["rating"])),  # the number as sent (a float's shortest form)
                scale_min=Decimal(repr(item["scale_min"])),
                scale_max=Decimal(repr(item["scale_max"])),
                still_employed=item["still_employed"],
            )
            for position, item in enumerate(data["outcomes"], start=1)
        ]
        created = outcomes.outcomes_record(outcomes=items, by=_user(request))
        return Response(s.OutcomeSerializer(created, many=True).data, 201)
