from __future__ import annotations

from django.urls import path

from roles import views

app_name = "roles"
urlpatterns = [
    path("", views.role_list, name="list"),
    path("import/", views.role_import, name="import"),
    path("import/preview/", views.role_import_preview, name="import_preview"),
    path("import/publish/", views.role_import_publish, name="import_publish"),
    path("import/edit/", views.role_import_edit, name="import_edit"),
    path("drafts/new/", views.role_new, name="new"),
    path("drafts/<int:draft_id>/", views.role_draft, name="draft"),
    path("drafts/<int:draft_id>/autosave/", views.role_draft_autosave, name="draft_autosave"),
    path("drafts/<int:draft_id>/preview/", views.role_draft_preview, name="draft_preview"),
    path("drafts/<int:draft_id>/discard/", views.role_draft_discard, name="draft_discard"),
    path("<slug:slug>/", views.role_kit, name="kit"),
    path("<slug:slug>/draft/", views.role_draft_from_version, name="draft_from_version"),
    path("<slug:slug>/fixture/", views.role_fixture, name="fixture"),
]
