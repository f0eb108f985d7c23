from __future__ import annotations

from django.urls import path

from hiring.views import (
    audit,
    calibration,
    debrief,
    health,
    home,
    invites,
    legal_holds,
    loops,
    outcomes,
    pipeline,
    scorecards,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("calibration/", calibration.calibration_page, name="calibration"),
    path("outcomes/import/", outcomes.outcomes_import, name="outcomes_import"),
    path("legal-holds/", legal_holds.holds, name="legal_holds"),
    path("legal-holds/<int:hold_id>/release/", legal_holds.hold_end, name="legal_hold_release"),
    path("hiring-health/", health.hiring_health_page, name="hiring_health"),
    path("hiring-health/export/", health.hiring_health_export, name="hiring_health_export"),
    path("loops/", pipeline.loop_pipeline, name="loop_pipeline"),
    path("loops/export/", pipeline.loop_export, name="loop_export"),
    path("loops/new/", loops.loop_new, name="loop_new"),
    path("loops/<int:loop_id>/summary/", debrief.loop_summary, name="loop_summary"),
    path("loops/<int:loop_id>/", loops.loop_detail, name="loop_detail"),
    path("loops/<int:loop_id>/plan/", loops.loop_plan, name="loop_plan"),
    path("loops/<int:loop_id>/debrief/", debrief.loop_debrief, name="loop_debrief"),
    path("interviews/open/", home.my_interviews, name="my_interviews"),
    path("interviews/<int:interview_id>/invite.ics", invites.invite, name="interview_invite"),
    path("scorecards/submitted/", home.my_scorecards, name="my_scorecards"),
    path("scorecards/next/", home.scorecard_next, name="scorecard_next"),
    path("scorecards/<int:scorecard_id>/", scorecards.scorecard, name="scorecard"),
    path("scorecards/<int:scorecard_id>/autosave/", scorecards.scorecard_autosave, name="scorecard_autosave"),
    path("scorecards/<int:scorecard_id>/amend/", scorecards.scorecard_amend, name="scorecard_amend"),
    path("scorecards/<int:scorecard_id>/remind/", home.remind, name="scorecard_remind"),
]
