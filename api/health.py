"""Hiring health in the API: the figures of the /hiring-health/ page, from the same selector and form.

Durations are hours (scorecard latency) and days (time to decision) as numbers, shares 0–1; a figure
with nothing to compute it from is null. Interviewers come a page of 50 at a time (`page`). Days are
the caller's: the profile's time zone, else the browser's (a session), else the site's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.timezones import request_zone
from hiring import policy
from hiring.forms import HealthFilterForm
from hiring.selectors import health, pipeline
from hiring.selectors.loops import hiring_managers

# Form errors that are about the app's data or rules (no such role or manager, an end before the start, a
# date outside the years interviews can take place in, too long a period) rather than a malformed value.
RULE_CODES = {"invalid_choice", "date_range", None}


class HealthQuery(serializers.Serializer[Any]):
    """The page's filters; their shape is checked here, their meaning by the page's form."""

    since = serializers.DateField(required=False, help_text="First day (YYYY-MM-DD, your time zone).")
    until = serializers.DateField(required=False, help_text="Last day; at most 366 days after `since`.")
    role = serializers.CharField(required=False, help_text="A role's slug.")
    hiring_manager = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    sort = serializers.ChoiceField(choices=list(health.INTERVIEWER_SORTS), required=False)
    page = serializers.IntegerField(required=False, min_value=1, help_text="The page of interviewers (50 a page).")


class LatencySerializer(serializers.Serializer[Any]):
    submitted = serializers.IntegerField()
    median_hours = serializers.FloatField(source="spread.hours.median", allow_null=True)
    p75_hours = serializers.FloatField(source="spread.hours.p75", allow_null=True)
    p90_hours = serializers.FloatField(source="spread.hours.p90", allow_null=True)
    within_due = serializers.IntegerField()
    within_due_share = serializers.FloatField(allow_null=True)
    missing = serializers.IntegerField(help_text="Still drafts past their due time.")


class WeekSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(help_text="Its Monday.")
    latency = LatencySerializer()


class InterviewerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="user_id")
    username = serializers.CharField()
    name = serializers.CharField()
    latency = LatencySerializer()


class DaysSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    median_days = serializers.FloatField(source="days.median", allow_null=True)
    p75_days = serializers.FloatField(source="days.p75", allow_null=True)
    p90_days = serializers.FloatField(source="days.p90", allow_null=True)


class DecisionTimesSerializer(serializers.Serializer[Any]):
    decided = serializers.IntegerField()
    from_last_scorecard = DaysSerializer()
    from_creation = DaysSerializer()


class StageSerializer(serializers.Serializer[Any]):
    stage = serializers.CharField(source="key")
    count = serializers.IntegerField()
    share_of_created = serializers.FloatField(source="of_created", allow_null=True)
    share_of_previous = serializers.FloatField(
        source="of_previous", allow_null=True, help_text="Of the stage before (outcomes: of the decided)."
    )


class FunnelSerializer(serializers.Serializer[Any]):
    stages = StageSerializer(many=True)
    outcomes = StageSerializer(many=True)


class StalledLoopSerializer(serializers.Serializer[Any]):
    loop = serializers.IntegerField(source="loop.pk")
    candidate = serializers.CharField(source="loop.candidate.name")
    role = serializers.CharField(source="loop.rubric.title")
    since = serializers.DateTimeField(allow_null=True, help_text="The last interview, or the current decision.")
    missing = serializers.IntegerField()


class StalledSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    loops = StalledLoopSerializer(many=True, source="items", help_text="The first 50.")


class HealthSerializer(serializers.Serializer[Any]):
    period = serializers.DictField(source="filters.as_dict")
    due_hours = serializers.IntegerField()
    latency = LatencySerializer()
    weeks = WeekSerializer(many=True)
    interviewers = InterviewerSerializer(many=True, source="interviewer_page.object_list")
    interviewer_count = serializers.IntegerField(source="interviewer_page.paginator.count")
    interviewer_pages = serializers.IntegerField(source="interviewer_page.paginator.num_pages")
    decisions = DecisionTimesSerializer()
    funnel = FunnelSerializer()
    waiting = StalledSerializer(help_text="Undecided, past every interview's due time, scorecards missing.")
    changed = StalledSerializer(help_text="Decided, changed since.")


class HiringHealth(APIView):
    """Scorecard latency, time to decision, the funnel and stalled loops, over the loops you run."""

    @extend_schema(parameters=[HealthQuery], responses=HealthSerializer)
    def get(self, request: Request) -> Response:
        if not policy.can_view_hiring_health(request.user):
            raise PermissionDenied("Hiring health is for recruiters and hiring managers.")
        query = HealthQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        # A token is read after the middleware chose the zone: the days are the token owner's, as on the page.
        with timezone.override(request_zone(request)):
            return Response(self._figures(request, page=query.validated_data.get("page", 1)))

    def _figures(self, request: Request, *, page: int) -> Any:
        form = HealthFilterForm(
            request.query_params,
            roles=pipeline.pipeline_roles(),
            hiring_managers=hiring_managers(),
            today=timezone.localdate(),
        )
        if not form.is_valid():
            fields = {key: [str(message) for message in errors] for key, errors in form.errors.items()}
            codes = {error.code for errors in form.errors.as_data().values() for error in errors}
            raise DjangoValidationError(fields) if codes <= RULE_CODES else serializers.ValidationError(fields)
        return HealthSerializer(health.hiring_health(user=request.user, filters=form.to_filter(), page=page)).data
