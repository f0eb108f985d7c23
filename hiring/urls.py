from __future__ import annotations

from django.urls import path

from hiring import views, views_audit, views_calibration, views_pipeline

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("calibration/", views_calibration.calibration_page, name="calibration"),
    path("loops/", views_pipeline.loop_pipeline, name="loop_pipeline"),
    path("loops/export/", views_pipeline.loop_export, name="loop_export"),
    path("loops/new/", views.loop_new, name="loop_new"),
    path("loops/<int:loop_id>/summary/", views_pipeline.loop_summary, name="loop_summary"),
    path("loops/<int:loop_id>/", views.loop_detail, name="loop_detail"),
    path("loops/<int:loop_id>/plan/", views.loop_plan, name="loop_plan"),
    path("loops/<int:loop_id>/debrief/", views.loop_debrief, name="loop_debrief"),
    path("scorecards/submitted/", views.my_scorecards, name="my_scorecards"),
    path("scorecards/<int:scorecard_id>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:scorecard_id>/autosave/", views.scorecard_autosave, name="scorecard_autosave"),
    path("scorecards/<int:scorecard_id>/amend/", views.scorecard_amend, name="scorecard_amend"),
]
