from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from api import health, views
from api.docs import ApiDocs

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", ApiDocs.as_view(url_name="api:schema"), name="docs"),
    path("roles/", views.RoleList.as_view(), name="roles"),
    path("roles/<slug:slug>/", views.RoleDetail.as_view(), name="role"),
    path("roles/<slug:slug>/rubrics/<int:number>/", views.RubricDetail.as_view(), name="rubric"),
    path("loops/", views.LoopList.as_view(), name="loops"),
    path("loops/<int:loop_id>/", views.LoopDetail.as_view(), name="loop"),
    path("loops/<int:loop_id>/plan/", views.LoopPlan.as_view(), name="loop_plan"),
    path("loops/<int:loop_id>/debrief/", views.LoopDebrief.as_view(), name="loop_debrief"),
    path("loops/<int:loop_id>/decision/", views.LoopDecision.as_view(), name="loop_decision"),
    path("interviews/", views.InterviewList.as_view(), name="interviews"),
    path("interviews/<int:interview_id>/", views.InterviewDetail.as_view(), name="interview"),
    path("scorecards/", views.ScorecardList.as_view(), name="scorecards"),
    path("scorecards/<int:scorecard_id>/", views.ScorecardDetail.as_view(), name="scorecard"),
    path("scorecards/<int:scorecard_id>/draft/", views.ScorecardDraft.as_view(), name="scorecard_draft"),
    path("scorecards/<int:scorecard_id>/submit/", views.ScorecardSubmit.as_view(), name="scorecard_submit"),
    path("scorecards/<int:scorecard_id>/amend/", views.ScorecardAmend.as_view(), name="scorecard_amend"),
    path("exports/loop-summary/", views.LoopSummaryExport.as_view(), name="export_summary"),
    path("exports/ratings/", views.RatingsExport.as_view(), name="export_ratings"),
    path("outcomes/", views.Outcomes.as_view(), name="outcomes"),
    path("hiring-health/", health.HiringHealth.as_view(), name="hiring_health"),
]
