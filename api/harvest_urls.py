"""/harvest/v1/: Greenhouse Harvest's read paths for scorecards, candidates and applications (api.harvest)."""

from __future__ import annotations

from django.urls import path

from api import harvest

app_name = "harvest"

urlpatterns = [
    path("scorecards", harvest.ScorecardList.as_view(), name="scorecards"),
    path("scorecards/<int:scorecard_id>", harvest.ScorecardDetail.as_view(), name="scorecard"),
    path("applications", harvest.ApplicationList.as_view(), name="applications"),
    path("applications/<int:application_id>", harvest.ApplicationDetail.as_view(), name="application"),
    path(
        "applications/<int:application_id>/scorecards",
        harvest.ApplicationScorecards.as_view(),
        name="application_scorecards",
    ),
    path("candidates", harvest.CandidateList.as_view(), name="candidates"),
    path("candidates/<int:candidate_id>", harvest.CandidateDetail.as_view(), name="candidate"),
]
